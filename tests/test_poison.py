"""No poison record can stop the service: records that should never have been stored are planted
directly in the store (around every validation), and every reader must skip, quarantine and report
them while everything else keeps working, on SQLite and PostgreSQL."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
from sqlalchemy import text, update

from catalog import schemas, soundness
from catalog.app import create_app
from catalog.tables import datasets
from tests.builders import make_dataset, make_organization

SYSADMIN_TOKEN = "tok-sysadmin-" + "q" * 30

POISONS = {
    "lone surrogate": lambda r: {**r, "title": "sur \ud800 end", "notes": "a\udcffb"},
    "control characters": lambda r: {**r, "title": "ctl \x01 \x0b \x1b[31m \x7f end", "notes": "bell\x07"},
    "wrong shapes": lambda r: {**r, "title": 5, "tags": "abc", "resources": {"url": 1}},
    "not an object": lambda r: [r["name"], 1],
    "no name": lambda r: {k: v for k, v in r.items() if k != "name"},
}


def plant(catalog, record_id: str, poison) -> None:
    """Overwrite a stored record directly, as a bug, a manual SQL fix or an older version might have."""
    with catalog.store.writing() as tx:
        if poison == "undecodable JSON":
            tx.conn.execute(text("UPDATE datasets SET data = :data WHERE id = :id"),
                            {"data": "{broken", "id": record_id})
        else:
            record = tx.get_dataset(record_id)
            tx.conn.execute(update(datasets).where(datasets.c.id == record_id).values(data=POISONS[poison](record)))
        tx.enqueue_index([record_id])


@pytest.fixture
def instance(config):
    """An app on each database with two agencies and three datasets; ``buruk`` is the one to poison."""
    app = create_app({**config, "TESTING": True})
    catalog = app.extensions["catalog"]
    catalog.init()
    catalog.create_organization(make_organization(), actor="test")
    catalog.create_organization(make_organization(name="dishub", title="Dinas Perhubungan"), actor="test")
    catalog.accounts.add_user("walidata", sysadmin=True)
    token = catalog.accounts.create_token("walidata")[1]
    good = catalog.create_dataset(make_dataset(name="baik", title="Data Baik"), actor="test")
    bad = catalog.create_dataset(make_dataset(name="buruk", title="Data Buruk"), actor="test")
    yield app, catalog, good, bad, token
    catalog.close()


def _xml(body: bytes):
    return ElementTree.fromstring(body)  # raises on anything not well-formed


def _every_surface_works(client, good: dict, bad: dict, token: str) -> None:
    for key in ("ttl", "rdf", "jsonld"):
        page = client.get(f"/catalog.{key}")
        assert page.status_code == 200, key
        assert good["id"].encode() in page.data and bad["id"].encode() not in page.data, key
        assert client.get(f"/dataset/baik.{key}").status_code == 200
        assert client.get(f"/dataset/buruk.{key}").status_code == 404
    _xml(client.get("/catalog.rdf").data)
    _xml(client.get("/dataset/baik.rdf").data)
    feed = _xml(client.get("/feeds/datasets.atom").data)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Data Baik" in titles and not any("end" in (t or "") for t in titles)
    sitemap = client.get("/sitemap.xml").data
    _xml(sitemap)
    assert b"/dataset/baik" in sitemap and b"/dataset/buruk" not in sitemap
    listed = json.loads(client.get("/data.json").data)
    assert [d["title"] for d in listed["dataset"]] == ["Data Baik"]
    assert client.get("/dataset/baik").status_code == 200
    assert client.get("/dataset/buruk").status_code == 404
    for page in ("/", "/dataset", "/organization", "/organization/dinkes"):
        assert client.get(page).status_code == 200, page

    def api(action, **params):
        response = client.get(f"/api/3/action/{action}", query_string=params)
        return response.status_code, response.json

    status, body = api("package_show", id="buruk")
    assert status == 404 and "set aside" in body["error"]["message"]
    assert api("package_show", id=bad["id"])[0] == 404
    assert api("package_show", id="baik")[0] == 200
    status, body = api("current_package_list_with_resources")
    assert status == 200 and [p["name"] for p in body["result"]] == ["baik"]
    status, body = api("package_autocomplete", q="data")
    assert status == 200 and [p["name"] for p in body["result"]] == ["baik"]
    status, body = api("organization_show", id="dinkes", include_datasets="true")
    assert status == 200 and [p["name"] for p in body["result"]["packages"]] == ["baik"]
    status, body = api("package_search", q="")
    assert status == 200 and [p["name"] for p in body["result"]["results"]] == ["baik"]
    assert api("package_list")[1]["result"] == ["baik"]
    page = client.get("/admin/quarantine", headers={"Authorization": token})
    assert page.status_code == 200 and bad["id"] in page.get_data(as_text=True)


@pytest.mark.parametrize("poison", [*POISONS, "undecodable JSON"])
def test_a_planted_poison_record_is_skipped_quarantined_and_reported_everywhere(instance, poison, caplog):
    app, catalog, good, bad, token = instance
    if poison == "undecodable JSON" and catalog.store.dialect != "sqlite":
        with pytest.raises(Exception, match="(?i)json"):  # PostgreSQL's json type cannot hold it at all
            plant(catalog, bad["id"], poison)
        return
    plant(catalog, bad["id"], poison)
    caplog.set_level(logging.WARNING)
    assert catalog.sync_index() == 1  # the indexer skips it instead of stopping on it
    with catalog.store.reading() as tx:
        assert tx.outbox_size() == 0
    assert f"dataset {bad['id']}" in caplog.text and "set aside in quarantine" in caplog.text
    client = app.test_client()
    # another agency's new dataset is still indexed and found
    catalog.create_dataset(make_dataset(name="halte", owner_org="dishub", title="Halte Bus"), actor="test")
    found = client.get("/api/3/action/package_search?q=halte").json["result"]["results"]
    assert [r["name"] for r in found] == ["halte"]
    catalog.withdraw_dataset("halte", actor="test")
    _every_surface_works(client, good, bad, token)
    health = client.get("/healthz").json
    assert health["status"] == "degraded" and health["quarantine"]["count"] == 1
    entry = health["quarantine"]["datasets"][0]
    assert entry["id"] == bad["id"] and entry["problems"]


def test_an_instance_with_a_poison_record_starts_serves_and_reports_it(instance, config):
    app, catalog, good, bad, token = instance
    plant(catalog, bad["id"], "lone surrogate")
    with catalog.store.writing() as tx:  # make the index drift too: start-up repair must cope with it
        tx.conn.execute(update(datasets).where(datasets.c.id == bad["id"]).values(
            data={**POISONS["lone surrogate"](good), "id": bad["id"], "name": "buruk",
                  "metadata_modified": "2030-01-01T00:00:00.000000"}))
    again = create_app({**config, "TESTING": True})
    try:
        again.extensions["catalog"].init()
        client = again.test_client()
        _every_surface_works(client, good, bad, token)
        assert client.get("/healthz").json["quarantine"]["count"] == 1
    finally:
        again.extensions["catalog"].close()


def test_replacing_a_quarantined_record_releases_it(instance):
    app, catalog, good, bad, token = instance
    plant(catalog, bad["id"], "not an object")
    catalog.sync_index()
    client = app.test_client()
    assert client.get("/healthz").json["quarantine"]["count"] == 1
    with pytest.raises(Exception, match="quarantined"):
        catalog.withdraw_dataset("buruk", actor="test")
    repaired = catalog.update_dataset("buruk", make_dataset(name="buruk", title="Data Diperbaiki"), actor="cli")
    assert repaired["id"] == bad["id"]
    assert client.get("/healthz").json["quarantine"] == {"count": 0, "datasets": []}
    assert client.get("/api/3/action/package_show?id=buruk").json["result"]["title"] == "Data Diperbaiki"
    found = client.get("/api/3/action/package_search?q=diperbaiki").json["result"]["results"]
    assert [r["name"] for r in found] == ["buruk"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_catalog_serve_starts_with_a_poison_record_in_the_store(instance, config):
    """The real command, as an operator runs it: it must start, serve, and say what it set aside."""
    app, catalog, good, bad, token = instance
    plant(catalog, bad["id"], "lone surrogate")
    port = _free_port()
    env = {**os.environ, "CATALOG_HOME": config["HOME"], "CATALOG_DATABASE_URL": config["DATABASE_URL"]}
    command = [str(Path(sys.executable).parent / "catalog"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        health = None
        for _ in range(200):
            if server.poll() is not None:
                break
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert server.poll() is None, server.stdout.read().decode(errors="replace")
        assert health["quarantine"]["count"] == 1 and health["quarantine"]["datasets"][0]["id"] == bad["id"]
        assert httpx.get(f"http://127.0.0.1:{port}/dataset/baik", timeout=5).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/catalog.ttl", timeout=5).status_code == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode(errors="replace")
    assert "set aside in quarantine" in output


ANY_TEXT = st.text(st.characters(exclude_categories=()))  # surrogates and controls included


@given(st.dictionaries(st.text(max_size=5), st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)), max_size=4),
       st.booleans())
@settings(max_examples=400, deadline=None)
def test_the_raw_text_shortcut_never_calls_bad_text_clean(doc, ascii_only):
    """The store skips the per-string walk only when the JSON text shows no trace of a bad character."""
    encoded = json.dumps(doc, ensure_ascii=ascii_only)
    for raw in (encoded, encoded.encode("utf-8", "surrogatepass")):
        loaded = soundness.tolerant_loads(raw)
        if loaded.text_clean:
            assert schemas.text_is_clean(doc)
        found = [p for p in soundness.problems(loaded) if "Contains a" in p or "contains a" in p]
        assert bool(found) == (not schemas.text_is_clean(doc))


def test_text_clean_agrees_with_text_errors():
    for doc in ({"a": "ok é\t\n"}, {"a": ["x\x7f"]}, {"b\ud800": 1}, {"c": {"d": "\ufffe"}}, {"e": "\U0001F600"}):
        assert schemas.text_is_clean(doc) == (not list(schemas.text_errors(doc)))
