"""A small CKAN Action API on the loopback server: package_search over a list of package dicts.

It answers the way CKAN 2.9 to 2.11 do: the envelope, ``count``, ``start``/``rows`` paging over
``sort=id asc``, ``fl`` (only some fields), ``fq=metadata_modified:[X TO *]``, and package_show.
"""

import datetime as dt
import json

from werkzeug.wrappers import Response

ORGANIZATION = {
    "id": "5d9a3b7e-3f6c-4a57-9a43-0c8e2f1d6b21", "name": "dinkes", "title": "Dinas Kesehatan Kota Malang",
    "type": "organization", "description": "", "image_url": "", "created": "2019-03-04T02:11:09.123456",
    "is_organization": True, "approval_status": "approved", "state": "active",
}


def package(spec: dict, version: str = "2.10") -> dict:
    """A contract spec as a CKAN package dict of the given CKAN version's shape."""
    resources = [
        {"id": f"{spec['id'][:-4]}{n:04d}", "package_id": spec["id"], "url": r["url"], "format": r["format"],
         "name": r["name"], "mimetype": r["mimetype"], "size": 20480 if version != "2.9" else "20480",
         "created": "2023-01-05T03:00:00.000000", "last_modified": spec["modified"], "position": n,
         "state": "active", "url_type": None, "description": "", "hash": "", "datastore_active": False}
        for n, r in enumerate(spec["resources"])
    ]
    record = {
        "id": spec["id"], "name": spec["name"], "title": spec["title"], "notes": spec["notes"], "type": "dataset",
        "state": "active", "private": False, "license_id": "cc-by-4.0", "license_title": "Creative Commons Attribution",
        "author": None, "author_email": None, "maintainer": "Seksi Data Dinkes", "maintainer_email": "data.dinkes@malangkota.go.id",
        "url": "", "version": None, "owner_org": ORGANIZATION["id"], "organization": ORGANIZATION,
        "metadata_created": "2023-01-05T03:00:00.000000", "metadata_modified": spec["modified"],
        "num_resources": len(resources), "num_tags": len(spec["keywords"]), "isopen": True,
        "tags": [{"id": f"tag-{k}", "name": k, "display_name": k, "state": "active", "vocabulary_id": None}
                 for k in spec["keywords"]],
        "groups": [{"id": "grp-1", "name": "kependudukan", "title": "Kependudukan", "display_name": "Kependudukan"}],
        "extras": [{"key": "spatial", "value": spec["spatial"]}, {"key": "frequency", "value": "ANNUAL"},
                   {"key": "satuan", "value": "jiwa"}],
        "resources": resources, "relationships_as_object": [], "relationships_as_subject": [],
    }
    if version == "2.9":
        record["revision_id"] = "3c5e0a8e-9f57-4b0b-8d4e-1f0b7f5c2d11"
    if version == "2.11":  # scheming-style sites keep custom fields top-level
        record["unit"] = "jiwa"
        record["extras"] = [e for e in record["extras"] if e["key"] != "satuan"]
    if spec.get("broken"):
        record["resources"] = ["https://data.malangkota.go.id/files/broken.csv"]
    return record


def touched(packages: list[dict], before: dict | None) -> list[dict]:
    """The packages as CKAN would list them after an edit: new or changed ones modified now."""
    if before is None:
        return packages
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    for package in packages:
        old = before.get(package["id"])
        same = old is not None and {**old, "metadata_modified": None} == {**package, "metadata_modified": None}
        package["metadata_modified"] = old["metadata_modified"] if same else stamp
    return packages


def serve(server, packages: list[dict], *, base: str = "/ckan/", fail_page=None, rows_cap: int = 1000) -> str:
    """Register the package_search action under ``base``; returns the site's URL."""
    ordered = sorted(packages, key=lambda p: p["id"])

    def package_search(request):
        start, rows = int(request.args.get("start", 0)), min(int(request.args.get("rows", 10)), rows_cap)
        if fail_page and start // max(rows, 1) + 1 == fail_page:
            return Response(b"Internal Server Error", status=500)
        found = ordered
        fq = request.args.get("fq", "")
        if fq.startswith("metadata_modified:["):
            since = fq.split("[", 1)[1].split(" TO", 1)[0].rstrip("Z")
            found = [p for p in found if p["metadata_modified"] >= since]
        page = found[start:start + rows]
        if request.args.get("fl"):
            fields = request.args["fl"].split(",")
            page = [{f: p.get(f) for f in fields} for p in page]
        body = {"help": f"{server.url(base)}api/3/action/help_show?name=package_search", "success": True,
                "result": {"count": len(found), "results": page, "sort": "id asc", "facets": {},
                           "search_facets": {}}}
        return Response(json.dumps(body), content_type="application/json;charset=utf-8")

    def package_show(request):
        found = [p for p in ordered if request.args.get("id") in (p["id"], p["name"])]
        if not found:
            return Response(json.dumps({"success": False, "error": {"__type": "Not Found Error"}}), status=404)
        return Response(json.dumps({"success": True, "result": found[0]}), content_type="application/json")

    server.route(f"{base}api/3/action/package_search", package_search)
    server.route(f"{base}api/3/action/package_show", package_show)
    return server.url(base)
