"""A seeded mutator: broken variants of real and demo source documents, for fuzzing the harvesters.

Seeds are the documents real systems published (``../shared/realworld/``) and the demo agencies'
sources (``catalog/demo/data/``), per protocol: ``ckan`` (package_search pages), ``datajson``,
``dcat-ttl``, ``dcat-rdfxml`` and ``dcat-jsonld`` (the demo's Turtle is also written as RDF/XML and
JSON-LD, so every syntax has Kota Malang seeds). ``Mutator(seed).variant(protocol, n)`` is variant
``n`` of a protocol; the same seed and number always give the same bytes, so a failure found
among thousands is replayed alone. Each variant applies one of ``MUTATIONS`` and is served as
``pages``: (HTTP status, content type, body), one per page.
"""

import functools
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld"
DEMO = ROOT / "catalog" / "demo" / "data"

PROTOCOLS = ("ckan", "datajson", "dcat-ttl", "dcat-rdfxml", "dcat-jsonld")
MUTATIONS = ("truncate", "flip-bytes", "deep-nesting", "huge-string", "wrong-type", "duplicate-id",
             "lone-surrogate", "control-character", "invalid-date", "unknown-vocabulary", "html-text", "error-page")
CONTENT_TYPES = {"ckan": "application/json", "datajson": "application/json", "dcat-ttl": "text/turtle",
                 "dcat-rdfxml": "application/rdf+xml", "dcat-jsonld": "application/ld+json"}
CKAN_ROWS = 5  # page size the fuzzed CKAN sources are registered with, so documents span pages

CONTROL = ["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\ufffe"]
SURROGATES = ["\udcff", "\ud800", "\udfff", "\ud83d"]
HTML = ['<p>Data <b>penduduk</b> per <i>kecamatan</i></p>', '<script>alert("x")</script>Judul',
        '<a href="javascript:alert(1)">unduh</a>', '<img src=x onerror=alert(1)>', '&lt;b&gt;tebal&lt;/b&gt;',
        '<table><tr><td>1</td></tr></table>', '<div style="color:red">Lihat <br/> lampiran</div>']
BAD_DATES = ["2024-13-45", "kemarin", "", "31/02/2024", "2024-02-30T25:61:00", "0000-00-00", "1 Maret 2024",
             "2024-03-01 10:00:00", "10000-01-01", "-0001-01-01", "NaN", "2024-W99"]
BAD_DATE_VALUES = [20240101, None, True, [], {"tanggal": "2024-01-01"}]
UNKNOWN_VOCABULARY = ["2 mingguan", "Tiap Purnama", "http://example.org/vocab/unknown", "CC-BY-ZZ", "urn:x:freq:7",
                      "http://publications.europa.eu/resource/authority/frequency/FORTNIGHTLY_3",
                      "http://publications.europa.eu/resource/authority/data-theme/XXXX", "Lembar Kerja", "tidak tahu"]
WRONG_TYPES = [None, True, False, 0, -1, 1.5e308, "", "teks", [], {}, [1, "a", None], {"x": {"y": []}}]
ERROR_PAGES = [(200, "text/html"), (500, "text/html"), (502, "text/html"), (503, "text/html"), (404, "text/html"),
               (200, "application/json"), (403, "text/plain")]
ERROR_BODY = (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
              b"<p>The proxy server received an invalid response.</p><hr><address>nginx</address></body></html>")

DATE_KEYS = re.compile(r"(^|[:_])(modified|issued|created|date|metadata_modified|metadata_created|last_modified|"
                       r"temporal|startDate|endDate|@value)$", re.I)
VOCABULARY_KEYS = re.compile(r"(^|[:_])(frequency|accrualPeriodicity|theme|superTheme|license|license_id|licence|"
                             r"format|mediaType|language|accessLevel|bureauCode|programCode)$", re.I)
TEXT_KEYS = re.compile(r"(^|[:_])(title|notes|description|name|keyword|tags|label|fn)$", re.I)
ID_KEYS = re.compile(r"(^|[:_])(id|identifier|@id)$", re.I)


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Variant:
    """One broken document (or CKAN listing) to harvest."""

    protocol: str
    number: int
    seed: str
    mutation: str
    pages: tuple

    def describe(self) -> str:
        return f"{self.protocol} variant {self.number}: {self.mutation} of {self.seed}"


# -- seeds ------------------------------------------------------------------------------------------


