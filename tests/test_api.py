"""The Action API's reads, their CKAN shapes, and its HTTP manners (CORS, ETag, gzip, headers)."""

import gzip
import json

from tests.conformance import require_kit


def result(client, path, **kwargs):
    response = client.get(f"/api/3/action/{path}", **kwargs)
    assert response.status_code == 200, response.json
    assert response.json["success"] is True
    return response.json["result"]


def test_both_paths_and_both_methods_answer_alike(client, world):
    by_get = client.get("/api/3/action/package_show?id=kasus-dbd").json
    by_post = client.post("/api/action/package_show", json={"id": "kasus-dbd"}).json
    assert by_get == by_post and by_get["result"]["name"] == "kasus-dbd"


def test_package_show_by_id_or_name(client, world):
    by_name = result(client, "package_show?id=kasus-dbd")
    assert result(client, f"package_show?id={by_name['id']}") == by_name


def test_package_show_has_every_key_ckan_returns_for_the_same_content(client, world):
    ckan = json.loads((require_kit() / "examples" / "ckan-api" / "package_show.json").read_text())["result"]
    ours = result(client, "package_show?id=kasus-dbd")
    skipped = {"tracking_summary", "revision_id"}  # not in CKAN 2.10 core output without extensions
    assert {k for k in ckan if k not in skipped} - set(ours) == set()
    for key in ("tags", "resources"):
        assert set(ckan[key][0]) - {"revision_id", "cache_last_updated", "tracking_summary"} <= set(ours[key][0])
    assert set(ckan["organization"]) - {"revision_id"} <= set(ours["organization"])
    for key, value in ckan.items():
        if key in ours and value is not None and ours[key] is not None:
            assert type(ours[key]) is type(value), key


def test_timestamps_are_naive_iso(client, world):
    shown = result(client, "package_show?id=kasus-dbd")
    for value in (shown["metadata_created"], shown["metadata_modified"], shown["organization"]["created"]):
        assert "T" in value and not value.endswith("Z") and "+" not in value


def test_extras_are_key_value_strings(client, world):
    world.catalog.patch_dataset("kasus-dbd", {"extras": [{"key": "sumber", "value": "Puskesmas"}]}, actor="test")
    assert result(client, "package_show?id=kasus-dbd")["extras"] == [{"key": "sumber", "value": "Puskesmas"}]


def test_package_search_shape_and_facets(client, world):
    ckan = json.loads((require_kit() / "examples" / "ckan-api" / "package_search.json").read_text())["result"]
    found = result(client, 'package_search?q=jumlah&facet.field=["organization","res_format"]')
    assert set(ckan) <= set(found)
    assert found["count"] == 3
    assert found["facets"]["organization"] == {"dinkes": 2, "dishub": 1}
    items = found["search_facets"]["organization"]["items"]
    assert {"name": "dinkes", "display_name": "Dinas Kesehatan", "count": 2} in items
    assert found["search_facets"]["res_format"]["title"] == "res_format"


def test_package_search_paging(client, world):
    first = result(client, "package_search?rows=2&start=0")
    rest = result(client, "package_search?rows=2&start=2")
    names = [r["name"] for r in first["results"] + rest["results"]]
    assert len(names) == len(set(names)) == first["count"] == 3


def test_lists_and_paging(client, world):
    assert result(client, "package_list") == ["kasus-dbd", "penduduk", "terminal"]
    assert result(client, "package_list?limit=1&offset=1") == ["penduduk"]
    assert result(client, "organization_list") == ["dinkes", "dishub"]
    assert result(client, "organization_list?sort=package_count%20desc&limit=1") == ["dinkes"]
    assert result(client, "organization_list?sort=title%20desc") == ["dishub", "dinkes"]
    recent = result(client, "current_package_list_with_resources?limit=2")
    assert len(recent) == 2 and recent[0]["metadata_modified"] >= recent[1]["metadata_modified"]


def test_organization_show_with_datasets(client, world):
    shown = result(client, "organization_show?id=dinkes&include_datasets=true")
    assert shown["package_count"] == 2 and {p["name"] for p in shown["packages"]} == {"kasus-dbd", "penduduk"}
    assert shown["users"] == []
    admin = result(client, "organization_show?id=dinkes", headers={"Authorization": world.tokens["kepala"]})
    assert {"name": "staf", "capacity": "editor"} in admin["users"]


