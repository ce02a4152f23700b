"""What a write may store: text and URLs that every reader can use, request-level problems as 400, and
resources (ids, uploads, files) that belong to their dataset, checked with two agencies' editors."""

import io
import json
from pathlib import Path

import pytest

from tests.builders import make_dataset

CSV = b"nik,nama\n3573010101010001,Contoh\n"


def post(client, world, action, body, user="staf"):
    return client.post(f"/api/3/action/{action}", data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": world.tokens[user]})


def count_datasets(world) -> int:
    with world.catalog.store.reading() as tx:
        return tx.count_datasets(states=("active", "withdrawn"))


# -- text that can be stored -----------------------------------------------------------------------


@pytest.mark.parametrize("title", ["sur \ud800 end", "ctl \x01 \x0b \x1b \x7f end"])
def test_package_create_with_text_that_cannot_be_stored_is_a_409_by_field_and_stores_nothing(client, world, title):
    before = count_datasets(world)
    body = make_dataset(name="racun", title=title)
    body["resources"][0]["description"] = title
    response = post(client, world, "package_create", body)
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert {"title", "resources.0.description"} <= set(error)
    assert "U+" in error["title"][0]
    assert count_datasets(world) == before
    with world.catalog.store.reading() as tx:
        assert not tx.name_taken("racun") and tx.outbox_size() == 0
    # everything keeps working: the index, the catalog's pages and another agency's new dataset
    created = post(client, world, "package_create", make_dataset(name="halte", owner_org="dishub"), user="sopir")
    assert created.status_code == 200, created.json
    found = client.get("/api/3/action/package_search?q=name:halte").json["result"]
    assert [r["name"] for r in found["results"]] == ["halte"]
    for path in ("/catalog.ttl", "/feeds/datasets.atom", "/api/3/action/current_package_list_with_resources",
                 "/dataset/halte"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("action", ["package_update", "package_patch"])
def test_updates_with_bad_text_are_refused_before_any_lookup(client, world, action):
    body = {"id": "kasus-dbd", "name": "kasus-\ud800", "title": "x", "owner_org": "dinkes"}
    response = post(client, world, action, body)
    assert response.status_code == 409 and "name" in response.json["error"]
    assert world.catalog.get_dataset("kasus-dbd")["name"] == "kasus-dbd"


def test_organization_writes_refuse_bad_text(client, world):
    response = post(client, world, "organization_update", {"id": "dinkes", "title": "Dinas \x1b[31m"}, user="kepala")
    assert response.status_code == 409 and "title" in response.json["error"]
    assert world.catalog.get_organization("dinkes")["title"] == "Dinas Kesehatan"


# -- request-level problems --------------------------------------------------------------------------


@pytest.mark.parametrize("raw, words", [
    ('{"rows": Infinity}', "Infinity"),
    ('{"rows": NaN}', "NaN"),
    ('{"rows": -Infinity}', "Infinity"),
    ('{"rows": 1e400}', "too large"),
    ('{"q": ' + "[" * 100_000 + "]" * 100_000 + "}", "deep"),
    ('{"q": ' + "[" * 40 + "]" * 40 + "}", "deep"),
    ('{"q": "a"', "JSON"),
    (b'{"q": "\xff"}', "JSON"),
])
def test_bodies_that_cannot_be_read_are_a_400_in_ckans_shape(client, raw, words):
    response = client.post("/api/3/action/package_search", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json["success"] is False
    assert response.json["error"]["__type"] == "Bad Request"
    assert words in response.json["error"]["message"]


@pytest.mark.parametrize("action, body", [
    ("package_show", {"id": "\ud800"}),
    ("package_show", {"id": "kasus\x00dbd"}),
    ("resource_show", {"id": "\udcff"}),
    ("organization_show", {"id": "din\ud800kes"}),
    ("package_search", {"q": "\ud83d"}),
    ("package_search", {"fq": "tags:\x1b"}),
    ("package_autocomplete", {"q": "a", "\ud800": "1"}),
])
def test_reads_with_text_nothing_stored_can_hold_are_a_400(client, action, body):
    response = client.post(f"/api/3/action/{action}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.json
    assert response.json["error"]["__type"] == "Bad Request" and "U+" in response.json["error"]["message"]


def test_write_lookups_with_a_lone_surrogate_are_a_400(client, world):
    for action in ("package_patch", "package_delete", "resource_delete", "resource_patch"):
        response = post(client, world, action, {"id": "\ud800"})
        assert response.status_code == 400, (action, response.json)
    response = post(client, world, "package_create", {**make_dataset(name="x-y"), "owner_org": "\ud800"})
    assert response.status_code == 400


def test_rows_too_large_for_an_integer_is_a_validation_error_not_a_crash(client):
    response = client.get("/api/3/action/package_search?rows=" + "9" * 400)
    assert response.status_code == 409 and "rows" in response.json["error"]


# -- URLs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ['https://x.id/a"onclick="b', "https://x.id/<b>", "https://x.id/a\\b"])
def test_urls_no_writer_could_publish_are_refused_at_write_time(client, world, url):
    body = make_dataset(name="tautan", url=url)
    body["resources"][0]["url"] = url
    response = post(client, world, "package_create", body)
    assert response.status_code == 409
    assert {"url", "resources.0.url"} <= set(response.json["error"])


def test_unencoded_urls_are_stored_encoded_and_published(client, world):
    body = make_dataset(name="tautan", landing_page="https://malangkota.go.id/data kecamatan/Klojén")
    body["resources"][0]["url"] = "https://malangkota.go.id/files/data 2024.csv"
    response = post(client, world, "package_create", body)
    assert response.status_code == 200, response.json
    result = response.json["result"]
    assert result["landing_page"] == "https://malangkota.go.id/data%20kecamatan/Kloj%C3%A9n"
    assert result["resources"][0]["url"] == "https://malangkota.go.id/files/data%202024.csv"
    turtle = client.get("/dataset/tautan.ttl")
    assert turtle.status_code == 200
    assert b"data%202024.csv" in turtle.data and b"Kloj%C3%A9n" in turtle.data
    listed = json.loads(client.get("/data.json").data)
    entry = next(d for d in listed["dataset"] if d.get("landingPage") == result["landing_page"])
    assert any("data%202024.csv" in json.dumps(d) for d in entry["distribution"])


# -- who may change what ----------------------------------------------------------------------------------


def test_editors_cannot_patch_a_withdrawn_dataset_they_cannot_read(client, world):
    assert post(client, world, "package_show", {"id": "lama"}).status_code == 404
    response = post(client, world, "package_patch", {"id": "lama", "title": "Dihidupkan lagi"})
    assert response.status_code == 404
    assert world.catalog.get_dataset("lama")["title"] != "Dihidupkan lagi"
    # the organization's admin, who can read it, still can
    assert post(client, world, "package_patch", {"id": "lama", "notes": "Catatan"}, user="kepala").status_code == 200


# -- resources belong to their dataset ------------------------------------------------------------------


def _upload(client, world, user="staf", dataset="kasus-dbd", content=CSV, filename="nik.csv"):
    data = {"package_id": dataset, "upload": (io.BytesIO(content), filename), "format": "CSV"}
    response = client.post("/api/3/action/resource_create", data=data, headers={"Authorization": world.tokens[user]})
    assert response.status_code == 200, response.json
    return response.json["result"]


def _download(client, resource, dataset):
    """The answer to a download request, read and closed: (status, body)."""
    response = client.get(f"/dataset/{dataset}/resource/{resource['id']}/download/{resource['url'].rsplit('/', 1)[-1]}")
    body = response.data
    response.close()
    return response.status_code, body


def test_another_agencys_deleted_upload_cannot_be_republished(client, world):
    """dinkes deletes an upload; a dishub editor cannot bring it back under its own dataset."""
    secret = _upload(client, world)
    assert post(client, world, "resource_delete", {"id": secret["id"]}).status_code == 200
    assert _download(client, secret, "kasus-dbd")[0] == 404
    forged = {"id": secret["id"], "url": secret["url"], "url_type": "upload", "name": "Data", "format": "CSV"}
    response = post(client, world, "package_patch", {"id": "terminal", "resources": [forged]}, user="sopir")
    assert response.status_code == 200, response.json
    stored = response.json["result"]["resources"][0]
    assert stored["id"] != secret["id"] and stored["url_type"] is None
    for dataset in ("terminal", "kasus-dbd"):
        assert _download(client, {**secret, "id": stored["id"]}, dataset)[0] in (302, 404)
        status, body = _download(client, secret, dataset)
        assert status == 404 and CSV not in body


def test_a_live_upload_of_another_agency_cannot_be_claimed_either(client, world):
    secret = _upload(client, world)
    forged = {"id": secret["id"], "url": secret["url"], "url_type": "upload"}
    response = post(client, world, "package_patch", {"id": "terminal", "resources": [forged]}, user="sopir")
    stored = response.json["result"]["resources"][0]
    assert stored["id"] != secret["id"] and stored.get("url_type") is None
    redirect = client.get(f"/dataset/terminal/resource/{stored['id']}/download")
    assert redirect.status_code == 302  # a plain link to the address given, never the stored file
    assert _download(client, secret, "terminal")[0] == 404
    assert _download(client, secret, "kasus-dbd") == (200, CSV)  # dinkes' own download is untouched


def test_resource_ids_are_assigned_by_the_server(client, world):
    own = world.catalog.get_dataset("terminal")
    theirs = world.catalog.get_dataset("kasus-dbd")["resources"][0]["id"]
    chosen = "11111111-2222-4333-8444-555555555555"
    body = make_dataset(name="rute", owner_org="dishub")
    body["resources"] = [{"id": theirs, "url": "https://dishub.example/a.csv"},
                         {"id": chosen, "url": "https://dishub.example/b.csv", "url_type": "upload"}]
    created = post(client, world, "package_create", body, user="sopir").json["result"]
    ids = [r["id"] for r in created["resources"]]
    assert theirs not in ids and chosen not in ids and len(set(ids)) == 2
    assert all(r["url_type"] is None for r in created["resources"])
    # a resource of the same dataset keeps its id, also when a client sends it back twice
    kept = created["resources"][0]
    response = post(client, world, "package_update", {**created, "resources": [kept, kept]}, user="sopir")
    again = response.json["result"]["resources"]
    assert again[0]["id"] == kept["id"] and again[1]["id"] != kept["id"]
    # resources sent without ids keep theirs when their URL is unchanged
    bare = [{"url": r["url"], "name": "tanpa id"} for r in again]
    response = post(client, world, "package_update", {**created, "resources": bare}, user="sopir")
    assert [r["id"] for r in response.json["result"]["resources"]] == [r["id"] for r in again]
    assert world.catalog.get_dataset("terminal") == own


def test_a_resource_id_collision_is_never_reported_as_a_url_in_use(client, world):
    theirs = world.catalog.get_dataset("kasus-dbd")["resources"][0]
    response = post(client, world, "resource_patch", {"id": theirs["id"], "name": "x"}, user="sopir")
    assert response.status_code == 403
    body = {"id": "terminal", "resources": [{"id": theirs["id"], "url": "https://dishub.example/a.csv"}]}
    response = post(client, world, "package_patch", body, user="sopir")
    assert response.status_code == 200 and "already in use" not in response.text


def test_uploads_are_stored_under_their_dataset_and_deleting_sets_the_file_aside(client, world):
    home = Path(world.catalog.config["HOME"])
    mine = _upload(client, world)
    dataset_id = world.catalog.get_dataset("kasus-dbd")["id"]
    stored = home / "uploads" / dataset_id / mine["id"] / "nik.csv"
    assert stored.read_bytes() == CSV
    assert post(client, world, "resource_delete", {"id": mine["id"]}).status_code == 200
    assert not stored.exists()
    assert (home / "uploads-removed" / dataset_id / mine["id"] / "nik.csv").read_bytes() == CSV
    assert _download(client, mine, "kasus-dbd")[0] == 404


def test_replacing_an_upload_with_a_link_sets_its_file_aside(client, world):
    mine = _upload(client, world)
    response = post(client, world, "resource_patch", {"id": mine["id"], "url": "https://dinkes.example/a.csv"})
    assert response.status_code == 200 and response.json["result"]["url_type"] is None
    assert client.get(f"/dataset/kasus-dbd/resource/{mine['id']}/download").status_code == 302
    assert not list((Path(world.catalog.config["HOME"]) / "uploads").rglob("nik.csv"))


def test_a_deleted_dataset_serves_no_file_and_restoring_it_brings_the_file_back(client, world):
    mine = _upload(client, world)
    assert post(client, world, "package_delete", {"id": "kasus-dbd"}, user="kepala").status_code == 200
    assert _download(client, mine, "kasus-dbd")[0] == 404
    world.catalog.restore_dataset("kasus-dbd", actor="test")
    assert _download(client, mine, "kasus-dbd") == (200, CSV)


def test_url_type_upload_is_set_only_by_the_upload_path(client, world):
    body = {"package_id": "kasus-dbd", "url": "https://dinkes.example/a.csv", "url_type": "upload"}
    created = post(client, world, "resource_create", body).json["result"]
    assert created["url_type"] is None
    patched = post(client, world, "resource_patch", {"id": created["id"], "url_type": "upload"}).json["result"]
    assert patched["url_type"] is None
    uploaded = _upload(client, world)
    kept = post(client, world, "resource_patch", {"id": uploaded["id"], "name": "Ganti nama"}).json["result"]
    assert kept["url_type"] == "upload" and _download(client, kept, "kasus-dbd") == (200, CSV)


def test_files_stored_by_earlier_versions_move_under_their_dataset_at_init(client, world):
    home = Path(world.catalog.config["HOME"])
    mine = _upload(client, world)
    dataset_id = world.catalog.get_dataset("kasus-dbd")["id"]
    (home / "uploads" / dataset_id / mine["id"]).rename(home / "uploads" / mine["id"])  # the earlier layout
    stray = home / "uploads" / "9b0e1c3a-0000-4000-8000-000000000000"
    stray.mkdir()
    (stray / "lama.csv").write_bytes(CSV)
    assert _download(client, mine, "kasus-dbd")[0] == 404
    world.catalog.init()
    assert _download(client, mine, "kasus-dbd") == (200, CSV)
    assert not stray.exists() and (home / "uploads-removed" / "unclaimed" / stray.name / "lama.csv").is_file()
