"""data.json files (DCAT-US 1.1 / Project Open Data): one document listing every dataset.

Each entry is mapped by the shared normaliser (``harvesters.normalise``): only a missing title,
identifier or distribution URL rejects it. What breaks DCAT-US 1.1 otherwise (checked against
``metadata_schemas/datajson_dataset.json``) and values that cannot be mapped are kept with the
dataset as warnings named by the entry's JSON path (``contactPoint.hasEmail``). The document is
fetched with a conditional request, so an unchanged file costs one request and no parsing.
"""

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator

from harvesters import HarvestError, RecordError, RemoteItem
from harvesters.mapping import clean_tags, slugify
from harvesters.normalise import Findings, as_text, date, file_format, finish, media_type, usable_url

ACCESS_LEVELS = {"public": "terbuka", "restricted public": "terbatas", "non-public": "tertutup"}
STANDARD = "DCAT-US 1.1"
REGION = re.compile(r"^35\.73(\.0[1-5](\.1\d{3})?)?$")
# Entry keys mapped to first-class fields; every other key goes to extras.
MAPPED = {"@type", "title", "description", "keyword", "modified", "issued", "publisher", "contactPoint",
          "identifier", "accessLevel", "license", "landingPage", "spatial", "temporal", "accrualPeriodicity",
          "language", "distribution", "theme", "superTheme"}


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
        """The dataset of one entry. Only a missing title, identifier or distribution URL rejects it; what
        breaks DCAT-US 1.1 otherwise is kept with the dataset as warnings."""
        if not isinstance(item.payload, dict):
            raise RecordError("A data.json entry must be a JSON object", "(record)")
        return map_entry(item.payload)


def _temporal(value) -> dict:
    start, _, end = (value if isinstance(value, str) else "").partition("/")
    start, end = date(start), date(end)
    if start and end and start[:10] <= end[:10]:
        return {"temporal_start": start[:10], "temporal_end": end[:10]}
    return {}


def _resource(dist, n: int, findings: Findings) -> dict:
    if not isinstance(dist, dict):
        return {"url": None}
    path = f"resources.{n}"
    url = dist.get("downloadURL") or dist.get("accessURL")
    mapped = {"url": url, "name": dist.get("title"), "description": findings.text(dist.get("description"),
                                                                                  f"{path}.description")}
    if usable_url(dist.get("downloadURL")) and usable_url(dist.get("accessURL")):
        mapped["url"], mapped["download_url"] = dist["accessURL"], dist["downloadURL"]
    written = dist.get("format") or dist.get("mediaType")
    if written not in (None, ""):
        mapped["format"] = file_format(written) if isinstance(written, str) else None
        if mapped["format"] is None:
            findings.unknown("format", f"{path}.format", written)
    if dist.get("mediaType") not in (None, ""):
        mapped["mimetype"] = media_type(dist["mediaType"]) if isinstance(dist["mediaType"], str) else None
        if mapped["mimetype"] is None:
            findings.unknown("media type", f"{path}.mimetype", dist["mediaType"])
    return {k: v for k, v in mapped.items() if v not in (None, "")}


def _contact(value, findings: Findings) -> dict | None:
    if not isinstance(value, dict):
        return None
    contact = {"name": value.get("fn") if isinstance(value.get("fn"), str) else None}
    email = value.get("hasEmail")
    if isinstance(email, str) and email.strip().lower().removeprefix("mailto:").strip():
        contact["email"] = email.strip()[7:].strip() if email.strip().lower().startswith("mailto:") else email.strip()
    contact = {k: v for k, v in contact.items() if v}
    return contact if "email" in contact else None


def map_entry(entry: dict) -> dict:
    """Map one DCAT-US entry to a dataset dict; what has no field of its own goes to extras."""
    findings = Findings()
    title = entry.get("title") if isinstance(entry.get("title"), str) else None
    identifier = entry.get("identifier")
    publisher = entry.get("publisher") if isinstance(entry.get("publisher"), dict) else {}
    data = {
        "name": slugify(title or ""),
        "title": title,
        "notes": findings.text(entry.get("description"), "notes"),
        "identifier": identifier if isinstance(identifier, str) else None,
        "tags": clean_tags(entry.get("keyword") if isinstance(entry.get("keyword"), list) else
                           [entry["keyword"]] if isinstance(entry.get("keyword"), str) else []),
        "publisher": {"name": publisher["name"]} if isinstance(publisher.get("name"), str) else None,
        "contact_point": _contact(entry.get("contactPoint"), findings),
        "resources": [_resource(d, n, findings) for n, d in enumerate(
            entry.get("distribution") if isinstance(entry.get("distribution"), list) else [])],
        **_temporal(entry.get("temporal")),
    }
    extras = {k: v for k, v in entry.items() if k not in MAPPED and v is not None}
    data["modified"] = findings.date(entry.get("modified"), "modified", required_by=STANDARD)
    data["issued"] = findings.date(entry.get("issued"), "issued")
    if entry.get("accessLevel") in ACCESS_LEVELS:
        data["access_level"] = ACCESS_LEVELS[entry["accessLevel"]]
    elif entry.get("accessLevel") in (None, ""):
        findings.required("accessLevel", STANDARD)
    else:
        findings.unknown("access level", "accessLevel", entry["accessLevel"])
    if isinstance(entry.get("landingPage"), str) and usable_url(entry["landingPage"]):
        data["landing_page"] = entry["landingPage"].strip()
    elif entry.get("landingPage"):
        findings.keep("landingPage", entry["landingPage"], "landingPage", "Not a web address; kept as an extra")
    data["license_id"] = findings.licence(entry.get("license"), key="license")
    data["frequency"] = findings.frequency(entry.get("accrualPeriodicity"), "accrualPeriodicity")
    data["theme"] = findings.themes(entry.get("superTheme"), "superTheme") or findings.themes(entry.get("theme"))
    codes = [c.strip() for c in entry["spatial"].split(",")] if isinstance(entry.get("spatial"), str) else []
    if codes and all(REGION.match(c) for c in codes):
        data["spatial"] = codes
    elif entry.get("spatial"):
        extras["spatial"] = entry["spatial"]
    data["language"] = sorted(set(findings.languages(entry.get("language"))))
    if entry.get("contactPoint") in (None, "", {}):
        findings.required("contactPoint", STANDARD)
    for key in ("bureauCode", "programCode"):
        if key not in entry:
            findings.warn(key, f"{STANDARD} requires {key} of federal agencies; the source gives none")
    warned = {w["path"].split(".")[0] for w in findings.warnings}
    for path, messages in entry_errors(entry).items():
        if path.split(".")[0] not in warned | {"theme", "superTheme"}:
            findings.warn(path, f"Not valid {STANDARD}: {' '.join(messages)}")
    data["extras"] = [{"key": k, "value": as_text(v)} for k, v in sorted(extras.items())]
    data = {k: v for k, v in data.items() if v not in ([], None, {}, "")}
    return finish(data, findings)
