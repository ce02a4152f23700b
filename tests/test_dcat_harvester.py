"""The DCAT RDF harvester against real HTTP servers on 127.0.0.1 serving realistic documents."""

import threading

import httpx
import pytest
from werkzeug.serving import make_server

from catalog import schemas
from harvesters import HarvestError, RecordError, get
from harvesters.dcat import DcatHarvester
from harvesters.normalise import NO_RESOURCE
from tests.agencies import fill
from tests.conformance import KIT, conformance  # noqa: F401  (fixture)
from tests.loopback import LoopbackServer
from tests.test_dcat import _comparable

RDF_EXAMPLES = sorted(p for p in (KIT / "examples").rglob("*") if p.suffix in {".ttl", ".rdf", ".jsonld", ".nt"})
UNREADABLE = {"example-bee-population-dataset-series-combined.ttl"}  # not valid Turtle (see the kit's README)
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY a "ha">'
                  + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
                  + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&j;</rdf:RDF>')
XXE = ('<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
       'xmlns:dct="http://purl.org/dc/terms/"><rdf:Description rdf:about="http://a.example/"><dct:title>&x;'
       '</dct:title></rdf:Description></rdf:RDF>')


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def client():
    with httpx.Client(timeout=httpx.Timeout(2.0)) as http:
        yield http


def harvester(url: str, client, **config) -> DcatHarvester:
    return DcatHarvester({"name": "src", "url": url, "organization": "dinkes", "config": config}, client)


def test_registered_under_dcat():
    assert get("dcat") is DcatHarvester and DcatHarvester.name == "dcat"


@pytest.mark.parametrize("path", RDF_EXAMPLES, ids=lambda p: p.name)
def test_reads_every_example(path, server, client, conformance):  # noqa: F811
    for other in path.parent.iterdir():  # the paged example's next link points at its second file
        body = other.read_bytes().replace(b"http://catalog.example.org/catalog.ttl?page=", server.url.encode()
                                          + b"/catalog-page-")
        server.routes["/" + other.name] = (200, "application/octet-stream", body.replace(b"-2\"", b"-2.ttl\""))
    source = harvester(server.url + "/" + path.name, client)
    if path.name in UNREADABLE:
        with pytest.raises(HarvestError, match="not readable"):
            list(source.items())
        return
    items = list(source.items())
    assert items, "every readable example holds at least one dataset"
    assert len({i.remote_id for i in items}) == len(items)
    for item in items:
        try:
            record = source.parse(item)
        except RecordError as error:
            assert (error.path == "title" and path.parent.name == "invalid") or (
                (error.path, error.message) == ("resources", NO_RESOURCE)), (error.path, error.message)
            continue
        assert schemas.validate(record, "dataset") == {}, (item.remote_id, schemas.validate(record, "dataset"))


def test_maps_legacy_literals_of_real_portals(server, client, conformance):  # noqa: F811
    path = KIT / "examples" / "ckanext-dcat" / "rdf" / "dataset.rdf"
    server.routes["/d"] = (200, "application/rdf+xml", path.read_bytes())
    source = harvester(server.url + "/d", client)
    records = [source.parse(item) for item in source.items()]
    described = max(records, key=len)
    assert described["language"]  # "en" literals become language codes
    assert all(r["url"].startswith("http") for r in described.get("resources", []))


def _paged(server, drop: str) -> None:
    for number in (1, 2):
        text = (KIT / "examples" / "paged" / f"catalog-page-{number}.ttl").read_text()
        text = text.replace("http://catalog.example.org/catalog.ttl", server.url + "/catalog.ttl")
        text = text.replace(drop, "hydra:search ")  # the other vocabulary's link no longer says "next"
        server.routes[f"/catalog.ttl?page={number}"] = (200, "text/turtle", text.encode())


@pytest.mark.parametrize("drop", ["hydra:next ", "hydra:nextPage"], ids=["nextPage-only", "next-only"])
def test_follows_hydra_paging_in_both_vocabularies(server, client, conformance, drop):  # noqa: F811
    _paged(server, drop)
    source = harvester(server.url + "/catalog.ttl?page=1", client)
    items = list(source.items())
    assert {i.remote_id for i in items} == {"http://catalog.example.org/dataset/air-quality",
                                            "http://catalog.example.org/dataset/bike-counts",
                                            "http://catalog.example.org/dataset/parking"}
    assert server.requests == ["/catalog.ttl?page=1", "/catalog.ttl?page=2"]
    assert [i.remote_id for i in source.items()] == [i.remote_id for i in items]  # stable across runs


