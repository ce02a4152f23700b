"""Dataset record -> DCAT-AP 3 triples. Pure: everything it needs comes in ``Site``.

Terms are Turtle text (``<iri>``, ``dcat:Dataset``, ``"text"@id``, ``"12"^^xsd:integer``, ``_:b7``)
made once here: IRIs from the record are checked by pyoxigraph and literals escaped, so
``graph.serialise`` only joins strings for Turtle and expands prefixed names for N-Triples. Making pyoxigraph term objects and turning them back into text cost most of an export before.
"""

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pyoxigraph import NamedNode

from catalog.dcat import vocab as v
from catalog.dcat.graph import ESCAPES

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


@dataclass(frozen=True)
class Site:
    """What the mapping needs to know about the publishing catalog."""

    url: str = "http://127.0.0.1:5000"  # base of links: SITE_URL, or the request's own address
    title: str = "Portal Satu Data Kota Malang"
    language: str = "id"
    organizations: dict = field(default_factory=dict)  # name -> organization record, for default publishers
    regions: dict = field(default_factory=dict)  # Kemendagri code -> {"name", "level", "parent"}
    iri_base: str = ""  # names records stored before IRIs were minted (SITE_URL or the old default); url if empty

    def dataset_iri(self, record: dict) -> str:
        """The IRI minted when the record was first stored, else the one it has always had under ``iri_base``."""
        return record.get("uri") or f"{self.iri_base or self.url}/dataset/{record['id']}"

    @property
    def catalog_iri(self) -> str:
        return f"{self.url}/catalog"


_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@lru_cache(maxsize=4096)
def named(name: str, local: str) -> str:
    """The IRI ``name + local`` as a term, checked and made once: a prefixed name under the project's
    prefixes when there is a simple one, else ``<iri>``."""
    iri = NamedNode(name + local).value
    for prefix, namespace in v.PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


TYPE = named(v.RDF, "type")
XSD_DATE, XSD_DATETIME = named(v.XSD, "date"), named(v.XSD, "dateTime")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_blank_numbers = itertools.count(1)
_NEEDS_ESCAPE = re.compile(r'["\\\n\r]')


