"""Fixtures for the API tests: an app with accounts and datasets on the embedded search backend, and a
live server on loopback."""

import threading

import pytest
from werkzeug.serving import make_server

from tests.builders import make_dataset, make_organization


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
