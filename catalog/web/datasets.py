"""The dataset page and its resources' previews."""

from flask import current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from catalog.dcat import site_from_config
from catalog.errors import NotFound
from catalog.publish.schema_org import schema_org
from catalog.publish.views import dataset_rdf, rdf_format_for
from catalog.web import bp, catalog, i18n, preview, text

PREVIEW_MESSAGES = {
    "too_large": _l("Berkas ini terlalu besar untuk ditampilkan di sini. Silakan unduh berkasnya."),
    "broken": _l("Berkas ini tidak dapat dibaca sebagai tabel. Silakan unduh berkasnya."),
    "unreachable": _l("Berkas ini tidak dapat diambil dari sumbernya saat ini. Silakan coba lagi nanti."),
    "refused": _l("Pratinjau tidak tersedia untuk alamat berkas ini. Silakan unduh berkasnya."),
}
ACTIONS = {
    "create": _l("Dibuat"),
    "update": _l("Diperbarui"),
    "withdraw": _l("Ditarik"),
    "restore": _l("Dipulihkan"),
}


def download_url(name: str, resource_id: str) -> str:
    """The counted download address of a resource."""
    return f"/dataset/{name}/resource/{resource_id}/download"


def visible_dataset(name: str) -> dict:
    """The active, public dataset named ``name``; NotFound for anything else."""
    record = catalog().get_dataset(name)
    if record.get("state") != "active" or record.get("private"):
        raise NotFound(f"Dataset not found: {name}")
    return record


def _organization(name: str) -> dict:
    try:
        return catalog().get_organization(name)
    except NotFound:
        return {"name": name, "title": name}


def _schema_org(record: dict) -> dict | None:
    """The schema.org description of the dataset for search engines."""
    organizations = {o["name"]: o for o in catalog().list_organizations()}
    try:
        return schema_org(record, site_from_config(current_app.config, organizations))
    except (KeyError, ValueError, TypeError) as error:
        current_app.logger.warning("no schema.org description for %s: %s", record.get("name"), error)
        return None


def _rdf_instead(name: str):
    """The dataset's RDF when the Accept header prefers an RDF format over HTML."""
    key = rdf_format_for(request.accept_mimetypes)
    return dataset_rdf(name, key) if key else None


def metadata_rows(record: dict, organization: dict, language: str) -> list[tuple]:
    """The Satu Data Indonesia metadata table: (label, value) with the value already localised."""
    frequency = record.get("frequency")
    return [
        (_l("Produsen Data"), text.localized(organization, "title", language)),
        (_l("Frekuensi"), text.vocabulary_label("frequency", frequency, language) if frequency else ""),
        (_l("Cakupan Wilayah"), ", ".join(text.region_label(c) for c in record.get("spatial") or [])),
        (_l("Tahun"), text.years(record)),
        (_l("Satuan"), record.get("unit", "")),
        (_l("Lisensi"), record.get("license_id", "")),
    ]


@bp.get("/dataset/<name>")
def dataset(name: str):
    """One dataset: description, metadata, resources with downloads, provenance and history."""
    rdf = _rdf_instead(name)
    if rdf is not None:
        return rdf
    language = i18n.current_language()
    record = visible_dataset(name)
    organization = _organization(record["owner_org"])
    resources = [
        {**resource, "label": text.localized(resource, "name", language) or resource.get("format") or resource["url"],
         "download": download_url(record["name"], resource["id"]),
         "previewable": preview.preview_format(resource) is not None}
        for resource in record.get("resources") or []
    ]
    response = make_response(render_template(
        "dataset.html", record=record, organization=organization, resources=resources,
        title=text.localized(record, "title", language),
        description=text.render_markdown(text.localized(record, "notes", language)),
        metadata=metadata_rows(record, organization, language),
        themes=[text.vocabulary_label("theme", code, language) for code in record.get("theme") or []],
        revisions=list(reversed(catalog().dataset_revisions(record["id"]))),
        schema_org=_schema_org(record), action_label=lambda action: ACTIONS.get(action, action),
    ))
    response.headers["Vary"] = "Accept, Cookie"
    return response


@bp.get("/dataset/<name>/resource/<resource_id>/preview")
def resource_preview(name: str, resource_id: str):
    """The first rows of a CSV or XLSX resource, or a message saying why they cannot be shown."""
    language = i18n.current_language()
    record = visible_dataset(name)
    resource = next((r for r in record.get("resources") or [] if r.get("id") == resource_id), None)
    if resource is None or preview.preview_format(resource) is None:
        raise NotFound(f"No previewable resource {resource_id} in dataset {name}")
    config = current_app.config
    table, message = None, None
    try:
        table = preview.build(
            resource, max_bytes=config["PREVIEW_MAX_BYTES"], timeout=config["PREVIEW_TIMEOUT"],
            allowed_hosts=preview.allowed_targets(config["PREVIEW_ALLOWED_HOSTS"]),
        )
    except preview.PreviewError as problem:
        current_app.logger.info("no preview of %s/%s: %s", name, resource_id, problem)
        message = PREVIEW_MESSAGES[problem.reason]
    return render_template(
        "preview.html", record=record, resource=resource, table=table, message=message,
        title=text.localized(record, "title", language),
        label=text.localized(resource, "name", language) or resource.get("format"),
        download=download_url(record["name"], resource["id"]), max_rows=preview.MAX_ROWS,
    )
