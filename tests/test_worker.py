"""Scale-out through the real Redis: two `catalog worker` processes share the scheduler's jobs, and
a worker killed with SIGKILL mid-job leaves an expired job and a source that runs again."""

import os
import signal

import pytest
from sqlalchemy import select

from catalog.tables import harvest_sources
from tests.scheduling_support import add_source, jobs_of, start_instance, stop_instance, wait_for



@pytest.fixture
def queue(redis_url):
    """The test Redis URL with this suite's queue emptied before and after."""
    from redis import Redis
    from rq import Queue

    from catalog.scheduler.dispatch import QUEUE_NAME

    with Redis.from_url(redis_url) as connection:
        Queue(QUEUE_NAME, connection=connection).empty()
        yield redis_url
        Queue(QUEUE_NAME, connection=connection).empty()


@pytest.fixture
def instance(tmp_path, queue):
    catalog, org, server, processes = start_instance(tmp_path, CATALOG_QUEUE_URL=queue, CATALOG_HARVEST_LEASE_SECONDS="2")
    yield catalog, org, server, processes
    stop_instance(catalog, server, processes)


def _finished(catalog, source_id):
    return [j for j in jobs_of(catalog, source_id) if j["status"] == "finished"]


def test_two_workers_share_the_jobs_the_scheduler_enqueues(instance):
    catalog, org, server, processes = instance
    server.delay = 0.5
    sources = [add_source(catalog, org, name, server.url(f"{name}.json"), "* * * * * */2") for name in ("dinkes", "dishub")]
    workers = [processes.start(f"worker-{n}", "worker", "--name", f"test-worker-{n}-{os.getpid()}") for n in (1, 2)]
    scheduler = processes.start("scheduler", "scheduler")

    wait_for(lambda: all(len(_finished(catalog, s["id"])) >= 3 for s in sources), timeout=60)
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(30) == 0
    assert "event=scheduler.started queue=redis" in scheduler.log_path.read_text()
    assert "event=job.enqueued source=dinkes" in scheduler.log_path.read_text()
    for worker in workers:
        assert "event=job.end source=" in worker.log_path.read_text(), f"{worker.log_path.name} ran no job"
    for source in sources:
        spans = sorted((j["started"], j["finished"]) for j in _finished(catalog, source["id"]))
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "one source ran twice at once"


def test_a_worker_killed_mid_job_leaves_an_expired_job_and_the_source_runs_again(instance):
    catalog, org, server, processes = instance
    source = add_source(catalog, org, "dinkes", server.url("dinkes.json"), "MANUAL")
    server.delay = 60
    first = processes.start("worker-1", "worker", "--name", f"test-worker-a-{os.getpid()}")
    scheduler = processes.start("scheduler", "scheduler")
    processes.start("run-now", "scheduler", "run-now", "dinkes").wait(30)
    wait_for(lambda: [j for j in jobs_of(catalog, source["id"]) if j["status"] == "running"], timeout=30)
    with catalog.store.reading() as tx:
        owner = tx.conn.execute(select(harvest_sources.c.lease_owner).where(harvest_sources.c.id == source["id"])).scalar()
    assert owner is not None

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    wait_for(lambda: [j for j in jobs_of(catalog, source["id"]) if j["status"] == "expired"], timeout=30)
    assert "event=job.expired source=dinkes" in scheduler.log_path.read_text()

    server.delay = 0
    processes.start("worker-2", "worker", "--name", f"test-worker-b-{os.getpid()}")
    processes.start("run-now-2", "scheduler", "run-now", "dinkes").wait(30)
    wait_for(lambda: _finished(catalog, source["id"]), timeout=30)
    assert [j["status"] for j in jobs_of(catalog, source["id"])] == ["finished", "expired"]
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(30) == 0
