"""The scheduler against a real store and loopback sources, with a clock moved by hand (no sleeping)."""

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import insert, select, update
from werkzeug.wrappers import Response

from catalog.scheduler.core import Scheduler
from catalog.scheduler.dispatch import Inline, InProcess
from catalog.scheduler.health import check_alerts, source_health
from catalog.store import new_id, now
from catalog.tables import harvest_jobs, harvest_schedules, harvest_sources
from tests.http_server import LoopbackServer as HttpServer
from tests.scheduling_support import TEST_SETTINGS, LoopbackServer, ManualClock, add_source, jobs_of


@pytest.fixture
def server():
    server = LoopbackServer()
    yield server
    server.close()


@pytest.fixture
def sched_catalog(catalog):
    catalog.config.update(TEST_SETTINGS)
    return catalog


@pytest.fixture
def clock():
    start = now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(minutes=10)
    return ManualClock(start)


def _state(catalog, source_id):
    with catalog.store.reading() as tx:
        return tx.conn.execute(select(harvest_schedules).where(harvest_schedules.c.source_id == source_id)).first()


def test_new_source_is_planned_and_runs_once_when_due(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    scheduler = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    assert scheduler.tick() == []
    planned = _state(sched_catalog, source["id"]).next_run
    assert planned == clock.moment.replace(minute=0) + dt.timedelta(hours=1)

    clock.moment = planned
    assert scheduler.tick() == ["dinkes"]
    jobs = jobs_of(sched_catalog, source["id"])
    assert [j["status"] for j in jobs] == ["finished"]
    assert jobs[0]["counts"] == {"added": 2, "updated": 0, "unchanged": 0, "withdrawn": 0, "failed": 1, "warned": 2}
    assert _state(sched_catalog, source["id"]).next_run == planned + dt.timedelta(hours=1)
    assert scheduler.tick() == []


def test_runs_missed_during_downtime_happen_once_not_as_a_burst(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    Scheduler(sched_catalog, Inline(sched_catalog), clock).tick()
    clock.advance(days=3, minutes=7)  # 72 slots missed while nothing ran
    restarted = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    assert restarted.tick() == ["dinkes"]
    assert restarted.tick() == []
    assert len(jobs_of(sched_catalog, source["id"])) == 1
    assert server.hits["/dinkes.json"] == 1
    assert _state(sched_catalog, source["id"]).next_run > clock.moment


def test_state_survives_a_restart_and_a_changed_schedule_is_replanned(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "DAILY")
    Scheduler(sched_catalog, Inline(sched_catalog), clock).plan()
    first = _state(sched_catalog, source["id"]).next_run
    clock.advance(hours=1)
    Scheduler(sched_catalog, Inline(sched_catalog), clock).plan()
    assert _state(sched_catalog, source["id"]).next_run == first

    with sched_catalog.store.writing() as tx:
        tx.conn.execute(update(harvest_sources).where(harvest_sources.c.id == source["id"]).values(schedule="*/15 * * * *"))
    Scheduler(sched_catalog, Inline(sched_catalog), clock).plan()
    replanned = _state(sched_catalog, source["id"])
    assert replanned.schedule == "*/15 * * * *" and replanned.next_run == clock.moment + dt.timedelta(minutes=5)


def test_a_source_whose_lease_is_held_is_skipped_not_run_twice(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    scheduler = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    scheduler.plan()
    with sched_catalog.store.writing() as tx:
        tx.conn.execute(update(harvest_sources).where(harvest_sources.c.id == source["id"])
                        .values(lease_owner="other-host:1", lease_expires=now() + dt.timedelta(minutes=5)))
    clock.advance(hours=1)
    assert scheduler.tick() == []
    assert jobs_of(sched_catalog, source["id"]) == []
    assert "/dinkes.json" not in server.hits
    assert _state(sched_catalog, source["id"]).next_run > clock.moment


def test_a_job_whose_lease_lapsed_is_expired_and_the_source_runs_at_its_next_slot(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    dead = {"id": new_id(), "source_id": source["id"], "status": "running", "dry_run": False, "counts": {},
            "created": now(), "started": now()}
    with sched_catalog.store.writing() as tx:
        tx.conn.execute(insert(harvest_jobs).values(**dead))
        tx.conn.execute(update(harvest_sources).where(harvest_sources.c.id == source["id"])
                        .values(lease_owner="dead-worker:9", lease_expires=now() - dt.timedelta(seconds=1)))
    scheduler = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    scheduler.plan()
    assert scheduler.reap() == [dead["id"]]
    assert scheduler.reap() == []
    clock.advance(hours=1)
    assert scheduler.tick() == ["dinkes"]
    assert [j["status"] for j in jobs_of(sched_catalog, source["id"])] == ["finished", "expired"]


def test_run_now_starts_a_manual_source_on_the_next_tick(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dishub", server.url("dishub.json"), "MANUAL")
    scheduler = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    clock.advance(days=30)
    assert scheduler.tick() == []
    scheduler.request_run("dishub")
    assert scheduler.tick() == ["dishub"]
    assert _state(sched_catalog, source["id"]).next_run is None
    assert scheduler.tick() == []


def test_run_now_of_an_unknown_source_names_it(sched_catalog, clock):
    from catalog.errors import NotFound

    with pytest.raises(NotFound, match="nowhere"):
        Scheduler(sched_catalog, Inline(sched_catalog), clock).request_run("nowhere")


def test_an_unreadable_schedule_is_treated_as_manual(sched_catalog, org, server, clock, caplog):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "every tuesday")
    Scheduler(sched_catalog, Inline(sched_catalog), clock).plan()
    assert _state(sched_catalog, source["id"]).next_run is None
    assert "event=schedule.invalid source=dinkes" in caplog.text


def test_a_failing_source_alerts_once_with_a_webhook_and_clears_when_it_recovers(sched_catalog, org, server, clock):
    received = []
    hook = HttpServer()
    sched_catalog.config["ALERT_WEBHOOK_URL"] = hook.route("/hook", lambda request: (
        received.append(json.loads(request.get_data())) or Response(b"", status=204)))
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    server.broken.add("/dinkes.json")
    scheduler = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    scheduler.plan()
    for _ in range(3):
        clock.advance(hours=1)
        scheduler.tick()
    health = {h["name"]: h for h in source_health(sched_catalog)}["dinkes"]
    assert health["failure_streak"] == 3 and health["alerting"]
    assert health["last_job"]["status"] == "failed" and "dinkes.json" in health["last_job"]["message"]
    assert [(m["source"], m["failure_streak"]) for m in received] == [("dinkes", 2)]

    server.broken.clear()
    clock.advance(hours=1)
    scheduler.tick()
    health = {h["name"]: h for h in source_health(sched_catalog)}["dinkes"]
    assert health["failure_streak"] == 0 and not health["alerting"]
    assert health["last_success"] is not None
    assert check_alerts(sched_catalog) == []
    assert _state(sched_catalog, source["id"]).alerted_streak == 0
    hook.stop()


def test_stopping_abandons_a_job_that_outlives_the_grace_period(sched_catalog, org, server, clock):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "MANUAL")
    server.delay = 3.0
    dispatcher = InProcess(sched_catalog)
    scheduler = Scheduler(sched_catalog, dispatcher, clock)
    sched_catalog.config["SCHEDULER_STOP_GRACE"] = 0.2
    scheduler.request_run("dinkes")
    assert scheduler.tick() == ["dinkes"]
    started = threading.Event()
    for _ in range(100):
        if jobs_of(sched_catalog, source["id"]):
            started.set()
            break
        started.wait(0.05)
    assert started.is_set()
    scheduler.shutdown()
    [job] = jobs_of(sched_catalog, source["id"])
    assert job["status"] == "abandoned"
    with sched_catalog.store.reading() as tx:
        assert not tx.lease_is_held(source["id"])


def _wait(condition, seconds: float = 10.0):
    done = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        done.wait(0.05)
    return False


def test_a_runner_that_cannot_be_loaded_is_logged_and_kept_as_a_failed_job(sched_catalog, org, server, caplog):
    source = add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "MANUAL")
    sched_catalog.config["HARVEST_RUNNER"] = "catalog.no_such_runner:run"
    dispatcher = InProcess(sched_catalog)
    dispatcher.submit(source["id"], "dinkes")
    assert _wait(lambda: jobs_of(sched_catalog, source["id"]))
    dispatcher.stop(1.0)
    [job] = jobs_of(sched_catalog, source["id"])
    assert job["status"] == "failed" and job["started"] is None
    assert "did not start" in job["message"] and "catalog.no_such_runner" in job["message"]
    line = next(r for r in caplog.records if "event=job.not_started" in r.getMessage())
    assert line.levelname == "ERROR" and "source=dinkes" in line.getMessage()
    assert "catalog.no_such_runner" in line.getMessage()
    assert source_health(sched_catalog)[0]["failure_streak"] == 1


def test_a_source_gone_before_its_job_starts_is_logged(sched_catalog, caplog):
    dispatcher = InProcess(sched_catalog)
    missing = new_id()
    dispatcher.submit(missing, "gone")
    assert _wait(lambda: "event=job.not_started" in caplog.text)
    dispatcher.stop(1.0)
    line = next(r for r in caplog.records if "event=job.not_started" in r.getMessage())
    assert line.levelname == "ERROR"
    assert "source=gone" in line.getMessage() and f"Harvest source {missing} not found" in line.getMessage()


def test_a_store_failure_before_the_job_starts_is_logged_with_its_cause(sqlite_config, caplog):
    import sqlite3

    from catalog.service import Catalog
    from tests.builders import make_organization

    catalog = Catalog.open({**sqlite_config, **TEST_SETTINGS, "SQLITE_BUSY_TIMEOUT": 0.2})
    catalog.init()
    org = catalog.create_organization(make_organization(), actor="test")
    source = add_source(catalog, org, "dinkes", "http://127.0.0.1:9/dinkes.json", "MANUAL")
    blocker = sqlite3.connect(sqlite_config["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        Inline(catalog).submit(source["id"], "dinkes")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    messages = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("event=job.not_started source=dinkes" in m and "database is locked" in m for m in messages)
    assert any("event=job.unrecorded source=dinkes" in m and "database is locked" in m for m in messages)
    catalog.close()


def test_a_webhook_answering_500_is_logged_as_a_failure_not_as_sent(sched_catalog, org, server, clock, caplog):
    hook = HttpServer()
    sched_catalog.config["ALERT_WEBHOOK_URL"] = hook.status("/hook", 500)
    add_source(sched_catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    server.broken.add("/dinkes.json")
    scheduler = Scheduler(sched_catalog, Inline(sched_catalog), clock)
    scheduler.plan()
    for _ in range(2):
        clock.advance(hours=1)
        scheduler.tick()
    hook.stop()
    assert [path for path, _ in hook.hits] == ["/hook"]
    assert "event=alert.sent" not in caplog.text
    failed = next(r for r in caplog.records if "event=alert.failed" in r.getMessage())
    assert failed.levelname == "ERROR"
    assert "source=dinkes status=500" in failed.getMessage() and "500 INTERNAL SERVER ERROR" in failed.getMessage().upper()
