"""Parse and serialise RDF documents with pyoxigraph, and index triples by subject for the reader."""

import gc
import hashlib
import io
import json
import warnings
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse, serialize

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
    """Write triples in format ``key`` (ttl, rdf, jsonld, nt) to the binary file ``output``, or return the bytes.

    A triple is (s, p, o) of terms written as Turtle text (what ``writer`` makes), of pyoxigraph
    terms, or a pyoxigraph Triple. Turtle and N-Triples are written here, streaming; the rest by pyoxigraph.
    """
    if key in ("ttl", "nt"):
        return _text(triples, output, turtle=key == "ttl")
    text = _text(triples, None, turtle=False)
    quads = parse(text, format=RdfFormat.N_TRIPLES)
    return serialize((Triple(q.subject, q.predicate, q.object) for q in quads), output, FORMATS[key][0],
                     prefixes=v.PREFIXES)


ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_EXPANDED: dict = {}


def _nt(term) -> str:
    """A term as N-Triples: pyoxigraph terms by their own text; the writer's prefixed names expanded."""
    if term.__class__ is not str:
        return str(term)
    first = term[0]
    if first == "<" or first == "_":
        return term
    if first == '"':
        close = term.rindex('"')
        if term[close + 1:close + 3] != "^^" or term[close + 3:close + 4] == "<":
            return term
        return term[:close + 3] + _nt(term[close + 3:])
    found = _EXPANDED.get(term)
    if found is None:
        prefix, _, local = term.partition(":")
        found = _EXPANDED[term] = f"<{v.PREFIXES[prefix]}{local}>"
    return found


def _text(triples: Iterable, output=None, turtle: bool = True):
    """Turtle (the project's prefixes, one statement per run of a subject) or N-Triples, written as it goes.

    Terms made by ``writer`` are Turtle already (checked, escaped, vocabulary IRIs as prefixed names under
    the prefixes declared here), so Turtle is only joined; N-Triples expands the prefixed names."""
    sink = io.BytesIO() if output is None else output
    if turtle:
        lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in v.PREFIXES.items()]
        sink.write(("\n".join(lines) + "\n").encode("utf-8"))
    current, buffer = None, []
    write = buffer.append
    for triple in triples:
        if triple.__class__ is tuple:
            subject, predicate, obj = triple
        else:
            subject, predicate, obj = triple.subject, triple.predicate, triple.object
        if subject.__class__ is not str:
            subject, predicate, obj = str(subject), str(predicate), str(obj)
        if not turtle:
            write(f"{_nt(subject)} {_nt(predicate)} {_nt(obj)} .\n")
        elif subject == current:
            write(f" ;\n    {predicate} {obj}")
        else:
            if current is not None:
                write(" .\n")
            write(f"{subject} {predicate} {obj}")
            current = subject
        if len(buffer) > 4000:
            sink.write("".join(buffer).encode("utf-8"))
            buffer.clear()
    if current is not None:
        write(" .\n")
    sink.write("".join(buffer).encode("utf-8"))
    return sink.getvalue() if output is None else None


# How deep RDF/XML elements may nest (DCAT documents need about ten levels), and how many links
# ``Index.reach`` follows from a dataset.
MAX_XML_DEPTH = 1000
MAX_DEPTH = 64
# How deep JSON-LD may nest (DCAT documents need about ten levels).
MAX_JSON_DEPTH = 256


class UnsafeXml(ValueError):
    """An XML document declares a DTD or entities, or is not well-formed."""


def check_xml(data: bytes) -> None:
    """Refuse XML that declares a DTD or entities (billion laughs, XXE), nests elements deeper than
    ``MAX_XML_DEPTH`` (the RDF/XML parser's time grows with the square of the depth), or is not
    well-formed: UnsafeXml."""
    depth = 0
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth > MAX_XML_DEPTH:
                    raise UnsafeXml(f"RDF/XML refused: elements nested deeper than {MAX_XML_DEPTH} levels")
            else:
                depth -= 1
                element.clear()
    except DefusedXmlException as error:
        raise UnsafeXml(f"RDF/XML refused: it declares a DTD or entities ({error.__class__.__name__})") from None
    except ParseError as error:
        raise UnsafeXml(f"RDF/XML is not well-formed: {error}") from None


class UnsafeJson(ValueError):
    """A JSON-LD document nests deeper than the JSON-LD parser can safely follow."""