def test_autocomplete_and_vocabularies(client, world):
    assert [r["name"] for r in result(client, "package_autocomplete?q=pendu")] == ["penduduk"]
    assert result(client, "organization_autocomplete?q=perhub")[0]["name"] == "dishub"
    assert result(client, "format_autocomplete?q=cs") == ["csv"]
    assert "kependudukan" in result(client, "tag_list")
    assert result(client, "tag_list?query=kepen") == ["kependudukan"]
    assert any(lic["id"] == "cc-by-4.0" for lic in result(client, "license_list"))
    assert result(client, "help_show?name=package_search").startswith("Search the public datasets")


def test_groups_come_from_datasets(client, world):
    world.catalog.patch_dataset("penduduk", {"groups": [{"name": "sosial"}]}, actor="test")
    assert result(client, "group_list") == ["sosial"]
    assert result(client, "group_show?id=sosial")["package_count"] == 1


def test_resource_show(client, world):
    shown = result(client, "package_show?id=kasus-dbd")
    resource = result(client, f"resource_show?id={shown['resources'][0]['id']}")
    assert resource == shown["resources"][0]


def test_cors_on_reads_only(client):
    read = client.get("/api/3/action/status_show", headers={"Origin": "https://example.org"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/3/action/package_show")
    assert preflight.status_code == 204 and "X-CKAN-API-Key" in preflight.headers["Access-Control-Allow-Headers"]
    write = client.options("/api/3/action/package_create")
    assert "Access-Control-Allow-Origin" not in write.headers
    assert "Access-Control-Allow-Origin" not in client.post("/api/3/action/package_create", json={}).headers


def test_etag_and_304(client, world):
    first = client.get("/api/3/action/package_show?id=kasus-dbd")
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["ETag"]
    again = client.get("/api/3/action/package_show?id=kasus-dbd", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    world.catalog.patch_dataset("kasus-dbd", {"notes": "Berubah"}, actor="test")
    changed = client.get("/api/3/action/package_show?id=kasus-dbd", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_authenticated_reads_are_private_and_writes_not_cached(client, world):
    private = client.get("/api/3/action/package_show?id=rahasia", headers={"Authorization": world.tokens["tamu"]})
    assert private.headers["Cache-Control"] == "private, max-age=0"
    write = client.post("/api/3/action/package_patch", json={"id": "kasus-dbd", "notes": "x"},
                        headers={"Authorization": world.tokens["staf"]})
    assert write.headers["Cache-Control"] == "no-store" and "ETag" not in write.headers


def test_gzip_when_accepted(client, world):
    plain = client.get("/api/3/action/package_show?id=kasus-dbd")
    zipped = client.get("/api/3/action/package_show?id=kasus-dbd", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert "Accept-Encoding" in zipped.headers["Vary"]


def test_security_headers(client):
    for path in ("/api/3/action/status_show", "/api/3/action/nope", "/api/docs", "/api/openapi.json"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_form_encoded_post_and_empty_body(client, world):
    assert client.post("/api/3/action/package_show", data={"id": "kasus-dbd"}).json["result"]["name"] == "kasus-dbd"
    assert client.post("/api/3/action/package_list").json["success"] is True


def test_package_create_accepts_ckan_forms(client, world):
    org_id = result(client, "organization_show?id=dinkes")["id"]
    response = client.post("/api/3/action/package_create", headers={"Authorization": world.tokens["staf"]}, json={
        "name": "bentuk-ckan", "title": "Bentuk CKAN", "owner_org": org_id, "tags": ["satu", {"name": "dua"}],
        "extras": [{"key": "k", "value": "v"}], "num_tags": 2, "type": "dataset", "state": "active",
        "resources": [{"url": "https://example.org/a.csv", "package_id": "x", "position": 0, "mimetype": None}],
    })
    assert response.status_code == 200, response.json
    record = world.catalog.get_dataset("bentuk-ckan")
    assert record["owner_org"] == "dinkes" and record["tags"] == [{"name": "satu"}, {"name": "dua"}]
    assert record["resources"][0]["url"] == "https://example.org/a.csv" and "package_id" not in record["resources"][0]


def test_organization_update_by_its_admin_is_a_revision(client, world):
    response = client.post("/api/3/action/organization_update", headers={"Authorization": world.tokens["kepala"]},
                           json={"id": "dinkes", "title": "Dinas Kesehatan Kota Malang"})
    assert response.status_code == 200 and response.json["result"]["title"] == "Dinas Kesehatan Kota Malang"
    assert world.catalog.get_organization("dinkes")["title"] == "Dinas Kesehatan Kota Malang"
    assert result(client, "package_show?id=kasus-dbd")["organization"]["title"] == "Dinas Kesehatan Kota Malang"
