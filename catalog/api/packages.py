"""Translation at the API edge: the catalog's dataset record <-> CKAN 2.10's package dict.

Out: naive ISO timestamps, tags as dicts with id/display_name/state, ``owner_org`` as the
organization's id with the organization embedded, ``num_resources``/``num_tags``, resources with
``package_id`` and ``position``, CKAN's ``deleted`` for a withdrawn dataset, and the DCAT-AP and
Satu Data fields as top-level keys (as ckanext-scheming shows them).
In: what CKAN clients send, including a package_show result sent back with its extra keys.
"""

import uuid
from functools import lru_cache

from catalog.api import licenses

TAG_NAMESPACE = uuid.UUID("0b5c1f7e-8a1d-4a43-9d43-5d0c1c2f8b11")

# Keys every CKAN package dict carries, None when the record has no value.
CORE_KEYS = ("author", "author_email", "maintainer", "maintainer_email", "notes", "url", "version", "license_id")
# Keys of CKAN's package dict that the catalog computes; ignored on input.
OUTPUT_ONLY = {
    "id", "state", "type", "metadata_created", "metadata_modified", "num_resources", "num_tags",
    "organization", "isopen", "license_title", "license_url", "creator_user_id", "revision_id",
    "relationships_as_object", "relationships_as_subject", "tracking_summary", "harvest", "harvest_source",
    "dcat_violations",
}
RESOURCE_OUTPUT_ONLY = {
    "package_id", "position", "state", "cache_url", "cache_last_updated", "datastore_active",
    "mimetype_inner", "resource_type", "revision_id", "tracking_summary", "created", "downloads",
}
STATES = {"active": "active", "withdrawn": "deleted"}


@lru_cache(maxsize=4096)
def tag_id(name: str) -> str:
    """A stable id for a tag name (CKAN gives every tag an id)."""
    return str(uuid.uuid5(TAG_NAMESPACE, name))


def organization_dict(record: dict, package_count: int | None = None) -> dict:
    """CKAN's organization dict for an organization record."""
    result = {
        "id": record["id"],
        "name": record["name"],
        "title": record.get("title", ""),
        "display_name": record.get("title") or record["name"],
        "description": record.get("description", ""),
        "image_url": record.get("image_url", ""),
        "image_display_url": record.get("image_url", ""),
        "created": record.get("created"),
        "is_organization": True,
        "approval_status": "approved",
        "state": STATES.get(record.get("state"), "active"),
        "type": "organization",
    }
    for key in ("title_translated", "description_translated", "url", "email", "publisher_type"):
        if key in record:
            result[key] = record[key]
    if package_count is not None:
        result["package_count"] = package_count
    return result


def resource_dict(resource: dict, dataset: dict, position: int) -> dict:
    """CKAN's resource dict for one resource of a dataset record."""
    result = {
        "id": resource["id"], "package_id": dataset["id"], "position": position,
        "name": resource.get("name", ""), "description": resource.get("description", ""),
        "url": resource["url"], "format": resource.get("format", ""), "mimetype": resource.get("mimetype"),
        "size": resource.get("size"), "hash": resource.get("hash", ""), "created": resource.get("created"),
        "last_modified": resource.get("last_modified"), "url_type": resource.get("url_type"),
        "state": "active", "cache_url": None, "mimetype_inner": None, "resource_type": None,
        "datastore_active": False,
    }
    for key, value in resource.items():
        result.setdefault(key, value)
    return result


def package_dict(record: dict, organization: dict | None) -> dict:
    """CKAN's package dict for a dataset record; ``organization`` is its owner's record."""
    tags = [
        {"id": tag_id(t["name"]), "name": t["name"], "display_name": t["name"], "state": "active",
         "vocabulary_id": t.get("vocabulary_id")}
        for t in record.get("tags", [])
    ]
    resources = [resource_dict(r, record, n) for n, r in enumerate(record.get("resources", []))]
    result = {key: record.get(key) for key in CORE_KEYS}
    result.update({key: value for key, value in record.items() if key not in ("tags", "resources", "harvest")})
    result.update(
        type="dataset",
        state=STATES.get(record["state"], record["state"]),
        private=bool(record.get("private", False)),
        owner_org=organization["id"] if organization else None,
        organization=organization_dict(organization) if organization else None,
        tags=tags,
        num_tags=len(tags),
        resources=resources,
        num_resources=len(resources),
        groups=[{"name": g["name"], "display_name": g.get("title", g["name"])} for g in record.get("groups", [])],
        extras=[{"key": e["key"], "value": str(e["value"])} for e in record.get("extras", [])],
        license_title=licenses.title(record.get("license_id")),
        license_url=licenses.url(record.get("license_id")),
        isopen=licenses.is_open(record.get("license_id")),
        creator_user_id=None,
        relationships_as_object=[],
        relationships_as_subject=[],
    )
    if record.get("harvest"):
        result["harvest_source"] = record["harvest"].get("source")
        if record["harvest"].get("dcat_violations"):
            result["dcat_violations"] = record["harvest"]["dcat_violations"]
    return result


def _without_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _tags(value) -> list:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        return value  # the schema names the field and the problem
    tags = []
    for tag in value:
        if isinstance(tag, dict):
            tags.append(_without_empty({"name": tag.get("name"), "vocabulary_id": tag.get("vocabulary_id")}))
        else:
            tags.append({"name": tag})
    return tags


def _resource(value) -> dict:
    if not isinstance(value, dict):
        return value
    return _without_empty({k: v for k, v in value.items() if k not in RESOURCE_OUTPUT_ONLY or k == "id"})


def record_from_package(data: dict, owner_org_name=None) -> dict:
    """The dataset record for a package dict a CKAN client sent (create, update or patch).

    ``owner_org_name`` replaces ``owner_org`` (which clients give as an id or a name).
    Output-only keys are dropped; unknown keys are kept so that validation names them.
    """
    record = _without_empty({k: v for k, v in data.items() if k not in OUTPUT_ONLY})
    if owner_org_name:
        record["owner_org"] = owner_org_name
    if "tag_string" in record:
        record.setdefault("tags", record.pop("tag_string"))
    if "tags" in record:
        record["tags"] = _tags(record["tags"])
    if isinstance(record.get("resources"), list):
        record["resources"] = [_resource(r) for r in record["resources"]]
    if isinstance(record.get("groups"), list):
        record["groups"] = [{"name": g["name"]} if isinstance(g, dict) and "name" in g else g for g in record["groups"]]
    if isinstance(record.get("extras"), list):
        record["extras"] = [
            {"key": e.get("key"), "value": e.get("value")} if isinstance(e, dict) else e for e in record["extras"]
        ]
    if isinstance(record.get("private"), str):
        record["private"] = record["private"].strip().lower() in {"true", "1", "yes", "on"}
    for key in ("num_resources", "num_tags"):
        record.pop(key, None)
    return record


def resource_from_input(data: dict) -> dict:
    """A resource record from a CKAN resource dict (package_id and other computed keys dropped)."""
    return _resource({k: v for k, v in data.items() if k != "package_id"})


