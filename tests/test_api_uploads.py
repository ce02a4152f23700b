"""Resource uploads (size limit, content sniffing, storage) and the counted download route."""

import io
from pathlib import Path

import pytest

CSV = b"kecamatan,kasus\nKlojen,12\nBlimbing,30\n"


def upload(client, world, content, filename, **fields):
    data = {"package_id": "kasus-dbd", "upload": (io.BytesIO(content), filename), **fields}
    return client.post("/api/3/action/resource_create", data=data, headers={"Authorization": world.tokens["staf"]})


def test_upload_is_stored_and_served_through_the_counted_route(client, world):
    response = upload(client, world, CSV, "kasus.csv", name="Kasus 2025", format="CSV")
    assert response.status_code == 200, response.json
    resource = response.json["result"]
    assert resource["url_type"] == "upload" and resource["size"] == len(CSV)
    assert resource["hash"].startswith("sha256:") and resource["mimetype"] == "text/csv"
    assert resource["url"].endswith(f"/dataset/kasus-dbd/resource/{resource['id']}/download/kasus.csv")
    path = resource["url"].split("://", 1)[1].split("/", 1)[1]
    for _ in range(2):
        download = client.get("/" + path)
        assert download.status_code == 200 and download.data == CSV
        assert "attachment" in download.headers["Content-Disposition"]
        download.close()
    with world.catalog.store.reading() as tx:
        assert tx.download_counts(resource["package_id"])[resource["id"]] == 2
    shown = client.get("/api/3/action/package_show?id=kasus-dbd").json["result"]
    assert shown["resources"][-1]["id"] == resource["id"] and shown["num_resources"] == 3


def test_link_download_redirects_and_counts(client, world):
    record = world.catalog.get_dataset("kasus-dbd")
    first = record["resources"][0]
    response = client.get(f"/dataset/kasus-dbd/resource/{first['id']}/download")
    assert response.status_code == 302 and response.headers["Location"] == first["url"]
    with world.catalog.store.reading() as tx:
        assert tx.download_counts(record["id"]) == {first["id"]: 1}


def test_download_of_private_dataset_is_hidden_from_anonymous(client, world):
    record = world.catalog.get_dataset("rahasia")
    response = client.get(f"/dataset/rahasia/resource/{record['resources'][0]['id']}/download")
    assert response.status_code == 404


@pytest.mark.parametrize("content, filename, fmt, message", [
    (b"MZ\x90\x00\x03binary", "data.csv", "CSV", "Executable"),
    (b"\x7fELF\x02\x01", "data.csv", "", "Executable"),
    (b"<!DOCTYPE html><html><script>alert(1)</script>", "data.csv", "CSV", "HTML"),
    (b"  <html><body>hi</body></html>", "report.pdf", "PDF", "HTML"),
    (b"kolom,a\n1,2\n", "laporan.pdf", "PDF", "does not look like PDF"),
    (b"a,b\n\x00\x01\x02", "data.csv", "CSV", "binary"),
    (b"not json at all", "data.json", "JSON", "does not look like JSON"),
])
def test_sniffing_refuses_content_that_is_not_the_declared_format(client, world, content, filename, fmt, message):
    before = world.catalog.get_dataset("kasus-dbd")
    response = upload(client, world, content, filename, format=fmt)
    assert response.status_code == 409
    assert any(message in m for m in response.json["error"]["upload"])
    assert world.catalog.get_dataset("kasus-dbd") == before


def test_format_comes_from_the_extension_when_not_declared(client, world):
    response = upload(client, world, b"%PDF-1.7\n...", "laporan.pdf")
    assert response.status_code == 200 and response.json["result"]["format"] == "PDF"


def test_file_over_the_limit_is_refused_and_not_kept(app, client, world):
    world.catalog.config["UPLOAD_MAX_SIZE"] = 100_000
    response = upload(client, world, CSV * 5000, "besar.csv", format="CSV")
    assert response.status_code in (409, 413)
    assert not [p for p in (Path(world.catalog.config["HOME"]) / "uploads").rglob("*") if p.is_file()]


