"""The project's DCAT-AP 3 rules (metadata_schemas/dcat-ap-3.shacl.ttl) checked directly over an Index.

pyshacl checks about a hundred datasets a second, too slow for a harvest of thousands. The rules
file uses a small part of SHACL (target classes with rdfs:subClassOf facts, property shapes with a
plain predicate path, min/max count, node kind, datatype, class, and node shapes that are an
``sh:or`` of datatypes or classes), so this module compiles that part once and checks a whole
page's triples in one pass. ``tests/test_dcat_rules.py`` proves it reports exactly what
``validation.check`` (pyshacl) reports on every example and broken document.

    violations(index) -> {node: [Violation]}     every violation on the page, by node
    by_dataset(index, node, found) -> [{path, message}]   one dataset's, with the nodes it points to
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, NamedNode
from rdflib import RDF, RDFS
from rdflib.collection import Collection

from catalog.dcat import vocab as v
from catalog.dcat.graph import Index
from catalog.dcat.validation import MESSAGES, SH, shapes

# Lexical forms the checked datatypes accept (a literal typed so but ill-formed breaks the rule too).
_LEXICAL = {
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "nonNegativeInteger": r"\+?\d+|-0+",
    "integer": r"[+-]?\d+",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "duration": r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?",
    "date": r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?",
    "dateTime": r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
    "gYear": r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?",
    "gYearMonth": r"-?\d{4,}-\d{2}(Z|[+-]\d{2}:\d{2})?",
}
_RDF_TYPE = str(RDF.type)
_PATTERNS = {v.XSD + name: re.compile(pattern) for name, pattern in _LEXICAL.items()}


@dataclass(frozen=True)
class Rule:
    """One property shape: the predicate and what its values must be."""

    path: str
    min_count: int = 0
    max_count: int | None = None
    kind: str | None = None  # Literal, IRI, BlankNodeOrIRI
    datatype: str | None = None
    classes: tuple = ()  # sh:class, or the alternatives of a node shape's sh:or
    datatypes: tuple = ()  # the alternatives of a node shape's sh:or of datatypes
    node: str | None = None  # the node shape's local name, for its message


@dataclass(frozen=True)
class Violation:
    focus: object
    path: str
    message: str


@lru_cache(maxsize=1)
def compiled() -> tuple[dict, dict]:
    """({class IRI: [Rule]}, {class IRI: {superclasses, itself included}}) from the rules file."""
    graph = shapes()
    supers: dict = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        supers.setdefault(str(sub), {str(sub)}).add(str(sup))
    rules: dict = {}
    for shape, target in graph.subject_objects(SH.targetClass):
        rules[str(target)] = [_rule(graph, prop) for prop in graph.objects(shape, SH.property)]
    return rules, supers


def _rule(graph, prop) -> Rule:
    def value(term):
        found = graph.value(prop, term)
        return str(found) if found is not None else None

    node = graph.value(prop, SH.node)
    classes, datatypes = (), ()
    if node is not None:
        alternatives = Collection(graph, graph.value(node, SH["or"]))
        classes = tuple(str(graph.value(a, SH["class"])) for a in alternatives if graph.value(a, SH["class"]))
        datatypes = tuple(str(graph.value(a, SH.datatype)) for a in alternatives if graph.value(a, SH.datatype))
    if value(SH["class"]):
        classes = (value(SH["class"]),)
    kind = value(SH.nodeKind)
    return Rule(path=value(SH.path), min_count=int(value(SH.minCount) or 0),
                max_count=int(value(SH.maxCount)) if value(SH.maxCount) else None,
                kind=kind.rsplit("#", 1)[1] if kind else None, datatype=value(SH.datatype),
                classes=classes, datatypes=datatypes, node=str(node).rsplit("#", 1)[-1] if node is not None else None)


def _typed(term, datatype: str) -> bool:
    if not isinstance(term, Literal) or term.datatype.value != datatype:
        return False
    pattern = _PATTERNS.get(datatype)
    return pattern is None or pattern.fullmatch(term.value) is not None


def _kind_ok(term, kind: str) -> bool:
    if kind == "Literal":
        return isinstance(term, Literal)
    if kind == "IRI":
        return isinstance(term, NamedNode)
    return not isinstance(term, Literal)


def _types(index: Index, term, supers: dict) -> set:
    found = set()
    for kind in index.objects(term, _RDF_TYPE):
        found |= supers.get(kind.value, {kind.value})
    return found


def _english(key: str, n="") -> str:
    return MESSAGES[key][0].format(n=n)


def _check(index: Index, values, rule: Rule, supers: dict) -> list[str]:
    """The messages for the values a node has for ``rule.path`` (none when they are fine)."""
    messages = []
    if len(values) < rule.min_count:
        messages.append(_english("MinCount", rule.min_count))
    if rule.max_count is not None and len(values) > rule.max_count:
        messages.append(_english("MaxCount", rule.max_count))
    for term in values:
        if rule.kind and not _kind_ok(term, rule.kind):
            messages.append(_english(rule.kind))
        if rule.datatype and not _typed(term, rule.datatype):
            messages.append(_english("Datatype", "xsd:" + rule.datatype.rsplit("#", 1)[-1]))
        if rule.node and not (any(_typed(term, d) for d in rule.datatypes) or (
                not isinstance(term, Literal) and _types(index, term, supers) & set(rule.classes))):
            messages.append(_english(rule.node if rule.node in MESSAGES else "Other"))
        elif not rule.node and rule.classes and (
                isinstance(term, Literal) or not _types(index, term, supers) & set(rule.classes)):
            messages.append(_english("Other"))
    return list(dict.fromkeys(messages))


@lru_cache(maxsize=64)
def _for_classes(kinds: frozenset) -> tuple[tuple, dict]:
    """(rules a node of these classes must meet even without values, {predicate: [rules]})."""
    rules, _ = compiled()
    found = [rule for kind in kinds for rule in rules.get(kind, ())]
    by_path: dict = {}
    for rule in found:
        by_path.setdefault(rule.path, []).append(rule)
    return tuple(rule for rule in found if rule.min_count), by_path


def violations(index: Index) -> dict:
    """{focus node: [Violation]} for every node of ``index`` that breaks a rule of its class."""
    _, supers = compiled()
    found: dict = {}
    for node, props in index.by_subject.items():
        if _RDF_TYPE not in props:
            continue
        required, by_path = _for_classes(frozenset(_types(index, node, supers)))
        if not by_path:
            continue
        messages = []
        for rule in required:
            if rule.path not in props:
                messages.append((rule.path, _english("MinCount", rule.min_count)))
        for predicate, values in props.items():
            for rule in by_path.get(predicate, ()):
                messages.extend((predicate, message) for message in _check(index, values, rule, supers))
        if messages:
            found[node] = [Violation(node, _short(path), message) for path, message in dict.fromkeys(messages)]
    return found


@lru_cache(maxsize=512)
def _short(iri: str) -> str:
    for prefix, namespace in v.PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def by_dataset(index: Index, root, found: dict, reached: list | None = None) -> list[dict]:
    """The violations of dataset ``root`` and of the nodes it points to, as {path, message}; a nested
    node's path starts with the properties leading to it (``dcat:distribution/dcat:byteSize``).
    ``reached`` is ``index.reach(root)`` when the caller has it already."""
    if not found:
        return []
    out = []
    for node, via in reached or index.reach(root):
        prefix = "".join(_short(p) + "/" for p in via)
        out.extend({"path": prefix + violation.path, "message": violation.message} for violation in found.get(node, ()))
    return out


__all__ = ["Violation", "by_dataset", "compiled", "violations"]
