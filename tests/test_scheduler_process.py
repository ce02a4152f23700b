"""A real ``catalog scheduler`` process: two loopback sources on a short cron, and SIGTERM mid-job."""

import os
import signal

import pytest

from tests.scheduling_support import add_source, jobs_of, start_instance, stop_instance, wait_for


@pytest.fixture
def instance(tmp_path):
    catalog, org, server, processes = start_instance(tmp_path, CATALOG_HARVEST_LEASE_SECONDS="3")
    yield catalog, org, server, processes
    stop_instance(catalog, server, processes)


def test_scheduler_process_harvests_two_sources_on_a_short_cron(instance):
    catalog, org, server, processes = instance
    dinkes = add_source(catalog, org, "dinkes", server.url("dinkes.json"), "* * * * * */2")
    dishub = add_source(catalog, org, "dishub", server.url("dishub.json"), "* * * * * */3")
    scheduler = processes.start("scheduler", "scheduler")

    def both_ran_twice():
        return all(len([j for j in jobs_of(catalog, s["id"]) if j["status"] == "finished"]) >= 2 for s in (dinkes, dishub))

    wait_for(both_ran_twice, timeout=40)
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(30) == 0
    log = scheduler.log_path.read_text()
    assert "event=scheduler.started queue=in-process" in log
    assert "event=job.end source=dinkes" in log and "event=job.end source=dishub" in log
    assert "count_added=2" in log and "count_added=1" in log and "count_unchanged=2" in log
    with catalog.store.reading() as tx:
        assert tx.datasets_by_organization() == {"dinkes": 3}
    assert "event=scheduler.stopped" in log
    for source in (dinkes, dishub):
        jobs = jobs_of(catalog, source["id"])
        assert all(j["status"] in {"finished", "abandoned"} for j in jobs)
        starts = sorted((j["started"], j["finished"]) for j in jobs)
        assert all(earlier[1] <= later[0] for earlier, later in zip(starts, starts[1:])), "jobs overlapped"


def test_sigterm_abandons_the_running_job_and_frees_its_lease_then_a_restart_carries_on(instance):
    catalog, org, server, processes = instance
    dinkes = add_source(catalog, org, "dinkes", server.url("dinkes.json"), "MANUAL")
    server.delay = 30
    scheduler = processes.start("scheduler", "scheduler", CATALOG_SCHEDULER_STOP_GRACE="1")
    processes.start("run-now", "scheduler", "run-now", "dinkes").wait(30)
    try:
        wait_for(lambda: [j for j in jobs_of(catalog, dinkes["id"]) if j["status"] == "running"], timeout=30)
    except AssertionError as error:  # say what the scheduler did instead
        jobs = [(j["status"], j.get("message")) for j in jobs_of(catalog, dinkes["id"])]
        raise AssertionError(f"{error}; jobs {jobs}; scheduler log:\n{scheduler.log_path.read_text()}") from None

    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(30) == 0
    [job] = jobs_of(catalog, dinkes["id"])
    assert job["status"] == "abandoned" and job["finished"] is not None
    with catalog.store.reading() as tx:
        assert not tx.lease_is_held(dinkes["id"])
    assert f"event=job.abandoned source=dinkes job={job['id']}" in scheduler.log_path.read_text()

    server.delay = 0
    restarted = processes.start("scheduler-2", "scheduler")
    processes.start("run-now-2", "scheduler", "run-now", "dinkes").wait(30)
    wait_for(lambda: [j for j in jobs_of(catalog, dinkes["id"]) if j["status"] == "finished"], timeout=30)
    restarted.send_signal(signal.SIGTERM)
    assert restarted.wait(30) == 0
    assert [j["status"] for j in jobs_of(catalog, dinkes["id"])] == ["finished", "abandoned"]
    assert os.path.exists(restarted.log_path)
