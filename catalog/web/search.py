"""The home page and the dataset search at ``/dataset`` with CKAN's URL parameters.

URL parameters: ``q``, one or more of each facet field (``organization``, ``groups``, ``tags``,
``res_format``, ``license_id``, ``region``, ``theme``, ``frequency``), ``sort`` and ``page``.
They become CKAN ``package_search`` parameters for ``Catalog.search_datasets``; filter values
are quoted there, so visitor text never reaches the query syntax raw. A request may choose at most
``MAX_FILTERS`` filter values, and the page stays linear in the size of its URL: the chips that
remove one filter are buttons of one form that carries the URL's parameters once, not links that
each repeat them.
"""

import json

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalog.errors import BadRequest, SearchQueryError, SearchUnavailable
from catalog.web import bp, catalog, i18n, text

ROWS = 20
MAX_PAGE = 100_000 // ROWS
FACETS = {
    "organization": _l("Produsen Data"),
    "groups": _l("Grup"),
    "tags": _l("Kata kunci"),
    "res_format": _l("Format"),
    "license_id": _l("Lisensi"),
    "region": _l("Cakupan Wilayah"),
    "theme": _l("Tema"),
    "frequency": _l("Frekuensi"),
}
SORTS = {
    "score desc, metadata_modified desc": _l("Paling relevan"),
    "modified desc": _l("Terakhir diperbarui oleh produsen data"),
    "metadata_modified desc": _l("Terakhir berubah di katalog"),
    "title_string asc": _l("Judul A–Z"),
    "title_string desc": _l("Judul Z–A"),
}
DEFAULT_SORT = next(iter(SORTS))
RECENT = "modified desc"  # the publisher's modified date, else the catalog's record time: the order without words
FACET_LIMIT = 10
MAX_FILTERS = 20
REMOVE = "remove"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def selected_filters(args) -> list[tuple[str, str]]:
    """The (facet field, value) pairs chosen in the URL, in facet order, without empty values or repeats.

    More than ``MAX_FILTERS`` of them is a BadRequest: each adds a clause to the query and a chip to the page.
    """
    found = []
    for field in FACETS:
        for value in dict.fromkeys(args.getlist(field)):
            if value.strip():
                found.append((field, value))
    if len(found) > MAX_FILTERS:
        raise BadRequest(_("Terlalu banyak filter: paling banyak %(limit)s dalam satu pencarian.", limit=MAX_FILTERS))
    return found


