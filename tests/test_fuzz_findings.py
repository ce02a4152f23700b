"""Each server error the HTTP fuzzer found (tests/test_fuzz_http.py), pinned by the one request that caused it."""

import io
import json
from pathlib import Path

import pytest

from tests.builders import make_dataset


def _post(client, world, action, body, user="staf"):
    return client.post(f"/api/3/action/{action}", data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": world.tokens[user]})


def test_a_lone_surrogate_echoed_in_an_api_error_goes_out_as_a_json_escape(client, world):
    body = {**make_dataset(name="surrogat"), "\ud800kunci": "nilai"}
    response = _post(client, world, "package_create", body)
    assert response.status_code == 409
    raw = response.get_data()
    raw.decode("utf-8")  # the answer is valid UTF-8 ...
    error = json.loads(raw)["error"]  # ... and valid JSON that still names what the client sent
    assert error["__type"] == "Validation Error"
    assert any("\ud800kunci" in path for path in error if path not in ("__type", "message"))


def test_an_unusable_host_header_gets_a_plain_400_not_a_broken_error_page(live_server):
    import http.client

    port = int(live_server.rsplit(":", 1)[1])
    for path in ("/", "/dataset", "/organization/dinkes", "/admin/login"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", "a" * 64)  # a DNS label longer than 63 characters cannot be encoded
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 400, (path, body[:200])
        assert b"Traceback" not in body


@pytest.mark.parametrize("name", [{}, ["a"], "\udfff"])
def test_package_update_with_a_name_of_the_wrong_type_or_text_is_a_validation_error(client, world, name):
    body = {**make_dataset(name="x"), "id": "penduduk", "name": name}
    response = _post(client, world, "package_update", body)
    assert response.status_code == 409, response.get_data()[:300]
    assert "name" in response.json["error"]
    assert world.catalog.get_dataset("penduduk")["name"] == "penduduk"


def test_a_record_whose_owner_org_cannot_be_stored_is_refused_by_field(catalog, org):
    from catalog.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        catalog.create_dataset(make_dataset(owner_org="dinkes\udc00"), actor="test")
    assert list(refused.value.errors) == ["owner_org"]


def test_an_upload_with_a_very_long_file_name_is_stored_under_a_shortened_one(client, world):
    filename = "laporan-" + "x" * 300 + ".csv"
    data = {"package_id": "kasus-dbd", "format": "CSV", "upload": (io.BytesIO(b"a,b\n1,2\n"), filename)}
    response = client.post("/api/3/action/resource_create", data=data, headers={"Authorization": world.tokens["staf"]})
    assert response.status_code == 200, response.get_data()[:300]
    url = response.json["result"]["url"]
    stored = url.rsplit("/", 1)[1]
    assert stored.startswith("laporan-xxx") and stored.endswith(".csv") and len(stored) <= 120
    download = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert download.status_code == 200 and download.data == b"a,b\n1,2\n"
    download.close()
    assert Path(world.catalog.config["HOME"], "uploads").is_dir()


@pytest.mark.parametrize("key", ["\x00", "kasus\x00dbd", "a\ud800", "\x1b[0m"])
def test_a_key_no_record_can_have_finds_nothing_on_every_database(catalog, org, key):
    from catalog.errors import NotFound

    with pytest.raises(NotFound):
        catalog.get_dataset(key)
    with pytest.raises(NotFound):
        catalog.get_organization(key)
    with catalog.store.reading() as tx:
        assert tx.dataset_with_organization(key) is None and tx.resource_dataset_id(key) is None
        assert tx.job_with_errors(key) is None and tx.user_row(key) is None and tx.source_row(key) is None


def test_requests_naming_a_nul_are_refused_not_crashed_on_every_database(config):
    from catalog.app import create_app

    app = create_app({**config, "TESTING": True})
    app.extensions["catalog"].init()
    client = app.test_client()
    for action in ("package_show", "organization_show", "resource_show", "package_patch", "resource_delete"):
        response = client.post(f"/api/3/action/{action}", json={"id": "\x00"})
        assert response.status_code in {400, 403, 404}, (action, response.get_data()[:300])
        assert response.json["success"] is False
    for path in ("/dataset/%00", "/organization/%00", "/dataset/%00.ttl", "/feeds/datasets.atom?organization=%00",
                 "/dataset/x/resource/%00/download"):
        assert client.get(path).status_code == 404, path
    app.extensions["catalog"].close()


@pytest.mark.parametrize("page", ["99999999999999999999", "9" * 5000, "²", "١", "0", "-1"])
def test_a_catalog_page_number_that_no_database_offset_can_hold_is_a_400(client, world, page):
    for key in ("ttl", "rdf", "jsonld"):
        response = client.get(f"/catalog.{key}?page={page}")
        assert response.status_code == 400, (key, page, response.get_data()[:200])
        assert "page: must be a whole number" in response.json["error"]


def test_a_url_with_a_lone_surrogate_is_refused_by_field_not_crashed(client, world):
    from tests.builders import make_organization

    body = make_organization(name="fuzz-url", url="\udf68\ud9a1")
    response = _post(client, world, "organization_create", body, user="root")
    assert response.status_code == 409, response.get_data()[:300]
    assert "url" in response.json["error"]
    dataset = make_dataset(name="fuzz-url", resources=[{"name": "x", "url": "https://data.invalid/\ud800.csv"}])
    response = _post(client, world, "package_create", dataset)
    assert response.status_code == 409 and "resources.0.url" in response.json["error"]
