"""A harvest killed with SIGKILL at several points, then run again, leaves the catalog a clean run leaves."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from catalog import config as settings
from catalog.service import Catalog
from tests import ckan_site
from tests.builders import make_organization
from tests.contracts.harvester import make_spec

COUNT = 60
VOLATILE = ("id", "uri", "metadata_created", "metadata_modified", "harvest", "resources")


def slow_site(server, base="/ckan/"):
    """The CKAN site, with each page taking a moment so a kill lands in the middle of the import."""
    ckan_site.serve(server, [ckan_site.package(make_spec(n)) for n in range(COUNT)], base=base)
    search = server.routes[f"{base}api/3/action/package_search"]

    def slowly(request):
        time.sleep(0.15)
        return search(request)

    server.route(f"{base}api/3/action/package_search", slowly)
    return server.url(base)


def instance(tmp_path, name, url):
    home = tmp_path / name
    config = settings.load({"HOME": str(home)}, environ={})
    catalog = Catalog.open(config)
    catalog.init()
    catalog.create_organization(make_organization(), actor="test")
    catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": url, "organization": "dinkes",
                        "config": {"rows": 5}}, actor="test")
    catalog.close()
    return home


def harvest(home) -> subprocess.Popen:
    env = {**os.environ, "CATALOG_HOME": str(home), "CATALOG_HARVEST_BATCH_SIZE": "4"}
    command = str(Path(sys.executable).parent / "catalog")
    return subprocess.Popen([command, "harvest", "run", "ckan-dinkes"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def count(home) -> int:
    engine = create_engine(f"sqlite:///{home / 'catalog.db'}")
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM datasets")).scalar()
    finally:
        engine.dispose()


def snapshot(home) -> dict:
    """Every dataset's content, revisions consistent with it, and no job left running."""
    catalog = Catalog.open(settings.load({"HOME": str(home)}, environ={}))
    try:
        with catalog.store.reading() as tx:
            records = list(tx.iter_datasets(states=("active", "withdrawn")))
            jobs = tx.list_jobs()
            rows = tx.conn.execute(text("SELECT d.name, d.revision, max(r.revision) FROM datasets d JOIN revisions r "
                                        "ON r.entity_id = d.id GROUP BY d.name, d.revision")).all()
        assert all(current == latest for _, current, latest in rows), "a dataset is out of step with its revisions"
        assert jobs[0]["status"] == "finished" and "running" not in {j["status"] for j in jobs}
        return {r["name"]: ({k: v for k, v in r.items() if k not in VOLATILE},
                            [res["url"] for res in r.get("resources", [])]) for r in records}
    finally:
        catalog.close()


@pytest.mark.parametrize("kill_after", [0, 9, 33])
def test_a_killed_harvest_completes_on_the_next_run(tmp_path, http_server, kill_after):
    url = slow_site(http_server)
    clean, killed = instance(tmp_path, "clean", url), instance(tmp_path, "killed", url)
    assert harvest(clean).wait(60) == 0
    process = harvest(killed)
    deadline = time.monotonic() + 30
    while count(killed) < kill_after and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if kill_after == 0:
        time.sleep(0.4)  # inside the first page fetch
    assert process.poll() is None, "the harvest ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert count(killed) < COUNT
    assert harvest(killed).wait(60) == 0
    assert snapshot(killed) == snapshot(clean)
    assert len(snapshot(killed)) == COUNT
