"""Resource actions: resource_show and resource_create/update/patch/delete, with file uploads."""

from catalog import files as catalog_files
from catalog import links
from catalog.api import packages, uploads
from catalog.api.datasets import load_dataset
from catalog.api.permissions import check_dataset_write, check_read
from catalog.api.registry import action, as_text, required
from catalog.errors import NotFound
from catalog.store import new_id


def _dataset_of_resource(ctx, resource_id: str) -> str:
    with ctx.catalog.store.reading() as tx:
        dataset_id = tx.resource_dataset_id(resource_id)
    if dataset_id is None:
        raise NotFound(f"Resource not found: {resource_id}")
    return dataset_id


def _writable_dataset(ctx, key: str) -> dict:
    record = ctx.catalog.get_dataset(key)
    organization = ctx.catalog.get_organization(record["owner_org"])
    check_read(ctx.user, record, organization["id"], key)
    check_dataset_write(ctx.user, organization["id"], "change resources of datasets")
    return record


def _with_upload(ctx, resource: dict, dataset: dict) -> tuple[dict, set]:
    """``resource`` with the uploaded file (if one was sent as ``upload``) stored and described, and the
    ids of the resources whose file was stored (empty without an upload)."""
    files = dict(ctx.files)
    resource = {k: v for k, v in resource.items() if k != "url_type"}  # only a stored file makes an upload
    if "upload" not in files:
        return resource, set()
    config = ctx.catalog.config
    fmt = uploads.declared_format(resource, files["upload"].filename or "")
    fields = uploads.save_upload(
        files["upload"], folder=catalog_files.folder(config["HOME"], dataset["id"], resource["id"]), fmt=fmt,
        limit=config["UPLOAD_MAX_SIZE"],
    )
    filename = fields.pop("filename")
    site = links.base_url(config)
    fields["url"] = f"{site}/dataset/{dataset['name']}/resource/{resource['id']}/download/{filename}"
    return {**resource, **fields, "name": resource.get("name") or filename}, {resource["id"]}


def _save(ctx, record: dict, resources: list, resource_id: str, **kinds) -> dict:
    updated = ctx.catalog.patch_dataset(record["id"], {"resources": resources}, ctx.user.actor, **kinds)
    for position, resource in enumerate(updated["resources"]):
        if resource["id"] == resource_id:
            return packages.resource_dict(resource, updated, position)
    raise NotFound(f"Resource not found: {resource_id}")


@action("resource_show", read_only=True, result="ResourceDict")
def resource_show(ctx, params):
    """Return a resource's metadata.

    :param id: the id of the resource
    :type id: string
    """
    resource_id = as_text(params, "id") or required(params, "id")
    record, _ = load_dataset(ctx, _dataset_of_resource(ctx, resource_id))
    for position, resource in enumerate(record.get("resources", [])):
        if resource["id"] == resource_id:
            return packages.resource_dict(resource, record, position)
    raise NotFound(f"Resource not found: {resource_id}")


@action("resource_create", result="ResourceDict")
def resource_create(ctx, params):
    """Add a resource (a link, or a file sent as multipart form field ``upload``) to a dataset.

    :param package_id: the id or name of the dataset
    :type package_id: string
    :param url: the resource's address (not needed with ``upload``)
    :type url: string
    :param name: a short label (optional)
    :type name: string
    :param format: the file format, e.g. CSV; an upload must match it (optional)
    :type format: string
    :param upload: the file itself, in a multipart/form-data request (optional)
    :type upload: file
    """
    record = _writable_dataset(ctx, as_text(params, "package_id") or required(params, "package_id"))
    resource = packages.resource_from_input({k: v for k, v in params.items() if k != "upload"})
    resource["id"] = new_id()
    resource, uploaded = _with_upload(ctx, resource, record)
    return _save(ctx, record, [*record.get("resources", []), resource], resource["id"], created={resource["id"]},
                 uploaded=uploaded)


def _replace(ctx, params: dict, merge: bool) -> dict:
    resource_id = as_text(params, "id") or required(params, "id")
    record = _writable_dataset(ctx, _dataset_of_resource(ctx, resource_id))
    given = packages.resource_from_input({k: v for k, v in params.items() if k != "upload"})
    resources, uploaded = [], set()
    for resource in record.get("resources", []):
        if resource["id"] == resource_id:
            base = {**resource, **given} if merge else {**given, "created": resource.get("created")}
            if "upload" not in dict(ctx.files) and not given.get("url") and resource.get("url_type") == "upload":
                base.update(url=resource["url"])
            resource, uploaded = _with_upload(ctx, {**base, "id": resource_id}, record)
        resources.append(resource)
    return _save(ctx, record, resources, resource_id, uploaded=uploaded)


@action("resource_update", result="ResourceDict")
def resource_update(ctx, params):
    """Replace a resource's metadata (and its file, when a new ``upload`` is sent).

    :param id: the id of the resource
    :type id: string
    :param url: the resource's address
    :type url: string
    :param upload: a new file, in a multipart/form-data request (optional)
    :type upload: file
    """
    return _replace(ctx, params, merge=False)


@action("resource_patch", result="ResourceDict")
def resource_patch(ctx, params):
    """Change only the given fields of a resource.

    :param id: the id of the resource
    :type id: string
    """
    return _replace(ctx, params, merge=True)


@action("resource_delete", result="Null")
def resource_delete(ctx, params):
    """Remove a resource from its dataset (the dataset's history keeps it).

    :param id: the id of the resource
    :type id: string
    """
    resource_id = as_text(params, "id") or required(params, "id")
    record = _writable_dataset(ctx, _dataset_of_resource(ctx, resource_id))
    remaining = [r for r in record.get("resources", []) if r["id"] != resource_id]
    ctx.catalog.patch_dataset(record["id"], {"resources": remaining}, ctx.user.actor)
    return None
