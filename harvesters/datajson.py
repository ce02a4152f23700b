"""data.json files (DCAT-US 1.1 / Project Open Data): one document listing every dataset.

Each entry is checked against ``metadata_schemas/datajson_dataset.json``; an invalid entry fails
alone, its errors named by JSON path (``dataset[3].contactPoint.hasEmail``). The document is
fetched with a conditional request, so an unchanged file costs one request and no parsing.
"""

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator

from harvesters import HarvestError, RecordError, RemoteItem
from harvesters.mapping import clean_tags, iso_date, slugify

ACCESS_LEVELS = {"public": "terbuka", "restricted public": "terbatas", "non-public": "tertutup"}
FREQUENCIES = {
    "R/PT1H": "HOURLY", "R/P1D": "DAILY", "R/P1W": "WEEKLY", "R/P2W": "BIWEEKLY", "R/P1M": "MONTHLY",
    "R/P3M": "QUARTERLY", "R/P4M": "ANNUAL_3", "R/P6M": "ANNUAL_2", "R/P1Y": "ANNUAL", "R/P2Y": "BIENNIAL",
    "R/P3Y": "TRIENNIAL", "R/P5Y": "QUINQUENNIAL", "irregular": "IRREG",
}
LICENSES = {
    "creativecommons.org/licenses/by/4.0": "cc-by-4.0", "creativecommons.org/licenses/by-sa/4.0": "cc-by-sa-4.0",
    "creativecommons.org/publicdomain/zero/1.0": "cc-zero", "opendatacommons.org/licenses/odbl": "odc-odbl",
    "opendatacommons.org/licenses/by": "odc-by", "opendatacommons.org/licenses/pddl": "odc-pddl",
}
# Entry keys mapped to first-class fields; every other key goes to extras.
MAPPED = {"@type", "title", "description", "keyword", "modified", "issued", "publisher", "contactPoint",
          "identifier", "accessLevel", "license", "landingPage", "spatial", "temporal", "accrualPeriodicity",
          "language", "distribution"}


@cache
def entry_validator() -> Draft202012Validator:
    """The validator of one data.json entry."""
    text = (resources.files("metadata_schemas") / "datajson_dataset.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def entry_errors(entry) -> dict[str, list[str]]:
    """Every schema error of one entry as ``{dotted.path: [messages]}``."""
    found = {}
    for error in entry_validator().iter_errors(entry):
        path = ".".join(str(p) for p in error.absolute_path) or "(entry)"
        found.setdefault(path, []).append(error.message)
    return dict(sorted(found.items()))


class DatajsonHarvester:
    """Reads a data.json catalog file."""

    name = "datajson"

    def __init__(self, source: dict, client):
        self.source = source
        self.client = client

    def items(self) -> Iterator[RemoteItem]:
        response = self.client.get(self.source["url"], conditional=True)
        try:
            document = response.json()
        except ValueError as error:
            raise HarvestError(f"{response.url} is not JSON: {error}") from error
        entries = document.get("dataset") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise HarvestError(f"{response.url} has no 'dataset' list: not a data.json catalog")
        for index, entry in enumerate(entries):
            identifier = entry.get("identifier") if isinstance(entry, dict) else None
            remote_id = identifier if isinstance(identifier, str) and identifier else f"(entry {index})"
            yield RemoteItem(remote_id, entry, f"{response.url}#dataset[{index}]")

    def parse(self, item: RemoteItem) -> dict:
        where = (item.url or "#dataset").rpartition("#")[2]
        errors = entry_errors(item.payload)
        if errors:
            first = next(iter(errors))
            detail = "; ".join(f"{where}.{path}: {' '.join(msgs)}" for path, msgs in errors.items())
            raise RecordError(f"Not a valid DCAT-US 1.1 entry: {detail}", f"{where}.{first}")
        return map_entry(item.payload)


def _license(url: str | None) -> str | None:
    for fragment, license_id in LICENSES.items():
        if url and fragment in url:
            return license_id
    return None


def _temporal(value) -> dict:
    start, _, end = (value or "").partition("/")
    start, end = iso_date(start), iso_date(end)
    if start and end and len(start) >= 10 and len(end) >= 10:
        return {"temporal_start": start[:10], "temporal_end": end[:10]}
    return {}


def _resource(dist: dict) -> dict:
    url = dist.get("downloadURL") or dist.get("accessURL") or ""
    mapped = {"url": url, "name": dist.get("title"), "description": dist.get("description"),
              "mimetype": dist.get("mediaType"), "format": (dist.get("format") or "").upper() or None}
    if dist.get("downloadURL") and dist.get("accessURL"):
        mapped["url"], mapped["download_url"] = dist["accessURL"], dist["downloadURL"]
    return {k: v for k, v in mapped.items() if v}


def map_entry(entry: dict) -> dict:
    """Map one valid DCAT-US entry to a dataset dict; what has no field of its own goes to extras."""
    contact = entry["contactPoint"]
    data = {
        "name": slugify(entry["title"]),
        "title": entry["title"],
        "notes": entry["description"],
        "identifier": entry["identifier"],
        "tags": clean_tags(entry["keyword"]),
        "publisher": {"name": entry["publisher"]["name"]},
        "contact_point": {"name": contact["fn"], "email": contact["hasEmail"].removeprefix("mailto:")},
        "access_level": ACCESS_LEVELS[entry["accessLevel"]],
        "resources": [_resource(d) for d in entry.get("distribution") or [] if isinstance(d, dict)],
        **_temporal(entry.get("temporal")),
    }
    extras = {k: v for k, v in entry.items() if k not in MAPPED and v is not None}
    for key, field in (("modified", "modified"), ("issued", "issued")):
        value = iso_date(entry.get(key))
        if value:
            data[field] = value
        elif entry.get(key):
            extras[key] = entry[key]
    if entry.get("landingPage"):
        data["landing_page"] = entry["landingPage"]
    license_id = _license(entry.get("license"))
    if license_id:
        data["license_id"] = license_id
    elif entry.get("license"):
        extras["license"] = entry["license"]
    if entry.get("accrualPeriodicity") in FREQUENCIES:
        data["frequency"] = FREQUENCIES[entry["accrualPeriodicity"]]
    codes = [c.strip() for c in (entry.get("spatial") or "").split(",") if c.strip()]
    if codes and all(c.startswith("35.73") for c in codes):
        data["spatial"] = codes
    elif entry.get("spatial"):
        extras["spatial"] = entry["spatial"]
    languages = sorted({lang.split("-")[0].lower() for lang in entry.get("language") or []})
    if languages:
        data["language"] = languages
    data["extras"] = [{"key": k, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
                      for k, v in sorted(extras.items())]
    return {k: v for k, v in data.items() if v not in ([], None, {})}
