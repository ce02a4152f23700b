"""``/dataset/<name>/resource/<id>/download``: counts the download, then redirects to a link or sends the stored file."""

from flask import Blueprint, abort, current_app, redirect, send_file

from catalog import files
from catalog.api import http, uploads
from catalog.api.permissions import can_read
from catalog.errors import NotFound

bp = Blueprint("downloads", __name__)


@bp.get("/dataset/<name>/resource/<resource_id>/download")
@bp.get("/dataset/<name>/resource/<resource_id>/download/<filename>")
def download(name, resource_id, filename=None):
    catalog = current_app.extensions["catalog"]
    try:
        record = catalog.get_dataset(name)
        organization = catalog.get_organization(record["owner_org"])
    except NotFound:
        abort(404)
    resource = next((r for r in record.get("resources", []) if r["id"] == resource_id), None)
    if resource is None or not can_read(http.current_user(), record, organization["id"]):
        abort(404)
    if resource.get("url_type") == "upload":
        stored_name = resource["url"].rsplit("/", 1)[-1]
        stored = files.stored_file(catalog.config["HOME"], record["id"], resource_id, stored_name)
        if stored is None:
            abort(404)
        response = send_file(stored, as_attachment=True, mimetype=uploads.served_type(resource))
    else:
        response = redirect(resource["url"], code=302)
    with catalog.store.writing() as tx:
        tx.record_download(resource_id, record["id"])
    response.headers.update(http.SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response