def literal(text: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal term: plain, with a language tag, or typed (``datatype`` is a term from ``_n``)."""
    quoted = '"' + (text.translate(ESCAPES) if _NEEDS_ESCAPE.search(text) else text) + '"'
    if language:
        if not _LANGUAGE_TAG.match(language):
            raise ValueError(f"not a language tag: {language!r}")
        return quoted + "@" + language
    return quoted + "^^" + datatype if datatype else quoted


def blank() -> str:
    """A blank node term, distinct from every other one this process makes."""
    return f"_:b{next(_blank_numbers)}"


def iri_term(value: str) -> str:
    """An IRI term from text; ValueError when it is not a valid IRI."""
    return "<" + NamedNode(value).value + ">"


class _Builder:
    """Collects triples; ``problems`` gathers what keeps the record from being published conformant."""

    def __init__(self, site: Site):
        self.site = site
        self.triples: list[tuple] = []
        self.problems: list[str] = []

    def add(self, subject, predicate: str, obj) -> None:
        self.triples.append((subject, predicate, obj))

    def iri(self, value: str, path: str) -> str | None:
        try:
            return iri_term(value.strip())
        except ValueError:
            self.problems.append(f"{path}: not a valid IRI: {value!r}")
            return None

    def link(self, subject, predicate: str, value: str | None, path: str) -> None:
        node = self.iri(value, path) if value else None
        if node is not None:
            self.add(subject, predicate, node)

    def date(self, subject, predicate: str, value: str | None) -> None:
        if value:
            self.add(subject, predicate, literal(value, datatype=XSD_DATETIME if _DATETIME.match(value) else XSD_DATE))

    def texts(self, subject, predicate: str, plain: str | None, translated: dict | None) -> None:
        """One literal per language: the translations, and the plain text in the default language."""
        texts = dict(translated or {})
        if plain and self.site.language not in texts:
            texts[self.site.language] = plain
        for language, text in texts.items():
            if text:
                self.add(subject, predicate, literal(text, language=language))

    def agent(self, subject, predicate: str, name: str, url=None, email=None, kind=None, path="") -> None:
        node = blank()
        self.add(subject, predicate, node)
        self.add(node, TYPE, named(v.FOAF, "Agent"))
        self.add(node, named(v.FOAF, "name"), literal(name))
        self.link(node, named(v.FOAF, "homepage"), url, f"{path}.url")
        self.link(node, named(v.FOAF, "mbox"), f"mailto:{email}" if email else None, f"{path}.email")
        if kind:
            self.add(node, named(v.DCT, "type"), named(v.PUBLISHER_TYPE, kind))


def dataset_triples(record: dict, site: Site, described: set | None = None) -> tuple[list[tuple], list[str]]:
    """The DCAT-AP 3 triples of one dataset record, and the problems that keep it from conforming.

    Triples are plain (subject, predicate, object) tuples of N-Triples terms.
    ``described`` (regions already described in the same document) saves repeating region labels.
    """
    b = _Builder(site)
    b.described = set(described or ())
    node = iri_term(site.dataset_iri(record))
    b.add(node, TYPE, named(v.DCAT, "Dataset"))
    b.texts(node, named(v.DCT, "title"), record.get("title"), record.get("title_translated"))
    b.texts(node, named(v.DCT, "description"), record.get("notes"), record.get("notes_translated"))
    if not (record.get("title") or any((record.get("title_translated") or {}).values())):
        b.problems.append("title: a title is mandatory in DCAT-AP (dct:title)")
    if not (record.get("notes") or any((record.get("notes_translated") or {}).values())):
        b.problems.append("notes: a description is mandatory in DCAT-AP (dct:description)")
    if record.get("identifier"):
        b.add(node, named(v.DCT, "identifier"), literal(record["identifier"]))
    b.date(node, named(v.DCT, "issued"), record.get("issued"))
    b.date(node, named(v.DCT, "modified"), record.get("modified"))
    if record.get("version"):
        b.add(node, named(v.DCAT, "version"), literal(record["version"]))
    for tag in record.get("tags") or []:
        b.add(node, named(v.DCAT, "keyword"), literal(tag["name"]))
    for code in record.get("theme") or []:
        b.add(node, named(v.DCAT, "theme"), named(v.THEME, code))
    if record.get("frequency"):
        b.add(node, named(v.DCT, "accrualPeriodicity"), named(v.FREQUENCY, record["frequency"]))
    if record.get("access_level"):
        b.add(node, named(v.DCT, "accessRights"), named(v.ACCESS_RIGHT, v.ACCESS_RIGHTS[record["access_level"]]))
    _languages(b, node, record.get("language"), "language")
    b.link(node, named(v.DCAT, "landingPage"), record.get("landing_page"), "landing_page")
    b.link(node, named(v.RDFS, "seeAlso"), record.get("url"), "url")
    _publisher(b, node, record)
    if record.get("author"):
        b.agent(node, named(v.DCT, "creator"), record["author"], email=record.get("author_email"), path="author")
    if record.get("maintainer"):
        b.agent(node, named(v.DCT, "contributor"), record["maintainer"], email=record.get("maintainer_email"),
                path="maintainer")
    _contact_point(b, node, record.get("contact_point"))
    _spatial(b, node, record.get("spatial"))
    _temporal(b, node, record.get("temporal_start"), record.get("temporal_end"))
    for n, resource in enumerate(record.get("resources") or []):
        _distribution(b, node, record, resource, n)
    if record.get("license_id") and not record.get("resources"):  # nowhere else to say it
        b.link(node, named(v.DCT, "license"), v.license_iri(record["license_id"], b.site.url), "license_id")
    if described is not None and not b.problems:
        described.update(b.described)
    return b.triples, b.problems


def _languages(b: _Builder, node, codes, path: str) -> None:
    for n, code in enumerate(codes or []):
        iri = v.language_iri(code)
        if iri:
            b.add(node, named(v.DCT, "language"), named(iri, ""))
        else:
            b.problems.append(f"{path}.{n}: no EU language IRI for {code!r}")


def _publisher(b: _Builder, node, record: dict) -> None:
    publisher = record.get("publisher")
    if not publisher:
        organization = b.site.organizations.get(record.get("owner_org"))
        if not organization:
            return
        publisher = {"name": organization.get("title") or organization["name"], "url": organization.get("url"),
                     "type": organization.get("publisher_type")}
    b.agent(node, named(v.DCT, "publisher"), publisher["name"], publisher.get("url"), publisher.get("email"),
            publisher.get("type"), path="publisher")


def _contact_point(b: _Builder, node, contact: dict | None) -> None:
    if not contact:
        return
    card = blank()
    b.add(node, named(v.DCAT, "contactPoint"), card)
    b.add(card, TYPE, named(v.VCARD, "Kind"))
    if contact.get("name"):
        b.add(card, named(v.VCARD, "fn"), literal(contact["name"]))
    b.link(card, named(v.VCARD, "hasEmail"), f"mailto:{contact['email']}" if contact.get("email") else None,
           "contact_point.email")
    b.link(card, named(v.VCARD, "hasTelephone"), v.tel_iri(contact["phone"]) if contact.get("phone") else None,
           "contact_point.phone")
    b.link(card, named(v.VCARD, "hasURL"), contact.get("url"), "contact_point.url")


@lru_cache(maxsize=1024)
def _region(iri: str, code: str, name: str) -> tuple[str, tuple[tuple, ...]]:
    """A region's node and the triples that describe it (the same for every dataset)."""
    place = iri_term(iri)
    return place, ((place, TYPE, named(v.DCT, "Location")), (place, named(v.SKOS, "notation"), literal(code)),
                   (place, named(v.SKOS, "prefLabel"), literal(name, language="id")))


def _spatial(b: _Builder, node, codes) -> None:
    for code in codes or []:
        place, described = _region(v.region_iri(code, b.site.url), code, b.site.regions.get(code, {}).get("name", code))
        b.add(node, named(v.DCT, "spatial"), place)
        if code not in b.described:
            b.triples.extend(described)
            b.described.add(code)


def _temporal(b: _Builder, node, start: str | None, end: str | None) -> None:
    if not (start or end):
        return
    period = blank()
    b.add(node, named(v.DCT, "temporal"), period)
    b.add(period, TYPE, named(v.DCT, "PeriodOfTime"))
    b.date(period, named(v.DCAT, "startDate"), start)
    b.date(period, named(v.DCAT, "endDate"), end)


def _distribution(b: _Builder, dataset, record: dict, resource: dict, n: int) -> None:
    path = f"resources.{n}"
    node = iri_term(f"{b.site.dataset_iri(record)}/resource/{resource.get('id') or n}")
    b.add(dataset, named(v.DCAT, "distribution"), node)
    b.add(node, TYPE, named(v.DCAT, "Distribution"))
    b.texts(node, named(v.DCT, "title"), resource.get("name"), resource.get("name_translated"))
    b.texts(node, named(v.DCT, "description"), resource.get("description"), resource.get("description_translated"))
    access = b.iri(resource.get("url") or "", f"{path}.url")
    if access is None:
        b.problems.append(f"{path}.url: an access URL is mandatory in DCAT-AP (dcat:accessURL)")
    else:
        b.add(node, named(v.DCAT, "accessURL"), access)
    b.link(node, named(v.DCAT, "downloadURL"), resource.get("download_url"), f"{path}.download_url")
    if resource.get("format"):
        b.link(node, named(v.DCT, "format"), v.format_iri(resource["format"], b.site.url), f"{path}.format")
    if resource.get("mimetype"):
        b.link(node, named(v.DCAT, "mediaType"), v.media_type_iri(resource["mimetype"]), f"{path}.mimetype")
    if resource.get("size") is not None:
        b.add(node, named(v.DCAT, "byteSize"), literal(str(resource["size"]), datatype=named(v.XSD, "nonNegativeInteger")))
    _checksum(b, node, resource.get("hash"), path)
    license_id = resource.get("license_id") or record.get("license_id")
    if license_id:
        b.link(node, named(v.DCT, "license"), v.license_iri(license_id, b.site.url), f"{path}.license_id")
    _languages(b, node, resource.get("language"), f"{path}.language")
    b.date(node, named(v.DCT, "issued"), resource.get("issued"))
    b.date(node, named(v.DCT, "modified"), resource.get("modified"))


def _checksum(b: _Builder, node, value: str | None, path: str) -> None:
    if not value:
        return
    parts = v.checksum_parts(value)
    if parts is None:
        b.problems.append(f"{path}.hash: not a checksum written ALGORITHM:HEX: {value!r}")
        return
    checksum = blank()
    b.add(node, named(v.SPDX, "checksum"), checksum)
    b.add(checksum, TYPE, named(v.SPDX, "Checksum"))
    b.add(checksum, named(v.SPDX, "algorithm"), named(v.CHECKSUM_ALGORITHM, parts[0]))
    b.add(checksum, named(v.SPDX, "checksumValue"), literal(parts[1], datatype=named(v.XSD, "hexBinary")))


def catalog_triples(site: Site, page_datasets: list[str], description: str) -> list[tuple]:
    """The catalog node: title, description, publisher, homepage, language, and links to ``page_datasets``."""
    b = _Builder(site)
    node = iri_term(site.catalog_iri)
    b.add(node, TYPE, named(v.DCAT, "Catalog"))
    b.add(node, named(v.DCT, "title"), literal(site.title, language=site.language))
    b.add(node, named(v.DCT, "description"), literal(description, language=site.language))
    b.agent(node, named(v.DCT, "publisher"), site.title, url=site.url + "/")
    b.link(node, named(v.FOAF, "homepage"), site.url + "/", "SITE_URL")
    _languages(b, node, [site.language], "DEFAULT_LANGUAGE")
    b.add(node, named(v.DCAT, "themeTaxonomy"), iri_term(v.THEME[:-1]))
    for iri in page_datasets:
        b.add(node, named(v.DCAT, "dataset"), iri_term(iri))
    return b.triples
