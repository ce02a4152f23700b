"""Dataset actions: package_show/list/search/autocomplete and package_create/update/patch/delete."""

from catalog.api import packages
from catalog.api.permissions import can_read, check_dataset_write, check_read
from catalog.api.registry import action, as_int, as_list, as_text, required
from catalog.errors import NotFound, ValidationError

SEARCH_PARAMS = ("q", "fq", "sort", "rows", "start", "facet.field", "facet.limit", "facet.mincount")
DEFAULT_SORT = "score desc, metadata_modified desc"


def organizations_by_name(catalog) -> dict[str, dict]:
    """Every active organization record, keyed by name."""
    return {o["name"]: o for o in catalog.list_organizations()}


def load_dataset(ctx, key: str) -> tuple[dict, dict]:
    """The dataset ``key`` (id or name) and its organization, if the caller may see it."""
    with ctx.catalog.store.reading() as tx:  # one query: this is the API's hottest path
        found = tx.dataset_with_organization(key)
    if found is None:
        raise NotFound(f"Dataset not found: {key}")
    record, organization = found
    check_read(ctx.user, record, organization["id"], key)
    return record, organization


def visible_records(ctx, orgs: dict[str, dict]):
    """Active datasets the caller may see, with their organizations, by name."""
    with ctx.catalog.store.reading() as tx:
        records = list(tx.iter_datasets())
    for record in sorted(records, key=lambda r: r["name"]):
        organization = orgs.get(record["owner_org"])
        if organization and can_read(ctx.user, record, organization["id"]):
            yield record, organization


def owner_for_write(ctx, params: dict, what: str, fallback: str | None = None) -> dict:
    """The organization a written dataset will belong to (given by id or name), after the permission check."""
    if ctx.user is None:
        check_dataset_write(None, "", what)
    key = (as_text(params, "owner_org") if isinstance(params.get("owner_org"), str) else None) or fallback
    if not key or not isinstance(key, str):
        raise ValidationError({"owner_org": ["Missing value"]})
    try:
        organization = ctx.catalog.get_organization(key)
    except NotFound:
        raise ValidationError({"owner_org": ["Organization does not exist"]}) from None
    check_dataset_write(ctx.user, organization["id"], what)
    return organization


@action("package_show", read_only=True, result="Package")
def package_show(ctx, params):
    """Return the metadata of a dataset and its resources.

    :param id: the id or name of the dataset
    :type id: string
    """
    record, organization = load_dataset(ctx, as_text(params, "id") or required(params, "id"))
    return packages.package_dict(record, organization)


@action("package_list", read_only=True, result="NameList")
def package_list(ctx, params):
    """Return the names of the site's public active datasets, sorted by name.

    :param limit: how many names to return (optional)
    :type limit: integer
    :param offset: how many names to skip, for paging (optional)
    :type offset: integer
    """
    limit, offset = as_int(params, "limit", None), as_int(params, "offset", 0)
    orgs = organizations_by_name(ctx.catalog)
    with ctx.catalog.store.reading() as tx:
        names = sorted(r["name"] for r in tx.iter_datasets() if not r.get("private") and r["owner_org"] in orgs)
    return names[offset:offset + limit if limit is not None else None]


@action("current_package_list_with_resources", read_only=True, result="PackageList")
def current_package_list_with_resources(ctx, params):
    """Return the datasets with their resources, most recently modified first.

    :param limit: how many datasets to return (optional)
    :type limit: integer
    :param offset: how many datasets to skip, for paging (optional)
    :type offset: integer
    """
    limit, offset = as_int(params, "limit", None), as_int(params, "offset", 0)
    orgs = organizations_by_name(ctx.catalog)
    found = sorted(visible_records(ctx, orgs), key=lambda pair: pair[0]["metadata_modified"], reverse=True)
    page = found[offset:offset + limit if limit is not None else None]
    return [packages.package_dict(record, organization) for record, organization in page]


@action("package_autocomplete", read_only=True, result="AutocompleteList")
def package_autocomplete(ctx, params):
    """Return datasets whose name or title contains the given text (for autocompletion).

    :param q: the text to look for
    :type q: string
    :param limit: the most results to return (optional, default 10)
    :type limit: integer
    """
    text = as_text(params, "q").strip().lower()
    limit = as_int(params, "limit", 10, minimum=1, maximum=1000)
    result = []
    for record, _ in visible_records(ctx, organizations_by_name(ctx.catalog)):
        field = "name" if text in record["name"].lower() else "title" if text in record["title"].lower() else None
        if text and field:
            result.append({"name": record["name"], "title": record["title"], "match_field": field,
                           "match_displayed": record[field]})
    return result[:limit]


def _search_params(params: dict) -> dict:
    search = {key: params[key] for key in SEARCH_PARAMS if params.get(key) not in (None, "")}
    search["rows"] = as_int(params, "rows", 10, maximum=1000)
    search["start"] = as_int(params, "start", 0)
    fields = as_list(params, "facet.field")
    if fields:
        search["facet.field"] = [str(f) for f in fields]
    return search


