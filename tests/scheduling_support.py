"""Helpers for the scheduler's tests: a loopback data.json server, sources, and a clock moved by hand."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from catalog.store import new_id

DATA = Path(__file__).parent / "data" / "scheduler"


class ManualClock:
    """A clock that only moves when the test says so."""

    def __init__(self, start: dt.datetime):
        self.moment = start

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += dt.timedelta(**delta)


class LoopbackServer:
    """Serves ``tests/data/scheduler/*.json`` on 127.0.0.1; ``delay`` slows every reply; ``broken`` paths give 500."""

    def __init__(self):
        self.delay = 0.0
        self.broken: set[str] = set()
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                time.sleep(server.delay)
                path = DATA / self.path.lstrip("/")
                if self.path in server.broken or not path.is_file():
                    self.send_response(500 if self.path in server.broken else 404)
                    self.end_headers()
                    return
                body = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{path.lstrip('/')}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


TEST_SETTINGS = {"SCHEDULER_JITTER": 0.0, "SCHEDULER_TIMEZONE": "UTC", "HARVEST_RETRIES": 0,
                 "ALERT_FAILURE_STREAK": 2, "ALERT_WEBHOOK_URL": ""}
TEST_ENV = {"CATALOG_SCHEDULER_JITTER": "0", "CATALOG_SCHEDULER_TIMEZONE": "UTC", "CATALOG_HARVEST_RETRIES": "0"}


def add_source(catalog, org: dict, name: str, url: str, schedule: str | None) -> dict:
    """Register a data.json harvest source of ``org`` through the catalog."""
    data = {"name": name, "type": "datajson", "url": url, "organization": org["name"]}
    if schedule:
        data["schedule"] = schedule
    return catalog.add_source(data, actor="test")


def insert_source_row(catalog, org: dict, name: str, url: str) -> dict:
    """Store a MANUAL source row as is, bypassing validation (for names no form would accept)."""
    record = {"id": new_id(), "name": name, "type": "datajson", "url": url, "organization": org["name"],
              "state": "active"}
    with catalog.store.writing() as tx:
        tx.insert_source(record, organization_id=org["id"])
    return record


ROOT = Path(__file__).parent.parent


class Processes:
    """``catalog`` subprocesses in their own sessions, logging to files; all killed at the end."""

    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path = tmp_path
        self.env = env
        self.running: list = []

    def start(self, label: str, *args: str, **extra_env):
        import os
        import subprocess
        import sys

        with open(self.tmp_path / f"{label}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", "from catalog.cli import main; main()", *args],
                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **self.env, **extra_env},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        process.log_path = self.tmp_path / f"{label}.log"
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        import os
        import signal

        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def wait_for(predicate, timeout: float = 30.0, every: float = 0.2):
    """Poll ``predicate`` until it returns something true; fail with the last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {predicate.__name__}: {value!r}")
        time.sleep(every)
