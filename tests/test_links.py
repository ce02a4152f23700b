"""Absolute links come from SITE_URL, else from the request (forwarded headers only from trusted proxies);
dataset IRIs are minted once and never follow the address or the settings afterwards."""

import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from sqlalchemy import select, update

from catalog.app import create_app
from catalog.tables import datasets
from tests.builders import make_dataset, make_organization

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.malangkota.go.id"}


def _app(sqlite_config, **settings):
    app = create_app({**sqlite_config, "TESTING": True, **settings})
    app.extensions["catalog"].init()
    return app


@pytest.fixture
def instance(sqlite_config):
    """An instance with one agency and a sysadmin token; the app is built per test with its own settings."""
    app = _app(sqlite_config)
    catalog = app.extensions["catalog"]
    catalog.create_organization(make_organization(), actor="test")
    catalog.accounts.add_user("root", sysadmin=True)
    token = catalog.accounts.create_token("root")[1]
    catalog.close()
    return sqlite_config, token


def _create(client, token, name, **request):
    response = client.post("/api/3/action/package_create", json=make_dataset(name=name),
                           headers={"Authorization": token, **request.pop("headers", {})}, **request)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def _dataset_nodes(client, path="/catalog.ttl", **request) -> set[str]:
    graph = Graph().parse(data=client.get(path, **request).data, format="turtle")
    return {str(node) for node in graph.subjects(None, DCAT.Dataset)}


def _links(client, **request) -> dict[str, str]:
    """The base every absolute-link document uses, as seen by one request."""
    graph = Graph().parse(data=client.get("/catalog.ttl", **request).data, format="turtle")
    view = next(graph.subjects(HYDRA.totalItems, None))
    sitemap = ET.fromstring(client.get("/sitemap.xml", **request).data)
    feed = ET.fromstring(client.get("/feeds/datasets.atom", **request).data)
    return {
        "dcat paging": str(view),
        "sitemap": sitemap.find(f"{SITEMAP}url/{SITEMAP}loc").text,
        "atom self": feed.find(f"{ATOM}link[@rel='self']").get("href"),
        "atom entry": feed.find(f"{ATOM}entry/{ATOM}link").get("href"),
        "data.json": json.loads(client.get("/data.json", **request).data)["@id"],
        "openapi": client.get("/api/openapi.json", **request).get_json()["servers"][0]["url"],
        "status_show": client.get("/api/3/action/status_show", **request).get_json()["result"]["site_url"],
    }


def test_without_site_url_every_absolute_link_uses_the_requests_own_address(instance):
    config, token = instance
    app = _app(config)
    client = app.test_client()
    _create(client, token, "kasus-dbd", base_url="http://10.0.0.7:5055")
    found = _links(client, base_url="http://10.0.0.7:5055")
    assert all(v.startswith("http://10.0.0.7:5055/") or v == "http://10.0.0.7:5055" for v in found.values()), found
    assert found["dcat paging"] == "http://10.0.0.7:5055/catalog.ttl?page=1"
    app.extensions["catalog"].close()