def test_resource_update_replaces_the_file_and_patch_keeps_it(client, world):
    resource = upload(client, world, CSV, "kasus.csv", format="CSV").json["result"]
    headers = {"Authorization": world.tokens["staf"]}
    patched = client.post("/api/3/action/resource_patch", json={"id": resource["id"], "name": "Baru"}, headers=headers)
    assert patched.json["result"]["url"] == resource["url"] and patched.json["result"]["name"] == "Baru"
    newer = b"kecamatan,kasus\nLowokwaru,5\n"
    updated = client.post("/api/3/action/resource_update", headers=headers, data={
        "id": resource["id"], "format": "CSV", "upload": (io.BytesIO(newer), "kasus.csv")})
    assert updated.status_code == 200 and updated.json["result"]["size"] == len(newer)
    deleted = client.post("/api/3/action/resource_delete", json={"id": resource["id"]}, headers=headers)
    assert deleted.status_code == 200
    assert client.get(f"/api/3/action/resource_show?id={resource['id']}").status_code == 404


def _stored_files(world):
    return list((Path(world.catalog.config["HOME"]) / "uploads").glob("**/*.*"))


@pytest.mark.parametrize("filename, fields", [
    ("laporan.html", {"format": "HTML", "mimetype": "text/html"}),
    ("laporan.html", {}),
    ("laporan.txt", {"format": "TXT", "mimetype": "text/html; charset=utf-8"}),
    ("peta.svg", {"format": "svg"}),
    ("data.csv", {"format": "XHTML"}),
])
def test_html_and_svg_are_refused_whatever_they_are_declared_as(client, world, filename, fields):
    before = world.catalog.get_dataset("kasus-dbd")
    response = upload(client, world, b"<p>just text</p>\n", filename, **fields)
    assert response.status_code == 409
    assert "HTML, SVG and script files are not accepted" in response.json["error"]["upload"][0]
    assert world.catalog.get_dataset("kasus-dbd") == before and not _stored_files(world)


@pytest.mark.parametrize("content, filename, fmt", [
    (b'<?xml version="1.0"?>\n<data>' + b"<row>1</row>" * 100 + b'<svg xmlns="http://www.w3.org/2000/svg">'
     b"<script>alert(document.domain)</script></svg></data>", "peta.xml", "XML"),
    (CSV * 10_000 + b"x,<ScRiPt>alert(1)</script>\n", "kasus.csv", "CSV"),
    (b"%PDF-1.7\n" + b"0" * (3 * 65536 - 11) + b"<html><body onload=alert(1)>", "laporan.pdf", "PDF"),
])
def test_markup_anywhere_in_the_file_is_refused_and_nothing_is_kept(client, world, content, filename, fmt):
    assert len(content) > 1100
    response = upload(client, world, content, filename, format=fmt)
    assert response.status_code == 409, response.json
    assert "markup a browser would run" in response.json["error"]["upload"][0]
    assert not _stored_files(world)


def test_a_marker_cut_between_two_chunks_is_still_found():
    from catalog.api.uploads import MarkupScan

    scan = MarkupScan()
    assert not scan.feed(b"a,b\n1,<scr")
    assert scan.feed(b"IPT>alert(1)</script>")
    assert not MarkupScan().feed(b"a,b\n1,<scrap>\n")


def test_stored_files_are_served_as_attachments_with_a_type_no_browser_runs(client, world):
    resource = upload(client, world, CSV, "kasus.csv", format="CSV").json["result"]
    record = world.catalog.get_dataset("kasus-dbd")
    planted = [{**r, "mimetype": "text/html"} if r["id"] == resource["id"] else r for r in record["resources"]]
    world.catalog.patch_dataset(record["id"], {"resources": planted}, "test")
    path = "/" + resource["url"].split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == 200 and response.data == CSV
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()


def test_an_upload_gets_the_media_type_of_its_format_not_the_one_it_claims(client, world):
    response = upload(client, world, CSV, "kasus.csv", format="CSV", mimetype="application/x-evil")
    assert response.json["result"]["mimetype"] == "text/csv"
    response = upload(client, world, b"PAR1....", "data.parquet", format="PARQUET", mimetype="text/plain")
    assert response.json["result"]["mimetype"] == "application/octet-stream"
