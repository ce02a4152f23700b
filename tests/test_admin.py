"""``/admin``: sysadmins only (token header or token log-in), source health, job errors, CSRF-safe "run now"."""

import re

import pytest
from sqlalchemy import insert

from catalog.accounts import hash_token as token_hash
from catalog.scheduler.core import Scheduler
from catalog.scheduler.dispatch import Inline
from catalog.store import new_id, now
from catalog.tables import api_tokens
from tests.builders import make_organization
from tests.scheduling_support import TEST_SETTINGS, LoopbackServer, add_source, insert_source_row

ADMIN_TOKEN = "tok-admin-" + "a" * 30
EDITOR_TOKEN = "tok-editor-" + "b" * 30


def _user_with_token(catalog, name, token, sysadmin, revoked=None):
    user_id = new_id()
    with catalog.store.writing() as tx:
        tx.insert_user(id=user_id, name=name, sysadmin=sysadmin)
        tx.conn.execute(insert(api_tokens).values(id=new_id(), user_id=user_id, name="ops",
                                                  token_hash=token_hash(token), created=now(), revoked=revoked))


@pytest.fixture
def site(app):
    catalog = app.extensions["catalog"]
    catalog.config.update(TEST_SETTINGS)
    _user_with_token(catalog, "walidata", ADMIN_TOKEN, sysadmin=True)
    _user_with_token(catalog, "editor", EDITOR_TOKEN, sysadmin=False)
    _user_with_token(catalog, "former", "tok-revoked-" + "c" * 30, sysadmin=True, revoked=now())
    org = catalog.create_organization(make_organization(), actor="test")
    server = LoopbackServer()
    add_source(catalog, org, "dinkes", server.url("dinkes.json"), "DAILY")
    insert_source_row(catalog, org, "dishub-<b>", server.url("dishub.json"))
    server.broken.add("/dinkes.json")
    scheduler = Scheduler(catalog, Inline(catalog))
    for _ in range(2):
        scheduler.request_run("dinkes")
        scheduler.tick()
    yield catalog, server
    server.close()


def _header(token=ADMIN_TOKEN):
    return {"Authorization": token}


def test_anonymous_visitors_are_sent_to_the_login_page(client, site):
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")


@pytest.mark.parametrize("token", [EDITOR_TOKEN, "tok-revoked-" + "c" * 30, "nonsense"])
def test_tokens_that_are_not_a_live_sysadmin_token_are_refused(client, site, token):
    assert client.get("/admin/", headers=_header(token)).status_code == 403


def test_sources_page_shows_health_alert_and_escapes_names(client, site):
    response = client.get("/admin/", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert 'role="alert"' in page and "<strong>dinkes</strong>: 2 failed runs in a row" in page
    assert "dishub-&lt;b&gt;" in page and "dishub-<b>" not in page
    assert "<script" not in page
    row = re.search(r'<tr class="failing">(.*?)</tr>', page, re.S).group(1)
    assert "DAILY" in row and "failed" in row and "<td>2</td>" in row


def test_job_page_lists_the_per_record_errors(client, site):
    catalog, server = site
    server.broken.clear()
    scheduler = Scheduler(catalog, Inline(catalog))
    scheduler.request_run("dinkes")
    scheduler.tick()
    with catalog.store.reading() as tx:
        source = tx.source_row("dinkes")
        job = tx.recent_jobs(source.id)[0]
    page = client.get(f"/admin/job/{job['id']}", headers=_header()).get_data(as_text=True)
    assert "finished" in page and "added=2" in page and "failed=1" in page
    assert "<td>dinkes-tanpa-judul</td><td>title</td><td>Missing value: the record has no title</td>" in page
    assert client.get(f"/admin/job/{new_id()}", headers=_header()).status_code == 404


def test_login_then_run_now_needs_the_csrf_token(client, site):
    catalog, _ = site
    login_page = client.get("/admin/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    assert client.post("/admin/login", data={"token": EDITOR_TOKEN, "csrf_token": csrf}).status_code == 403
    assert client.post("/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": "forged"}).status_code == 403
    response = client.post("/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": csrf})
    assert response.status_code == 302

    page = client.get("/admin/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/source/dishub-<b>/run", data={}).status_code == 403
    response = client.post("/admin/source/dishub-<b>/run", data={"csrf_token": csrf}, follow_redirects=True)
    assert response.status_code == 200 and "will start on the scheduler" in response.get_data(as_text=True)
    assert Scheduler(catalog, Inline(catalog)).tick() == ["dishub-<b>"]
    assert client.post("/admin/source/nowhere/run", data={"csrf_token": csrf}).status_code == 404


def test_header_token_clients_may_post_without_a_csrf_token(client, site):
    assert client.post("/admin/source/dinkes/run", headers=_header()).status_code == 302
    assert client.post("/admin/source/dinkes/run", headers=_header(EDITOR_TOKEN)).status_code == 403


def test_logout_ends_the_session(client, site):
    login_page = client.get("/admin/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    client.post("/admin/login", data={"token": ADMIN_TOKEN, "csrf_token": csrf})
    page = client.get("/admin/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/logout", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/admin/").status_code == 302
