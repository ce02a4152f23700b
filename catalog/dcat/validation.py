"""Check any DCAT-AP document offline against the project's own SHACL rules (metadata_schemas/dcat-ap-3.shacl.ttl).

    load(source, fmt=None) -> rdflib.Graph     a file path or http(s) URL; UnreadableDocument otherwise
    check(graph, lang="en") -> [Finding]       every violation, with its dataset, property and a plain message
"""

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from catalog.dcat import vocab as v
from catalog.dcat.graph import EXTENSIONS, UnsafeXml, detect, read, serialise
from harvesters import HarvestError
from harvesters.http import HarvestClient

SH = Namespace("http://www.w3.org/ns/shacl#")
MAX_BYTES = 100 * 2**20
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.7"


class UnreadableDocument(Exception):
    """The document could not be fetched or parsed, or holds no triples."""


@dataclass(frozen=True)
class Finding:
    """One violation: the node it is about, the dataset that node belongs to, the property and a message."""

    focus: str
    dataset: str
    path: str
    value: str | None
    message: str
    focus_node: object = None  # the rdflib terms, for programs comparing reports
    path_iri: object = None


MESSAGES = {
    "MinCount": ("missing: at least {n} value(s) required", "tidak ada: wajib paling sedikit {n} nilai"),
    "MaxCount": ("too many values: at most {n} allowed", "terlalu banyak nilai: paling banyak {n}"),
    "Literal": ("must be text (a literal), not a resource", "harus berupa teks (literal), bukan sumber daya"),
    "IRI": ("must be a web address (IRI)", "harus berupa alamat web (IRI)"),
    "BlankNodeOrIRI": ("must be a resource (an IRI), not text", "harus berupa sumber daya (IRI), bukan teks"),
    "Datatype": ("must be a literal typed {n}", "harus berupa literal bertipe {n}"),
    "TemporalLiteral": ("must be a date typed xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth",
                        "harus berupa tanggal bertipe xsd:date, xsd:dateTime, xsd:gYear atau xsd:gYearMonth"),
    "CatalogedThing": ("must be a Catalog, Dataset or DataService", "harus berupa Catalog, Dataset atau DataService"),
    "Other": ("does not meet the rule", "tidak memenuhi aturan"),
}


@lru_cache(maxsize=1)
def shapes() -> Graph:
    """The project's DCAT-AP 3 rules, parsed once."""
    text = files("metadata_schemas").joinpath("dcat-ap-3.shacl.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _fetch(url: str) -> tuple[bytes, str | None]:
    """The body and Content-Type of ``url`` under the harvesters' HTTP policy: bounded in size and
    time, redirects into internal addresses other than the one given refused."""
    try:
        with HarvestClient(url, max_bytes=MAX_BYTES, retries=0) as client:
            response = client.get(url, headers={"Accept": ACCEPT})
    except HarvestError as error:
        message = str(error)
        raise UnreadableDocument(f"{url}: {message[:1].lower()}{message[1:]}") from None
    return response.content, response.headers.get("content-type")


def load(source: str, fmt: str | None = None) -> Graph:
    """The document at ``source`` (path or URL) as an rdflib graph; UnreadableDocument when it cannot be read."""
    if source.startswith(("http://", "https://")):
        data, content_type = _fetch(source)
    else:
        try:
            data, content_type = Path(source).read_bytes(), None
        except OSError as error:
            raise UnreadableDocument(f"{source}: {error.strerror}") from None
    rdf_format = EXTENSIONS.get(fmt) if fmt else detect(content_type, source)
    if rdf_format is None:
        raise UnreadableDocument(f"{source}: cannot tell the format; give --format ttl, rdf, jsonld or nt")
    try:
        triples = read(data, rdf_format, base_iri=source if "://" in source else Path(source).resolve().as_uri())
    except (SyntaxError, UnsafeXml, ValueError) as error:
        raise UnreadableDocument(f"{source}: {error}") from None
    if not triples:
        raise UnreadableDocument(f"{source}: no triples")
    return Graph().parse(data=serialise(triples, "nt"), format="nt")


def check(graph: Graph, lang: str = "en") -> list[Finding]:
    """Every violation of the project's DCAT-AP 3 rules in ``graph`` (which gains the rules' class facts)."""
    rules = shapes()
    for fact in rules.triples((None, RDFS.subClassOf, None)):
        graph.add(fact)
    _, report, _ = validate(graph, shacl_graph=rules, inference="none", inplace=True, do_owl_imports=False)
    findings = set()
    for result in report.objects(None, SH.result):
        focus, path, value = (report.value(result, p) for p in (SH.focusNode, SH.resultPath, SH.value))
        message = _message(rules, report, result, lang)
        findings.add(Finding(_name(graph, focus), _dataset(graph, focus), _name(graph, path),
                             _name(graph, value) if value is not None else None, message, focus, path))
    return sorted(findings, key=lambda f: (f.dataset, f.focus, f.path, f.message))


def _message(rules: Graph, report: Graph, result, lang: str) -> str:
    english = lang != "id"
    component = str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
    shape = report.value(result, SH.sourceShape)
    key, n = "Other", ""
    if component == "MinCountConstraintComponent":
        key, n = "MinCount", rules.value(shape, SH.minCount)
    elif component == "MaxCountConstraintComponent":
        key, n = "MaxCount", rules.value(shape, SH.maxCount)
    elif component == "NodeKindConstraintComponent":
        key = str(rules.value(shape, SH.nodeKind)).rsplit("#", 1)[-1]
    elif component == "DatatypeConstraintComponent":
        key, n = "Datatype", "xsd:" + str(rules.value(shape, SH.datatype)).rsplit("#", 1)[-1]
    elif component == "NodeConstraintComponent":
        key = str(rules.value(shape, SH.node)).rsplit("#", 1)[-1]
    template = MESSAGES.get(key, MESSAGES["Other"])[0 if english else 1]
    return template.format(n=n)


def _name(graph: Graph, node) -> str:
    """A short name for a node: a prefixed IRI, a quoted literal, or a blank node's title."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return f'"{node}"'
    if isinstance(node, BNode):
        title = graph.value(node, URIRef(v.DCT + "title")) or graph.value(node, URIRef(v.FOAF + "name"))
        linked = next(iter(graph.subject_predicates(node)), None)
        via = f" ({_name(graph, linked[1])} of {_name(graph, linked[0])})" if linked else ""
        return f"[{title or 'blank node'}{via}]"
    for prefix, namespace in v.PREFIXES.items():
        if str(node).startswith(namespace) and len(str(node)) > len(namespace):
            return f"{prefix}:{str(node)[len(namespace):]}"
    return f"<{node}>"


def _dataset(graph: Graph, node) -> str:
    """The dataset (or catalog) a node belongs to: itself, or the first one that reaches it in two steps."""
    kinds = {URIRef(v.DCAT + "Dataset"), URIRef(v.DCAT + "Catalog"), URIRef(v.DCAT + "DataService")}
    frontier = [node]
    for _ in range(3):
        for candidate in frontier:
            if set(graph.objects(candidate, RDF.type)) & kinds:
                return _name(graph, candidate)
        frontier = [s for c in frontier for s in graph.subjects(None, c)]
    return "-"
