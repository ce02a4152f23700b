"""The shared conformance kit (../shared/conformance beside the repository), used by reference only.

Tests that need it take the ``conformance`` fixture (or call ``require_kit``), which skips with a reason
when the kit is absent, and fails instead under CI (``CI=true``, ``1``, ``yes``…), where the kit is always laid beside the clone.
"""

from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from tests.ci import missing

KIT = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
SH = Namespace("http://www.w3.org/ns/shacl#")
# What the kit's validator adds to every document: FOAF/vCard subclass facts.
BACKGROUND = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
foaf:Organization rdfs:subClassOf foaf:Agent . foaf:Person rdfs:subClassOf foaf:Agent .
foaf:Group rdfs:subClassOf foaf:Agent ."""


def require_kit() -> Path:
    """The conformance kit's folder; skips (fails under CI) when it is not beside the repository."""
    if not (KIT / "dcat-ap-3" / "shapes.ttl").is_file():
        reason = f"conformance kit not found at {KIT}"
        missing(reason)
    return KIT


@pytest.fixture(scope="session")
def conformance() -> Path:
    """The conformance kit's folder, for tests that read it."""
    return require_kit()


def official_results(graph: Graph, kit: Path, files=("shapes.ttl",)) -> list[tuple]:
    """(severity, focus node, path, constraint component) of the official DCAT-AP 3 shapes on ``graph``."""
    from pyshacl import validate

    shapes = Graph()
    for name in files:
        shapes.parse(kit / "dcat-ap-3" / name, format="turtle")
    data = Graph()
    for triple in graph:
        data.add(triple)
    data.parse(data=BACKGROUND, format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", do_owl_imports=False, allow_warnings=True)
    return [
        (str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1], report.value(r, SH.focusNode),
         report.value(r, SH.resultPath), str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1])
        for r in report.objects(None, SH.result)
    ]


def official_violations(graph: Graph, kit: Path) -> set[tuple]:
    """(focus node, path) of every violation the official shapes find."""
    return {(focus, path) for severity, focus, path, _ in official_results(graph, kit) if severity == "Violation"}
