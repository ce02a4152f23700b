"""Web benchmark: server time of the search page with its facet sidebar at 100,000 datasets.

Run ``python -m benchmarks.web [--size N] [--requests N]``. The page is requested through the WSGI
app in this process (server time: routing, search, store reads and rendering, no network), and the
same searches are timed on ``Catalog.search_datasets`` alone as the baseline of the same run.
Figures go to docs/performance.md (section "web"); the target is p95 <= 100 ms.
"""

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from rich.progress import Progress
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from benchmarks.report import table, write_section
from catalog import config as settings
from catalog.store import isoformat, new_id, now
from catalog.tables import datasets

TARGET_MS = 100
AGENCIES = {
    "dinkes": ("Dinas Kesehatan", ["Kasus Demam Berdarah", "Kunjungan Puskesmas", "Imunisasi Balita"], "HEAL"),
    "dispendik": ("Dinas Pendidikan", ["Jumlah Sekolah Dasar", "Guru Bersertifikat", "Angka Putus Sekolah"], "EDUC"),
    "dishub": ("Dinas Perhubungan", ["Trayek Angkutan Kota", "Titik Parkir", "Volume Lalu Lintas"], "TRAN"),
    "dlh": ("Dinas Lingkungan Hidup", ["Volume Sampah Harian", "Ruang Terbuka Hijau", "Kualitas Air Sungai"], "ENVI"),
    "dinsos": ("Dinas Sosial", ["Penerima Bantuan Sosial", "Penduduk Miskin", "Panti Sosial"], "SOCI"),
    "bkad": ("Badan Keuangan dan Aset Daerah", ["Realisasi Anggaran", "Pendapatan Asli Daerah"], "ECON"),
}
ASPECTS = ["per Kecamatan", "per Kelurahan", "per Bulan", "menurut Jenis Kelamin", "Tahunan"]
REGIONS = ["35.73.01", "35.73.02", "35.73.03", "35.73.04", "35.73.05"]
FORMATS = ["CSV", "XLSX", "JSON", "PDF"]
PAGES = [
    {"q": "sekolah"}, {"q": "demam berdarah"}, {"q": "sampah kecamatan"}, {},
    {"q": "anggaran", "organization": "bkad"}, {"tags": "kesehatan", "res_format": "CSV"},
    {"q": "penduduk miskin", "region": "35.73.02", "page": "3"}, {"theme": "TRAN", "sort": "metadata_modified desc"},
]


def generate(size: int, seed: int = 11):
    """``size`` dataset records in their stored form, spread over the agencies, years and regions."""
    rng = random.Random(seed)
    stamp = isoformat(now())
    for n in range(size):
        org = rng.choice(list(AGENCIES))
        _, subjects, theme = AGENCIES[org]
        year = rng.randint(2015, 2025)
        title = f"{rng.choice(subjects)} {rng.choice(ASPECTS)} Kota Malang {year}"
        yield {
            "id": new_id(), "name": f"dataset-{n}", "title": title, "owner_org": org, "state": "active",
            "notes": f"{title}. Data {AGENCIES[org][0]} untuk warga, peneliti dan perencana kota.",
            "license_id": rng.choice(["cc-by-4.0", "cc0-1.0", "odc-odbl"]), "theme": [theme],
            "frequency": rng.choice(["ANNUAL", "MONTHLY", "QUARTERLY"]), "spatial": rng.sample(REGIONS, 2),
            "tags": [{"name": theme.lower()}, {"name": f"tahun-{year}"}, {"name": rng.choice(["kesehatan", "kota"])}],
            "resources": [{"id": new_id(), "name": f"{title} ({f})", "url": f"https://data.malangkota.go.id/{n}.{f}",
                           "format": f} for f in rng.sample(FORMATS, 2)],
            "metadata_created": stamp, "metadata_modified": f"{year}-{rng.randint(1, 12):02d}-15T08:00:00",
        }