def test_identifier_wins_over_the_uri_and_parse_works_with_the_server_gone(client):
    body = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <http://a.example/d/1> a dcat:Dataset ; dct:identifier "SIPD-0001" ; dct:title "Realisasi APBD"@id ;
        dct:description "Realisasi anggaran."@id ;
        dcat:distribution [ dcat:downloadURL <https://a.example/apbd.csv> ] ."""
    with LoopbackServer() as server:
        server.routes["/feed.ttl"] = (200, "text/turtle", body)
        source = harvester(server.url + "/feed.ttl", client)
        items = list(source.items())
    assert [i.remote_id for i in items] == ["SIPD-0001"]
    record = source.parse(items[0])
    assert record["title"] == "Realisasi APBD" and record["owner_org"] == "dinkes"
    assert record["name"].startswith("realisasi-apbd-")


def test_a_dataset_without_title_fails_alone(server, client):
    server.routes["/c.ttl"] = (200, "text/turtle", b"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
    @prefix dct: <http://purl.org/dc/terms/> .
    <http://a.example/1> a dcat:Dataset ; dct:title "Baik" ; dcat:distribution [ dcat:accessURL <https://a.example/> ] .
    <http://a.example/2> a dcat:Dataset ; dcat:distribution [ dcat:accessURL <https://a.example/> ] .""")
    source = harvester(server.url + "/c.ttl", client)
    outcomes = {}
    for item in source.items():
        try:
            outcomes[item.remote_id] = source.parse(item)["title"]
        except RecordError as error:
            outcomes[item.remote_id] = f"error at {error.path}"
    assert outcomes == {"http://a.example/1": "Baik", "http://a.example/2": "error at title"}


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_documents_are_refused_before_rdf_parsing(server, client, body):
    server.routes["/bomb.rdf"] = (200, "application/rdf+xml", body.encode())
    with pytest.raises(HarvestError, match="DTD or entities"):
        list(harvester(server.url + "/bomb.rdf", client).items())


def test_whole_source_failures(server, client, conformance):  # noqa: F811
    _paged(server, "nothing-dropped")
    server.routes["/catalog.ttl?page=2"] = (500, "text/plain", b"boom")
    with pytest.raises(HarvestError, match="HTTP 500"):
        list(harvester(server.url + "/catalog.ttl?page=1", client).items())
    server.routes["/big.ttl"] = (200, "text/turtle", b"# padding\n" * 10_000)
    with pytest.raises(HarvestError, match="larger than"):
        list(harvester(server.url + "/big.ttl", client, max_bytes=50_000).items())
    server.routes["/slow.ttl"] = (200, "text/turtle", 3.0)
    with pytest.raises(HarvestError, match="Timeout"):
        list(harvester(server.url + "/slow.ttl", client).items())
    server.routes["/what"] = (200, "application/octet-stream", b"<a> <b> <c> .")
    with pytest.raises(HarvestError, match="cannot tell the RDF format"):
        list(harvester(server.url + "/what", client).items())


def test_a_paging_loop_is_an_error(server, client):
    page = """@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
    <{me}> hydra:next <{other}> ."""
    server.routes["/a.ttl"] = (200, "text/turtle", page.format(me="a.ttl", other=server.url + "/b.ttl").encode())
    server.routes["/b.ttl"] = (200, "text/turtle", page.format(me="b.ttl", other=server.url + "/a.ttl").encode())
    with pytest.raises(HarvestError, match="paging does not end"):
        list(harvester(server.url + "/a.ttl", client).items())


@pytest.mark.parametrize("key", ["ttl", "rdf", "jsonld"])
def test_round_trip_through_http_gives_equal_datasets(app, client, monkeypatch, key):
    """Catalog A's paged DCAT output, harvested by catalog B's DCAT harvester, equals A field by field."""
    import catalog.publish.views as views

    stored = {r["identifier"]: r for r in fill(app.extensions["catalog"])}
    monkeypatch.setattr(views, "PER_PAGE", 2)
    server = make_server("127.0.0.1", 0, app, threaded=True)  # SITE_URL is not set: the links follow this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        source = harvester(f"http://127.0.0.1:{server.server_port}/catalog.{key}", client)
        items = list(source.items())
    finally:
        server.shutdown()
        server.server_close()
    assert sorted(i.remote_id for i in items) == sorted(stored)
    for item in items:
        original = dict(stored[item.remote_id])
        original.pop("publisher", None)
        if not original.get("resources"):  # the catalog harvests no dataset without a resource to reach
            with pytest.raises(RecordError) as refused:
                source.parse(item)
            assert (refused.value.path, refused.value.message) == ("resources", NO_RESOURCE)
            continue
        back = source.parse(item)
        back.pop("publisher", None)  # A names the owning agency where the record has no publisher
        assert _comparable(back) == _comparable(original)


def test_a_next_page_on_another_host_is_refused(server, client):
    server.routes["/a.ttl"] = (200, "text/turtle", b"""@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
    <a.ttl> hydra:next <http://169.254.169.254/latest/meta-data/> .""")
    with pytest.raises(HarvestError, match="another host"):
        list(harvester(server.url + "/a.ttl", client).items())
