"""Rate limits on writes, searches and sign-in: per address and per token, 429 with Retry-After in
CKAN's envelope, real limits by default, shared through Redis by several app instances."""

import re
import uuid

import httpx
import pytest

from catalog import config as settings
from catalog.app import create_app
from catalog.errors import NotFound
from tests.builders import make_dataset, make_organization
from tests.loopback import serve

SEARCH = "/api/3/action/package_search?q=dbd"
CREATE = "/api/3/action/package_create"


def make_app(tmp_path, **overrides):
    config = settings.load({"HOME": str(tmp_path / "instance"), **overrides}, environ={})
    app = create_app({**config, "TESTING": True})
    app.extensions["catalog"].init()
    return app


@pytest.fixture
def limited(tmp_path):
    """An app whose limits are small enough to reach in a test, with one organization and an editor."""
    app = make_app(tmp_path, RATE_LIMIT_SEARCH="3/minute", RATE_LIMIT_WRITE="3/minute", RATE_LIMIT_SIGN_IN="2/minute")
    catalog = app.extensions["catalog"]
    catalog.create_organization(make_organization(), actor="test")
    catalog.accounts.add_user("staf")
    catalog.accounts.set_member("dinkes", "staf", "editor")
    app.token = catalog.accounts.create_token("staf")[1]
    yield app
    catalog.close()


def address(n):
    return {"REMOTE_ADDR": f"10.0.0.{n}"}


def assert_throttled_envelope(response, action):
    assert response.status_code == 429
    body = response.get_json()
    assert body["success"] is False and body["help"].endswith(f"help_show?name={action}")
    assert body["error"]["__type"] == "Too Many Requests" and "3 per 1 minute" in body["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert response.headers["Cache-Control"] == "no-store"


def test_searches_are_limited_per_address_across_the_api_and_the_search_page(limited):
    client = limited.test_client()
    assert [client.get(SEARCH, environ_base=address(1)).status_code for _ in range(2)] == [200, 200]
    assert client.get("/dataset?q=dbd", environ_base=address(1)).status_code == 200
    assert_throttled_envelope(client.get(SEARCH, environ_base=address(1)), "package_search")
    page = client.get("/dataset", environ_base=address(1))
    assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
    assert "Terlalu banyak permintaan" in page.get_data(as_text=True)
    assert client.get(SEARCH, environ_base=address(2)).status_code == 200, "another address has its own count"
    assert client.get("/api/3/action/package_list", environ_base=address(1)).status_code == 200, "not a search"
    assert client.get("/dataset/none", environ_base=address(1)).status_code == 404, "not a search"


def test_writes_with_bad_tokens_are_throttled_per_address(limited):
    client = limited.test_client()
    statuses = [client.post(CREATE, json={"name": "x"}, headers={"Authorization": f"bad-{n}"},
                            environ_base=address(3)).status_code for n in range(5)]
    assert statuses == [403, 403, 403, 429, 429]
    assert_throttled_envelope(client.post(CREATE, json={}, environ_base=address(3)), "package_create")
    assert client.post(CREATE, json={}, environ_base=address(4)).status_code == 403


def test_a_token_is_limited_whichever_address_it_comes_from(limited):
    client = limited.test_client()
    headers = {"Authorization": limited.token}
    for n in range(3):
        record = make_dataset(name=f"data-{n}")
        response = client.post(CREATE, json=record, headers=headers, environ_base=address(10 + n))
        assert response.status_code == 200, response.get_json()
    response = client.post(CREATE, json=make_dataset(name="data-3"), headers=headers, environ_base=address(20))
    assert_throttled_envelope(response, "package_create")
    assert client.post(CREATE, json={}, environ_base=address(20)).status_code == 403, "the address itself is fresh"
    catalog = limited.extensions["catalog"]
    assert [catalog.get_dataset(f"data-{n}")["name"] for n in range(3)] == ["data-0", "data-1", "data-2"]
    with pytest.raises(NotFound):
        catalog.get_dataset("data-3")


def test_sign_in_attempts_are_limited_per_address(limited):
    client = limited.test_client()
    for _ in range(2):
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True))
        response = client.post("/admin/login", data={"token": "guess", "csrf_token": csrf.group(1)},
                               environ_base=address(5))
        assert response.status_code == 403
    response = client.post("/admin/login", data={"token": "guess", "csrf_token": csrf.group(1)},
                           environ_base=address(5))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert client.get("/admin/login", environ_base=address(5)).status_code == 200, "reading the form is not signing in"


def test_forwarded_addresses_count_only_behind_trusted_proxies(tmp_path):
    for hops, expected in ((0, [200, 429]), (1, [200, 200])):
        app = make_app(tmp_path / str(hops), RATE_LIMIT_SEARCH="1/minute", TRUSTED_PROXIES=hops)
        client = app.test_client()
        statuses = [client.get(SEARCH, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(2)]
        assert statuses == expected
        app.extensions["catalog"].close()


def test_the_defaults_are_real_limits(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    statuses = [client.get(SEARCH).status_code for _ in range(121)]
    assert statuses.count(200) == 120 and statuses[-1] == 429
    statuses = [client.post(CREATE, json={}, environ_base=address(6)).status_code for _ in range(61)]
    assert statuses.count(403) == 60 and statuses[-1] == 429
    app.extensions["catalog"].close()


def test_an_empty_setting_means_no_limit_and_a_bad_one_is_refused_at_start(tmp_path):
    app = make_app(tmp_path / "open", RATE_LIMIT_SEARCH="")
    client = app.test_client()
    assert {client.get(SEARCH).status_code for _ in range(130)} == {200}
    app.extensions["catalog"].close()
    with pytest.raises(ValueError, match="RATE_LIMIT_WRITE: 'lots' is not a rate limit"):
        make_app(tmp_path / "bad", RATE_LIMIT_WRITE="lots")


def test_a_throttled_search_through_a_real_socket(limited):
    with serve(limited) as base, httpx.Client(base_url=base) as http:
        statuses = [http.get(SEARCH).status_code for _ in range(3)]
        response = http.get(SEARCH)
    assert statuses == [200, 200, 200]
    assert response.status_code == 429 and response.json()["error"]["__type"] == "Too Many Requests"
    assert int(response.headers["retry-after"]) >= 1


def test_two_app_instances_share_the_count_through_redis(tmp_path, redis_url):
    first = make_app(tmp_path / "a", QUEUE_URL=redis_url, RATE_LIMIT_SEARCH="4/minute")
    second = make_app(tmp_path / "b", QUEUE_URL=redis_url, RATE_LIMIT_SEARCH="4/minute")
    client = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"  # a fresh address: no count left from other runs
    clients = [first.test_client(), second.test_client()]
    statuses = [clients[n % 2].get(SEARCH, environ_base={"REMOTE_ADDR": client}).status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    for app in (first, second):
        app.extensions["catalog"].close()
