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
import re
from collections.abc import Iterator
from dataclasses import dataclass

from harvesters import HarvestError, RecordError, RemoteItem
from harvesters.mapping import clean_tags, slugify
from harvesters.normalise import Findings, as_text, date, file_format, finish, licence, media_type, shown

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
DATE_FIELDS = ("issued", "modified")
SLUG = re.compile(r"^[a-z0-9_-]{2,100}$")
LICENSE_ID = re.compile(r"^[A-Za-z0-9._+-]{1,100}$")
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

    def _pages(self, first: dict | None = None, **params) -> Iterator[tuple[dict, str]]:
        """Every package of a listing, page by page, each once; HarvestError if the listing shifted."""
        seen, start, count = set(), 0, None
        while True:
            page = first if first is not None and start == 0 else self._page(start, **params)
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
            try:
                first = self._page(0)
            except HarvestError as error:
                if not _no_search(error):
                    raise
                yield from self._listed(error)
                return
            for package, url in self._pages(first=first):
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

    def _listed(self, search_error: HarvestError) -> Iterator[RemoteItem]:
        """Sites without package_search (DKAN, old CKAN): package_list, then package_show for each name.

        A package that package_show cannot answer fails alone; when package_list is missing too,
        the package_search error stands."""
        try:
            response = self.client.get(f"{self.base}/api/3/action/package_list")
            names = response.json()["result"]
            if not isinstance(names, list):
                raise TypeError("result is not a list")
        except (HarvestError, ValueError, KeyError, TypeError):
            raise search_error from None
        for name in dict.fromkeys(str(n) for n in names if isinstance(n, (str, int))):
            try:
                item = self._show(name)
            except HarvestError as error:
                yield RemoteItem(name, Unreadable(str(error)), f"{self.base}/api/3/action/package_show?id={name}")
                continue
            package = item.payload
            remote_id = str(package.get("id") or name) if isinstance(package, dict) else name
            yield RemoteItem(remote_id, package, item.url)

    def _show(self, remote_id: str) -> RemoteItem:
        response = self.client.get(f"{self.base}/api/3/action/package_show", params={"id": remote_id})
        try:
            result = response.json()["result"]
        except (ValueError, KeyError, TypeError) as error:
            raise HarvestError(f"Not a CKAN package_show answer at {response.url}: {error}") from error
        if isinstance(result, list):  # DKAN answers package_show with a list of one package
            result = next((p for p in result if isinstance(p, dict)), None)
        return RemoteItem(remote_id, result, str(response.url))

    def parse(self, item: RemoteItem) -> dict:
        if isinstance(item.payload, Unreadable):
            raise RecordError(item.payload.message, "(record)")
        return parse_package(item.payload, self.base)


@dataclass(frozen=True)
class Unreadable:
    """The payload of a package the site listed but could not show."""

    message: str


def _no_search(error: HarvestError) -> bool:
    """True when a package_search failure says the site has no such action (not that it is down)."""
    return bool(re.match(r"HTTP (400|403|404|405|501)\b", str(error))) or "Not a CKAN package_search" in str(error)


def _list(value, path: str, findings: Findings) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return parsed
            findings.keep(path, value, path, "Not a JSON list; kept as an extra")
            return []
        return [part.strip() for part in text.split(",") if part.strip()]
    findings.keep(path, value, path, "Must be a list or a comma-separated text; kept as an extra")
    return []


def _object(value, path: str, findings: Findings) -> dict | None:
    parsed = value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
    if not isinstance(parsed, dict):
        findings.keep(path, value, path, "Not a JSON object; kept as an extra")
        return None
    return parsed


