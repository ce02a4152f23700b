"""The citizen pages through Flask's test client: search, dataset, agency and error pages."""

import re
import socket

import pytest

from catalog.web import security
from tests.builders import make_dataset
from tests.web_site import fill


@pytest.fixture
def site(app):
    """The app with two agencies and four datasets; returns the created records by role."""
    return fill(app.extensions["catalog"])


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_home_shows_the_search_box_counts_agencies_themes_and_latest(client, site):
    html = page(client, "/")
    assert 'role="search"' in html and 'name="q"' in html
    assert "4 dataset dari 2 perangkat daerah" in html
    assert 'href="/organization/dispendik"' in html and "Dinas Pendidikan" in html
    assert 'href="/dataset?theme=EDUC"' in html and "Pendidikan, budaya dan olahraga" in html
    assert 'href="/dataset/jumlah-guru"' in html


def test_search_highlights_the_query_words_in_titles_and_snippets(client, site):
    html = page(client, "/dataset?q=sekolah")
    assert "2 dataset ditemukan" in html
    assert "Jumlah <mark>Sekolah</mark> Dasar per Kecamatan" in html
    assert "Jumlah <mark>sekolah</mark> dasar negeri" in html
    assert "kasus-dbd-per-kecamatan" not in html


def test_search_escapes_the_query_before_highlighting(client, site):
    html = page(client, "/dataset?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_facets_show_counts_and_a_link_that_narrows_the_search(client, site):
    html = page(client, "/dataset")
    assert "4 dataset ditemukan" in html
    link = re.search(r'<a href="([^"]+)"><span class="facet-label">Dinas Pendidikan</span> <span class="count">2</span>', html)
    assert link, "the organization facet lists Dinas Pendidikan with 2 datasets"
    narrowed = page(client, link.group(1).replace("&amp;", "&"))
    assert "2 dataset ditemukan" in narrowed
    assert "jumlah-sekolah-dasar" in narrowed and "kasus-dbd-per-kecamatan" not in narrowed


def _chips_form(html):
    """The chips' (label, remove value) pairs and the hidden (name, value) pairs their form carries."""
    form = re.search(r'<section class="chips".*?</section>', html, re.S).group(0)
    chips = re.findall(r'<button class="chip" type="submit" name="remove" value="([^"]+)"><span>([^<]+)</span>', form)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return {label: value for value, label in chips}, hidden


def test_filters_combine_and_each_chip_removes_only_its_own_filter(client, site):
    html = page(client, "/dataset?organization=dispendik&tags=sekolah&page=1")
    assert "1 dataset ditemukan" in html
    chips, hidden = _chips_form(html)
    assert set(chips) == {"Produsen Data: Dinas Pendidikan", "Kata kunci: sekolah"}
    assert hidden == [("organization", "dispendik"), ("tags", "sekolah")]
    response = client.get("/dataset", query_string=[*hidden, ("remove", chips["Kata kunci: sekolah"])])
    assert response.status_code == 303 and response.headers["Location"] == "/dataset?organization=dispendik"
    assert "2 dataset ditemukan" in page(client, response.headers["Location"])


def test_the_page_grows_linearly_with_the_filters_in_its_url(client, site):
    def size(count):
        tags = "&".join(f"tags={n:03d}{'x' * 70}" for n in range(count))
        return len(page(client, f"/dataset?{tags}"))

    five, ten, twenty = size(5), size(10), size(20)
    assert twenty - ten < 2.4 * (ten - five), "ten more filters add more than twice what five more add"


def test_a_request_with_too_many_filter_values_is_refused_small(client, site):
    tags = "&".join(f"tags=t{n}" for n in range(2000))
    response = client.get(f"/dataset?{tags}")
    assert response.status_code == 400 and len(response.data) < 4 * len(tags)
    assert "Terlalu banyak filter: paling banyak 20" in response.get_data(as_text=True)
    assert client.get("/dataset?" + "&".join(f"tags=t{n}" for n in range(20))).status_code == 200
    repeated = client.get("/dataset?" + "&".join("tags=sama" for _ in range(100)))
    assert repeated.status_code == 200, "a value repeated counts once"
    assert client.get("/organization/dispendik?" + tags).status_code == 400


def test_filter_values_with_quotes_stay_values(client, site):
    html = page(client, '/dataset?tags=a%22%20OR%20tags:%22sekolah')
    assert "0 dataset ditemukan" in html


def test_a_query_the_engine_cannot_read_gives_400_with_the_reason(client, site):
    html = page(client, "/dataset?q=title:(", status=400)
    assert "Pencarian tidak dapat dijalankan" in html


def test_region_facet_shows_names_and_filters(client, site):
    html = page(client, "/dataset?region=35.73.01")
    assert "Blimbing (kecamatan)" in html
    assert "4 dataset ditemukan" in html


def test_sort_and_paging_parameters_are_kept_in_links(client, site):
    html = page(client, "/dataset?sort=title_string+asc&q=dasar")
    titles = re.findall(r'<h3 class="card-title"><a href="/dataset/([^"]+)"', html)
    assert titles == ["jumlah-guru", "jumlah-sekolah-dasar"]
    assert '<option value="title_string asc" selected>' in html


def test_pagination_links_keep_the_filters():
    from flask import Flask
    from werkzeug.datastructures import MultiDict

    from catalog.web import bp
    from catalog.web.search import pagination

    app = Flask(__name__)
    app.register_blueprint(bp)
    with app.test_request_context():
        pages = pagination(MultiDict([("q", "air"), ("tags", "x"), ("page", "3")]), 95)
    assert pages["current"] == 3 and pages["last"] == 5
    assert pages["previous"] == "/dataset?q=air&tags=x&page=2"
    assert pages["next"] == "/dataset?q=air&tags=x&page=4"
    assert [p["number"] for p in pages["pages"]] == [1, 2, 3, 4, 5]


def test_dataset_page_shows_the_satu_data_metadata_table(client, site):
    html = page(client, "/dataset/kasus-dbd-per-kecamatan")
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td></tr>', html))
    assert rows["Produsen Data"] == "Dinas Kesehatan"
    assert rows["Frekuensi"] == "Bulanan"
    assert rows["Cakupan Wilayah"].startswith("Blimbing (kecamatan), Klojen (kecamatan)")
    assert rows["Tahun"] == "2024"
    assert rows["Satuan"] == "kasus"
    assert rows["Lisensi"] == "cc-by-4.0"


def test_dataset_page_lists_resources_with_badge_size_download_and_preview(client, site):
    dengue = site["dengue"]
    html = page(client, "/dataset/kasus-dbd-per-kecamatan")
    csv, pdf = dengue["resources"]
    assert f'href="/dataset/kasus-dbd-per-kecamatan/resource/{csv["id"]}/download"' in html
    assert f'href="/dataset/kasus-dbd-per-kecamatan/resource/{pdf["id"]}/download"' in html
    assert f'href="/dataset/kasus-dbd-per-kecamatan/resource/{csv["id"]}/preview"' in html
    assert f'/resource/{pdf["id"]}/preview' not in html
    assert '<span class="badge">CSV</span>' in html and '<span class="badge">PDF</span>' in html
    assert "4.7 KB" in html


def test_dataset_page_links_dcat_json_and_shows_history(client, app, site):
    catalog = app.extensions["catalog"]
    catalog.patch_dataset("kasus-dbd-per-kecamatan", {"unit": "orang"}, actor="user:walidata")
    html = page(client, "/dataset/kasus-dbd-per-kecamatan")
    assert 'href="/dataset/kasus-dbd-per-kecamatan.ttl"' in html
    assert 'href="/api/3/action/package_show?id=kasus-dbd-per-kecamatan"' in html
    history = re.search(r'<table class="history">.*?</table>', html, re.S).group(0)
    assert re.findall(r"<td>(Dibuat|Diperbarui)</td><td>([^<]+)</td>", history) == [
        ("Diperbarui", "user:walidata"), ("Dibuat", "test")]


def test_dataset_page_shows_harvest_provenance(client, app, site):
    catalog = app.extensions["catalog"]
    with catalog.store.writing() as tx:
        row = tx.dataset_row("jumlah-guru")
        record = {**row.data, "harvest": {"source": "ckan-dispendik", "harvested_at": "2026-11-01T02:30:00Z",
                                          "url": "https://dispendik.malangkota.go.id/dataset/guru"}}
        tx.update_dataset(record, organization_id=row.organization_id, revision=row.revision)
    html = page(client, "/dataset/jumlah-guru")
    assert "Dipanen dari sumber ckan-dispendik milik Dinas Pendidikan pada 2026-11-01 02:30." in html
    assert 'href="https://dispendik.malangkota.go.id/dataset/guru"' in html


def test_markdown_is_rendered_and_html_in_it_is_shown_as_text(client, site):
    html = page(client, "/dataset/data-dengan-skrip")
    description = re.search(r'<div class="description">(.*?)</div>', html, re.S).group(1)
    assert "<strong>tebal</strong>" in description
    assert "&lt;script&gt;alert(" in description and "&lt;img src=x onerror=" in description
    assert "<script" not in description and "<img" not in description


def test_english_is_chosen_by_cookie_with_translated_dataset_text(client, site):
    response = client.get("/language/en?next=/dataset/jumlah-sekolah-dasar")
    assert response.status_code == 303 and response.headers["Location"] == "/dataset/jumlah-sekolah-dasar"
    assert "lang=en" in response.headers["Set-Cookie"]
    html = page(client, "/dataset/jumlah-sekolah-dasar")
    assert '<html lang="en">' in html
    assert "<h1>Primary Schools by District</h1>" in html
    assert "Public and private primary schools in Malang." in html
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td></tr>', html))
    assert rows["Data producer"] == "Education Office" and rows["Update frequency"] == "Annual"


def test_english_falls_back_to_the_default_text_without_a_translation(english, site):
    html = page(english, "/dataset/data-dengan-skrip")
    assert "<h1>Data Puskesmas dari Sumber Luar</h1>" in html and "Additional information" in html


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/language/fr").status_code == 404


def test_withdrawn_and_unknown_datasets_are_404_pages(client, app, site):
    app.extensions["catalog"].withdraw_dataset("jumlah-guru", actor="test")
    for url in ("/dataset/jumlah-guru", "/dataset/tidak-ada", "/organization/tidak-ada", "/tidak/ada"):
        html = page(client, url, status=404)
        assert "Kode kesalahan 404" in html


def test_organizations_list_and_agency_page(client, site):
    html = page(client, "/organization")
    assert re.search(r'Dinas Pendidikan</a></h2>\s*<p class="card-meta">2 dataset</p>', html)
    agency = page(client, "/organization/dispendik")
    assert "<h1>Dinas Pendidikan</h1>" in agency and "2 dataset" in agency
    assert 'href="/dataset/jumlah-guru"' in agency and "kasus-dbd-per-kecamatan" not in agency
    assert 'href="/dataset?organization=dispendik"' in agency


def test_a_failing_page_gives_a_500_page_without_details(sqlite_config):
    from catalog.app import create_app

    app = create_app({**sqlite_config})
    app.extensions["catalog"].init()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Kode kesalahan 500" in html and "secret detail" not in html
    app.extensions["catalog"].close()


PAGES = ["/", "/dataset", "/dataset?q=sekolah&tags=pendidikan", "/dataset/kasus-dbd-per-kecamatan",
         "/dataset/data-dengan-skrip", "/organization", "/organization/dinkes", "/tidak-ada"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_security_headers_and_has_no_inline_code(client, site, url):
    response = client.get(url)
    for name, value in security.HEADERS.items():
        assert response.headers[name] == value
    html = response.get_data(as_text=True)
    assert "<script" not in html.replace('<script type="application/ld+json">', "")
    assert not re.search(r"<[a-z][^>]*\s(style|on[a-z]+)=", html)
    assert re.search(r'<link rel="stylesheet" href="/static/web/catalog.css">', html)


def test_pages_have_a_skip_link_landmarks_and_a_language(client, site):
    html = page(client, "/dataset")
    assert html.index('class="skip-link" href="#content"') < html.index("<header")
    for landmark in ('<main id="content"', "<header", "<footer", 'role="search"', "<nav aria-label="):
        assert landmark in html
    assert '<html lang="id">' in html and '<label for="q">' in html


def test_the_stylesheet_is_served_by_the_app(client):
    with client.get("/static/web/catalog.css") as response:
        assert response.status_code == 200 and b":focus-visible" in response.data


def test_a_dataset_only_in_english_is_found_and_shown(client, app, site):
    app.extensions["catalog"].create_dataset(make_dataset(
        name="air-quality", title="Kualitas Udara", title_translated={"en": "Air Quality"}), actor="test")
    assert "<h1>Kualitas Udara</h1>" in page(client, "/dataset/air-quality")


@pytest.fixture
def search_down(sqlite_config):
    """The app with the site stored and an Elasticsearch backend on a loopback port where nothing listens."""
    from catalog.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app({**sqlite_config, "SEARCH_URL": f"http://127.0.0.1:{port}", "SEARCH_TIMEOUT": 2.0})
    app.extensions["catalog"].store.migrate()
    fill(app.extensions["catalog"])
    yield app
    app.extensions["catalog"].close()


def test_search_engine_down_gives_a_503_search_page_and_a_home_page_that_says_so(search_down, caplog):
    client = search_down.test_client()
    html = page(client, "/dataset?q=sekolah", status=503)
    assert "Pencarian tidak dapat dijalankan: Elasticsearch failed" in html
    home = page(client, "/")
    assert "Pencarian sedang tidak tersedia untuk sementara" in home
    assert "4 dataset dari 2 perangkat daerah" in home
    assert re.search(r'href="/organization/dispendik">Dinas Pendidikan <span class="count">2</span>', home)
    assert "0 dataset" not in home
    assert "home page shown without search: Elasticsearch failed" in caplog.text
    agencies = page(client, "/organization")
    assert re.search(r'Dinas Pendidikan</a></h2>\s*<p class="card-meta">2 dataset</p>', agencies)


def test_pages_work_without_a_search_backend(sqlite_config):
    from catalog.app import create_app

    app = create_app({**sqlite_config, "SEARCH_BACKEND": "null"})
    app.extensions["catalog"].init()
    fill(app.extensions["catalog"])
    client = app.test_client()
    assert "0 dataset ditemukan" in page(client, "/dataset?q=sekolah")
    assert "<h1>Jumlah Sekolah Dasar per Kecamatan</h1>" in page(client, "/dataset/jumlah-sekolah-dasar")
    app.extensions["catalog"].close()


def _search_form(html: str, action: str) -> str:
    forms = re.findall(r'<form action="' + re.escape(action) + r'" method="get" role="search".*?</form>', html, re.S)
    assert len(forms) == 1, f"one search form to {action}"
    return forms[0]


def test_the_dataset_page_has_a_labelled_search_box(client, site):
    form = _search_form(page(client, "/dataset/jumlah-sekolah-dasar"), "/dataset")
    field = re.search(r'<input id="([^"]+)" name="q" type="search"', form)
    assert field and f'<label for="{field.group(1)}">Cari dataset lain</label>' in form
    assert '<button type="submit">Cari</button>' in form


def test_the_organization_list_has_a_search_box_that_filters_by_name(client, site):
    html = page(client, "/organization")
    form = _search_form(html, "/organization")
    assert '<label for="organization-q">Cari organisasi</label>' in form
    assert "Dinas Kesehatan" in html and "Dinas Pendidikan" in html

    found = page(client, "/organization?q=pendid")
    assert 'value="pendid"' in _search_form(found, "/organization")
    assert "Dinas Pendidikan" in found and "Dinas Kesehatan" not in found
    assert "1 organisasi cocok dengan “pendid”." in found
    assert "dispendik" in page(client, "/organization?q=DISPENDIK")  # the name too, in any case
    nothing = page(client, "/organization?q=kebudayaan")
    assert "0 organisasi cocok" in nothing and 'href="/organization/' not in nothing
    client.set_cookie("lang", "en")
    assert "Education Office" in page(client, "/organization?q=education")  # and the English title


def test_the_organization_search_escapes_its_query(client, site):
    html = page(client, "/organization?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_dataset_page_shows_the_publishers_dates_and_the_catalog_times_as_such(client, app, site):
    catalog = app.extensions["catalog"]
    record = catalog.create_dataset(make_dataset(name="dbd-2023", title="Kasus DBD 2023", issued="2023-02-01",
                                                 modified="2024-01-28"), actor="test")
    html = page(client, "/dataset/dbd-2023")
    header = re.search(r'<p class="card-meta">.*?</p>', html, re.S).group(0)
    assert 'Terakhir diperbarui <time datetime="2024-01-28">2024-01-28</time>' in header
    assert record["metadata_modified"][:10] not in header
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', html, re.S))
    assert rows["Tanggal terbit"] == '<time datetime="2023-02-01">2023-02-01</time>'
    assert rows["Terakhir diperbarui"] == '<time datetime="2024-01-28">2024-01-28</time>'
    times = re.search(r'<p class="record-times">(.*?)</p>', html, re.S).group(1)
    assert record["metadata_modified"][:16].replace("T", " ") in times and "waktu katalog" in times

    undated = make_dataset(name="pasar", title="Daftar Pasar")
    undated.pop("modified")
    catalog.create_dataset(undated, actor="test")
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', page(client, "/dataset/pasar"), re.S))
    assert rows["Terakhir diperbarui"] == "tidak dinyatakan produsen data"


def test_recently_updated_uses_the_publishers_date_and_says_so(client, app, site):
    catalog = app.extensions["catalog"]
    catalog.create_dataset(make_dataset(name="dbd-2023", title="Kasus DBD 2023", modified="2024-01-28"),
                           actor="test")  # recorded last, changed by its publisher long ago
    html = page(client, "/dataset")
    assert '<option value="modified desc" selected>Terakhir diperbarui oleh produsen data</option>' in html
    assert "dataset tanpa tanggal itu memakai waktu katalog terakhir mengubah catatannya" in html
    order = re.findall(r'<h3 class="card-title"><a href="/dataset/([^"]+)"', html)
    assert order.index("dbd-2023") > order.index("jumlah-sekolah-dasar")  # 2024-12-31 by its publisher
    assert 'Diperbarui produsen data: <time datetime="2024-01-28">2024-01-28</time>' in html
    by_record = page(client, "/dataset?sort=metadata_modified+desc")
    assert '<option value="metadata_modified desc" selected>Terakhir berubah di katalog</option>' in by_record