def check_json(data: bytes) -> None:
    """Refuse JSON-LD nested deeper than ``MAX_JSON_DEPTH``: UnsafeJson.

    The JSON-LD parser's time grows with the square of the nesting depth, and a few thousand levels
    overflow its stack, which ends the whole process. Text that is not JSON is left to the parser to
    report.
    """
    try:
        document = json.loads(data)
    except RecursionError:
        raise UnsafeJson(f"JSON-LD refused: nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError:
        return
    todo = [(document, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_JSON_DEPTH:
            raise UnsafeJson(f"JSON-LD refused: nested deeper than {MAX_JSON_DEPTH} levels")
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def read(data: bytes, rdf_format: RdfFormat, base_iri: str | None = None) -> list:
    """Every triple of a document as pyoxigraph quads (named graphs merged); RDF/XML and JSON-LD are
    checked first (UnsafeXml, UnsafeJson). Raises SyntaxError when the document is unreadable.
    JSON-LD remote contexts are never fetched.
    """
    if rdf_format == RdfFormat.RDF_XML:
        check_xml(data)
    elif rdf_format == RdfFormat.JSON_LD:
        check_json(data)
    with gc_paused():
        return list(parse(data, format=rdf_format, base_iri=base_iri, without_named_graphs=False))


@dataclass
class Reading:
    """What a tolerant read of a document gave: its triples, why the strict parser refused it (None when
    it did not), and the literals that had to be repaired, as ``{subject: [(predicate IRI, message)]}``."""

    triples: list
    problem: str | None = None
    defects: dict = field(default_factory=dict)


_RDFLIB_FORMATS = {RdfFormat.TURTLE: "turtle", RdfFormat.RDF_XML: "xml", RdfFormat.JSON_LD: "json-ld",
                   RdfFormat.N_TRIPLES: "nt"}


def read_tolerant(data: bytes, rdf_format: RdfFormat, base_iri: str | None = None) -> Reading:
    """Every triple of a document, reading past what real publishers get wrong.

    RDF/XML is checked for DTDs, entities and depth, JSON-LD for depth, first (UnsafeXml, UnsafeJson),
    whatever parser then reads it. The
    strict parser is tried first; when it refuses the document, pyoxigraph's lenient mode (which
    accepts IRIs with spaces or brackets), then rdflib (which also accepts RDF/XML elements with both a
    resource and text, and literals with lone surrogate escapes). rdflib's IRIs are percent-encoded
    where needed and its lone surrogates replaced, each replaced literal named in ``defects`` so the
    record holding it can be refused by path. Raises SyntaxError (the strict parser's) when no parser
    can read the document."""
    if rdf_format == RdfFormat.RDF_XML:
        check_xml(data)
    elif rdf_format == RdfFormat.JSON_LD:
        check_json(data)
    try:
        with gc_paused():
            return Reading(list(parse(data, format=rdf_format, base_iri=base_iri, without_named_graphs=False)))
    except SyntaxError as error:
        strict = error
    try:
        with gc_paused():
            triples = list(parse(data, format=rdf_format, base_iri=base_iri, without_named_graphs=False,
                                 lenient=True))
        return Reading(triples, str(strict))
    except SyntaxError:
        pass
    try:
        triples, defects = _rdflib_read(data, rdf_format, base_iri)
    except Exception:  # noqa: BLE001 - any failure of the last resort leaves the strict parser's verdict
        raise strict from None
    return Reading(triples, str(strict), defects)


def _rdflib_read(data: bytes, rdf_format: RdfFormat, base_iri: str | None) -> tuple[list, dict]:
    import rdflib

    name = _RDFLIB_FORMATS.get(rdf_format)
    if name is None:
        raise ValueError(f"no tolerant reader for {rdf_format.name}")
    text = data.decode("utf-8", errors="surrogateescape")
    if rdf_format == RdfFormat.JSON_LD and _remote_context(json.loads(text)):
        raise ValueError("JSON-LD with a remote @context is not read")
    graph = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph.parse(data=text if rdf_format != RdfFormat.RDF_XML else data, format=name, publicID=base_iri)
    triples, defects = [], {}
    for s, p, o in graph:
        subject, predicate = _oxi(s), _oxi(p)
        if subject is None or not isinstance(predicate, NamedNode):
            continue
        obj, problem = _oxi_object(o)
        if obj is None:
            continue
        if problem:
            defects.setdefault(subject, []).append((predicate.value, problem))
        triples.append(Triple(subject, predicate, obj))
    return triples, defects


def _remote_context(document) -> bool:
    """True when a JSON-LD document names a context by URL (which would have to be fetched)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            context = node.get("@context")
            if isinstance(context, str) or (isinstance(context, list) and any(isinstance(c, str) for c in context)):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


_IRI_SAFE = ":/?#@!$&'()*+,;=%-._~"


def _oxi(term):
    """An rdflib IRI or blank node as a pyoxigraph term (IRIs percent-encoded where they must be), or None."""
    import rdflib

    if isinstance(term, rdflib.BNode):
        return BlankNode("r" + hashlib.sha1(str(term).encode("utf-8", "surrogatepass")).hexdigest()[:16])
    if isinstance(term, rdflib.URIRef):
        value = str(term).strip().encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        for candidate in (value, quote(value, safe=_IRI_SAFE)):
            try:
                return NamedNode(candidate)
            except ValueError:
                continue
    return None


def _oxi_object(term) -> tuple:
    """(pyoxigraph term, problem or None) for an rdflib object; a literal's lone surrogates are replaced."""
    import rdflib

    from catalog.schemas import bad_character

    if not isinstance(term, rdflib.Literal):
        return _oxi(term), None
    value = str(term)
    problem = bad_character(value)
    if problem and "surrogate" in problem:
        value = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    else:
        problem = None
    datatype = _oxi(rdflib.URIRef(term.datatype)) if term.datatype else None
    try:
        if term.language:
            return Literal(value, language=term.language), problem
        return Literal(value, datatype=datatype if isinstance(datatype, NamedNode) else None), problem
    except ValueError:
        return Literal(value), problem


@contextmanager
def gc_paused():
    """Suspend the cyclic garbage collector while a page's terms and index are built.

    They hold no reference cycles, but their hundreds of thousands of new objects would set off
    collections that scan every one of them again and again (a third of a big page's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_RDF_TYPE = v.RDF + "type"
_SEPARATE = {v.DCAT + "Dataset", v.DCAT + "Catalog"}


class Index:
    """Triples by subject and predicate IRI (plain dicts), for the reader's lookups and the rules."""

    def __init__(self, triples: Iterable = ()):
        with gc_paused():
            self._add(triples)

    def _add(self, triples: Iterable) -> None:
        self.by_subject: dict = {}
        self.predicates: dict = {}  # IRI text -> term
        names = self.predicates
        by_subject = self.by_subject
        for triple in triples:
            if isinstance(triple, tuple):
                subject, predicate, obj = triple
            else:
                subject, predicate, obj = triple.subject, triple.predicate, triple.object
            name = predicate.value
            if name not in names:
                names[name] = predicate
            props = by_subject.get(subject)
            if props is None:
                props = by_subject[subject] = {}
            objects = props.get(name)
            if objects is None:
                props[name] = [obj]
            elif obj not in objects:
                objects.append(obj)

    def objects(self, subject, predicate: str) -> list:
        node = self.by_subject.get(subject)
        return node.get(predicate, ()) if node else ()

    def first(self, subject, predicate: str):
        node = self.by_subject.get(subject)
        found = node.get(predicate) if node else None
        return found[0] if found else None

    def subjects_of_type(self, class_iri: str) -> list:
        return [s for s, props in self.by_subject.items() if any(o.value == class_iri for o in props.get(_RDF_TYPE, ()))]

    def reach(self, root) -> list[tuple]:
        """(node, predicates leading to it) for ``root`` and, recursively, the described nodes it points
        to, except other datasets and catalogs, down to ``MAX_DEPTH`` links (a deeper chain, which no
        DCAT description needs, would cost memory in the square of its depth)."""
        seen, out, todo = {root}, [], [(root, ())]
        while todo:
            subject, via = todo.pop()
            out.append((subject, via))
            if len(via) >= MAX_DEPTH:
                continue
            for predicate, objects in self.by_subject.get(subject, {}).items():
                for obj in objects:
                    if obj not in seen and obj in self.by_subject and not any(
                            t.value in _SEPARATE for t in self.objects(obj, _RDF_TYPE)):
                        seen.add(obj)
                        todo.append((obj, via + (predicate,)))
        return out

    def part(self, root, reached: list | None = None) -> "Index":
        """An Index of ``root`` and the nodes it reaches (``reach(root)`` if already known), sharing this
        one's lists: read it, do not change it."""
        part = Index()
        part.predicates = self.predicates
        part.by_subject = {node: self.by_subject[node] for node, _ in reached or self.reach(root)
                           if node in self.by_subject}
        return part

    def closure(self, root) -> list[tuple]:
        """The triples describing ``root`` and the nodes it reaches."""
        return [(subject, self.predicates[predicate], obj)
                for subject, props in self.part(root).by_subject.items()
                for predicate, objects in props.items() for obj in objects]


def stable_hash(text: str) -> str:
    """A short, stable digest used to name things that have no identifier."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