def _ckan_packages(document) -> list:
    """The packages of a CKAN answer (package_search, package_show, package list) or of a bare list."""
    result = document.get("result", document) if isinstance(document, dict) else document
    if isinstance(result, dict) and isinstance(result.get("results"), list):
        return result["results"]
    if isinstance(result, dict):
        return [result]
    return [p for p in result if isinstance(p, dict)] if isinstance(result, list) else []


def _rdf(path: Path, target: RdfFormat) -> bytes:
    """The demo's Turtle document ``path`` written in ``target`` syntax."""
    quads = list(parse(path.read_bytes(), format=RdfFormat.TURTLE))
    return serialize(quads, format=target)


@functools.cache
def seeds(protocol: str) -> tuple:
    """(name, document) of every seed of ``protocol``: parsed JSON for the JSON protocols, bytes otherwise."""
    found = []
    if protocol == "ckan":
        for path in sorted((REALWORLD / "ckan-api").glob("*.json")) + sorted(DEMO.glob("*.ckan.json")):
            packages = _ckan_packages(json.loads(path.read_bytes()))
            if packages:
                found.append((path.name, packages))
    elif protocol == "datajson":
        for path in sorted((REALWORLD / "datajson").glob("*")) + sorted(DEMO.glob("*.data.json")):
            found.append((path.name, json.loads(path.read_bytes())))
    elif protocol == "dcat-ttl":
        paths = sorted((REALWORLD / "dcat-ttl").glob("*.ttl")) + sorted(DEMO.glob("*.ttl"))
        found = [(p.name, p.read_bytes()) for p in paths]
    elif protocol == "dcat-rdfxml":
        found = [(p.name, p.read_bytes()) for p in sorted((REALWORLD / "dcat-rdfxml").glob("*"))]
        found += [(f"{p.stem}.rdf", _rdf(p, RdfFormat.RDF_XML)) for p in sorted(DEMO.glob("*.ttl"))]
    elif protocol == "dcat-jsonld":
        found = [(p.name, json.loads(p.read_bytes())) for p in sorted((REALWORLD / "dcat-jsonld").glob("*.jsonld"))]
        found += [(f"{p.stem}.jsonld", json.loads(_rdf(p, RdfFormat.JSON_LD))) for p in sorted(DEMO.glob("*.ttl"))]
    else:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    if not found:
        raise FileNotFoundError(f"no seed documents for {protocol} under {REALWORLD} and {DEMO}")
    return tuple(found)


def ckan_pages(packages: list, rows: int = CKAN_ROWS) -> list[dict]:
    """A package list as the package_search answers of ``start=0, rows, 2*rows…`` (at least one page)."""
    return [{"help": "package_search", "success": True,
             "result": {"count": len(packages), "sort": "id asc", "results": packages[start:start + rows]}}
            for start in range(0, max(len(packages), 1), rows)]


def clean_pages(protocol: str, document) -> tuple:
    """A seed served as it is."""
    kind = CONTENT_TYPES[protocol]
    if protocol == "ckan":
        return tuple(Page(200, kind, json.dumps(page).encode()) for page in ckan_pages(document))
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return (Page(200, kind, body),)


# -- JSON structure ---------------------------------------------------------------------------------


def _positions(doc, path=()):
    """(container, key, key path) of every value below ``doc``."""
    found, todo = [], [(doc, path)]
    while todo:
        node, at = todo.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            found.append((node, key, (*at, key)))
            if isinstance(value, (dict, list)):
                todo.append((value, (*at, key)))
    found.reverse()
    return found


def _named(positions, pattern) -> list:
    return [p for p in positions if isinstance(p[1], str) and pattern.search(p[1])]


DEEP = "\u0001deep\u0001"


