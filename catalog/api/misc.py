"""Site-wide actions: status_show, help_show, license_list, tag_list, format_autocomplete."""

from catalog import __version__, links
from catalog.api.datasets import organizations_by_name, visible_records
from catalog.api.licenses import LICENSES
from catalog.api.registry import ACTIONS, action, as_int, as_text, required
from catalog.errors import NotFound

CKAN_VERSION = "2.10.0"


@action("status_show", read_only=True, result="Status")
def status_show(ctx, params):
    """Return the site's name, version and settings that clients check (CKAN's ``ckan_version`` included)."""
    config = ctx.catalog.config
    return {
        "site_title": config["SITE_TITLE"], "site_url": links.base_url(config), "site_description": "",
        "ckan_version": CKAN_VERSION, "catalog_version": __version__, "error_emails_to": None,
        "locale_default": config["DEFAULT_LANGUAGE"], "extensions": ["scheming_datasets", "dcat"],
    }


@action("help_show", read_only=True, result="Text")
def help_show(ctx, params):
    """Return an action's documentation.

    :param name: the action's name, e.g. ``package_search``
    :type name: string
    """
    name = as_text(params, "name") or required(params, "name")
    if name not in ACTIONS:
        raise NotFound(f"Action function not found: {name}")
    return ACTIONS[name].doc


@action("license_list", read_only=True, result="LicenseList")
def license_list(ctx, params):
    """Return the licences datasets may use."""
    return list(LICENSES.values())


def _values(ctx, pick):
    counts: dict[str, int] = {}
    for record, _ in visible_records(ctx, organizations_by_name(ctx.catalog)):
        for value in set(pick(record)):
            counts[value] = counts.get(value, 0) + 1
    return counts


@action("tag_list", read_only=True, result="NameList")
def tag_list(ctx, params):
    """Return the tags of the visible datasets, sorted.

    :param query: only tags that contain this text (optional)
    :type query: string
    """
    text = as_text(params, "query").lower()
    tags = _values(ctx, lambda r: [t["name"] for t in r.get("tags", [])])
    return sorted(t for t in tags if text in t.lower())


@action("format_autocomplete", read_only=True, result="NameList")
def format_autocomplete(ctx, params):
    """Return resource formats in use that contain the given text, most used first.

    :param q: the text to look for, e.g. ``cs``
    :type q: string
    :param limit: the most formats to return (optional, default 5)
    :type limit: integer
    """
    text = as_text(params, "q").strip().lower()
    limit = as_int(params, "limit", 5, minimum=1, maximum=1000)
    formats = _values(ctx, lambda r: [res["format"].lower() for res in r.get("resources", []) if res.get("format")])
    found = sorted((f for f in formats if text and text in f), key=lambda f: (-formats[f], f))
    return found[:limit]
