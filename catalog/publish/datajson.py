"""Dataset record -> DCAT-US 1.1 (Project Open Data ``data.json``) entry, for non-federal publishers."""

import json
from collections.abc import Callable, Iterable, Iterator

from catalog.dcat import vocab as v
from catalog.dcat.writer import Site

ACCESS_LEVELS = {"terbuka": "public", "terbatas": "restricted public", "tertutup": "non-public"}
PERIODICITY = {
    "CONT": "R/PT1S", "HOURLY": "R/PT1H", "DAILY": "R/P1D", "WEEKLY": "R/P1W", "BIWEEKLY": "R/P2W",
    "MONTHLY": "R/P1M", "QUARTERLY": "R/P3M", "ANNUAL_3": "R/P4M", "ANNUAL_2": "R/P6M", "ANNUAL": "R/P1Y",
    "BIENNIAL": "R/P2Y", "TRIENNIAL": "R/P3Y", "QUINQUENNIAL": "R/P5Y", "IRREG": "irregular",
}
CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"


def _email(record: dict, organization: dict) -> str | None:
    for candidate in ((record.get("contact_point") or {}).get("email"), record.get("maintainer_email"),
                      record.get("author_email"), (record.get("publisher") or {}).get("email"),
                      organization.get("email")):
        if candidate:
            return candidate
    return None


def entry(record: dict, site: Site) -> tuple[dict | None, list[str]]:
    """The data.json entry of a record, or (None, problems) when a required field has no value."""
    organization = site.organizations.get(record.get("owner_org"), {})
    email = _email(record, organization)
    problems = [] if email else ["contact_point.email: data.json needs a contact e-mail address"]
    if not record.get("notes"):
        problems.append("notes: data.json needs a description")
    if problems:
        return None, problems
    publisher = (record.get("publisher") or {}).get("name") or organization.get("title") or record["owner_org"]
    contact = record.get("contact_point") or {}
    keywords = [t["name"] for t in record.get("tags") or []] or [organization.get("title") or record["owner_org"]]
    item = {
        "@type": "dcat:Dataset",
        "title": record["title"],
        "description": record["notes"],
        "keyword": keywords,
        "modified": record.get("modified") or record.get("metadata_modified"),
        "publisher": {"@type": "org:Organization", "name": publisher},
        "contactPoint": {"@type": "vcard:Contact", "fn": contact.get("name") or record.get("maintainer") or publisher,
                         "hasEmail": f"mailto:{email}"},
        "identifier": record.get("identifier") or site.dataset_iri(record),
        "accessLevel": ACCESS_LEVELS.get(record.get("access_level"), "public"),
        "landingPage": record.get("landing_page") or f"{site.url}/dataset/{record['name']}",
        "distribution": [_distribution(r) for r in record.get("resources") or []] or None,
    }
    if record.get("license_id"):
        item["license"] = v.license_iri(record["license_id"], site.url)
    if record.get("issued"):
        item["issued"] = record["issued"]
    if record.get("frequency") in PERIODICITY:
        item["accrualPeriodicity"] = PERIODICITY[record["frequency"]]
    if record.get("temporal_start") and record.get("temporal_end"):
        item["temporal"] = f"{record['temporal_start']}/{record['temporal_end']}"
    if record.get("spatial"):
        item["spatial"] = ", ".join(site.regions.get(code, {}).get("name", code) for code in record["spatial"])
    if record.get("language"):
        item["language"] = list(record["language"])
    if record.get("theme"):
        item["theme"] = list(record["theme"])
    return {k: value for k, value in item.items() if value is not None}, []


def _distribution(resource: dict) -> dict:
    out = {"@type": "dcat:Distribution"}
    if resource.get("mimetype"):  # DCAT-US asks for a media type with every download URL
        out["downloadURL"] = resource.get("download_url") or resource["url"]
    if "downloadURL" not in out or resource.get("download_url"):
        out["accessURL"] = resource["url"]
    for key, field in (("mediaType", "mimetype"), ("format", "format"), ("title", "name"), ("description", "description")):
        if resource.get(field):
            out[key] = resource[field]
    return out


def chunks(records: Iterable[dict], site: Site,
           on_problem: Callable[[dict, list[str]], None] = lambda record, problems: None) -> Iterator[str]:
    """The whole data.json as text pieces, one dataset at a time (memory stays flat)."""
    head = {"@context": CONTEXT, "@id": f"{site.url}/data.json", "@type": "dcat:Catalog", "conformsTo": CONFORMS_TO}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataset": ['
    first = True
    for record in records:
        item, problems = entry(record, site)
        if problems:
            on_problem(record, problems)
            continue
        yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"
