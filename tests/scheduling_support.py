"""Helpers for the scheduler's tests: a loopback data.json server, sources, and a clock moved by hand."""

import datetime as dt
import time
from pathlib import Path

from werkzeug.wrappers import Response

from catalog import config as settings
from catalog.service import Catalog
from catalog.store import new_id
from tests.builders import make_organization
from tests.http_server import LoopbackServer as HttpServer

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
    """The data.json documents of ``tests/data/scheduler`` on a loopback server.

    ``delay`` slows every reply; paths in ``broken`` answer 500; ``hits`` counts requests per path.
    """

    def __init__(self):
        self.delay = 0.0
        self.broken: set[str] = set()
        self.server = HttpServer()
        for path in sorted(DATA.glob("*.json")):
            self.server.route(f"/{path.name}", lambda request, path=path: self._answer(request, path))

    def _answer(self, request, path: Path) -> Response:
        time.sleep(self.delay)
        if request.path in self.broken:
            return Response(b"", status=500)
        return Response(path.read_bytes(), content_type="application/json")

    @property
    def hits(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for path, _ in self.server.hits:
            counted[path] = counted.get(path, 0) + 1
        return counted

    def url(self, path: str) -> str:
        return self.server.url(f"/{path.lstrip('/')}")

    def close(self) -> None:
        self.server.stop()


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


def start_instance(tmp_path: Path, **env: str):
    """An initialised SQLite instance with the Dinas Kesehatan organization, the document server and
    a ``Processes`` whose ``catalog`` commands use that instance; returns all four."""
    home = tmp_path / "instance"
    catalog = Catalog.open(settings.load({"HOME": str(home)}, environ={}))
    catalog.init()
    org = catalog.create_organization(make_organization(), actor="test")
    processes = Processes(tmp_path, {"CATALOG_HOME": str(home), "CATALOG_SCHEDULER_TICK": "0.3", **TEST_ENV, **env})
    return catalog, org, LoopbackServer(), processes


def stop_instance(catalog, server, processes) -> None:
    processes.stop_all()
    server.close()
    catalog.close()


def jobs_of(catalog, source_id: str) -> list[dict]:
    """The source's jobs, newest first."""
    with catalog.store.reading() as tx:
        return tx.recent_jobs(source_id)


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
