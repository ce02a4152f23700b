"""Parse and serialise RDF documents with pyoxigraph, and index triples by subject for the reader."""

import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse, serialize

from catalog.dcat import vocab as v

# Output formats: file extension -> (pyoxigraph format, media type).
FORMATS = {
    "ttl": (RdfFormat.TURTLE, "text/turtle"),
    "rdf": (RdfFormat.RDF_XML, "application/rdf+xml"),
    "jsonld": (RdfFormat.JSON_LD, "application/ld+json"),
}
ALIASES = {"turtle": "ttl", "xml": "rdf", "rdfxml": "rdf", "json-ld": "jsonld", "nt": "nt", "ntriples": "nt"}
# Input formats by media type and by extension.
MEDIA_TYPES = {
    "text/turtle": RdfFormat.TURTLE, "application/x-turtle": RdfFormat.TURTLE, "text/n3": RdfFormat.TURTLE,
    "application/rdf+xml": RdfFormat.RDF_XML, "application/xml": RdfFormat.RDF_XML, "text/xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD, "application/json": RdfFormat.JSON_LD,
    "application/n-triples": RdfFormat.N_TRIPLES,
}
EXTENSIONS = {
    "ttl": RdfFormat.TURTLE, "rdf": RdfFormat.RDF_XML, "xml": RdfFormat.RDF_XML, "owl": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD, "json": RdfFormat.JSON_LD, "nt": RdfFormat.N_TRIPLES, "n3": RdfFormat.TURTLE,
}


def format_key(name: str) -> str:
    """The output format key (ttl, rdf, jsonld) for a name such as ``turtle`` or ``xml``; ValueError if unknown."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise ValueError(f"unknown RDF format {name!r}; use one of ttl, xml, jsonld")
    return key


def detect(content_type: str | None, location: str) -> RdfFormat | None:
    """The input format from a Content-Type, else from the location's extension; None when neither says."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in MEDIA_TYPES:
        return MEDIA_TYPES[media]
    extension = location.split("?", 1)[0].rsplit("/", 1)[-1].rpartition(".")[2].lower()
    return EXTENSIONS.get(extension)


def serialise(triples: Iterable, key: str, output=None):
    """Write triples (pyoxigraph Triples or (s, p, o) tuples of terms) in format ``key`` (ttl, rdf, jsonld, nt)
    to the binary file ``output``, or return the bytes. Turtle is written here, streaming; the rest by pyoxigraph."""
    if key in ("ttl", "nt"):
        return _text(triples, output, turtle=key == "ttl")
    rdf_format = RdfFormat.N_TRIPLES if key == "nt" else FORMATS[key][0]
    prefixes = None if key == "nt" else v.PREFIXES
    as_triples = (t if isinstance(t, Triple) else Triple(*t) for t in triples)
    return serialize(as_triples, output, rdf_format, prefixes=prefixes)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_XSD_STRING = v.XSD + "string"


@lru_cache(maxsize=8192)
def _iri_text(iri: str) -> str:
    """An IRI as Turtle: a prefixed name when a simple one exists, else <iri>."""
    for prefix, namespace in v.PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


_NAMED: dict = {}


def _term_text(term) -> str:
    """A term in Turtle, with the project's prefixes."""
    if term.__class__ is NamedNode:
        text = _NAMED.get(term)
        if text is None:
            text = _iri_text(term.value)
            if len(_NAMED) < 100_000:
                _NAMED[term] = text
        return text
    return _other_text(term, _iri_text)


def _nt_text(term) -> str:
    """A term in N-Triples: full IRIs, escaped literals."""
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    return _other_text(term, "<{}>".format)


def _other_text(term, iri_text) -> str:
    """A blank node or a literal (its datatype written by ``iri_text``)."""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    text = '"' + term.value.translate(_ESCAPES) + '"'
    if term.language:
        return f"{text}@{term.language}"
    datatype = term.datatype.value
    return text if datatype == _XSD_STRING else f"{text}^^{iri_text(datatype)}"


