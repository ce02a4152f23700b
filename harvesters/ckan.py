"""CKAN portals (2.9 to 2.11): page through ``package_search`` and map each package to a dataset.

Paging uses ``sort=id asc`` so the order is stable however often datasets change, and ``start``/
``rows`` so only one page is ever held in memory. When the source was harvested before without
errors (``source["last_harvested"]``), the run is incremental: the listing asks only for ids and
``metadata_modified``; a package changed since then is fetched again in full, one that the catalog
does not hold (``source["harvested_ids"]``) through ``package_show``, and the others are yielded
without payload (unchanged), so removals are still detected from the complete id listing.

Source config: ``rows`` (page size, default 500), ``fq`` (an extra CKAN filter).
"""

import datetime as dt
import json
from collections.abc import Iterator

from harvesters import HarvestError, RecordError, RemoteItem

# Satu Data / DCAT fields that CKAN sites keep either top-level (ckanext-scheming) or as extras.
TEXT_FIELDS = ("identifier", "issued", "modified", "frequency", "temporal_start", "temporal_end", "unit",
               "access_level", "landing_page")
LIST_FIELDS = ("spatial", "theme", "language")
OBJECT_FIELDS = ("contact_point", "publisher")
CORE_FIELDS = ("title", "notes", "url", "version", "author", "author_email", "maintainer", "maintainer_email",
               "license_id")
# Keys of CKAN's package dict that are CKAN bookkeeping, not metadata to keep.
SKIPPED = {"id", "name", "type", "state", "private", "owner_org", "organization", "groups", "tags", "resources",
           "extras", "num_tags", "num_resources", "metadata_created", "metadata_modified", "creator_user_id",
           "relationships_as_object", "relationships_as_subject", "isopen", "license_title", "license_url",
           "tracking_summary", "revision_id"}
SINCE_MARGIN = dt.timedelta(minutes=10)
RESOURCE_FIELDS = ("name", "description", "format", "mimetype", "last_modified", "issued", "modified")


class CkanHarvester:
    """Reads a CKAN site's public datasets through its Action API."""

    name = "ckan"

    def __init__(self, source: dict, client):
        self.source = source
        self.client = client
        self.base = source["url"].rstrip("/")
        config = source.get("config") or {}
        self.rows = int(config.get("rows", 500))
        self.fq = config.get("fq", "")
        last = source.get("last_harvested")
        # A margin against clocks that differ between the catalog and the source.
        self.since = (dt.datetime.fromisoformat(last) - SINCE_MARGIN).isoformat() if last else None
        self.harvested = source.get("harvested_ids") or frozenset()

    def _page(self, start: int, **params) -> dict:
        url = f"{self.base}/api/3/action/package_search"
        query = {"q": "*:*", "sort": "id asc", "rows": self.rows, "start": start, **params}
        if self.fq or params.get("fq"):
            query["fq"] = " ".join(f for f in (self.fq, params.get("fq", "")) if f)
        response = self.client.get(url, params=query)
        try:
            body = response.json()
            result = body["result"]
            return {"count": int(result["count"]), "results": list(result["results"]), "url": str(response.url)}
        except (ValueError, KeyError, TypeError) as error:
            raise HarvestError(f"Not a CKAN package_search answer at {response.url}: {error}") from error

    def _pages(self, **params) -> Iterator[tuple[dict, str]]:
        """Every package of a listing, page by page, each once; HarvestError if the listing shifted."""
        seen, start, count = set(), 0, None
        while True:
            page = self._page(start, **params)
            count = page["count"] if count is None else count
            for package in page["results"]:
                if isinstance(package, dict) and package.get("id") not in seen:
                    seen.add(package.get("id"))
                    yield package, page["url"]
            start += self.rows
            if not page["results"] or start >= page["count"]:
                break
        if len(seen) < count or page["count"] != count:
            raise HarvestError(f"The listing of {self.base} changed while paging ({len(seen)} of {count}); run again")

    def items(self) -> Iterator[RemoteItem]:
        if not self.since:
            for package, url in self._pages():
                yield RemoteItem(str(package.get("id")), package, url)
            return
        changed, missing = set(), []
        for package, url in self._pages(fl="id,metadata_modified"):
            remote_id = str(package.get("id"))
            if str(package.get("metadata_modified", "")) > self.since:
                changed.add(remote_id)
            elif remote_id not in self.harvested:
                missing.append(remote_id)  # old at the source but not (or no longer) in the catalog
            else:
                yield RemoteItem(remote_id, None, url)
        if changed:
            for package, url in self._pages(fq=f"metadata_modified:[{self.since[:19]}Z TO *]"):
                if str(package.get("id")) in changed:
                    changed.discard(str(package["id"]))
                    yield RemoteItem(str(package["id"]), package, url)
        for remote_id in sorted(changed) + missing:
            yield self._show(remote_id)

    def _show(self, remote_id: str) -> RemoteItem:
        response = self.client.get(f"{self.base}/api/3/action/package_show", params={"id": remote_id})
        try:
            return RemoteItem(remote_id, response.json()["result"], str(response.url))
        except (ValueError, KeyError, TypeError) as error:
            raise HarvestError(f"Not a CKAN package_show answer at {response.url}: {error}") from error

    def parse(self, item: RemoteItem) -> dict:
        return parse_package(item.payload, self.base)