def build(home: Path, size: int):
    """A catalog in ``home`` with ``size`` datasets written in bulk and indexed; returns the app."""
    from catalog.app import create_app

    config = settings.load({"HOME": str(home), "SEARCH_BACKEND": "embedded", "RATE_LIMIT_SEARCH": ""}, environ={})
    app = create_app(config)  # the load comes from one address: rate limits off
    catalog = app.extensions["catalog"]
    catalog.init()
    stamp = now()
    with Progress() as progress, catalog.store.writing() as tx:
        org_ids = {}
        for name, (title, _, _) in AGENCIES.items():
            org_ids[name] = new_id()
            tx.insert_organization({"id": org_ids[name], "name": name, "title": title, "state": "active"})
        task = progress.add_task("writing datasets", total=size)
        batch = []
        for record in generate(size):
            batch.append({"id": record["id"], "name": record["name"], "organization_id": org_ids[record["owner_org"]],
                          "state": "active", "private": False, "revision": 1, "data": record, "created": stamp,
                          "modified": stamp})
            if len(batch) == 5000:
                tx.conn.execute(insert(datasets), batch)
                progress.advance(task, len(batch))
                batch = []
        if batch:
            tx.conn.execute(insert(datasets), batch)
            progress.advance(task, len(batch))
    with Progress() as progress:
        task = progress.add_task("indexing", total=size)
        catalog.rebuild_index(progress=lambda n: progress.advance(task, n))
    return app


def timings(call, items, repeat: int) -> list[float]:
    """Milliseconds of ``call(item)`` for every item, ``repeat`` times over."""
    found = []
    for _ in range(repeat):
        for item in items:
            started = time.perf_counter()
            call(item)
            found.append((time.perf_counter() - started) * 1000)
    return sorted(found)


def p95(values: list[float]) -> float:
    return values[max(0, int(len(values) * 0.95) - 1)]


def run(size: int, requests: int) -> str:
    """Build in a temporary instance, measure and describe; returns the Markdown body."""
    home = Path(tempfile.mkdtemp(prefix="web-bench-"))
    try:
        return measure(build(home, size), size, requests)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure(app, size: int, requests: int) -> str:
    """Time the search page and the bare search on ``app``; returns the Markdown body."""
    from catalog.web.search import ckan_params

    client = app.test_client()
    catalog = app.extensions["catalog"]
    urls = [f"/dataset?{urlencode(page)}" for page in PAGES]
    for url in urls:  # warm caches and the index reader once
        assert client.get(url).status_code == 200, url
    repeat = max(1, requests // len(urls))

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    page_ms = timings(get, urls, repeat)
    with app.test_request_context():
        params = [ckan_params(MultiDict(page)) for page in PAGES]
    search_ms = timings(catalog.search_datasets, params, repeat)
    catalog.close()
    page_p95, search_p95 = p95(page_ms), p95(search_ms)
    rows = [
        ["search page /dataset (8 facets, 20 results)", f"{statistics.median(page_ms):.1f}", f"{page_p95:.1f}"],
        ["Catalog.search_datasets, same parameters (baseline)", f"{statistics.median(search_ms):.1f}",
         f"{search_p95:.1f}"],
    ]
    verdict = "meets" if page_p95 <= TARGET_MS else "misses"
    return (
        f"{size:,} generated datasets in SQLite with the embedded (tantivy) index; {len(page_ms)} page requests "
        f"over {len(PAGES)} kinds of search (words, filters, paging, sort), each page asking for 8 facets.\n\n"
        + table(["what", "p50 ms", "p95 ms"], rows)
        + f"\n\nThe page's p95 is {page_p95 / search_p95:.2f}× the search alone (rendering, labels, "
        f"highlighting); it {verdict} the {TARGET_MS} ms target.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="datasets to generate (default 100,000)")
    parser.add_argument("--requests", type=int, default=200, help="page requests to time (default 200)")
    args = parser.parse_args()
    body = run(args.size, args.requests)
    write_section("web", "Web: search page with facets", body)
    print(body)


if __name__ == "__main__":
    main()
