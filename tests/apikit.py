"""Fixtures for the API tests: an app with accounts and datasets, a live server on loopback, a scan search.

``ScanSearch`` stands in for ``Catalog.search_datasets`` while no real search backend is configured
(the default ``null`` backend finds nothing): it answers ``q``, ``rows``, ``start`` and
``facet.field`` by scanning the store, so that package_search's translation can be tested.
Tests that use it must be re-checked with the embedded backend.
"""

import threading

import pytest
from werkzeug.serving import make_server

from catalog.errors import SearchQueryError
from catalog.indexing import searchable
from tests.builders import make_dataset, make_organization

FACET_VALUES = {
    "organization": lambda r: [r["owner_org"]],
    "tags": lambda r: [t["name"] for t in r.get("tags", [])],
    "res_format": lambda r: sorted({x["format"] for x in r.get("resources", []) if x.get("format")}),
    "license_id": lambda r: [r["license_id"]] if r.get("license_id") else [],
}


class ScanSearch:
    """A search over the store by substring; answers in Catalog.search_datasets' shape."""

    def __init__(self, catalog):
        self.catalog = catalog

    def __call__(self, params: dict) -> dict:
        with self.catalog.store.reading() as tx:
            records = [r for r in tx.iter_datasets() if searchable(r)]
        text = str(params.get("q", "")).lower()
        found = [r for r in records if text in f"{r['title']} {r.get('notes', '')} {r['name']}".lower()]
        found.sort(key=lambda r: r["metadata_modified"], reverse=True)
        facets = {}
        for field in params.get("facet.field", []):
            if field not in FACET_VALUES:
                raise SearchQueryError(f"Cannot facet on {field!r}")
            counts = {}
            for record in found:
                for value in FACET_VALUES[field](record):
                    counts[value] = counts.get(value, 0) + 1
            facets[field] = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        start, rows = params.get("start", 0), params.get("rows", 10)
        return {"count": len(found), "results": found[start:start + rows], "facets": facets}


class World:
    """Names and tokens of what ``world`` created."""

    def __init__(self, app):
        self.app = app
        self.catalog = app.extensions["catalog"]
        self.tokens = {}

    def user(self, name, *, org=None, role=None, sysadmin=False, days=None):
        accounts = self.catalog.accounts
        accounts.add_user(name, sysadmin=sysadmin)
        if org:
            accounts.set_member(org, name, role)
        self.tokens[name] = accounts.create_token(name, days=days)[1]
        return self.tokens[name]


@pytest.fixture
def world(app):
    """Two agencies with datasets, and users: a sysadmin, dinkes admin/editor/member, a dishub editor."""
    catalog = app.extensions["catalog"]
    catalog.search_datasets = ScanSearch(catalog)
    catalog.create_organization(make_organization(), actor="test")
    catalog.create_organization(make_organization(name="dishub", title="Dinas Perhubungan"), actor="test")
    catalog.create_dataset(make_dataset(name="kasus-dbd"), actor="test")
    catalog.create_dataset(make_dataset(name="penduduk", title="Jumlah Penduduk", notes="Penduduk per kecamatan",
                                        tags=[{"name": "kependudukan"}]), actor="test")
    catalog.create_dataset(make_dataset(name="rahasia", private=True), actor="test")
    catalog.create_dataset(make_dataset(name="terminal", owner_org="dishub", title="Data Terminal",
                                        resources=[]), actor="test")
    catalog.create_dataset(make_dataset(name="lama"), actor="test")
    catalog.withdraw_dataset("lama", actor="test")
    state = World(app)
    state.user("root", sysadmin=True)
    state.user("kepala", org="dinkes", role="admin")
    state.user("staf", org="dinkes", role="editor")
    state.user("tamu", org="dinkes", role="member")
    state.user("sopir", org="dishub", role="editor")
    return state


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