def _text(triples: Iterable, output=None, turtle: bool = True):
    """Turtle (the project's prefixes, one statement per run of a subject) or N-Triples, written as it goes.

    IRIs were checked when their terms were made and literals are escaped here, so the output is valid."""
    sink = io.BytesIO() if output is None else output
    if turtle:
        lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in v.PREFIXES.items()]
        sink.write(("\n".join(lines) + "\n").encode("utf-8"))
    term = _term_text if turtle else _nt_text
    current, buffer = None, []
    for triple in triples:
        subject, predicate, obj = (triple.subject, triple.predicate, triple.object) if isinstance(
            triple, Triple) else triple
        if not turtle:
            buffer.append(f"{term(subject)} {term(predicate)} {term(obj)} .\n")
        elif subject is not current and subject != current:
            if current is not None:
                buffer.append(" .\n")
            buffer.append(f"{term(subject)} {term(predicate)} {term(obj)}")
            current = subject
        else:
            buffer.append(f" ;\n    {term(predicate)} {term(obj)}")
        if len(buffer) > 2000:
            sink.write("".join(buffer).encode("utf-8"))
            buffer = []
    if current is not None:
        buffer.append(" .\n")
    sink.write("".join(buffer).encode("utf-8"))
    return sink.getvalue() if output is None else None


class UnsafeXml(ValueError):
    """An XML document declares a DTD or entities, or is not well-formed."""


def check_xml(data: bytes) -> None:
    """Refuse XML that declares a DTD or entities (billion laughs, XXE) or is not well-formed: UnsafeXml."""
    try:
        for _event, element in iterparse(io.BytesIO(data), forbid_dtd=True):
            element.clear()
    except DefusedXmlException as error:
        raise UnsafeXml(f"RDF/XML refused: it declares a DTD or entities ({error.__class__.__name__})") from None
    except ParseError as error:
        raise UnsafeXml(f"RDF/XML is not well-formed: {error}") from None


def read(data: bytes, rdf_format: RdfFormat, base_iri: str | None = None) -> list[tuple]:
    """Every triple of a document as (s, p, o) term tuples, named graphs merged; RDF/XML is checked first (UnsafeXml).

    Raises SyntaxError when the document is unreadable. JSON-LD remote contexts are never fetched.
    """
    if rdf_format == RdfFormat.RDF_XML:
        check_xml(data)
    quads = parse(data, format=rdf_format, base_iri=base_iri, without_named_graphs=False)
    return [(quad.subject, quad.predicate, quad.object) for quad in quads]


class Index:
    """Triples by subject and predicate, for the reader's lookups."""

    def __init__(self, triples: Iterable):
        self.by_subject: dict = defaultdict(lambda: defaultdict(list))
        self.predicates: dict = {}  # IRI text -> term
        names: dict = {}
        for triple in triples:
            subject, predicate, obj = (triple.subject, triple.predicate, triple.object) if isinstance(
                triple, Triple) else triple
            name = names.get(predicate)
            if name is None:
                name = names[predicate] = predicate.value
                self.predicates[name] = predicate
            objects = self.by_subject[subject][name]
            if obj not in objects:
                objects.append(obj)

    def objects(self, subject, predicate: str) -> list:
        node = self.by_subject.get(subject)
        return node.get(predicate, []) if node else []

    def first(self, subject, predicate: str):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects_of_type(self, class_iri: str) -> list:
        rdf_type = v.RDF + "type"
        return [s for s, props in self.by_subject.items() if any(o.value == class_iri for o in props.get(rdf_type, []))]

    def closure(self, root) -> list[tuple]:
        """The triples describing ``root`` and, recursively, the nodes it points to (not other datasets)."""
        seen, out, todo = {root}, [], [root]
        skip = {v.DCAT + "Dataset", v.DCAT + "Catalog"}
        while todo:
            subject = todo.pop()
            for predicate, objects in self.by_subject.get(subject, {}).items():
                for obj in objects:
                    out.append((subject, self.predicates[predicate], obj))
                    if obj not in seen and obj in self.by_subject and not (
                            {o.value for o in self.objects(obj, v.RDF + "type")} & skip):
                        seen.add(obj)
                        todo.append(obj)
        return out


def stable_hash(text: str) -> str:
    """A short, stable digest used to name things that have no identifier."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
