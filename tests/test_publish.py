"""The publishing endpoints: paged DCAT, per-dataset RDF, negotiation, data.json, sitemap, Atom, schema.org, export."""

import json
import xml.etree.ElementTree as ET

import pytest
from jsonschema import Draft4Validator
from rdflib import Graph, Literal, Namespace, URIRef
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from catalog.dcat import read, site_from_config
from catalog.dcat.graph import FORMATS
from catalog.publish.schema_org import schema_org
from tests.agencies import AGENCIES, fill
from tests.conformance import conformance  # noqa: F401  (fixture)
from tests.test_dcat import to_rdflib

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture
def stored(app):
    return fill(app.extensions["catalog"])


def test_catalog_pages_carry_hydra_links(client, stored, monkeypatch):
    import catalog.publish.views as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    response = client.get("/catalog.ttl?page=2")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    view = URIRef("http://localhost/catalog.ttl?page=2")
    assert graph.value(view, HYDRA.next) == URIRef("http://localhost/catalog.ttl?page=3")
    assert graph.value(view, HYDRA.previous) == URIRef("http://localhost/catalog.ttl?page=1")
    assert graph.value(view, HYDRA.totalItems).toPython() == len(stored)
    assert len(set(graph.subjects(None, DCAT.Dataset))) == 2
    last = Graph().parse(data=client.get("/catalog.ttl?page=3").data, format="turtle")
    assert last.value(URIRef("http://localhost/catalog.ttl?page=3"), HYDRA.next) is None
    assert client.get("/catalog.ttl?page=9").status_code == 404
    assert client.get("/catalog.ttl?page=zero").status_code == 400


def test_modified_since_narrows_the_catalog(client, stored):
    assert b"dcat:Dataset" in client.get("/catalog.ttl?modified_since=2000-01-01").data
    future = client.get("/catalog.ttl?modified_since=2999-01-01T00:00:00Z")
    graph = Graph().parse(data=future.data, format="turtle")
    assert not list(graph.subjects(None, DCAT.Dataset))
    assert graph.value(URIRef("http://localhost/catalog.ttl?modified_since=2999-01-01T00%3A00%3A00Z&page=1"),
                       HYDRA.totalItems).toPython() == 0
    assert client.get("/catalog.ttl?modified_since=yesterday").status_code == 400


@pytest.mark.parametrize("ext,media", [("ttl", "text/turtle"), ("rdf", "application/rdf+xml"),
                                       ("jsonld", "application/ld+json")])
def test_one_dataset_by_extension_and_by_accept(client, stored, ext, media):
    name = stored[0]["name"]
    by_extension = client.get(f"/dataset/{name}.{ext}")
    negotiated = client.get(f"/dataset/{name}", headers={"Accept": f"{media}, text/html;q=0.5"})
    for response in (by_extension, negotiated):
        assert response.status_code == 200 and response.mimetype == media
        graph = to_rdflib(read(response.data, FORMATS[ext][0]))  # rdflib's JSON-LD parser warns
        node = URIRef(f"http://127.0.0.1:5000/dataset/{stored[0]['id']}")
        assert (node, URIRef("http://purl.org/dc/terms/title"), Literal(stored[0]["title"], lang="id")) in graph
    assert negotiated.headers["Vary"] == "Accept"


CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
NEGOTIATION = [
    ("chrome", CHROME, "text/html"),
    ("firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("curl", "*/*", "text/html"),
    ("wget", "*/*", "text/html"),
    ("no accept", None, "text/html"),
    ("rdf only as good as html", "text/turtle, text/html", "text/html"),
    ("html refused", "text/turtle, text/html;q=0", "text/turtle"),
    ("turtle client", "text/turtle", "text/turtle"),
    ("harvester", "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, */*;q=0.1", "text/turtle"),
    ("rdf/xml client", "application/rdf+xml;q=0.9, text/turtle;q=0.8, text/html;q=0.5", "application/rdf+xml"),
    ("json-ld before anything", "application/ld+json, */*;q=0.5", "application/ld+json"),
]


@pytest.mark.parametrize("accept,expected", [case[1:] for case in NEGOTIATION], ids=[c[0] for c in NEGOTIATION])
def test_html_is_the_default_and_rdf_only_when_preferred(client, stored, accept, expected):
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get(f"/dataset/{stored[0]['name']}", headers=headers)
    assert response.status_code == 200 and response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_html_requests_get_the_dataset_page_with_schema_org(client, stored):
    name = stored[0]["name"]
    response = client.get(f"/dataset/{name}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b'<script type="application/ld+json">' in response.data
    assert b'"@type": "Dataset"' in response.data or b'"@type":"Dataset"' in response.data
    assert client.get("/dataset/no-such-dataset.ttl").status_code == 404


def test_withdrawn_and_unpublishable_datasets_are_not_served(app, client, stored):
    catalog = app.extensions["catalog"]
    catalog.withdraw_dataset(stored[0]["name"], actor="test")
    assert client.get(f"/dataset/{stored[0]['name']}.ttl").status_code == 404
    catalog.patch_dataset(stored[1]["name"], {"notes": None, "notes_translated": None}, actor="test")
    response = client.get(f"/dataset/{stored[1]['name']}.ttl")
    assert response.status_code == 422 and b"notes: a description is mandatory" in response.data
    assert stored[1]["id"].encode() not in client.get("/catalog.ttl").data


def _schemas(folder):
    schemas = [json.loads(p.read_text()) for p in folder.glob("*.json")]
    registry = Registry().with_resources((s["id"].rstrip("#"), Resource(s, DRAFT4)) for s in schemas)
    catalog = next(s for s in schemas if s["id"].endswith("/catalog.json#"))
    return Draft4Validator(catalog, registry=registry)


def test_data_json_validates_against_the_dcat_us_reference(client, stored, conformance):  # noqa: F811
    response = client.get("/data.json")
    assert response.status_code == 200
    document = json.loads(response.data)
    assert len(document["dataset"]) == len(stored)
    non_federal = _schemas(conformance / "dcat-us-1.1" / "datagov" / "non-federal-v1.1")
    assert [e.message for e in non_federal.iter_errors(document)] == []
    # The canonical schema asks only the federal bureauCode and programCode on top.
    canonical = _schemas(conformance / "dcat-us-1.1")
    messages = {e.message for e in canonical.iter_errors(document) for e in ([e] + list(e.context or []))}
    assert all("bureauCode" in m or "programCode" in m or "is not valid under any" in m for m in messages), messages
    entry = next(d for d in document["dataset"] if d["title"] == stored[1]["title"])
    assert entry["accessLevel"] == "restricted public" and entry["accrualPeriodicity"] == "R/P6M"
    assert entry["contactPoint"]["hasEmail"] == "mailto:data.capil@malangkota.go.id"


def test_sitemap_lists_every_published_dataset(client, stored):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {f"http://localhost/dataset/{r['name']}" for r in stored} <= locations


def test_atom_feed_filters_by_organization(client, stored):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    everything = ET.fromstring(client.get("/feeds/datasets.atom").data)
    assert len(everything.findall("a:entry", ns)) == len(stored)
    dishub = ET.fromstring(client.get("/feeds/datasets.atom?organization=dishub").data)
    titles = {e.findtext("a:title", namespaces=ns) for e in dishub.findall("a:entry", ns)}
    assert titles == {"Volume Lalu Lintas Harian", "Rencana Trayek Angkot"}
    assert client.get("/feeds/datasets.atom?organization=nope").status_code == 404


def test_schema_org_dataset(app, stored):
    site = site_from_config(app.config, {o["name"]: o for o in AGENCIES})
    doc = schema_org(stored[1], site)
    assert doc["@type"] == "Dataset" and doc["name"] == stored[1]["title"]
    assert doc["publisher"]["name"] == "Dinas Kependudukan dan Pencatatan Sipil"
    assert doc["spatialCoverage"][0] == {"@type": "Place", "name": "Tunggulwulung", "identifier": "35.73.05.1001"}
    assert doc["distribution"][0]["contentUrl"].endswith("penduduk-2024-s1.xlsx")
    assert doc["isAccessibleForFree"] is False
    json.dumps(doc)  # ready for a script tag


def test_cli_exports_stream_the_catalog(app, runner, stored):
    turtle = runner("export", "dcat", "--format", "ttl")
    assert turtle.exit_code == 0
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    assert len(set(graph.subjects(None, DCAT.Dataset))) == len(stored)
    xml = runner("export", "dcat", "--format", "xml")
    assert len(set(Graph().parse(data=xml.stdout, format="xml").subjects(None, DCAT.Dataset))) == len(stored)
    data = json.loads(runner("export", "datajson").stdout)
    assert len(data["dataset"]) == len(stored)


def test_atom_feed_gives_the_publishers_dates_newest_first(app, client):
    from tests.builders import make_dataset, make_organization

    catalog = app.extensions["catalog"]
    catalog.create_organization(make_organization(), actor="test")
    catalog.create_dataset(make_dataset(name="dbd-2023", title="Kasus DBD 2023", issued="2023-02-01",
                                        modified="2024-01-28"), actor="test")
    catalog.create_dataset(make_dataset(name="anggaran", title="Realisasi Anggaran", issued="2025-01-02",
                                        modified="2025-06-01T08:00:00+07:00"), actor="test")
    undated = make_dataset(name="pasar", title="Daftar Pasar")
    undated.pop("modified")
    undated.pop("issued")
    pasar = catalog.create_dataset(undated, actor="test")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(client.get("/feeds/datasets.atom").data)
    entries = [(e.findtext("a:title", namespaces=ns), e.findtext("a:updated", namespaces=ns),
                e.findtext("a:published", namespaces=ns)) for e in feed.findall("a:entry", ns)]
    record_time = pasar["metadata_modified"][:19] + "Z"
    assert entries == [("Daftar Pasar", record_time, None),  # no date from the publisher: the record time
                       ("Realisasi Anggaran", "2025-06-01T01:00:00Z", "2025-01-02T00:00:00Z"),
                       ("Kasus DBD 2023", "2024-01-28T00:00:00Z", "2023-02-01T00:00:00Z")]
    assert feed.findtext("a:updated", namespaces=ns) == record_time