def _list(value, path: str) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as error:
                raise RecordError(f"Not a JSON list: {error}", path) from None
        return [part.strip() for part in text.split(",") if part.strip()]
    raise RecordError("Must be a list or a comma-separated text", path)


def _object(value, path: str) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise RecordError("Not a JSON object", path) from None
    if not isinstance(value, dict):
        raise RecordError("Must be an object", path)
    return value


def parse_package(package, base: str) -> dict:
    """Map one CKAN package dict to a dataset dict."""
    if not isinstance(package, dict):
        raise RecordError("A package must be a JSON object", "(record)")
    if not package.get("name") or not isinstance(package["name"], str):
        raise RecordError("Missing value", "name")
    extras = {}
    for n, extra in enumerate(package.get("extras") or []):
        if not isinstance(extra, dict) or "key" not in extra:
            raise RecordError("An extra needs a key and a value", f"extras.{n}")
        extras[str(extra["key"])] = extra.get("value")
    for key, value in package.items():
        if key not in SKIPPED and key not in CORE_FIELDS and value not in (None, "", [], {}):
            extras.setdefault(key, value)
    data = {"name": package["name"]}
    for key in CORE_FIELDS:
        if package.get(key) not in (None, ""):
            data[key] = package[key]
    for key in TEXT_FIELDS:
        if extras.get(key) not in (None, ""):
            data[key] = str(extras.pop(key))
    for key in LIST_FIELDS:
        geometry = key == "spatial" and str(extras.get(key, "")).lstrip().startswith("{")  # GeoJSON stays an extra
        if extras.get(key) not in (None, "", []) and not geometry:
            data[key] = _list(extras.pop(key), key)
    for key in OBJECT_FIELDS:
        if extras.get(key) not in (None, "", {}):
            data[key] = _object(extras.pop(key), key)
    organization = package.get("organization") or {}
    if "publisher" not in data and isinstance(organization, dict) and organization.get("title"):
        data["publisher"] = {"name": organization["title"]}
    data.setdefault("identifier", f"{base}/dataset/{package.get('id') or package['name']}")
    data.setdefault("landing_page", f"{base}/dataset/{package['name']}")
    if package.get("metadata_modified"):
        data.setdefault("modified", str(package["metadata_modified"]))
    data["tags"] = [{"name": t.get("name")} for t in package.get("tags") or [] if isinstance(t, dict)]
    data["groups"] = [{"name": g.get("name")} for g in package.get("groups") or [] if isinstance(g, dict)]
    data["resources"] = [_resource(r, n) for n, r in enumerate(package.get("resources") or [])]
    data["extras"] = [{"key": k, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
                      for k, v in sorted(extras.items()) if v is not None]
    return {k: v for k, v in data.items() if v not in ([], None)}


def _resource(resource, n: int) -> dict:
    if not isinstance(resource, dict):
        raise RecordError("A resource must be an object", f"resources.{n}")
    mapped = {k: resource[k] for k in RESOURCE_FIELDS if resource.get(k) not in (None, "")}
    mapped["url"] = resource.get("url") or ""
    if isinstance(mapped.get("format"), str):
        mapped["format"] = mapped["format"].strip().lstrip(".").upper()
    size = resource.get("size")
    if isinstance(size, int) or (isinstance(size, str) and size.isdigit()):
        mapped["size"] = int(size)
    return mapped
