"""DCAT-AP 2 / 3 triples -> dataset record. Pure; lenient with the literals real portals publish."""

import re

from pyoxigraph import BlankNode, Literal

from catalog.dcat import vocab as v
from catalog.dcat.graph import Index, stable_hash

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9 +()./-]+$")
_REGION = re.compile(r"^35\.73(\.0[1-5](\.1\d{3})?)?$")
_TAG_JUNK = re.compile(r"[^\w .-]+")


class MappingError(Exception):
    """A dataset node lacks what every record needs; ``path`` names the field."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.message, self.path = message, path


def dataset_nodes(index: Index) -> list:
    """The dcat:Dataset nodes of a graph, in document order."""
    return index.subjects_of_type(v.DCAT + "Dataset")


def remote_id(index: Index, node) -> str:
    """How a dataset is known at its source: its dct:identifier, else its IRI (or a digest of a blank node)."""
    identifier = index.first(node, v.DCT + "identifier")
    if identifier is not None and identifier.value.strip():
        return identifier.value.strip()
    if not isinstance(node, BlankNode):
        return node.value
    title = index.first(node, v.DCT + "title")
    return "blank:" + stable_hash(title.value if title is not None else repr(node))


def _texts(index: Index, node, predicate: str, default_language: str) -> tuple[str | None, dict]:
    """(text in the default language or the first one, {language: text} when several languages are given)."""
    found = {}
    plain = None
    for term in index.objects(node, v.DCT + predicate):
        if not isinstance(term, Literal):
            continue
        if term.language:
            found.setdefault(term.language.split("-")[0].lower(), term.value)
        elif plain is None:
            plain = term.value
    text = found.get(default_language) or plain or next(iter(found.values()), None)
    translated = found if len(found) > 1 or (found and plain and plain not in found.values()) else {}
    translated = {k: t for k, t in translated.items() if re.fullmatch(r"[a-z]{2,3}", k)}
    return text, translated


def _date(term) -> str | None:
    """An ISO date or date-time from a literal (xsd:date, dateTime, gYear, gYearMonth, or plain text)."""
    if term is None:
        return None
    text = term.value.strip()
    if _DATE.match(text) or _DATETIME.match(text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?", text):
        return text.replace(" ", "T")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text + "-01"
    if re.fullmatch(r"\d{4}", text):
        return text + "-01-01"
    return None


def _url(term) -> str | None:
    """An absolute web address from an IRI or literal, or None."""
    if term is None:
        return None
    text = term.value.strip()
    return text if re.match(r"^(https?|ftp)://\S+$", text) and len(text) <= 2000 else None


def _email(term) -> str | None:
    if term is None:
        return None
    text = term.value.strip()
    text = text[7:] if text.lower().startswith("mailto:") else text
    return text if _EMAIL.match(text) else None


def _agent(index: Index, node) -> dict | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return {"name": node.value} if node.value.strip() else None
    name = index.first(node, v.FOAF + "name") or index.first(node, v.VCARD + "fn")
    if name is None or not name.value.strip():
        return None
    agent = {"name": name.value.strip()[:300]}
    url = _url(index.first(node, v.FOAF + "homepage"))
    email = _email(index.first(node, v.FOAF + "mbox"))
    kind = index.first(node, v.DCT + "type")
    if url:
        agent["url"] = url
    if email:
        agent["email"] = email
    if kind is not None and v.tail(kind.value, v.PUBLISHER_TYPE):
        agent["type"] = v.tail(kind.value, v.PUBLISHER_TYPE)
    return agent


def _contact_point(index: Index, node) -> dict | None:
    if node is None or isinstance(node, Literal):
        return None
    contact = {}
    name = index.first(node, v.VCARD + "fn") or index.first(node, v.VCARD + "organization-name")
    if name is not None:
        contact["name"] = name.value.strip()[:200]
    email = _email(index.first(node, v.VCARD + "hasEmail"))
    if email:
        contact["email"] = email
    phone = index.first(node, v.VCARD + "hasTelephone")
    if phone is not None and not isinstance(phone, Literal) and index.first(phone, v.VCARD + "hasValue") is not None:
        phone = index.first(phone, v.VCARD + "hasValue")
    phone = v.from_tel(phone.value) if phone is not None else ""
    if phone and _PHONE.match(phone):
        contact["phone"] = phone
    url = _url(index.first(node, v.VCARD + "hasURL"))
    if url:
        contact["url"] = url
    return contact if contact.keys() & {"email", "phone", "url"} else None


def _keywords(index: Index, node) -> list[dict]:
    tags = {}
    for term in index.objects(node, v.DCAT + "keyword"):
        name = _TAG_JUNK.sub(" ", term.value).strip()[:100]
        if len(name) >= 2:
            tags.setdefault(name, {"name": name})
    return list(tags.values())


def _codes(terms, lookup) -> list[str]:
    codes = []
    for term in terms:
        code = lookup(term.value.strip())
        if code and code not in codes:
            codes.append(code)
    return codes


def _region(index: Index, term) -> str | None:
    notation = index.first(term, v.SKOS + "notation")
    for text in (notation.value if notation is not None else "", term.value.rsplit("/", 1)[-1]):
        if _REGION.match(text):
            return text
    return None


def _temporal(index: Index, node) -> tuple[str | None, str | None]:
    for period in index.objects(node, v.DCT + "temporal"):
        start = index.first(period, v.DCAT + "startDate") or index.first(period, v.SCHEMA + "startDate")
        end = index.first(period, v.DCAT + "endDate") or index.first(period, v.SCHEMA + "endDate")
        start, end = _date(start), _date(end)
        if start or end:
            return (start[:10] if start else None), (end[:10] if end else None)
    return None, None


# DCAT-AP 3 recommended properties of a dataset: (predicate, as a warning names it).
RECOMMENDED = ((v.DCAT + "contactPoint", "dcat:contactPoint"), (v.DCAT + "distribution", "dcat:distribution"),
               (v.DCAT + "keyword", "dcat:keyword"), (v.DCT + "publisher", "dct:publisher"),
               (v.DCAT + "theme", "dcat:theme"), (v.DCT + "spatial", "dct:spatial"),
               (v.DCT + "temporal", "dct:temporal"))


def dataset_record(index: Index, node, default_language: str = "id", findings=None) -> dict:
    """The dataset record for one dcat:Dataset node; MappingError when it has no title.

    ``findings`` (a ``harvesters.normalise.Findings``) turns on tolerant reading: values the strict
    lookups cannot map are read by the shared normaliser, or kept as extras with a warning; a
    distribution without a URL is kept as one without ``url`` for the shared rules to report; the
    node's IRI stands in for a missing dct:identifier; missing recommended properties are warned about.
    """
    record = {}
    title, titles = _texts(index, node, "title", default_language)
    if not title or not title.strip():
        raise MappingError("the dataset has no dct:title", "title")
    record["title"] = title.strip()[:500]
    notes, notes_translated = _texts(index, node, "description", default_language)
    if findings is not None and notes:
        notes = findings.text(notes, "notes")
    _put(record, title_translated=titles, notes=notes, notes_translated=notes_translated)
    identifier = index.first(node, v.DCT + "identifier")
    _put(record, identifier=identifier.value.strip()[:500] if identifier is not None else None)
    if findings is not None and "identifier" not in record and not isinstance(node, BlankNode):
        record["identifier"] = node.value[:500]
    for field in ("issued", "modified"):
        term = index.first(node, v.DCT + field)
        found = _date(term)
        if found is None and term is not None and findings is not None:
            found = findings.date(term.value, field)
        _put(record, **{field: found})
    version = index.first(node, v.DCAT + "version") or index.first(node, v.OWL + "versionInfo")
    _put(record, version=version.value[:100] if version is not None else None, tags=_keywords(index, node))
    themes = index.objects(node, v.DCAT + "theme")
    frequencies = index.objects(node, v.DCT + "accrualPeriodicity")
    languages = index.objects(node, v.DCT + "language")
    if findings is None:
        _put(record, theme=_codes(themes, v.theme_code))
        frequency = _codes(frequencies, v.frequency_code)
        _put(record, frequency=frequency[0] if frequency else None,
             language=_codes(languages, v.language_code))
    else:
        _put(record, theme=findings.themes([_label(index, t) for t in themes]),
             frequency=findings.frequency(_label(index, frequencies[0])) if frequencies else None,
             language=findings.languages([t.value for t in languages]))
    access = _codes(index.objects(node, v.DCT + "accessRights"), v.access_level)
    _put(record, access_level=access[0] if access else None)
    _put(record, landing_page=_url(index.first(node, v.DCAT + "landingPage")),
         url=_url(index.first(node, v.RDFS + "seeAlso")))
    _put(record, publisher=_agent(index, index.first(node, v.DCT + "publisher")))
    for field, predicate in (("author", "creator"), ("maintainer", "contributor")):
        agent = _agent(index, index.first(node, v.DCT + predicate))
        if agent:
            _put(record, **{field: agent["name"], f"{field}_email": agent.get("email")})
    _put(record, contact_point=_contact_point(index, index.first(node, v.DCAT + "contactPoint")))
    spatial = [_region(index, term) for term in index.objects(node, v.DCT + "spatial")]
    _put(record, spatial=list(dict.fromkeys(code for code in spatial if code)))
    start, end = _temporal(index, node)
    _put(record, temporal_start=start, temporal_end=end if not start or not end or end >= start else None)
    resources = [_resource(index, d, default_language, findings, n)
                 for n, d in enumerate(index.objects(node, v.DCAT + "distribution"))]
    _put(record, resources=[r for r in resources if r])
    _lift_license(record)
    licence = index.first(node, v.DCT + "license")
    if "license_id" not in record and licence is not None and v.license_id(licence.value):
        record["license_id"] = v.license_id(licence.value)
    elif "license_id" not in record and licence is not None and findings is not None:
        _put(record, license_id=findings.licence(_label(index, licence)))
    if findings is not None:
        for predicate, name in RECOMMENDED:
            if not index.objects(node, predicate):
                findings.warn(name, f"DCAT-AP recommends {name}; the source gives none")
    return record


def _label(index: Index, term) -> str:
    """A term as text to look up: a literal's value, or an IRI (or a blank node's label, if it has one)."""
    if isinstance(term, BlankNode):
        label = index.first(term, v.SKOS + "prefLabel") or index.first(term, v.RDFS + "label")
        return label.value if label is not None else ""
    return term.value


def _put(record: dict, **fields) -> None:
    """Set the fields that have a value (empty lists and dicts count as none)."""
    record.update({k: value for k, value in fields.items() if value not in (None, "", [], {})})


def _resource(index: Index, node, default_language: str, findings=None, n: int = 0) -> dict | None:
    access = _url(index.first(node, v.DCAT + "accessURL"))
    download = _url(index.first(node, v.DCAT + "downloadURL"))
    if not (access or download):
        if findings is None:
            return None
        written = index.first(node, v.DCAT + "accessURL") or index.first(node, v.DCAT + "downloadURL")
        return {"url": written.value if written is not None else None}
    resource = {"url": access or download}
    name, names = _texts(index, node, "title", default_language)
    description, descriptions = _texts(index, node, "description", default_language)
    _put(resource, name=name[:300] if name else None, name_translated=names, description=description,
         description_translated=descriptions)
    if access and download:  # with only a download URL, that URL already is ``url``
        resource["download_url"] = download
    _resource_format(index, node, resource, findings, f"resources.{n}")
    size = index.first(node, v.DCAT + "byteSize")
    try:
        resource["size"] = max(0, int(float(size.value))) if size is not None else None
    except ValueError:
        resource["size"] = None
    checksum = index.first(node, v.SPDX + "checksum")
    if checksum is not None:
        algorithm, value = index.first(checksum, v.SPDX + "algorithm"), index.first(checksum, v.SPDX + "checksumValue")
        if algorithm is not None and value is not None:
            resource["hash"] = f"{v.tail(algorithm.value, v.CHECKSUM_ALGORITHM) or algorithm.value}:{value.value}"[:200]
    licence = index.first(node, v.DCT + "license")
    known = v.license_id(licence.value) if licence is not None else None
    if known is None and licence is not None and findings is not None:
        known = findings.licence_id(_label(index, licence))
    _put(resource, license_id=known,
         language=_codes(index.objects(node, v.DCT + "language"), v.language_code),
         issued=_date(index.first(node, v.DCT + "issued")), modified=_date(index.first(node, v.DCT + "modified")))
    if licence is not None and "license_id" not in resource:
        resource["_license_iri"] = licence.value
    return {k: value for k, value in resource.items() if value is not None}


def _resource_format(index: Index, node, resource: dict, findings=None, path: str = "") -> None:
    fmt = index.first(node, v.DCT + "format")
    media = index.first(node, v.DCAT + "mediaType")
    if findings is not None:
        if fmt is not None:
            label = index.first(fmt, v.RDFS + "label")
            label = label.value if label is not None else v.format_label(fmt.value) or _label(index, fmt)
            _put(resource, format=findings.format(label, f"{path}.format"))
        if media is not None:
            _put(resource, mimetype=findings.media_type(media.value, f"{path}.mimetype"))
        return
    if fmt is not None:
        label = v.format_label(fmt.value) or (fmt.value if isinstance(fmt, Literal) else fmt.value.rsplit("/", 1)[-1])
        label = index.first(fmt, v.RDFS + "label").value if index.first(fmt, v.RDFS + "label") is not None else label
        if v.media_type(label) and "/" in label:
            media = media or fmt
        elif re.fullmatch(r"[A-Za-z0-9.+_ /-]{1,50}", label):
            resource["format"] = label
    if media is not None and v.media_type(media.value):
        resource["mimetype"] = v.media_type(media.value)


def _lift_license(record: dict) -> None:
    """DCAT-AP puts licences on distributions; the record keeps the most common one for the dataset
    (ties go to the first distribution's) and a resource keeps its own only where it differs."""
    resources = record.get("resources") or []
    iris = sorted({r.pop("_license_iri") for r in resources if "_license_iri" in r})
    ids = [r["license_id"] for r in resources if r.get("license_id")]
    if ids:
        common = max(dict.fromkeys(ids), key=ids.count)
        record["license_id"] = common
        for resource in resources:
            if resource.get("license_id") == common:
                del resource["license_id"]
    elif iris:
        record["license_id"] = "other"
        record.setdefault("extras", []).append({"key": "license_url", "value": iris[0]})
