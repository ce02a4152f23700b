"""The DCAT-AP 3 mapping: every field, conformance with the official shapes, problems reported, round trips."""

import io

import pytest
from pyoxigraph import RdfFormat
from rdflib import Graph, Literal, Namespace, URIRef

from catalog import schemas
from catalog.dcat import Site, dataset_triples, problems, read, serialise
from catalog.dcat.documents import catalog_page, page_url_maker, stream_catalog
from catalog.dcat.graph import FORMATS
from harvesters import RecordError, RemoteItem
from harvesters.dcat import DcatHarvester
from harvesters.normalise import NO_RESOURCE
from tests.agencies import AGENCIES, fill
from tests.builders import make_dataset
from tests.conformance import conformance, official_results  # noqa: F401  (fixture)

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SITE = Site(url="https://data.malangkota.go.id", organizations={o["name"]: o for o in AGENCIES},
            regions=schemas.region_names())
# Fields that belong to one catalog and are not carried by DCAT-AP (see docs/dcat.md).
LOCAL_FIELDS = {"id", "uri", "name", "owner_org", "state", "private", "metadata_created", "metadata_modified", "harvest",
                "unit", "groups", "extras"}


def to_rdflib(triples) -> Graph:
    return Graph().parse(data=serialise(triples, "nt"), format="nt")


@pytest.fixture
def stored(catalog):
    catalog.config["SITE_URL"] = SITE.url  # the datasets' IRIs are minted under it
    return fill(catalog)


