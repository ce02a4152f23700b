"""The project's own DCAT-AP 3 rules give the official shapes' verdicts; ``catalog validate-dcat``."""

import json

import pytest
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from catalog.dcat import validation
from tests.conformance import KIT, conformance, official_violations  # noqa: F401  (fixture)

EXAMPLES = sorted(p for p in (KIT / "examples").rglob("*") if p.suffix in {".ttl", ".rdf", ".jsonld", ".nt"})
# The one official example that is not valid Turtle (the kit's README says so: a "/" in a prefixed name).
NOT_TURTLE = KIT / "examples" / "dcat-ap-3" / "example-bee-population-dataset-series-combined.ttl"
NOT_TURTLE_ERROR = "'/' is not allowed at the beginning of a prefix name"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix spdx: <http://spdx.org/rdf/terms#> . @prefix locn: <http://www.w3.org/ns/locn#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> . @prefix ex: <https://example.org/> .
"""
GOOD = """ex:cat a dcat:Catalog ; dct:title "Katalog"@id ; dct:description "Uji"@id ; dct:publisher ex:org ;
    dcat:dataset ex:d1 .
ex:org a foaf:Agent ; foaf:name "Diskominfo" .
ex:d1 a dcat:Dataset ; dct:title "Data"@id ; dct:description "Isi"@id ; dcat:distribution ex:d1csv .
ex:d1csv a dcat:Distribution ; dcat:accessURL <https://example.org/f.csv> .
"""
BROKEN = {
    "dataset without title, description as IRI": GOOD.replace('dct:title "Data"@id ; dct:description "Isi"@id',
                                                              'dct:description <https://example.org/isi>'),
    "distribution with decimal size, two formats, literal media type": GOOD.replace(
        "dcat:accessURL <https://example.org/f.csv>",
        'dcat:accessURL <https://example.org/f.csv> ; dcat:byteSize "12.5"^^xsd:decimal ; '
        'dct:format ex:csv, ex:xls ; dcat:mediaType "text/csv"'),
    "catalog with two publishers and no description": GOOD.replace('dct:description "Uji"@id ;', "").replace(
        "dct:publisher ex:org", "dct:publisher ex:org, ex:org2") + 'ex:org2 a foaf:Organization .',
    "checksum, location and period misused": GOOD + """ex:d1csv spdx:checksum [ a spdx:Checksum ;
        spdx:checksumValue "abc" ] .
        ex:d1 dct:spatial ex:place ; dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01", "2021-01-01" ] .
        ex:place a dct:Location ; locn:geometry "POINT(1 2)", "POINT(3 4)" .""",
    "literal theme, two versions, catalog issued as text": GOOD.replace(
        'dct:description "Isi"@id ;', 'dct:description "Isi"@id ; dcat:theme "kesehatan" ; dcat:version "1", "2" ;'
    ).replace('dct:title "Katalog"@id ;', 'dct:title "Katalog"@id ; dct:issued "kemarin" ;'),
    "data service and catalog record incomplete": GOOD + """ex:svc a dcat:DataService ; dct:title "API" .
        ex:rec a dcat:CatalogRecord ; foaf:primaryTopic "d1" .""",
    "contact point and keyword as resources": GOOD.replace(
        'dct:description "Isi"@id ;', 'dct:description "Isi"@id ; dcat:keyword ex:kw ; dcat:contactPoint "p2p@x.id" ;'),
}


def _compare(graph: Graph, kit) -> tuple[set, set]:
    official = official_violations(graph, kit)
    ours = {(f.focus_node, f.path_iri) for f in validation.check(graph)}
    return ours, official


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(KIT / "examples")))
def test_same_verdict_as_the_official_shapes_on_every_example(path, conformance):  # noqa: F811
    if path == NOT_TURTLE:
        with pytest.raises(validation.UnreadableDocument, match=NOT_TURTLE_ERROR):
            validation.load(str(path))
        with pytest.raises(BadSyntax, match="expected '.' or '}' or ']' at end of statement"):
            Graph().parse(path, format="turtle")  # the official tool's parser cannot read it either
        return
    graph = validation.load(str(path))
    ours, official = _compare(graph, conformance)
    assert ours == official


def test_the_unreadable_example_is_the_kit_s_known_one(conformance):  # noqa: F811
    assert NOT_TURTLE in EXAMPLES


@pytest.mark.parametrize("name", list(BROKEN))
def test_same_violations_as_the_official_shapes_on_broken_documents(name, conformance):  # noqa: F811
    graph = Graph().parse(data=PREFIXES + BROKEN[name], format="turtle")
    ours, official = _compare(graph, conformance)
    assert official, "the broken document must break an official rule"
    assert ours == official


def test_a_good_document_conforms(conformance):  # noqa: F811
    graph = Graph().parse(data=PREFIXES + GOOD, format="turtle")
    assert _compare(graph, conformance) == (set(), set())


def test_cli_lists_violations_in_indonesian_and_exits_1(runner, tmp_path):
    path = tmp_path / "rusak.ttl"
    path.write_text(PREFIXES + BROKEN["dataset without title, description as IRI"])
    result = runner("validate-dcat", str(path), "--lang", "id")
    assert result.exit_code == 1
    assert "<https://example.org/d1>" in result.output
    assert "dct:title: tidak ada: wajib paling sedikit 1 nilai" in result.output
    assert "dct:description: harus berupa teks (literal)" in result.output


def test_cli_json_report_and_exit_0_on_a_good_document(runner, tmp_path):
    path = tmp_path / "baik.ttl"
    path.write_text(PREFIXES + GOOD)
    result = runner("validate-dcat", str(path), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"conforms": True, "violations": []}


def test_cli_exit_2_when_unreadable(runner, tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("this is not turtle <")
    result = runner("validate-dcat", str(path))
    assert result.exit_code == 2
    assert "bad.ttl" in result.output
    assert runner("validate-dcat", str(tmp_path / "missing.rdf")).exit_code == 2


def test_cli_refuses_entity_expansion_before_parsing(runner, tmp_path):
    path = tmp_path / "bomb.rdf"
    path.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&b;</rdf:RDF>')
    result = runner("validate-dcat", str(path))
    assert result.exit_code == 2 and "DTD or entities" in result.output


def test_cli_reads_a_url(runner):
    from tests.loopback import LoopbackServer

    with LoopbackServer() as server:
        server.routes["/catalog"] = (200, "text/turtle", (PREFIXES + GOOD).encode())
        result = runner("validate-dcat", server.url + "/catalog")
    assert result.exit_code == 0, result.output
    assert "violations: 0" in result.output


def test_cli_refuses_a_redirect_into_a_private_address(runner):
    from werkzeug.wrappers import Response

    from tests.loopback import LoopbackServer

    with LoopbackServer() as server:
        server.routes["/moved"] = lambda request: Response(status=302, headers={
            "Location": "http://169.254.169.254/latest/meta-data/"})
        result = runner("validate-dcat", server.url + "/moved")
    assert result.exit_code == 2
    assert "redirect refused to http://169.254.169.254/latest/meta-data/" in result.output
