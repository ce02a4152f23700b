"""``catalog scheduler status | once | run-now | job`` and ``catalog worker`` on a real instance."""

import json

import pytest

from catalog import config as settings
from catalog.service import Catalog
from tests.builders import make_organization
from tests.scheduling_support import TEST_ENV, LoopbackServer, add_source


@pytest.fixture
def instance(sqlite_config, monkeypatch):
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    catalog = Catalog.open(settings.load({"HOME": sqlite_config["HOME"]}, environ={}))
    catalog.init()
    org = catalog.create_organization(make_organization(), actor="test")
    server = LoopbackServer()
    add_source(catalog, org, "dinkes", server.url("dinkes.json"), "HOURLY")
    add_source(catalog, org, "dishub", server.url("dishub.json"), "MANUAL")
    yield catalog
    server.close()
    catalog.close()


def test_status_shows_schedules_and_next_runs(runner, instance):
    result = runner("scheduler", "status")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:]}
    assert "HOURLY" in lines["dinkes"] and ":00:00Z" in lines["dinkes"]
    assert "MANUAL" in lines["dishub"] and " - " in lines["dishub"]
    rows = {row["name"]: row for row in json.loads(runner("scheduler", "status", "--json").output)}
    assert rows["dinkes"]["next_run"].endswith(":00:00Z") and rows["dishub"]["next_run"] is None


def test_run_now_then_once_harvests_and_job_shows_record_errors(runner, instance):
    assert "started 0 harvest(s)" in runner("scheduler", "once").output
    assert runner("scheduler", "run-now", "dinkes").exit_code == 0
    result = runner("scheduler", "once")
    assert "started 1 harvest(s): dinkes" in result.output
    status = {row["name"]: row for row in json.loads(runner("scheduler", "status", "--json").output)}
    job = status["dinkes"]["last_job"]
    assert job["status"] == "finished" and job["counts"]["added"] == 2
    shown = runner("scheduler", "job", job["id"]).output
    assert "status=finished" in shown and "added=2" in shown
    assert "error remote_id=dinkes-tanpa-judul path=title Missing value: the record has no title" in shown


def test_expected_errors_are_one_line(runner, instance):
    result = runner("scheduler", "run-now", "nowhere")
    assert result.exit_code == 1 and result.output.strip() == "Error: Harvest source 'nowhere' not found"
    result = runner("scheduler", "job", "0000")
    assert result.exit_code == 1 and "Harvest job 0000 not found" in result.output


def test_worker_needs_a_queue_url(runner, instance, monkeypatch):
    monkeypatch.delenv("CATALOG_QUEUE_URL", raising=False)
    result = runner("worker", "--burst")
    assert result.exit_code == 1 and "CATALOG_QUEUE_URL is not set" in result.output


def test_source_list_shows_the_next_run_and_source_add_checks_the_schedule(runner, instance):
    listed = {r["name"]: r for r in json.loads(runner("source", "list", "--json").output)}
    assert listed["dinkes"]["next_run"].endswith(":00:00Z") and listed["dishub"]["next_run"] is None
    table = runner("source", "list").output
    assert "HOURLY" in table and listed["dinkes"]["next_run"] in table
    result = runner("source", "add", "dispar", "--type", "datajson", "--url", "http://127.0.0.1:9/data.json",
                    "--org", "dinkes", "--schedule", "every tuesday")
    assert result.exit_code == 2 and "--schedule" in result.output and "every tuesday" in result.output