def test_every_field_maps_to_its_property(stored):
    record = stored[1]
    graph = to_rdflib(dataset_triples(record, SITE)[0])
    node = URIRef(f"{SITE.url}/dataset/{record['id']}")
    assert (node, DCT.title, Literal("Jumlah Penduduk per Kelurahan", lang="id")) in graph
    assert graph.value(node, DCT.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2")
    assert graph.value(node, DCT.accessRights).endswith("/access-right/RESTRICTED")
    assert {str(t) for t in graph.objects(node, DCAT.theme)} == {
        "http://publications.europa.eu/resource/authority/data-theme/SOCI",
        "http://publications.europa.eu/resource/authority/data-theme/REGI"}
    assert {str(t) for t in graph.objects(node, DCT.language)} == {
        "http://publications.europa.eu/resource/authority/language/IND",
        "http://publications.europa.eu/resource/authority/language/ENG"}
    place = URIRef(f"{SITE.url}/wilayah/35.73.05.1001")
    assert (node, DCT.spatial, place) in graph and (place, URIRef(
        "http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("Tunggulwulung", lang="id")) in graph
    period = graph.value(node, DCT.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
    assert graph.value(node, DCT.modified).datatype == XSD.dateTime
    assert graph.value(node, DCAT.landingPage) == URIRef("https://dispendukcapil.malangkota.go.id/data")
    publisher = graph.value(node, DCT.publisher)  # none given: the owning organization
    assert str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == (
        "Dinas Kependudukan dan Pencatatan Sipil")
    card = graph.value(node, DCAT.contactPoint)
    assert graph.value(card, URIRef("http://www.w3.org/2006/vcard/ns#hasTelephone")) == URIRef("tel:(0341)%20551%20234")
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCAT.byteSize) == Literal("120331", datatype=XSD.nonNegativeInteger)
    assert graph.value(distribution, DCT["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/XLSX")
    assert isinstance(graph.value(distribution, DCAT.downloadURL), URIRef)
    assert graph.value(distribution, DCT.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/ODC_BL")
    checksum = graph.value(distribution, URIRef("http://spdx.org/rdf/terms#checksum"))
    assert graph.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue")).datatype == XSD.hexBinary


def test_unknown_licences_and_formats_get_iris_under_the_site(stored):
    graph = to_rdflib(dataset_triples(stored[2], SITE)[0])
    licences = {str(o) for o in graph.objects(None, DCT.license)}
    formats = {str(o) for o in graph.objects(None, DCT["format"])}
    assert f"{SITE.url}/licenses/other-closed" in licences
    assert f"{SITE.url}/formats/Lembar%20Kerja" in formats


def test_a_record_that_cannot_conform_is_reported_not_published():
    record = make_dataset(id="6f0c6a38-1f33-4a55-9d27-7b5cb3f1f6b2", notes=None, notes_translated=None)
    record["resources"][0]["url"] = "https://example.org/a file.csv"
    found = problems(record, SITE)
    assert any(p.startswith("notes:") for p in found)
    assert any(p.startswith("resources.0.url") for p in found)
    left_out = []
    body = catalog_page([record], SITE, "ttl", page=1, per_page=100, total=1,
                        page_url=page_url_maker(SITE.url + "/catalog.ttl", {}),
                        on_problem=lambda r, p: left_out.append(r["id"]))
    assert left_out == [record["id"]] and record["id"].encode() not in body


@pytest.mark.parametrize("key", list(FORMATS))
def test_multi_agency_catalog_has_zero_violations_of_the_official_shapes(stored, conformance, key):  # noqa: F811
    body = catalog_page(stored, SITE, key, page=1, per_page=100, total=len(stored),
                        page_url=page_url_maker(SITE.url + f"/catalog.{key}", {}))
    graph = to_rdflib(read(body, FORMATS[key][0]))
    results = official_results(graph, conformance, ("shapes.ttl", "shapes_recommended.ttl"))
    assert [r for r in results if r[0] == "Violation"] == []
    # Recommended properties are present wherever the record has the data.
    missing = {(str(focus), str(path)) for severity, focus, path, component in results
               if severity == "Warning" and component == "MinCountConstraintComponent"}
    full = f"{SITE.url}/dataset/{stored[0]['id']}"
    assert not {m for m in missing if m[0] == full}, missing
    sparse = f"{SITE.url}/dataset/{stored[4]['id']}"
    assert (sparse, str(DCAT.distribution)) in missing  # it really has none


def _harvested(body: bytes, key: str) -> dict:
    """Parse a document with the DCAT harvester's own item building and mapping."""
    harvester = DcatHarvester({"url": "http://b.example/", "organization": "dinkes"}, client=None)
    from catalog.dcat.graph import Index
    from catalog.dcat.reader import dataset_nodes, remote_id

    index = Index(read(body, FORMATS[key][0]))
    out = {}
    for node in dataset_nodes(index):
        payload = serialise(index.closure(node), "nt").decode()
        try:
            out[str(node.value)] = harvester.parse(RemoteItem(remote_id(index, node), payload))
        except RecordError as error:
            out[str(node.value)] = error
    return out


def _comparable(record: dict) -> dict:
    """The record without catalog-local fields; an empty value counts as absent."""
    out = {k: v for k, v in record.items() if k not in LOCAL_FIELDS and v not in (None, "", [], {})}
    out["resources"] = [{k: v for k, v in r.items() if k not in {"id", "created"} and v not in (None, "", [], {})}
                        for r in record.get("resources", [])]
    return out


@pytest.mark.parametrize("key", list(FORMATS))
def test_round_trip_gives_equal_datasets_field_by_field(stored, key):
    site = Site(url=SITE.url, organizations={}, regions=SITE.regions)  # no default publisher: compare as stored
    body = catalog_page(stored, site, key, page=1, per_page=100, total=len(stored),
                        page_url=page_url_maker(SITE.url + f"/catalog.{key}", {}))
    harvested = _harvested(body, key)
    assert len(harvested) == len(stored)
    for record in stored:
        back = harvested[site.dataset_iri(record)]
        if not record.get("resources"):  # the catalog harvests no dataset without a resource to reach
            assert (back.path, back.message) == ("resources", NO_RESOURCE)
            continue
        assert schemas.validate(back, "dataset") == {}
        original = _comparable(record)
        for field in sorted(set(original) | set(_comparable(back))):
            assert _comparable(back).get(field) == original.get(field), (record["name"], field)


def test_streamed_export_holds_every_dataset_once(stored):
    output = io.BytesIO()
    stream_catalog(iter(stored), SITE, "ttl", output)
    graph = Graph().parse(data=output.getvalue(), format="turtle")
    assert len(set(graph.subjects(predicate=None, object=DCAT.Dataset))) == len(stored)
    assert len(list(graph.objects(URIRef(SITE.catalog_iri), DCAT.dataset))) == len(stored)


def test_read_merges_named_graphs_and_refuses_entities():
    data = b'<http://a.example/d> <http://purl.org/dc/terms/title> "x" <http://g.example/1> .\n'
    assert len(read(data, RdfFormat.N_QUADS)) == 1
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>'
    with pytest.raises(ValueError, match="DTD or entities"):
        read(bomb, RdfFormat.RDF_XML)


def test_regions_are_described_once_even_after_a_left_out_record():
    bad = make_dataset(id="00000000-0000-4000-8000-000000000001", notes=None, notes_translated=None,
                       spatial=["35.73.01"])
    good = make_dataset(id="00000000-0000-4000-8000-000000000002", spatial=["35.73.01"])
    output = io.BytesIO()
    stream_catalog(iter([bad, good, dict(good, id="00000000-0000-4000-8000-000000000003")]), SITE, "ttl", output)
    graph = Graph().parse(data=output.getvalue(), format="turtle")
    labels = list(graph.objects(URIRef(f"{SITE.url}/wilayah/35.73.01"),
                                URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert labels == [Literal("Blimbing", lang="id")]
    assert output.getvalue().count(b"skos:prefLabel") == 1


def test_from_triples_reports_untitled_datasets_without_failing_the_rest(stored):
    from catalog.dcat import MappingError, from_triples

    body = catalog_page(stored[:2], SITE, "ttl", page=1, per_page=100, total=2,
                        page_url=page_url_maker(SITE.url + "/catalog.ttl", {}))
    body += b'\n<https://x.example/d> a <http://www.w3.org/ns/dcat#Dataset> .\n'
    found = dict(from_triples(read(body, RdfFormat.TURTLE)))
    assert isinstance(found.pop("https://x.example/d"), MappingError)
    assert sorted(r["title"] for r in found.values()) == sorted(r["title"] for r in stored[:2])


@pytest.mark.parametrize("key", ["ttl", "nt"])
def test_text_writers_escape_literals(key):
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral

    tricky = 'Kata "kutip", garis\nbaru, \\ garis miring, tab\t, carriage\r, ü 数据'
    triples = [(NamedNode("https://a.example/d"), NamedNode(DCT.title), OxLiteral(tricky, language="id")),
               (NamedNode("https://a.example/d"), NamedNode(DCAT.byteSize),
                OxLiteral("12", datatype=NamedNode(XSD.nonNegativeInteger))),
               (BlankNode("b1"), NamedNode(DCT.description), OxLiteral("plain"))]
    body = serialise(triples, key)
    back = read(body, RdfFormat.TURTLE if key == "ttl" else RdfFormat.N_TRIPLES)
    assert {(str(t[2].value)) for t in back} == {tricky, "12", "plain"}
    graph = Graph().parse(data=body, format="turtle" if key == "ttl" else "nt")
    assert (URIRef("https://a.example/d"), DCT.title, Literal(tricky, lang="id")) in graph
