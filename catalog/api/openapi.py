"""The OpenAPI 3.1 description, generated from the action registry and the metadata schemas.

Every action gets ``/api/3/action/NAME`` with POST (a JSON body; multipart too where a file may
be uploaded) and, for reads, GET with query parameters. Parameters come from the docstrings'
``:param:``/``:type:`` lines; results and errors are components; the record schemas are copied
from ``metadata_schemas/`` with their ``$ref``s pointed at the components.
"""

from functools import cache

from catalog import __version__, schemas
from catalog.api.packages import CORE_KEYS
from catalog.api.registry import ACTIONS

REF = "#/components/schemas/"
RECORD_FILES = {"dataset": "DatasetRecord", "resource": "ResourceRecord", "organization": "OrganizationRecord",
                "region": "RegionCode"}
PARAM_TYPES = {
    "string": {"type": "string"}, "integer": {"type": "integer", "minimum": 0}, "boolean": {"type": "boolean"},
    "list": {"type": "array"}, "dict": {"type": "object"}, "file": {"type": "string", "contentMediaType": "application/octet-stream"},
}
# Query strings carry lists as JSON text, e.g. facet.field=["organization"].
QUERY_TYPES = {**PARAM_TYPES, "list": {"type": "string"}}
ERROR_STATUSES = {
    "400": "Bad Request or Search Query Error: malformed JSON, an unknown action, a query that cannot be understood.",
    "403": "Authorization Error: no valid token, or the token's user lacks the role.",
    "404": "Not Found Error: no such dataset, resource, organization or group.",
    "409": "Validation Error: the error object maps each bad field to its messages.",
    "413": "Request Too Large: the body is over API_MAX_BODY (or UPLOAD_MAX_SIZE for uploads).",
    "429": "Too Many Requests: over RATE_LIMIT_WRITE or RATE_LIMIT_SEARCH for the address or token; Retry-After says when to try again.",
    "503": "Search Index Error: the search engine is unavailable.",
}


