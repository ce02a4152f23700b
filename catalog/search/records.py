"""A dataset record flattened into the fields every backend indexes (text, keywords, dates, bbox)."""

import datetime as dt
from functools import cache

from catalog import schemas

TEXT = ("title", "tags_text", "notes", "other")
KEYWORDS = (
    "name", "identifier", "organization", "groups", "tags", "res_format", "license_id", "frequency",
    "spatial", "region", "theme", "language", "access_level",
)
DATES = ("metadata_modified", "metadata_created", "issued", "modified", "temporal_start", "temporal_end")
# What "recently updated" sorts by: the publisher's own modified date, or the catalog's record time without one.
UPDATED = "updated"


@cache
def _regions() -> dict[str, dict]:
    return schemas.region_names()


def region_codes(spatial: list[str]) -> list[str]:
    """The spatial codes with every parent region below the whole city (a kelurahan counts for its kecamatan)."""
    regions = _regions()
    found = []
    for code in spatial:
        while code and code not in found:
            found.append(code)
            code = (regions.get(code) or {}).get("parent")
    return found


def _translations(record: dict, field: str) -> list[str]:
    values = [record.get(field) or ""]
    values += [v for v in (record.get(f"{field}_translated") or {}).values() if v and v not in values]
    return values


def flatten(record: dict) -> dict:
    """``{field: value or [values]}``: text to analyse, exact keywords, epoch-second dates, bbox."""
    regions = _regions()
    resources = record.get("resources") or []
    other = [record.get("owner_org", ""), (record.get("publisher") or {}).get("name", ""), record.get("unit", "")]
    other += [f"{r.get('name', '')} {r.get('description', '')}" for r in resources]
    other += [regions[c]["name"] for c in record.get("spatial") or [] if c in regions]
    tags = [t["name"] for t in record.get("tags") or []]
    doc = {
        "id": record["id"],
        "stamp": record.get("metadata_modified", ""),
        "title": " \n ".join(_translations(record, "title")),
        "notes": " \n ".join(_translations(record, "notes")),
        "tags_text": " \n ".join(tags),
        "other": " \n ".join(o for o in other if o),
        "title_sort": (record.get("title") or "").casefold(),
        "name": [record.get("name", "")],
        "identifier": [record["identifier"]] if record.get("identifier") else [],
        "organization": [record["owner_org"]] if record.get("owner_org") else [],
        "groups": [g["name"] for g in record.get("groups") or [] if g.get("name")],
        "tags": tags,
        "res_format": sorted({r["format"] for r in resources if r.get("format")}),
        "license_id": [record["license_id"]] if record.get("license_id") else [],
        "frequency": [record["frequency"]] if record.get("frequency") else [],
        "spatial": list(record.get("spatial") or []),
        "region": region_codes(record.get("spatial") or []),
        "theme": list(record.get("theme") or []),
        "language": list(record.get("language") or []),
        "access_level": [record["access_level"]] if record.get("access_level") else [],
        "bbox": record.get("spatial_bbox"),
    }
    for field in DATES:
        doc[field] = epoch(record[field]) if record.get(field) else None
    doc[UPDATED] = doc["modified"] if doc["modified"] is not None else doc["metadata_modified"]
    return doc


def epoch(value: str) -> int:
    """Seconds since 1970 (UTC) for an ISO date or date-time."""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())
