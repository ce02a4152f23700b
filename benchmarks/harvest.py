"""Harvest benchmark: a CKAN source of 100,000 datasets on loopback.

    python -m benchmarks.harvest [--datasets N] [--rows R] [--no-write]

Measures, in one run: the floor (downloading and JSON-parsing every page, nothing else), the first
harvest (datasets/s, peak RSS of the harvesting process), and an unchanged re-harvest (datasets/s).
The CKAN site runs in a separate process that builds each page on request, so the harvester's
memory is measured alone. Figures go to docs/performance.md next to the issue's targets.
"""

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.report import table, write_section

BATCH = 500

KECAMATAN = [("35.73.01", "Blimbing"), ("35.73.02", "Klojen"), ("35.73.03", "Kedungkandang"),
             ("35.73.04", "Sukun"), ("35.73.05", "Lowokwaru")]


def package(n: int) -> dict:
    """Dataset number ``n`` of the synthetic source, in CKAN 2.10's package shape."""
    code, kecamatan = KECAMATAN[n % 5]
    name = f"data-{n:06d}-kecamatan-{kecamatan.lower()}"
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}", "name": name, "type": "dataset", "state": "active",
        "title": f"Jumlah Penduduk Kecamatan {kecamatan} Tahun {2000 + n % 25} (seri {n})",
        "notes": f"Jumlah penduduk menurut jenis kelamin di Kecamatan {kecamatan}, Kota Malang. Seri {n}.",
        "license_id": "cc-by-4.0", "maintainer": "Seksi Data", "maintainer_email": "data@malangkota.go.id",
        "metadata_created": "2023-01-05T03:00:00.000000", "metadata_modified": "2023-06-01T00:00:00.000000",
        "organization": {"name": "diskominfo", "title": "Dinas Komunikasi dan Informatika Kota Malang"},
        "tags": [{"name": "kependudukan"}, {"name": kecamatan.lower()}], "groups": [],
        "extras": [{"key": "spatial", "value": code}, {"key": "frequency", "value": "ANNUAL"},
                   {"key": "unit", "value": "jiwa"}],
        "resources": [{"id": f"r-{n}-{f}", "url": f"https://data.malangkota.go.id/files/{name}.{f.lower()}",
                       "format": f, "name": f"Data {f}"} for f in ("CSV", "XLSX", "PDF")],
    }


def serve(port_queue, count: int) -> None:
    """The CKAN site: package_search pages made on request, with fl for incremental listings."""
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    from catalog.demo import QuietHandler

    def app(environ, start_response):
        args = Request(environ).args
        start, rows = int(args.get("start", 0)), int(args.get("rows", 10))
        page = [package(n) for n in range(start, min(start + rows, count))]
        if args.get("fq"):
            page = []  # nothing changed since the last run
        if args.get("fl"):
            fields = args["fl"].split(",")
            page = [{f: p[f] for f in fields} for p in page]
        total = 0 if args.get("fq") else count
        body = json.dumps({"success": True, "result": {"count": total, "results": page}}).encode()
        return Response(body, content_type="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    port_queue.put(server.server_port)
    server.serve_forever()


def floor(url: str, rows: int, count: int, config: dict) -> float:
    """Seconds to download and JSON-parse every page, and nothing else."""
    from harvesters.http import HarvestClient

    started = time.perf_counter()
    with HarvestClient.from_config(config, url) as client:
        for start in range(0, count, rows):
            response = client.get(f"{url}api/3/action/package_search",
                                  params={"q": "*:*", "sort": "id asc", "rows": rows, "start": start})
            assert len(response.json()["result"]["results"]) > 0
    return time.perf_counter() - started


def harvest(catalog, name: str) -> tuple[float, dict]:
    from catalog.harvest import run_harvest

    started = time.perf_counter()
    report = run_harvest(catalog, name)
    assert report.status == "finished", report.message
    return time.perf_counter() - started, report.counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000, help="Size of the source (default 100,000).")
    parser.add_argument("--rows", type=int, default=1000, help="Page size of package_search.")
    parser.add_argument("--no-write", action="store_true", help="Print the figures without writing docs/performance.md.")
    args = parser.parse_args()

    from catalog import config as settings
    from catalog.service import Catalog

    ports = multiprocessing.Queue()
    site = multiprocessing.Process(target=serve, args=(ports, args.datasets), daemon=True)
    site.start()
    home = Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    load_before = os.getloadavg()[0]
    try:
        url = f"http://127.0.0.1:{ports.get(timeout=30)}/"
        config = settings.load({"HOME": str(home), "HARVEST_BATCH_SIZE": BATCH}, environ={})
        floor_seconds = floor(url, args.rows, args.datasets, config)
        catalog = Catalog.open(config)
        catalog.init()
        catalog.create_organization({"name": "diskominfo", "title": "Diskominfo Kota Malang"}, actor="bench")
        catalog.add_source({"name": "bench", "type": "ckan", "url": url, "organization": "diskominfo",
                            "config": {"rows": args.rows}}, actor="bench")
        first_seconds, counts = harvest(catalog, "bench")
        assert counts["added"] == args.datasets, counts
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        again_seconds, counts = harvest(catalog, "bench")
        assert counts["unchanged"] == args.datasets, counts
        catalog.close()
    finally:
        site.terminate()
        site.join()
        shutil.rmtree(home, ignore_errors=True)
    report(args, floor_seconds, first_seconds, again_seconds, peak_mb, (load_before, os.getloadavg()[0]))


