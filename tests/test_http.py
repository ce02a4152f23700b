"""The harvest HTTP policy against a real loopback server: retries, Retry-After, gzip, redirects, validators."""

import gzip
import time

import pytest
from werkzeug.wrappers import Response

from harvesters import HarvestError
from harvesters.http import HarvestClient, NotModified, policy_from_config

FAST = {"connect_timeout": 2.0, "read_timeout": 1.0, "deadline": 3.0, "max_bytes": 10_000, "retries": 2,
        "backoff": 0.01, "max_retry_after": 1.0}


def flaky(statuses, headers=None):
    """A handler answering with each status in turn, then 200."""
    remaining = list(statuses)

    def handler(request):
        if remaining:
            return Response(b"busy", status=remaining.pop(0), headers=headers)
        return Response(b'{"ok": true}', content_type="application/json")

    return handler


def test_retries_429_and_5xx_then_succeeds(http_server):
    url = http_server.route("/flaky", flaky([503, 429]))
    with HarvestClient(url, **FAST) as client:
        assert client.get(url).json() == {"ok": True}
        assert client.requests == 3


def test_gives_up_after_the_retries(http_server):
    url = http_server.route("/down", flaky([500, 500, 500, 500]))
    with HarvestClient(url, **FAST) as client, pytest.raises(HarvestError, match="HTTP 500"):
        client.get(url)


def test_honours_retry_after_within_its_cap(http_server):
    url = http_server.route("/later", flaky([429], headers={"Retry-After": "1"}))
    started = time.monotonic()
    with HarvestClient(url, **FAST) as client:
        client.get(url)
    assert time.monotonic() - started >= 0.9


def test_decodes_gzip_and_names_itself(http_server):
    seen = {}

    def handler(request):
        seen.update(request.headers)
        body = gzip.compress(b'{"dataset": []}')
        return Response(body, headers={"Content-Encoding": "gzip"}, content_type="application/json")

    url = http_server.route("/gz", handler)
    config = {"SITE_URL": "https://data.malangkota.go.id"}
    with HarvestClient(url, **policy_from_config(config)) as client:
        assert client.get(url).json() == {"dataset": []}
    assert "gzip" in seen["Accept-Encoding"]
    assert seen["User-Agent"].startswith("open-city-catalog/") and "data.malangkota.go.id" in seen["User-Agent"]


def test_a_gzip_bomb_is_stopped_at_the_size_limit(http_server):
    body = gzip.compress(b" " * 5_000_000)
    url = http_server.route("/bomb", lambda r: Response(body, headers={"Content-Encoding": "gzip"}))
    with HarvestClient(url, **FAST) as client, pytest.raises(HarvestError, match="too large"):
        client.get(url)


def test_redirects_within_the_registered_host_are_followed(http_server):
    http_server.document("/new.json", '{"moved": true}')
    url = http_server.redirect("/old.json", "/new.json")
    with HarvestClient(url, **FAST) as client:
        assert client.get(url).json() == {"moved": True}


@pytest.mark.parametrize("target", ["http://10.0.0.5/x", "http://192.168.1.1/", "http://[::1]:80/",
                                    "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"])
def test_redirects_into_internal_addresses_are_refused(http_server, target):
    url = http_server.redirect("/jump", target)
    with HarvestClient(url, **FAST) as client, pytest.raises(HarvestError, match="Redirect refused"):
        client.get(url)


def test_conditional_requests_send_the_validators_back(http_server):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(b"", status=304)
        return Response(b"{}", headers={"ETag": '"v1"', "Last-Modified": "Sat, 01 Jun 2024 00:00:00 GMT"})

    url = http_server.route("/doc", handler)
    with HarvestClient(url, **FAST) as client:
        client.get(url, conditional=True)
        assert client.validators[url] == {"etag": '"v1"', "last_modified": "Sat, 01 Jun 2024 00:00:00 GMT"}
        with pytest.raises(NotModified):
            client.get(url, conditional=True)
        assert client.get(url).content == b"{}"  # unconditional requests ignore the validators
