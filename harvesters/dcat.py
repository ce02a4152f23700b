"""DCAT RDF harvester: reads DCAT-AP 2 / 3 catalogs in Turtle, RDF/XML or JSON-LD, following Hydra paging.

Each page is parsed with pyoxigraph; RDF/XML is first checked with defusedxml, so a document
declaring entities or a DTD (billion laughs, XXE) is refused before any RDF parser sees it.
Each page is checked once against the project's DCAT-AP 3 rules (``catalog.dcat.rules``), and each
dataset becomes one item whose payload (``Described``) is the part of the page's index that describes
it, with its violations; ``parse`` maps that without reading anything again. A violating record is
still harvested: ``parse`` returns its violations as ``harvest.dcat_violations``, which the runner keeps
with the rest of the record's harvest provenance.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from pyoxigraph import RdfFormat

from catalog.dcat import rules
from catalog.dcat import vocab as v
from catalog.dcat.graph import Index, Reading, UnsafeXml, detect, read, read_tolerant, stable_hash
from catalog.dcat.reader import MappingError, dataset_nodes, dataset_record, remote_id
from harvesters import HarvestError, RecordError, RemoteItem
from harvesters.normalise import Findings, finish

ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.7"
MAX_BYTES = 100 * 2**20
MAX_PAGES = 100_000


def parse_document(data: bytes, rdf_format: RdfFormat, url: str) -> Reading:
    """The triples of one fetched document, read tolerantly (``graph.read_tolerant``); HarvestError when it
    cannot be read safely or at all."""
    try:
        return read_tolerant(data, rdf_format, base_iri=url)
    except UnsafeXml as error:
        raise HarvestError(f"{url}: {error}") from None
    except (SyntaxError, ValueError) as error:
        raise HarvestError(f"{url}: not readable as {rdf_format.name}: {error}") from None


def next_page(index: Index, current: str) -> str | None:
    """The next page named by Hydra paging terms (hydra:next, else the older hydra:nextPage), or None."""
    for predicate in (v.HYDRA + "next", v.HYDRA + "nextPage"):
        for props in index.by_subject.values():
            for term in props.get(predicate, []):
                if term.value.strip():
                    return urljoin(current, term.value.strip())
    return None


@dataclass(frozen=True)
class Described:
    """An item's payload: the index of one dataset node and the nodes it points to, and its rule violations."""

    index: Index
    node: object
    violations: tuple = ()
    defects: tuple = ()  # (path, message) of literals in the dataset's part that had to be repaired
    problem: str | None = None  # why the strict parser refused the page, when it did
    syntax: str = ""  # the page's RDF syntax, for the warning about a page that was not valid