def parse_package(package, base: str) -> dict:
    """Map one CKAN package dict to a dataset dict (RecordError only for what the catalog cannot do without)."""
    if not isinstance(package, dict):
        raise RecordError("A package must be a JSON object", "(record)")
    findings = Findings()
    extras = {}
    for n, extra in enumerate(package.get("extras") or [] if isinstance(package.get("extras"), list) else []):
        if not isinstance(extra, dict) or not str(extra.get("key") or "").strip():
            findings.warn(f"extras.{n}", "An extra without a key was left out")
            continue
        extras[str(extra["key"])] = extra.get("value")
    for key, value in package.items():
        if key not in SKIPPED and key not in CORE_FIELDS and value not in (None, "", [], {}):
            extras.setdefault(key, value)
    title = package.get("title") if isinstance(package.get("title"), str) else None
    name = package.get("name") if isinstance(package.get("name"), str) else ""
    data = {"name": name if SLUG.match(name) else slugify(name or title or "", "dataset"), "title": title}
    for key in CORE_FIELDS:
        if key not in ("title", "license_id") and package.get(key) not in (None, ""):
            data[key] = package[key]
    data["notes"] = findings.text(package.get("notes"), "notes")
    for key in TEXT_FIELDS:
        if extras.get(key) not in (None, ""):
            data[key] = as_text(extras.pop(key))
    for key in DATE_FIELDS:
        if key in data:
            data[key] = findings.date(data[key], key)
    if "frequency" in data:
        data["frequency"] = findings.frequency(data["frequency"])
    for key in LIST_FIELDS:
        geometry = key == "spatial" and str(extras.get(key, "")).lstrip().startswith("{")  # GeoJSON stays an extra
        if extras.get(key) not in (None, "", []) and not geometry:
            data[key] = _list(extras.pop(key), key, findings)
    data["theme"] = findings.themes(data.get("theme"))
    data["language"] = findings.languages(data.get("language"))
    for key in OBJECT_FIELDS:
        if extras.get(key) not in (None, "", {}):
            data[key] = _object(extras.pop(key), key, findings)
    data["license_id"] = _licence(package, findings)
    organization = package.get("organization") or {}
    if not data.get("publisher") and isinstance(organization, dict) and organization.get("title"):
        data["publisher"] = {"name": organization["title"]}
    data.setdefault("identifier", f"{base}/dataset/{package.get('id') or name}")
    data.setdefault("landing_page", f"{base}/dataset/{name}" if name else None)
    if package.get("metadata_modified") and not data.get("modified"):
        data["modified"] = date(str(package["metadata_modified"]))
    data["tags"] = clean_tags(t.get("name") for t in package.get("tags") or [] if isinstance(t, dict))
    data["groups"] = [{"name": g["name"]} for g in package.get("groups") or []
                      if isinstance(g, dict) and isinstance(g.get("name"), str) and g["name"]]
    resources = package.get("resources") if isinstance(package.get("resources"), list) else []
    data["resources"] = [_resource(r, n, findings) for n, r in enumerate(resources)]
    data["extras"] = [{"key": k, "value": as_text(v)} for k, v in sorted(extras.items()) if v is not None]
    data = {k: v for k, v in data.items() if v not in ([], None, "", {})}
    return finish(data, findings)


def _licence(package: dict, findings: Findings) -> str | None:
    """The package's licence: its CKAN id when it is one, else its title or URL read by the normaliser."""
    license_id = package.get("license_id")
    if isinstance(license_id, str) and LICENSE_ID.match(license_id):
        return license_id
    for key in ("license_url", "license_title"):
        found = licence(package.get(key)) if isinstance(package.get(key), str) else None
        if found:
            return found
    value = license_id or package.get("license_title") or package.get("license_url")
    return findings.licence(value) if value else None


def _resource(resource, n: int, findings: Findings) -> dict:
    if not isinstance(resource, dict):
        return {"url": None}
    mapped = {k: resource[k] for k in RESOURCE_FIELDS if resource.get(k) not in (None, "")}
    mapped["url"] = resource.get("url")
    path = f"resources.{n}"
    if "description" in mapped:
        mapped["description"] = findings.text(mapped["description"], f"{path}.description")
    if "format" in mapped:
        label = file_format(mapped["format"]) if isinstance(mapped["format"], str) else None
        if label is None:
            findings.unknown("format", f"{path}.format", mapped["format"])
        mapped["format"] = label
    if "mimetype" in mapped:
        media = media_type(mapped["mimetype"]) if isinstance(mapped["mimetype"], str) else None
        if media is None:
            findings.unknown("media type", f"{path}.mimetype", mapped["mimetype"])
        mapped["mimetype"] = media
    for key in ("last_modified", "issued", "modified"):
        if key in mapped:
            mapped[key] = findings.date(mapped[key], f"{path}.{key}")
    size = resource.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        mapped["size"] = size
    elif isinstance(size, str) and size.strip().isdigit():
        mapped["size"] = int(size)
    elif size not in (None, ""):
        findings.keep(f"{path}.size", size, f"{path}.size", f"Not a size in bytes: {shown(size)}; kept as an extra")
    return {k: v for k, v in mapped.items() if v is not None}
