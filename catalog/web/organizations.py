"""The list of agencies and each agency's page with its datasets."""

from flask import render_template, request, url_for

from catalog.errors import NotFound
from catalog.web import bp, catalog, i18n, search, text


@bp.get("/organization")
def organizations():
    """Every active agency with how many datasets it publishes; ``q`` keeps those whose name or title holds its words.

    Counts come from the store, so the list works while search is down.
    """
    q = request.args.get("q", "").strip()[:200]
    counts = catalog().published_counts()
    language = i18n.current_language()
    agencies = sorted(catalog().find_organizations(q), key=lambda o: text.localized(o, "title", language).lower())
    return render_template("organizations.html", agencies=agencies, counts=counts, q=q)


@bp.get("/organization/<name>")
def organization(name: str):
    """One agency: its description, contact, and its datasets (paged, newest first)."""
    language = i18n.current_language()
    agency = catalog().get_organization(name)
    if agency.get("state") != "active":
        raise NotFound(f"Organization not found: {name}")
    args = request.args.copy()
    args.setlist("organization", [agency["name"]])
    args["sort"] = search.RECENT
    found = catalog().search_datasets(search.ckan_params(args))
    return render_template(
        "organization.html", agency=agency, count=found["count"], datasets=found["results"],
        title=text.localized(agency, "title", language),
        description=text.render_markdown(text.localized(agency, "description", language)),
        pagination=search.pagination(request.args, found["count"], endpoint="web.organization", name=agency["name"]),
        search_url=url_for("web.search", organization=agency["name"]),
    )
