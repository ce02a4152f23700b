"""Resource previews: CSV and XLSX read safely from a real loopback server, with limits and clear refusals."""

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook

from catalog.web import preview
from tests.builders import make_dataset
from tests.loopback import Files, serve, slow

LIMITS = {"max_bytes": 100_000, "timeout": 5.0}


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data 2024"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def files():
    return Files()


@pytest.fixture
def base(files):
    with serve(files) as url:
        yield url


@pytest.fixture
def limits(base):
    """The preview limits with the loopback server's host and port allowed."""
    return {**LIMITS, "allowed_hosts": preview.allowed_targets(urlsplit(base).netloc)}


def csv_resource(url, **extra):
    return {"url": url, "format": "CSV", **extra}


def test_csv_shows_the_header_and_the_first_100_rows(limits, files, base):
    files.routes["/big.csv"] = ("kecamatan;kasus\n" + "".join(f"Klojen;{n}\n" for n in range(250))).encode()
    table = preview.build(csv_resource(f"{base}/big.csv"), **limits)
    assert table.header == ["kecamatan", "kasus"]
    assert len(table.rows) == 100 and table.rows[0] == ["Klojen", "0"] and table.truncated


def test_csv_in_windows_1252_with_a_bom_free_header_is_read(limits, files, base):
    files.routes["/old.csv"] = "nama,kelurahan\nJosé,Kauman\n".encode("cp1252")
    table = preview.build(csv_resource(f"{base}/old.csv"), **limits)
    assert table.rows == [["José", "Kauman"]] and not table.truncated


def test_xlsx_first_sheet_is_read_with_values(limits, files, base):
    files.routes["/sd.xlsx"] = xlsx([["kecamatan", "sekolah"], ["Sukun", 41], ["Lowokwaru", 52]])
    table = preview.build({"url": f"{base}/sd.xlsx", "format": "xlsx"}, **limits)
    assert table.sheet == "Data 2024"
    assert table.header == ["kecamatan", "sekolah"] and table.rows == [["Sukun", "41"], ["Lowokwaru", "52"]]


def test_a_broken_xlsx_is_reported_as_broken(limits, files, base):
    files.routes["/broken.xlsx"] = b"PK\x03\x04 this is not a workbook"
    with pytest.raises(preview.PreviewError) as caught:
        preview.build({"url": f"{base}/broken.xlsx", "format": "XLSX"}, **limits)
    assert caught.value.reason == "broken"


def test_an_xlsx_that_unpacks_huge_is_refused_before_opening(limits, files, base):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    files.routes["/bomb.xlsx"] = packed.getvalue()
    with pytest.raises(preview.PreviewError) as caught:
        preview.build({"url": f"{base}/bomb.xlsx", "format": "XLSX"}, **limits)
    assert caught.value.reason == "too_large"


def test_a_file_over_the_size_cap_is_not_read_to_the_end(limits, files, base):
    files.routes["/huge.csv"] = b"a,b\n" + b"1,2\n" * 50_000
    with pytest.raises(preview.PreviewError) as caught:
        preview.build(csv_resource(f"{base}/huge.csv"), **limits)
    assert caught.value.reason == "too_large"


def test_a_declared_size_over_the_cap_is_refused_without_fetching(limits, files, base):
    with pytest.raises(preview.PreviewError) as caught:
        preview.build(csv_resource(f"{base}/never.csv", size=10**9), **limits)
    assert caught.value.reason == "too_large" and files.requests == []


def test_a_slow_server_runs_into_the_timeout(limits, files, base):
    files.routes["/slow.csv"] = slow(3)
    with pytest.raises(preview.PreviewError) as caught:
        preview.build(csv_resource(f"{base}/slow.csv"), **{**limits, "timeout": 0.5})
    assert caught.value.reason == "unreachable"


def test_loopback_is_refused_unless_the_operator_allows_it(limits, files, base):
    files.routes["/a.csv"] = b"a\n1\n"
    with pytest.raises(preview.PreviewError) as caught:
        preview.build(csv_resource(f"{base}/a.csv"), **{**limits, "allowed_hosts": set()})
    assert caught.value.reason == "refused" and files.requests == []


def test_a_redirect_into_a_private_address_is_refused(limits, files, base):
    files.routes["/jump.csv"] = (302, {"Location": "http://10.1.2.3/secret.csv"}, b"")
    with pytest.raises(preview.PreviewError) as caught:
        preview.build(csv_resource(f"{base}/jump.csv"), **limits)
    assert caught.value.reason == "refused" and "10.1.2.3" in str(caught.value)


def test_an_allowed_host_opens_only_its_listed_port(limits, files, base):
    files.routes["/a.csv"] = b"a\n1\n"
    with serve(files) as other:
        with pytest.raises(preview.PreviewError) as caught:
            preview.build(csv_resource(f"{other}/a.csv"), **limits)
    assert caught.value.reason == "refused" and files.requests == []
    host_only = {**limits, "allowed_hosts": preview.allowed_targets("127.0.0.1")}
    with pytest.raises(preview.PreviewError) as caught:
        preview.build(csv_resource(f"{base}/a.csv"), **host_only)
    assert caught.value.reason == "refused" and files.requests == []
    assert preview.build(csv_resource(f"{base}/a.csv"), **limits).rows == [["1"]]


def test_the_allow_list_reads_hosts_ports_and_ipv6():
    assert preview.allowed_targets(" Data.Local:8080, 10.0.0.5 ,[::1]:9000,,") == {
        "data.local:8080", "10.0.0.5:80", "10.0.0.5:443", "::1:9000"}
    with pytest.raises(ValueError, match="host:port"):
        preview.allowed_targets("data.local:http")
    preview.check_target("http://[::1]:9000/a.csv", preview.allowed_targets("[::1]:9000"))
    with pytest.raises(preview.PreviewError):
        preview.check_target("http://[::1]:9001/a.csv", preview.allowed_targets("[::1]:9000"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.csv", "http://169.254.169.254/x.csv"])
def test_only_public_http_urls_are_fetched(url):
    with pytest.raises(preview.PreviewError) as caught:
        preview.check_target(url, set())
    assert caught.value.reason == "refused"


def test_the_preview_page_shows_the_table_escaped(app, client, files, base):
    app.config["PREVIEW_ALLOWED_HOSTS"] = urlsplit(base).netloc
    files.routes["/x.csv"] = b"judul,nilai\n<script>alert(1)</script>,5\n"
    catalog = app.extensions["catalog"]
    from tests.builders import make_organization

    catalog.create_organization(make_organization(), actor="test")
    record = catalog.create_dataset(make_dataset(resources=[csv_resource(f"{base}/x.csv", name="Nilai")]), actor="t")
    response = client.get(f"/dataset/{record['name']}/resource/{record['resources'][0]['id']}/preview")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<th scope="col">judul</th>' in html and "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html


def test_the_preview_page_explains_a_refusal(app, client, files, base):
    files.routes["/x.csv"] = b"a\n1\n"
    catalog = app.extensions["catalog"]
    from tests.builders import make_organization

    catalog.create_organization(make_organization(), actor="test")
    record = catalog.create_dataset(make_dataset(resources=[csv_resource(f"{base}/x.csv")]), actor="t")
    response = client.get(f"/dataset/{record['name']}/resource/{record['resources'][0]['id']}/preview")
    assert response.status_code == 200
    assert "Pratinjau tidak tersedia untuk alamat berkas ini" in response.get_data(as_text=True)
    assert files.requests == []
    assert client.get(f"/dataset/{record['name']}/resource/nope/preview").status_code == 404