def page_number(args) -> int:
    """The ``page`` parameter as a page between 1 and the last one the engine can reach."""
    try:
        return min(max(int(args.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def ckan_params(args, *, rows: int = ROWS) -> dict:
    """CKAN ``package_search`` parameters for the page's URL parameters."""
    sort = args.get("sort") if args.get("sort") in SORTS else DEFAULT_SORT
    q = args.get("q", "").strip()
    if not q and sort == DEFAULT_SORT:
        sort = RECENT
    params = {
        "q": q,
        "sort": sort,
        "rows": rows,
        "start": (page_number(args) - 1) * rows,
        "facet.field": json.dumps(list(FACETS)),
        "facet.limit": FACET_LIMIT,
    }
    clauses = [f"{field}:{_quoted(value)}" for field, value in selected_filters(args)]
    if clauses:
        params["fq"] = " AND ".join(clauses)
    return params


def value_label(field: str, value: str, organizations: dict, language: str) -> str:
    """What to show for a facet value: an agency's title, a region's or vocabulary's name, or the value."""
    if field == "organization" and value in organizations:
        return text.localized(organizations[value], "title", language)
    if field == "region":
        return text.region_label(value)
    if field in {"theme", "frequency"}:
        return text.vocabulary_label(field, value, language)
    return value


def _url_with(args, *, add=None, remove=None, page=None, endpoint="web.search", **view_args) -> str:
    """The URL of ``endpoint`` for ``args`` with one filter added or removed and the page reset."""
    params = {key: args.getlist(key) for key in args if key != "page"}
    if add:
        params.setdefault(add[0], [])
        params[add[0]] = [*params[add[0]], add[1]]
    if remove:
        params[remove[0]] = [v for v in params.get(remove[0], []) if v != remove[1]]
    if page and page > 1:
        params["page"] = [str(page)]
    return url_for(endpoint, **view_args, **{k: v for k, v in params.items() if v})


def facet_groups(facets: dict, args, organizations: dict, language: str) -> list[dict]:
    """The sidebar: per facet field, its values with counts and a link that adds or removes each."""
    chosen = set(selected_filters(args))
    groups = []
    for field, title in FACETS.items():
        items = []
        for value, count in facets.get(field, []):
            selected = (field, value) in chosen
            items.append({
                "label": value_label(field, value, organizations, language),
                "count": count,
                "selected": selected,
                "url": _url_with(args, remove=(field, value)) if selected else _url_with(args, add=(field, value)),
            })
        if items:
            groups.append({"field": field, "title": title, "items": items})
    return groups


def chips(args, organizations: dict, language: str) -> list[dict]:
    """The chosen filters as chips; each is a button whose ``remove`` value (``field:value``) names its filter."""
    return [
        {"title": FACETS[field], "label": value_label(field, value, organizations, language),
         "remove": f"{field}:{value}"}
        for field, value in selected_filters(args)
    ]


def kept_parameters(args) -> list[tuple[str, str]]:
    """Every (name, value) of the URL that the chips' form carries over, each once: all but ``page`` and ``remove``."""
    return [(key, value) for key in args if key not in {"page", REMOVE} for value in args.getlist(key)]


def without_removed(args) -> str:
    """The search URL for ``args`` without the filters its ``remove`` values name (and without ``page``)."""
    gone = {tuple(item.split(":", 1)) for item in args.getlist(REMOVE) if ":" in item}
    params = {}
    for key, value in kept_parameters(args):
        if (key, value) not in gone:
            params.setdefault(key, []).append(value)
    return url_for("web.search", **params)


def pagination(args, count: int, **link) -> dict:
    """Previous, next and nearby page links for ``count`` results (``link``: endpoint and view args)."""
    current = page_number(args)
    last = max(1, min(MAX_PAGE, -(-count // ROWS)))
    near = range(max(1, current - 2), min(last, current + 2) + 1)
    return {
        "current": current,
        "last": last,
        "previous": _url_with(args, page=current - 1, **link) if current > 1 else None,
        "next": _url_with(args, page=current + 1, **link) if current < last else None,
        "pages": [{"number": n, "url": _url_with(args, page=n, **link)} for n in near],
    }


def organizations_by_name() -> dict:
    """Active organizations keyed by name."""
    return {o["name"]: o for o in catalog().list_organizations()}


@bp.get("/dataset")
def search():
    """Search datasets: results with highlighted snippets, facets, chips and pages."""
    if REMOVE in request.args:
        return redirect(without_removed(request.args), code=303)
    language = i18n.current_language()
    organizations = organizations_by_name()
    status, error, found = 200, None, {"count": 0, "results": [], "facets": {}}
    params = ckan_params(request.args)
    try:
        found = catalog().search_datasets(params)
    except SearchQueryError as problem:
        status, error = 400, problem.message
    except SearchUnavailable as problem:
        status, error = 503, problem.message
    words = text.query_words(request.args.get("q", ""))
    results = [
        {
            "record": record,
            "title": text.highlight(text.localized(record, "title", language), words),
            "snippet": text.snippet(text.localized(record, "notes", language), words),
            "organization": organizations.get(record.get("owner_org")),
        }
        for record in found["results"]
    ]
    page = render_template(
        "search.html", q=request.args.get("q", ""), count=found["count"], results=results, error=error,
        facets=facet_groups(found["facets"], request.args, organizations, language),
        chips=chips(request.args, organizations, language), pagination=pagination(request.args, found["count"]),
        sorts=SORTS, sort=params["sort"],
        hidden=selected_filters(request.args), kept=kept_parameters(request.args),
    )
    return page, status


@bp.get("/")
def home():
    """The front page: a search box, counts, agencies, themes and the latest datasets."""
    language = i18n.current_language()
    organizations = organizations_by_name()
    search_down = False
    try:
        found = catalog().search_datasets({
            "q": "", "rows": 6, "sort": RECENT,
            "facet.field": json.dumps(["organization", "theme"]), "facet.limit": 50,
        })
    except SearchUnavailable as problem:
        current_app.logger.warning("home page shown without search: %s", problem.message)
        counted = catalog().published_counts()
        found = {"count": sum(counted.values()), "results": [], "facets": {"organization": list(counted.items())}}
        search_down = True
    per_agency = dict(found["facets"].get("organization", []))
    agencies = sorted(organizations.values(), key=lambda o: -per_agency.get(o["name"], 0))
    themes = [
        {"code": code, "label": text.vocabulary_label("theme", code, language), "count": count}
        for code, count in found["facets"].get("theme", [])
    ]
    return render_template(
        "home.html", count=found["count"], latest=found["results"], agencies=agencies[:12],
        per_agency=per_agency, themes=themes, organization_count=len(organizations), search_down=search_down,
    )