def report(args, floor_seconds, first_seconds, again_seconds, peak_mb, load) -> None:
    n = args.datasets
    ratio = first_seconds / floor_seconds
    rows = [
        ["floor: download + JSON-parse every page", f"{n / floor_seconds:,.0f} datasets/s", "baseline", ""],
        ["first harvest", f"{n / first_seconds:,.0f} datasets/s", "≥ 1,000 datasets/s",
         "met" if n / first_seconds >= 1000 else "short"],
        ["first harvest against the floor", f"{ratio:.1f}× the floor's time", "≤ 3×", "met" if ratio <= 3 else "short"],
        ["peak RSS of the harvesting process", f"{peak_mb:,.0f} MB", "< 400 MB", "met" if peak_mb < 400 else "short"],
        ["unchanged re-harvest", f"{n / again_seconds:,.0f} datasets/s", "≥ 5,000 datasets/s",
         "met" if n / again_seconds >= 5000 else "short"],
    ]
    short = [row[0] for row in rows if row[3] == "short"]
    body = (
        f"A CKAN source of {n:,} datasets (3 resources each) on loopback, pages of {args.rows}, batches of "
        f"{BATCH} datasets per transaction; SQLite store; the embedded search index is filled at the end of "
        f"each run, inside the timed harvest. The machine's 2 cores were shared with other work (load average "
        f"{load[0]:.2f} before the run, {load[1]:.2f} after), so absolute figures vary; the ratio to the floor "
        f"is measured in the same run.\n\n"
        + table(["measure", "figure", "target", ""], rows)
        + f"\n\nStill short: {', '.join(short) if short else 'nothing'}. "
        "Each batch is written with a few multi-row statements (existing rows, taken names and revision "
        "numbers read with one query each; datasets, revisions, resources and outbox entries inserted with "
        "one statement each). A profile of the first harvest now splits its time roughly into: validating "
        "each record (compiled schema check) a quarter, the store's statements and commits a quarter, "
        "indexing a fifth, mapping CKAN packages and JSON encoding the rest. Reaching three times the floor "
        "would need the per-record Python work (validation, mapping, two JSON encodings of each record) cut "
        "by about half again. The unchanged re-harvest lists only ids and modification times (CKAN's `fl`) "
        "and skips unchanged records without fetching or mapping them.\n\n"
        "Run: `python -m benchmarks.harvest` (full size) or `python -m benchmarks.harvest --datasets 5000` (quick)."
    )
    print(body)
    if not args.no_write:
        write_section("harvest", "Harvest: CKAN source", body)


if __name__ == "__main__":
    main()