def test_the_paging_links_of_a_real_server_point_at_that_server(instance, tmp_path):
    import threading

    from werkzeug.serving import make_server

    import catalog.publish.views as views

    config, token = instance
    app = _app(config)
    for n in range(3):
        _create(app.test_client(), token, f"data-{n}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    old, views.PER_PAGE = views.PER_PAGE, 2
    try:
        graph = Graph().parse(data=httpx.get(f"{base}/catalog.ttl").content, format="turtle")
        following = graph.value(URIRef(f"{base}/catalog.ttl?page=1"), HYDRA.next)
        assert following == URIRef(f"{base}/catalog.ttl?page=2")
        assert httpx.get(str(following)).status_code == 200
    finally:
        views.PER_PAGE = old
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["catalog"].close()


def test_forwarded_headers_count_only_from_trusted_proxies(instance):
    config, token = instance
    untrusting = _app(config)
    _create(untrusting.test_client(), token, "kasus-dbd")
    found = _links(untrusting.test_client(), base_url="http://10.0.0.7:5055", headers=FORWARDED)
    assert {v.split("/")[2] for v in found.values()} == {"10.0.0.7:5055"}, found
    untrusting.extensions["catalog"].close()

    trusting = _app(config, TRUSTED_PROXIES=1)
    found = _links(trusting.test_client(), base_url="http://10.0.0.7:5055", headers=FORWARDED)
    assert all(v.startswith("https://data.malangkota.go.id") for v in found.values()), found
    trusting.extensions["catalog"].close()


def test_site_url_wins_over_the_request_and_its_forwarded_headers(instance):
    config, token = instance
    app = _app(config, SITE_URL="https://satudata.malangkota.go.id/", TRUSTED_PROXIES=1)
    _create(app.test_client(), token, "kasus-dbd")
    found = _links(app.test_client(), base_url="http://10.0.0.7:5055", headers=FORWARDED)
    assert all(v.startswith("https://satudata.malangkota.go.id") for v in found.values()), found
    assert "//" not in found["dcat paging"].removeprefix("https://")
    app.extensions["catalog"].close()


def test_a_dataset_iri_is_minted_once_and_never_follows_the_address_or_the_settings(instance):
    config, token = instance
    app = _app(config)
    first = _create(app.test_client(), token, "kasus-dbd", base_url="http://10.0.0.7:5055")
    minted = f"http://10.0.0.7:5055/dataset/{first['id']}"
    client = app.test_client()
    assert _dataset_nodes(client, base_url="http://10.0.0.7:5055") == {minted}
    assert _dataset_nodes(client, base_url="http://another.example") == {minted}
    assert client.post("/api/3/action/package_patch", json={"id": "kasus-dbd", "uri": "http://evil.example/x"},
                       headers={"Authorization": token}).status_code == 200
    app.extensions["catalog"].close()

    for settings in ({"TRUSTED_PROXIES": 1}, {"SITE_URL": "https://satudata.malangkota.go.id"}):
        later = _app(config, **settings)
        client = later.test_client()
        assert minted in _dataset_nodes(client, base_url="http://10.0.0.7:5055", headers=FORWARDED), settings
        assert minted in _dataset_nodes(client, "/dataset/kasus-dbd.ttl", headers=FORWARDED), settings
        atom = ET.fromstring(client.get("/feeds/datasets.atom", headers=FORWARDED).data)
        assert minted in {e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")}
        later.extensions["catalog"].close()

    with_site = _app(config, SITE_URL="https://satudata.malangkota.go.id")
    second = _create(with_site.test_client(), token, "penduduk", base_url="http://10.0.0.7:5055")
    assert _dataset_nodes(with_site.test_client()) == {
        minted, f"https://satudata.malangkota.go.id/dataset/{second['id']}"}
    with_site.extensions["catalog"].close()


def test_a_dataset_stored_before_iris_were_minted_keeps_the_one_it_always_had(instance):
    config, token = instance
    app = _app(config)
    record = _create(app.test_client(), token, "kasus-dbd", base_url="http://10.0.0.7:5055")
    store = app.extensions["catalog"].store
    with store.writing() as tx:  # as an older version stored it: no uri in the record
        data = dict(tx.conn.execute(select(datasets.c.data).where(datasets.c.id == record["id"])).scalar_one())
        data.pop("uri")
        tx.conn.execute(update(datasets).where(datasets.c.id == record["id"]).values(data=data))
    legacy = f"http://127.0.0.1:5000/dataset/{record['id']}"
    assert _dataset_nodes(app.test_client(), base_url="http://10.0.0.7:5055") == {legacy}
    app.extensions["catalog"].patch_dataset("kasus-dbd", {"title": "Kasus DBD"}, actor="test")
    assert app.extensions["catalog"].get_dataset("kasus-dbd")["uri"] == legacy
    app.extensions["catalog"].close()


def test_cli_exports_say_which_base_they_use_without_site_url(instance):
    from click.testing import CliRunner

    from catalog.cli import main

    config, token = instance
    app = _app(config)
    record = _create(app.test_client(), token, "kasus-dbd", base_url="http://10.0.0.7:5055")
    app.extensions["catalog"].close()
    runner = CliRunner(env={"CATALOG_HOME": config["HOME"]})
    result = runner.invoke(main, ["export", "datajson"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "SITE_URL is not set: links in this export start with http://127.0.0.1:5000" in result.stderr
    assert json.loads(result.stdout)["@id"] == "http://127.0.0.1:5000/data.json"
    turtle = runner.invoke(main, ["export", "dcat"], catch_exceptions=False)
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    assert set(graph.subjects(None, DCAT.Dataset)) == {URIRef(f"http://10.0.0.7:5055/dataset/{record['id']}")}

    with_site = CliRunner(env={"CATALOG_HOME": config["HOME"], "CATALOG_SITE_URL": "https://satudata.malangkota.go.id"})
    result = with_site.invoke(main, ["export", "datajson"], catch_exceptions=False)
    assert "SITE_URL is not set" not in result.stderr
    assert json.loads(result.stdout)["@id"] == "https://satudata.malangkota.go.id/data.json"
