"""The fast rule check gives pyshacl's verdicts; the DCAT harvester keeps each dataset's violations."""

import pytest
from pyoxigraph import NamedNode, RdfFormat
from rdflib import Graph

from catalog.dcat import rules, validation
from catalog.dcat.graph import Index, read
from catalog.harvest import run_harvest
from tests.builders import make_organization
from tests.contracts.harvester import POLICY
from tests.test_dcat_validation import BROKEN, EXAMPLES, GOOD, NOT_TURTLE, NOT_TURTLE_ERROR, PREFIXES


def _pyshacl(graph: Graph) -> set:
    return {(f.focus if not f.focus.startswith("[") else "_", f.path, f.message) for f in validation.check(graph)}


def _fast(graph: Graph) -> set:
    index = Index(read(graph.serialize(format="nt", encoding="utf-8"), RdfFormat.N_TRIPLES))
    return {(rules._short(node.value) if isinstance(node, NamedNode) else "_", found.path, found.message)
            for node, violations in rules.violations(index).items() for found in violations}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_same_violations_as_pyshacl_on_every_example(path):
    if path == NOT_TURTLE:
        with pytest.raises(validation.UnreadableDocument, match=NOT_TURTLE_ERROR):
            validation.load(str(path))
        return
    graph = validation.load(str(path))
    assert _fast(graph) == _pyshacl(graph)


@pytest.mark.parametrize("name", list(BROKEN) + ["good"])
def test_same_violations_as_pyshacl_on_broken_documents(name):
    graph = Graph().parse(data=PREFIXES + BROKEN.get(name, GOOD), format="turtle")
    expected = _pyshacl(graph)
    assert bool(expected) == (name != "good")
    assert _fast(graph) == expected


SOURCE = PREFIXES + """ex:cat a dcat:Catalog ; dct:title "Katalog Dinkes"@id ; dct:description "Uji"@id ;
    dct:publisher ex:org ; dcat:dataset ex:good, ex:bad .
ex:org a foaf:Organization ; foaf:name "Dinas Kesehatan" .
ex:good a dcat:Dataset ; dct:identifier "good" ; dct:title "Jumlah Puskesmas"@id ; dct:description "Per kecamatan"@id ;
    dcat:distribution ex:good-csv .
ex:good-csv a dcat:Distribution ; dcat:accessURL <https://example.org/puskesmas.csv> .
ex:bad a dcat:Dataset ; dct:identifier "bad" ; dct:title "Kasus DBD"@id ; dct:description <https://example.org/isi> ;
    dcat:version "1", "2" ; dcat:distribution ex:bad-csv .
ex:bad-csv a dcat:Distribution ; dcat:accessURL <https://example.org/dbd.csv> ; dcat:byteSize "12.5"^^xsd:decimal .
"""
EXPECTED = [
    {"path": "dct:description", "message": "must be text (a literal), not a resource"},
    {"path": "dcat:version", "message": "too many values: at most 1 allowed"},
    {"path": "dcat:distribution/dcat:byteSize", "message": "must be a literal typed xsd:nonNegativeInteger"},
]


@pytest.fixture
def harvested(app, http_server):
    """The app's catalog after harvesting SOURCE (one clean dataset, one breaking three rules) over HTTP."""
    catalog = app.extensions["catalog"]
    catalog.config.update(POLICY)
    catalog.create_organization(make_organization(), actor="test")
    http_server.document("/catalog.ttl", SOURCE.encode(), content_type="text/turtle")
    catalog.add_source({"name": "dinkes-dcat", "type": "dcat", "url": http_server.url("/catalog.ttl"),
                        "organization": "dinkes"}, actor="test")
    report = run_harvest(catalog, "dinkes-dcat")
    assert (report.status, report.counts["added"], report.counts["failed"]) == ("finished", 2, 0)
    return catalog


def _by_remote_id(catalog) -> dict:
    found = catalog.search_datasets({"rows": 10})["results"]
    return {record["harvest"]["remote_id"]: record for record in found}


def test_violations_are_kept_per_dataset_and_shown(harvested, client, http_server):
    records = _by_remote_id(harvested)
    assert "dcat_violations" not in records["good"]["harvest"]
    assert sorted(records["bad"]["harvest"]["dcat_violations"], key=str) == sorted(EXPECTED, key=str)

    shown = client.get("/api/3/action/package_show", query_string={"id": records["bad"]["name"]}).get_json()
    assert shown["result"]["dcat_violations"] == records["bad"]["harvest"]["dcat_violations"]
    page = client.get(f"/dataset/{records['bad']['name']}").get_data(as_text=True)
    assert "melanggar 3 aturan" in page and "dcat:distribution/dcat:byteSize" in page
    client.set_cookie("lang", "en")
    assert "breaks 3 rule(s)" in client.get(f"/dataset/{records['bad']['name']}").get_data(as_text=True)
    assert "dcat-violations" not in client.get(f"/dataset/{records['good']['name']}").get_data(as_text=True)

    fixed = SOURCE.replace("dct:description <https://example.org/isi>", 'dct:description "Per bulan"@id')
    http_server.document("/catalog.ttl", fixed.encode(), content_type="text/turtle")
    report = run_harvest(harvested, "dinkes-dcat")
    assert report.counts["updated"] == 1
    assert _by_remote_id(harvested)["bad"]["harvest"]["dcat_violations"] == EXPECTED[1:]


def test_the_check_can_be_turned_off_per_source(app, http_server):
    import httpx

    from harvesters.dcat import DcatHarvester

    http_server.document("/catalog.ttl", SOURCE.encode(), content_type="text/turtle")
    with httpx.Client() as http:
        for config, expected in (({}, 3), ({"check_rules": False}, 0)):
            harvester = DcatHarvester({"url": http_server.url("/catalog.ttl"), "organization": "dinkes",
                                       "config": config}, http)
            records = {item.remote_id: harvester.parse(item) for item in harvester.items()}
            assert len(records["bad"].get("harvest", {}).get("dcat_violations", [])) == expected
