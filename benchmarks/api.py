"""Requests per second of package_show and package_search under gunicorn (2 workers), against the web layer's ceiling.

``python -m benchmarks.api [--seconds 2] [--rounds 3] [--datasets 200]`` builds a temporary instance, serves it with
gunicorn on 127.0.0.1 together with a trivial Flask JSON endpoint (the ceiling), drives each
endpoint with a Python load generator (processes x threads, one connection per request, as
gunicorn's sync workers close connections), and writes the figures to docs/performance.md.
"""

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import table, write_section

CLIENT_PROCESSES, CLIENT_THREADS = 2, 4


def bench_app():
    """The catalog's app plus a trivial JSON endpoint, for gunicorn (``benchmarks.api:bench_app()``)."""
    from flask import jsonify

    from catalog.app import create_app

    app = create_app()

    @app.get("/bench/ping")
    def ping():
        return jsonify({"help": "", "success": True, "result": "pong"})

    return app


def _fill(home: str, count: int) -> bool:
    """An instance with one organization and ``count`` datasets; True when package_search has a backend."""
    from catalog import config as settings
    from catalog.search import BACKENDS
    from catalog.service import Catalog
    from tests.builders import make_dataset, make_organization

    overrides = {"HOME": home, "SEARCH_BACKEND": "embedded" if "embedded" in BACKENDS else "null"}
    catalog = Catalog.open(settings.load(overrides, environ={}))
    catalog.init()
    catalog.create_organization(make_organization(), actor="benchmark")
    for n in range(count):
        catalog.create_dataset(make_dataset(name=f"dataset-{n:04d}"), actor="benchmark")
    catalog.close()
    return overrides["SEARCH_BACKEND"] != "null"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _client(args) -> tuple[int, int]:
    port, path, seconds = args
    from concurrent.futures import ThreadPoolExecutor

    def loop(_):
        done = errors = 0
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            done, errors = done + 1, errors + (response.status != 200)
        return done, errors

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        results = list(pool.map(loop, range(CLIENT_THREADS)))
    return sum(r[0] for r in results), sum(r[1] for r in results)


def measure(port: int, path: str, seconds: float) -> tuple[float, int]:
    """Requests per second on ``path`` over ``seconds``, and how many answers were not 200."""
    _client((port, path, 0.5))  # warm up
    started = time.monotonic()
    with multiprocessing.Pool(CLIENT_PROCESSES) as pool:
        results = pool.map(_client, [(port, path, seconds)] * CLIENT_PROCESSES)
    elapsed = time.monotonic() - started
    return sum(r[0] for r in results) / elapsed, sum(r[1] for r in results)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="Load time per endpoint and round.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds; endpoints alternate within each round.")
    parser.add_argument("--datasets", type=int, default=200, help="Datasets in the instance.")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        searchable = _fill(home, options.datasets)
        port = _free_port()
        env = {**os.environ, "CATALOG_HOME": home,
               "CATALOG_SEARCH_BACKEND": "embedded" if searchable else "null",
               # capacity, not abuse, is measured: the load comes from one address
               "CATALOG_RATE_LIMIT_SEARCH": "", "CATALOG_RATE_LIMIT_WRITE": ""}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "benchmarks.api:bench_app()"], env=env, cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            _wait(port, "/bench/ping")
            endpoints = [("trivial Flask JSON endpoint (ceiling)", "/bench/ping"),
                         ("package_show", f"/api/3/action/package_show?id=dataset-{options.datasets // 2:04d}")]
            if searchable:
                endpoints.append(("package_search (q, rows=10)", "/api/3/action/package_search?q=demam&rows=10"))
            rates = {path: [] for _, path in endpoints}
            errors = dict.fromkeys(rates, 0)
            for _ in range(options.rounds):  # alternate, so that load from other work hits every endpoint alike
                for _, path in endpoints:
                    rate, failed = measure(port, path, options.seconds)
                    rates[path].append(rate)
                    errors[path] += failed
            rows, ceiling = [], statistics.median(rates[endpoints[0][1]])
            for label, path in endpoints:
                rate = statistics.median(rates[path])
                rows.append([label, f"{rate:.0f}", f"{rate / ceiling:.0%}", errors[path]])
                print(f"{label}: {rate:.0f} req/s ({rate / ceiling:.0%} of ceiling, {errors[path]} errors)")
        finally:
            server.terminate()
            server.wait(timeout=30)
    body = (
        f"gunicorn, 2 sync workers, on 127.0.0.1; load from {CLIENT_PROCESSES} processes x {CLIENT_THREADS} threads "
        f"(Python, one connection per request); endpoints alternate in {options.rounds} rounds of "
        f"{options.seconds:.0f} s and the median round counts; SQLite instance with "
        f"{options.datasets} datasets. Server and load generator share the machine's cores with other work, so "
        "the ratios matter more than the absolute figures. Target: package_show at >= 50% of the ceiling.\n\n"
        + table(["endpoint", "requests/s", "of ceiling", "non-200"], rows)
    )
    if not searchable:
        body += "\n\npackage_search was not measured: no search backend was installed in this build."
    write_section("api", "Action API throughput (`python -m benchmarks.api`)", body)


if __name__ == "__main__":
    main()