def _point_refs(node):
    """A copy of a schema with its file-relative ``$ref``s pointed at the components."""
    if isinstance(node, list):
        return [_point_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key in ("$schema", "$id"):
            continue
        if key == "$ref":
            target, _, pointer = value.partition("#")
            if pointer.startswith("/$defs/"):
                value = REF + "Def_" + pointer.rsplit("/", 1)[-1]
            else:
                value = REF + RECORD_FILES[target.removesuffix(".json")]
        result[key] = _point_refs(value)
    return result


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(properties: dict, required=(), extra=True) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": extra}


def _result_schemas(records: dict) -> dict:
    text, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    nullable_text = {"type": ["string", "null"]}
    tag = _obj({"id": text, "name": text, "display_name": text, "state": text, "vocabulary_id": nullable_text},
               ["id", "name", "display_name"])
    resource = _obj({**records["ResourceRecord"]["properties"], "id": text, "package_id": text, "position": integer,
                     "mimetype": nullable_text, "size": {"type": ["integer", "null"]}, "created": nullable_text,
                     "last_modified": nullable_text, "url_type": nullable_text, "state": text},
                    ["id", "package_id", "position", "url", "state"])
    organization = _obj({"id": text, "name": text, "title": text, "display_name": text, "description": text,
                         "image_url": text, "created": nullable_text, "is_organization": boolean, "state": text,
                         "type": text, "package_count": integer,
                         "packages": {"type": "array", "items": {"$ref": REF + "Package"}}},
                        ["id", "name", "title", "is_organization", "state", "type"])
    dataset_props = dict(records["DatasetRecord"]["properties"])
    dataset_props.update({key: _nullable(dataset_props[key]) for key in CORE_KEYS})
    dataset_props.update(
        id=text, owner_org=nullable_text, state={"enum": ["active", "deleted"]}, type={"const": "dataset"},
        organization=_nullable({"$ref": REF + "OrganizationDict"}), tags={"type": "array", "items": tag},
        resources={"type": "array", "items": {"$ref": REF + "ResourceDict"}}, num_tags=integer,
        num_resources=integer, groups={"type": "array", "items": {"type": "object"}},
        extras={"type": "array", "items": _obj({"key": text, "value": text}, ["key", "value"])},
        license_title=nullable_text, license_url=nullable_text, isopen=boolean,
    )
    package = _obj(dataset_props, ["id", "name", "title", "state", "type", "owner_org", "organization", "tags",
                                   "num_tags", "resources", "num_resources", "metadata_created", "metadata_modified"])
    facet_items = _obj({"name": text, "display_name": text, "count": integer}, ["name", "display_name", "count"])
    harvest_groups = {"type": "array", "items": _obj(
        {"path": nullable_text, "message": text, "count": integer, "examples": {"type": "array", "items": text}},
        ["path", "message", "count", "examples"])}
    harvest_entries = {"type": "array", "items": _obj(
        {"remote_id": nullable_text, "path": nullable_text, "message": text}, ["remote_id", "path", "message"])}
    harvest_job = _obj({
        "id": text, "source": text, "status": text, "dry_run": boolean, "created": nullable_text,
        "started": nullable_text, "finished": nullable_text, "message": nullable_text,
        "counts": {"type": "object", "additionalProperties": integer},
        "report": _obj({"errors": harvest_groups, "warnings": harvest_groups}, ["errors", "warnings"]),
        "errors": harvest_entries, "warnings": harvest_entries,
    }, ["id", "source", "status", "dry_run", "counts", "message", "report"])
    return {
        "Package": package, "ResourceDict": resource, "OrganizationDict": organization,
        "PackageList": {"type": "array", "items": {"$ref": REF + "Package"}},
        "NameList": {"type": "array", "items": text},
        "OrganizationList": {"type": "array", "items": {"anyOf": [text, {"$ref": REF + "OrganizationDict"}]}},
        "AutocompleteList": {"type": "array", "items": {"type": "object"}},
        "LicenseList": {"type": "array", "items": _obj({"id": text, "title": text, "url": text}, ["id", "title"])},
        "SearchResult": _obj({
            "count": integer, "sort": text, "results": {"type": "array", "items": {"$ref": REF + "Package"}},
            "facets": {"type": "object", "additionalProperties": {"type": "object"}},
            "search_facets": {"type": "object", "additionalProperties": _obj(
                {"title": text, "items": {"type": "array", "items": facet_items}}, ["title", "items"])},
        }, ["count", "results", "facets", "search_facets"]),
        "HarvestJob": harvest_job,
        "HarvestJobList": {"type": "array", "items": {"$ref": REF + "HarvestJob"}},
        "Status": _obj({"ckan_version": text, "site_title": text, "site_url": text}, ["ckan_version"]),
        "Member": _obj({"capacity": text, "group_id": text}, ["capacity"]),
        "Text": text,
        "Null": {"type": "null"},
        "Error": {"type": "object", "required": ["__type", "message"],
                  "properties": {"__type": text, "message": text},
                  "additionalProperties": {"type": "array", "items": text}},
    }


def _components() -> dict:
    found = {}
    for name, component in RECORD_FILES.items():
        found[component] = _point_refs(schemas.load(name))
    for name, definition in schemas.load("defs")["$defs"].items():
        found[f"Def_{name}"] = _point_refs(definition)
    found.update(_result_schemas(found))
    return found


def _optional(description: str) -> bool:
    return "(optional" in description


def _operation(found, method: str) -> dict:
    ok = {"type": "object", "required": ["help", "success", "result"],
          "properties": {"help": {"type": "string"}, "success": {"const": True}, "result": {"$ref": REF + found.result}}}
    failure = {"type": "object", "required": ["help", "success", "error"],
               "properties": {"help": {"type": "string"}, "success": {"const": False}, "error": {"$ref": REF + "Error"}}}
    responses = {"200": {"description": "Success: the result in CKAN's envelope.",
                         "content": {"application/json": {"schema": ok}}}}
    for status, text in ERROR_STATUSES.items():
        responses[status] = {"description": text, "content": {"application/json": {"schema": failure}}}
    if method == "get":
        responses["304"] = {"description": "Not Modified: the ETag in If-None-Match is still current."}
    operation = {
        "operationId": f"{found.name}_{method}", "summary": found.summary.split(". ")[0],
        "description": found.summary, "tags": [found.entity], "responses": responses,
    }
    if method == "get":
        operation["parameters"] = [
            {"name": p.name, "in": "query", "required": not _optional(p.description), "description": p.description,
             "schema": QUERY_TYPES.get(p.type, {"type": "string"})}
            for p in found.params if p.type != "file"
        ]
    else:
        properties = {p.name: {**PARAM_TYPES.get(p.type, {"type": "string"}), "description": p.description}
                      for p in found.params}
        body = {"type": "object", "properties": properties,
                "required": [p.name for p in found.params if not _optional(p.description)]}
        files = {p.name for p in found.params if p.type == "file"}
        json_body = {**body, "properties": {k: v for k, v in properties.items() if k not in files}}
        content = {"application/json": {"schema": json_body}}
        if files:
            content["multipart/form-data"] = {"schema": body}
        operation["requestBody"] = {"required": False, "content": content}
        operation["security"] = [{}, {"token": []}, {"ckanKey": []}]
    return operation


@cache
def spec() -> dict:
    """The OpenAPI document (built once per process; it changes only with the code)."""
    paths = {}
    for name in sorted(ACTIONS):
        found = ACTIONS[name]
        item = {"post": _operation(found, "post")}
        if found.read_only:
            item["get"] = _operation(found, "get")
        paths[f"/api/3/action/{name}"] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Catalog Action API (CKAN-compatible)", "version": __version__,
            "description": "CKAN 2.10's Action API: every answer is {help, success, result}; errors are "
                           "{success: false, error: {__type, message, ...}}. /api/action/NAME is the same as "
                           "/api/3/action/NAME.",
        },
        "paths": paths,
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "An API token from `catalog token create`, with or without `Bearer `."},
                "ckanKey": {"type": "apiKey", "in": "header", "name": "X-CKAN-API-Key"},
            },
        },
    }