def slug(text: str, suffix: str) -> str:
    """A dataset name from a title and a short distinguishing suffix."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-") or "dataset"
    return f"{base}-{suffix}"


class DcatHarvester:
    """Harvests a DCAT RDF catalog (one document or Hydra-paged), one item per dcat:Dataset."""

    name = "dcat"

    def __init__(self, source: dict, client: httpx.Client):
        self.source = source
        self.client = client
        config = source.get("config") or {}
        self.max_bytes = int(config.get("max_bytes", MAX_BYTES))
        self.max_pages = int(config.get("max_pages", MAX_PAGES))
        self.language = config.get("default_language", "id")
        self.check = bool(config.get("check_rules", True))

    def fetch(self, url: str) -> tuple[bytes, str | None]:
        """The body and Content-Type of ``url``; HarvestError on HTTP errors or an oversized body.

        A plain httpx.Client is read as a stream and cut off at ``max_bytes``; any other client (the
        harvest HTTP policy's) is asked with ``get`` and enforces its own limits.
        """
        if not isinstance(self.client, httpx.Client):
            response = self.client.get(url, headers={"Accept": ACCEPT})
            if response.status_code >= 400:
                raise HarvestError(f"{url}: HTTP {response.status_code}")
            return response.content, response.headers.get("content-type")
        try:
            with self.client.stream("GET", url, headers={"Accept": ACCEPT}) as response:
                if response.status_code >= 400:
                    raise HarvestError(f"{url}: HTTP {response.status_code}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise HarvestError(f"{url}: response larger than {self.max_bytes} bytes")
                    chunks.append(chunk)
                return b"".join(chunks), response.headers.get("content-type")
        except httpx.HTTPError as error:
            raise HarvestError(f"{url}: {error.__class__.__name__}: {error}") from None

    def pages(self) -> Iterator[tuple[str, Index, Reading, str]]:
        """(url, index of triples, the reading, its syntax) for every page, following Hydra links to the end."""
        url, seen = self.source["url"], set()
        while url:
            if url in seen or len(seen) >= self.max_pages:
                raise HarvestError(f"paging does not end: {url} was already read or the page limit was reached")
            seen.add(url)
            data, content_type = self.fetch(url)
            rdf_format = detect(content_type, url)
            if rdf_format is None:
                raise HarvestError(f"{url}: cannot tell the RDF format (Content-Type {content_type!r})")
            reading = parse_document(data, rdf_format, url)
            index = Index(reading.triples)
            yield url, index, reading, rdf_format.name
            following = next_page(index, url)
            if following and urlsplit(following).netloc != urlsplit(self.source["url"]).netloc:
                raise HarvestError(f"{url}: the next page {following} is on another host than the source")
            url = None if following == url else following

    def items(self) -> Iterator[RemoteItem]:
        """Every dcat:Dataset of every page, each with what describes it and its rule violations."""
        listed = set()
        for url, index, reading, syntax in self.pages():
            found = rules.violations(index) if self.check else {}
            for node in dataset_nodes(index):
                key = remote_id(index, node)
                if key in listed:
                    continue
                listed.add(key)
                reached = index.reach(node)
                violations = tuple(rules.by_dataset(index, node, found, reached))
                defects = tuple(_defects(reading.defects, node, reached))
                yield RemoteItem(remote_id=key, url=url, payload=Described(
                    index.part(node, reached), node, violations, defects, reading.problem, syntax))

    def parse(self, item: RemoteItem) -> dict:
        """The dataset record of one item; RecordError naming the field when it cannot be mapped.

        The payload is a ``Described``, or N-Triples text of the dataset and the nodes it points to."""
        payload = item.payload
        if isinstance(payload, str):
            try:
                index = Index(read(payload.encode("utf-8"), RdfFormat.N_TRIPLES))
            except SyntaxError as error:
                raise RecordError(f"payload is not N-Triples: {error}") from None
            nodes = [n for n in dataset_nodes(index) if remote_id(index, n) == item.remote_id] or dataset_nodes(index)
            if not nodes:
                raise RecordError("no dcat:Dataset in the item", path="")
            payload = Described(index, nodes[0])
        if payload.defects:
            path, message = payload.defects[0]
            raise RecordError(message, path=path)
        findings = Findings()
        if payload.problem:
            findings.warn("(document)", f"The document was not valid {payload.syntax or 'RDF'} ({payload.problem}); "
                                        "it was read with a tolerant parser")
        try:
            record = dataset_record(payload.index, payload.node, self.language, findings)
        except MappingError as error:
            raise RecordError(error.message, path=error.path) from None
        record["name"] = slug(record["title"], stable_hash(item.remote_id)[:8])
        record["owner_org"] = self.source["organization"]
        harvest = {"dcat_violations": [dict(violation) for violation in payload.violations]} if payload.violations \
            else None
        return finish(record, findings, harvest)


# Where a repaired literal sits in the record, for the dataset's own text fields.
FIELDS = {v.DCT + "title": "title", v.DCT + "description": "notes", v.DCAT + "keyword": "tags"}


def _compact(iri: str) -> str:
    for prefix, namespace in v.PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _defects(defects: dict, node, reached: list) -> Iterator[tuple[str, str]]:
    """(path, message) for each repaired literal on the dataset or the nodes it points to."""
    if not defects:
        return
    for subject, via in reached:
        for predicate, message in defects.get(subject, ()):
            if subject == node and predicate in FIELDS:
                yield FIELDS[predicate], message
            else:
                yield "/".join(_compact(p) for p in (*via, predicate)), message