def _facets(found: dict, orgs: dict[str, dict]) -> tuple[dict, dict]:
    facets, search_facets = {}, {}
    for field, pairs in found.get("facets", {}).items():
        facets[field] = {value: count for value, count in pairs}
        items = []
        for value, count in pairs:
            display = orgs[value]["title"] if field == "organization" and value in orgs else value
            items.append({"name": value, "display_name": display, "count": count})
        search_facets[field] = {"title": field, "items": items}
    return facets, search_facets


@action("package_search", read_only=True, result="SearchResult")
def package_search(ctx, params):
    """Search the public datasets: free text, filters, sort, paging and facet counts.

    :param q: the text to search for, e.g. ``penduduk`` (optional; empty finds every dataset)
    :type q: string
    :param fq: filters as ``field:value`` terms, e.g. ``organization:dinkes tags:kesehatan`` (optional)
    :type fq: string
    :param sort: e.g. ``score desc, metadata_modified desc`` (the default) or ``title_string asc`` (optional)
    :type sort: string
    :param rows: how many datasets to return, 0 to 1000 (optional, default 10)
    :type rows: integer
    :param start: how many results to skip, for paging (optional, default 0)
    :type start: integer
    :param facet.field: fields to count values of, as a JSON list, e.g. ``["organization", "tags"]`` (optional)
    :type facet.field: list
    :param facet.limit: the most values per facet (optional, default 50)
    :type facet.limit: integer
    """
    search = _search_params(params)
    found = ctx.catalog.search_datasets(search)
    orgs = organizations_by_name(ctx.catalog)
    results = [
        packages.package_dict(record, orgs.get(record["owner_org"]))
        for record in found["results"]
        if record["owner_org"] in orgs and can_read(ctx.user, record, orgs[record["owner_org"]]["id"])
    ]
    facets, search_facets = _facets(found, orgs)
    return {"count": found["count"], "sort": search.get("sort", DEFAULT_SORT), "facets": facets,
            "results": results, "search_facets": search_facets}


@action("package_create", result="Package")
def package_create(ctx, params):
    """Create a dataset; returns it as package_show does. Needs the editor or admin role in its organization.

    :param name: the dataset's URL name: lowercase letters, digits, ``-`` and ``_``
    :type name: string
    :param title: the dataset's title
    :type title: string
    :param owner_org: the id or name of the organization that owns the dataset
    :type owner_org: string
    :param notes: a description in Markdown (optional)
    :type notes: string
    :param private: whether only the organization's members see it (optional, default false)
    :type private: boolean
    :param tags: keywords as ``[{"name": "..."}]`` or strings (optional)
    :type tags: list
    :param resources: the dataset's files and links (optional)
    :type resources: list
    :param extras: further fields as ``[{"key": "...", "value": "..."}]`` (optional)
    :type extras: list
    """
    organization = owner_for_write(ctx, params, "create datasets")
    record = ctx.catalog.create_dataset(packages.record_from_package(params, organization["name"]), ctx.user.actor)
    return packages.package_dict(record, organization)


def _writable(ctx, params: dict, what: str) -> tuple[dict, dict]:
    key = as_text(params, "id") or as_text(params, "name") or required(params, "id")
    record = ctx.catalog.get_dataset(key)
    organization = ctx.catalog.get_organization(record["owner_org"])
    check_read(ctx.user, record, organization["id"], key)  # nobody changes what they may not see
    check_dataset_write(ctx.user, organization["id"], what)
    return record, organization


@action("package_update", result="Package")
def package_update(ctx, params):
    """Replace a dataset's metadata with the given fields (fields left out are removed).

    :param id: the id or name of the dataset
    :type id: string
    :param name: the dataset's URL name
    :type name: string
    :param title: the dataset's title
    :type title: string
    :param owner_org: the id or name of the owning organization (optional; moving needs rights in both)
    :type owner_org: string
    """
    record, organization = _writable(ctx, params, "update datasets")
    target = owner_for_write(ctx, params, "update datasets", fallback=organization["name"])
    data = packages.record_from_package(params, target["name"])
    updated = ctx.catalog.update_dataset(record["id"], data, ctx.user.actor)
    return packages.package_dict(updated, target)


@action("package_patch", result="Package")
def package_patch(ctx, params):
    """Change only the given fields of a dataset; the others keep their values.

    :param id: the id or name of the dataset
    :type id: string
    """
    record, organization = _writable(ctx, params, "update datasets")
    target = organization
    if params.get("owner_org"):
        target = owner_for_write(ctx, params, "update datasets")
    changes = packages.record_from_package(params, target["name"])
    updated = ctx.catalog.patch_dataset(record["id"], changes, ctx.user.actor)
    return packages.package_dict(updated, target)


@action("package_delete", result="Null")
def package_delete(ctx, params):
    """Delete a dataset: it leaves search and listings, but its record and history are kept (CKAN's ``deleted``).

    :param id: the id or name of the dataset
    :type id: string
    """
    record, _ = _writable(ctx, params, "delete datasets")
    ctx.catalog.withdraw_dataset(record["id"], ctx.user.actor)
    return None