class _Json:
    """Mutations of a JSON document in place; ``deep`` nesting is spliced into the text afterwards."""

    def __init__(self, rnd: random.Random, doc):
        self.rnd = rnd
        self.doc = doc
        self.deep = None
        self.positions = _positions(doc)

    def pick(self, pattern=None, kinds=None):
        found = _named(self.positions, pattern) if pattern else self.positions
        if kinds:
            found = [p for p in found if isinstance(p[0][p[1]], kinds)] or found
        return self.rnd.choice(found) if found else None

    def strings(self):
        return [p for p in self.positions if isinstance(p[0][p[1]], str)]

    def insert(self, text: str) -> None:
        choices = _named(self.strings(), TEXT_KEYS) or self.strings()
        if not choices:
            return self.set_anywhere(text)
        container, key, _ = self.rnd.choice(choices)
        value = container[key]
        at = self.rnd.randint(0, len(value))
        container[key] = value[:at] + text + value[at:]

    def set_anywhere(self, value) -> None:
        spot = self.pick()
        if spot:
            spot[0][spot[1]] = value
        elif isinstance(self.doc, dict):
            self.doc["title"] = value

    def set_named(self, pattern, values) -> None:
        spot = self.pick(pattern)
        value = self.rnd.choice(values)
        if spot is None:
            dicts = [p[0] for p in self.positions if isinstance(p[0], dict)] or [self.doc]
            container = self.rnd.choice(dicts)
            if isinstance(container, dict):
                container[self.rnd.choice(["modified", "frequency", "theme", "license_id"])] = value
            return
        spot[0][spot[1]] = value

    def apply(self, mutation: str) -> None:
        rnd = self.rnd
        if mutation == "lone-surrogate":
            self.insert(rnd.choice(SURROGATES))
        elif mutation == "control-character":
            self.insert(rnd.choice(CONTROL) * rnd.randint(1, 3))
        elif mutation == "html-text":
            spot = self.pick(TEXT_KEYS, str)
            if spot is not None and rnd.random() < 0.5:
                spot[0][spot[1]] = rnd.choice(HTML)
            else:
                self.insert(rnd.choice(HTML))
        elif mutation == "invalid-date":
            self.set_named(DATE_KEYS, BAD_DATES + BAD_DATE_VALUES)
        elif mutation == "unknown-vocabulary":
            self.set_named(VOCABULARY_KEYS, UNKNOWN_VOCABULARY)
        elif mutation == "wrong-type":
            spot = self.pick()
            if spot is not None:
                current = spot[0][spot[1]]
                spot[0][spot[1]] = rnd.choice([v for v in WRONG_TYPES if type(v) is not type(current)])
        elif mutation == "huge-string":
            size = rnd.choice([20_000, 200_000, 1_500_000])
            word = rnd.choice(["penduduk ", "x", "\u00e9\u6570", "<b>"])
            spot = self.pick(kinds=str)
            text = (word * (size // len(word) + 1))[:size]
            if spot is not None:
                spot[0][spot[1]] = text
            else:
                self.set_anywhere(text)
        elif mutation == "deep-nesting":
            self.deep = rnd.choice([50, 900, 5_000, 100_000])
            self.set_anywhere(DEEP)
        elif mutation == "duplicate-id":
            self.duplicate()
        else:
            raise ValueError(mutation)

    def duplicate(self) -> None:
        """Copy a record that has an id, beside itself or into another list of records."""
        lists = [p[0][p[1]] for p in self.positions if isinstance(p[0][p[1]], list)
                 and any(isinstance(x, dict) and any(ID_KEYS.search(str(k)) for k in x) for x in p[0][p[1]])]
        if isinstance(self.doc, list):
            lists.append(self.doc)
        records = [(owner, x) for owner in lists for x in owner if isinstance(x, dict)]
        if not records:
            return self.set_named(ID_KEYS, ["1", "", None])
        owner, record = self.rnd.choice(records)
        copy = json.loads(json.dumps(record))
        if self.rnd.random() < 0.5:  # the same id, different content
            for key in ("title", "name", "dct:title"):
                if isinstance(copy.get(key), str):
                    copy[key] += " (salinan)"
        self.rnd.choice(lists).insert(self.rnd.randint(0, len(owner)), copy)

    def text(self) -> bytes:
        body = json.dumps(self.doc)  # ASCII: lone surrogates become \\udcff escapes, as CKAN writes them
        if self.deep is not None:
            opening, closing = self.rnd.choice([("[", "]"), ('{"a":', "}")])
            body = body.replace(json.dumps(DEEP), opening * self.deep + "1" + closing * self.deep, 1)
        return body.encode()


# -- RDF text (Turtle and RDF/XML) --------------------------------------------------------------------

TTL_LITERAL = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
XML_TEXT = re.compile(rb">([^<>]+)</")
TTL_DATE = re.compile(rb'"(\d{4}-\d\d-\d\d[^"]*)"')
XML_DATE = re.compile(rb">(\d{4}-\d\d-\d\d[^<]*)<")
EU_VOCABULARY = re.compile(rb"(http://publications\.europa\.eu/resource/authority/[a-z-]+/)([A-Za-z0-9_]+)")
IRI = re.compile(rb"<(https?://[^>\s]+)>")
XML_RESOURCE = re.compile(rb'rdf:resource="([^"]*)"')
XML_DATASET = re.compile(rb"<dcat:Dataset\b.*?</dcat:Dataset>", re.S)


class _RdfText:
    """Mutations of a Turtle or RDF/XML document as bytes."""

    def __init__(self, rnd: random.Random, body: bytes, xml: bool):
        self.rnd = rnd
        self.body = body
        self.xml = xml

    def _spot(self, pattern):
        found = list(pattern.finditer(self.body))
        return self.rnd.choice(found) if found else None

    def _in_text(self, text: bytes) -> None:
        """Put ``text`` inside a literal (Turtle) or a text node (XML)."""
        spot = self._spot(XML_TEXT if self.xml else TTL_LITERAL)
        if spot is None:
            self.body += text
            return
        start, end = spot.span(1) if self.xml else (spot.start() + 1, spot.end() - 1)
        at = self.rnd.randint(start, end)
        self.body = self.body[:at] + text + self.body[at:]

    def _replace(self, spot, group: int, value: bytes) -> None:
        start, end = spot.span(group)
        self.body = self.body[:start] + value + self.body[end:]

    def apply(self, mutation: str) -> None:
        rnd, xml = self.rnd, self.xml
        if mutation == "lone-surrogate":
            code = rnd.choice([0xDCFF, 0xD800, 0xDFFF])
            raw = chr(code).encode("utf-8", "surrogatepass")
            self._in_text(rnd.choice([raw, f"&#x{code:X};".encode() if xml else f"\\u{code:X}".encode()]))
        elif mutation == "control-character":
            code = rnd.choice([0, 1, 7, 0x1B, 0x7F, 0xFFFE])
            escaped = f"&#x{code:X};".encode() if xml else f"\\u{code:04X}".encode()
            self._in_text(rnd.choice([chr(code).encode("utf-8") if code else b"\x00", escaped]))
        elif mutation == "html-text":
            html = rnd.choice(HTML).encode()
            if xml:
                html = rnd.choice([html.replace(b"&", b"&amp;").replace(b"<", b"&lt;"), b"<![CDATA[" + html + b"]]>"])
            else:
                html = html.replace(b'"', b'\\"')
            self._in_text(html)
        elif mutation == "invalid-date":
            spot = self._spot(XML_DATE if xml else TTL_DATE)
            value = rnd.choice(BAD_DATES).encode()
            if spot is None:
                return self._in_text(value)
            self._replace(spot, 1, value)
        elif mutation == "unknown-vocabulary":
            spot = self._spot(EU_VOCABULARY)
            if spot is not None:
                return self._replace(spot, 2, rnd.choice([b"ZZZ", b"2_MINGGUAN", b"", b"annual"]))
            spot = self._spot(XML_RESOURCE if xml else IRI)
            if spot is not None:
                self._replace(spot, 1, rnd.choice(UNKNOWN_VOCABULARY).replace(" ", "%20").encode())
        elif mutation == "wrong-type":
            spot = self._spot(XML_RESOURCE if xml else IRI)
            if spot is None:
                return self._in_text(b"42")
            if xml:
                self._replace(spot, 1, rnd.choice([b"", b"not a url", b"javascript:alert(1)", b"42", b"mailto:"]))
            else:
                self._replace(spot, 0, rnd.choice([b'"42"^^<http://www.w3.org/2001/XMLSchema#integer>', b'"teks"',
                                                   b'"true"^^<http://www.w3.org/2001/XMLSchema#boolean>', b"_:b0",
                                                   b'"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>']))
        elif mutation == "huge-string":
            size = rnd.choice([20_000, 200_000, 1_500_000])
            self._in_text((b"penduduk " * (size // 9 + 1))[:size])
        elif mutation == "deep-nesting":
            self.nest(rnd.choice([50, 900, 5_000, 100_000]))
        elif mutation == "duplicate-id":
            self.duplicate()
        else:
            raise ValueError(mutation)

    def nest(self, depth: int) -> None:
        """Hang a chain of ``depth`` nested blank nodes (or elements) off a dataset."""
        if self.xml:
            spot = self._spot(XML_DATASET)
            chain = (b'<dct:relation rdf:parseType="Resource">' * depth + b"<dct:title>dalam</dct:title>"
                     + b"</dct:relation>" * depth)
            if spot is None:
                return self._in_text(chain)
            close = spot.end() - len(b"</dcat:Dataset>")
            self.body = self.body[:close] + chain + self.body[close:]
            return
        subjects = [m.group(0) for m in IRI.finditer(self.body) if b"dataset" in m.group(1).lower()]
        subject = self.rnd.choice(subjects) if subjects else b"<urn:x:deep>"
        predicate = b"<http://purl.org/dc/terms/relation>"
        opening, closing = self.rnd.choice([(b"[ " + predicate + b" ", b" ]"), (b"( ", b" )")])
        chain = opening * depth + b'"dalam"' + closing * depth
        self.body += b"\n" + subject + b" " + predicate + b" " + chain + b" .\n"

    def duplicate(self) -> None:
        """The same dataset twice: an RDF/XML dataset element copied under another IRI; in Turtle,
        the document again with its dataset IRIs changed and its identifiers kept."""
        if self.xml:
            spot = self._spot(XML_DATASET)
            if spot is None:
                return self._in_text(b"salinan")
            copy = re.sub(rb'rdf:about="([^"]*)"', rb'rdf:about="\1-salinan"', spot.group(0), count=1)
            self.body = self.body[:spot.end()] + copy + self.body[spot.end():]
            return
        copy = re.sub(rb"(<[^>\s]*dataset[^>\s]*)>", rb"\1-salinan>", self.body, flags=re.I)
        self.body += b"\n" + copy

    def text(self) -> bytes:
        return self.body


# -- the mutator ----------------------------------------------------------------------------------------


class Mutator:
    """Broken variants of the seeds of each protocol, reproducible from ``seed``."""

    def __init__(self, seed: int = 0):
        self.seed = seed

    def variants(self, protocol: str, count: int, start: int = 0):
        for number in range(start, start + count):
            yield self.variant(protocol, number)

    def variant(self, protocol: str, number: int) -> Variant:
        """Variant ``number`` of ``protocol``: mutations take turns, seeds are drawn at random."""
        rnd = random.Random(f"{self.seed}:{protocol}:{number}")
        mutation = MUTATIONS[number % len(MUTATIONS)]
        name, document = rnd.choice(seeds(protocol))
        return Variant(protocol, number, name, mutation, self._pages(rnd, protocol, document, mutation))

    def _pages(self, rnd, protocol, document, mutation) -> tuple:
        kind = CONTENT_TYPES[protocol]
        if protocol == "ckan":
            pages = ckan_pages(json.loads(json.dumps(document)))
            bodies = [json.dumps(page).encode() for page in pages]
            target = rnd.randrange(len(pages))
            if mutation not in ("truncate", "flip-bytes", "error-page"):
                changed = _Json(rnd, pages[target])
                changed.apply(mutation)
                bodies[target] = changed.text()
            return tuple(self._raw(rnd, Page(200, kind, body), mutation) if n == target else Page(200, kind, body)
                         for n, body in enumerate(bodies))
        if isinstance(document, bytes):
            body = document
            if mutation not in ("truncate", "flip-bytes", "error-page"):
                changed = _RdfText(rnd, document, xml=protocol == "dcat-rdfxml")
                changed.apply(mutation)
                body = changed.text()
        else:
            body = json.dumps(document).encode()
            if mutation not in ("truncate", "flip-bytes", "error-page"):
                changed = _Json(rnd, json.loads(body))
                changed.apply(mutation)
                body = changed.text()
        return (self._raw(rnd, Page(200, kind, body), mutation),)

    @staticmethod
    def _raw(rnd, page: Page, mutation: str) -> Page:
        """Byte-level mutations of one page; the others pass it through."""
        body = page.body
        if mutation == "truncate":
            return Page(page.status, page.content_type, body[:rnd.randrange(len(body))] if body else body)
        if mutation == "flip-bytes":
            flipped = bytearray(body)
            for _ in range(rnd.randint(1, 8)):
                if flipped:
                    flipped[rnd.randrange(len(flipped))] ^= rnd.randint(1, 255)
            return Page(page.status, page.content_type, bytes(flipped))
        if mutation == "error-page":
            status, kind = rnd.choice(ERROR_PAGES)
            return Page(status, kind, rnd.choice([ERROR_BODY, b"", b"Service Unavailable", b"{\"error\": \"quota\"}"]))
        return page
