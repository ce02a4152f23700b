"""Isolation at every level: a record, a source or a step that fails takes down nothing but itself.

Every test runs on a real CKAN-shaped site on loopback, through the real runner and store (SQLite
and PostgreSQL); exceptions are injected only where no real input can reach a step.
"""

import logging
import os
import socket

import pytest
from werkzeug.wrappers import Response

import catalog.harvest as runner
from catalog import schemas
from catalog.harvest import run_harvest
from catalog.scheduler.core import Scheduler
from catalog.scheduler.dispatch import Inline
from catalog.service import Catalog
from catalog.store.harvest import HarvestQueries
from harvesters.ckan import CkanHarvester
from tests import ckan_site
from tests.contracts.harvester import POLICY, make_spec
from tests.scheduling_support import TEST_SETTINGS, LoopbackServer, add_source, jobs_of

TARGET = 5  # the record every test breaks, in the middle of the second batch


@pytest.fixture
def packages():
    return [ckan_site.package(make_spec(n)) for n in range(10)]


@pytest.fixture
def site(catalog, org, http_server):
    """Registers ``ckan-dinkes``; ``publish(packages)`` serves them (again)."""
    catalog.config.update(POLICY, HARVEST_BATCH_SIZE=4)

    def publish(packages):
        return ckan_site.serve(http_server, packages)

    url = publish([])
    catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": url, "organization": "dinkes",
                        "config": {"rows": 4}}, actor="test")
    return publish


def job_state(catalog, source="ckan-dinkes"):
    """(status of every job, whether the source's lease is held, the stored errors of the newest job)."""
    source_id = catalog.get_source(source)["id"]
    with catalog.store.reading() as tx:
        jobs = tx.list_jobs(source_id)
        errors = tx.job_errors(jobs[0]["id"]) if jobs else []
        return [j["status"] for j in jobs], tx.lease_is_held(source_id), errors


def stored_names(catalog, source="ckan-dinkes") -> set[str]:
    with catalog.store.reading() as tx:
        ids = [i for i, _, state in tx.source_datasets(catalog.get_source(source)["id"]).values() if state == "active"]
    return {catalog.get_dataset(i)["name"] for i in ids}


def _raise(step):
    raise ValueError(f"injected at {step}")


def inject(monkeypatch, catalog, step: str, target: dict) -> None:
    """Make ``step`` raise for the record ``target`` only."""
    if step == "map":
        parse = CkanHarvester.parse
        monkeypatch.setattr(CkanHarvester, "parse", lambda self, item: _raise(step)
                            if item.remote_id == target["id"] else parse(self, item))
    elif step == "text check":
        text_errors = runner.text_errors
        monkeypatch.setattr(runner, "text_errors", lambda data: _raise(step)
                            if data.get("name") == target["name"] else text_errors(data))
    elif step == "hash":
        content_hash = runner.content_hash
        monkeypatch.setattr(runner, "content_hash", lambda data: _raise(step)
                            if data.get("name") == target["name"] else content_hash(data))
    elif step == "validate":
        check = catalog.harvested_errors
        monkeypatch.setattr(catalog, "harvested_errors", lambda data, source: _raise(step)
                            if data.get("name") == target["name"] else check(data, source))
    elif step == "write":
        write = catalog.write_harvested
        monkeypatch.setattr(catalog, "write_harvested", lambda entries, actor: _raise(step)
                            if any(e["remote_id"] == target["id"] for e in entries) else write(entries, actor))


@pytest.mark.parametrize("step", ["map", "text check", "hash", "validate", "write"])
def test_an_exception_at_any_step_fails_only_its_record(catalog, site, packages, monkeypatch, step):
    site(packages)
    target = packages[TARGET]
    inject(monkeypatch, catalog, step, target)
    report = run_harvest(catalog, "ckan-dinkes")
    expected = [{"remote_id": target["id"], "path": None,
                 "message": f"Failed at the {step} step: ValueError: injected at {step}"}]
    assert (report.status, report.counts["added"], report.counts["failed"]) == ("finished", 9, 1)
    assert report.errors == expected
    assert stored_names(catalog) == {p["name"] for p in packages} - {target["name"]}
    assert job_state(catalog) == (["finished"], False, expected)


def _broken(packages, change):
    broken = [dict(p) for p in packages]
    change(broken[TARGET])
    return broken


BAD_RECORDS = {
    "lone surrogate in the title": (lambda p: p.update(title="Jumlah Penduduk \udcff"), "title",
                                    "Contains a lone surrogate (U+DCFF) at character 17"),
    "NUL in a resource name": (lambda p: p["resources"][1].update(name="Data\x00Excel"), "resources.1.name",
                               "Contains a control character (U+0000) at character 5"),
    "escape character in the notes": (lambda p: p.update(notes="Jumlah\x1b[31m penduduk"), "notes",
                                      "Contains a control character (U+001B) at character 7"),
    "a surrogate in an extra's key": (lambda p: p["extras"].append({"key": "sumber\ud800", "value": "BPS"}),
                                      "extras.1.key", "Contains a lone surrogate (U+D800) at character 7"),
    "an id too long to keep": (lambda p: p.update(id="x" * 501), "(remote id)",
                               "An id of 501 characters; at most 500 are kept"),
    "an id with a control character": (lambda p: p.update(id="abc\x07def"), "(remote id)",
                                       "Contains a control character (U+0007) at character 4"),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_text_no_store_can_keep_rejects_the_record_by_path(catalog, site, packages, case):
    change, path, message = BAD_RECORDS[case]
    broken = _broken(packages, change)
    site(broken)
    report = run_harvest(catalog, "ckan-dinkes")
    assert (report.status, report.counts["added"], report.counts["failed"]) == ("finished", 9, 1)
    assert [(e["path"], e["message"]) for e in report.errors] == [(path, message)]
    statuses, held, stored = job_state(catalog)
    assert (statuses, held) == (["finished"], False)
    assert stored == report.errors  # stored, escaped where needed, on either database
    assert schemas.bad_character(stored[0]["remote_id"]) is None
    assert stored_names(catalog) == {p["name"] for p in packages} - {packages[TARGET]["name"]}


def test_the_same_record_in_a_dry_run_is_refused_the_same_way(catalog, site, packages):
    site(_broken(packages, BAD_RECORDS["lone surrogate in the title"][0]))
    report = run_harvest(catalog, "ckan-dinkes", dry_run=True)
    assert (report.counts["added"], report.counts["failed"]) == (9, 1)
    assert report.errors[0]["path"] == "title"
    assert packages[TARGET]["id"] not in report.planned["added"]


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_an_answer_nested_100000_deep_fails_its_job_and_frees_the_source(catalog, site, packages, http_server,
                                                                          caplog):
    http_server.route("/ckan/api/3/action/package_search",
                      lambda request: Response(nested(100_000), content_type="application/json"))
    with caplog.at_level(logging.ERROR, logger="catalog.harvest"):
        report = run_harvest(catalog, "ckan-dinkes")
    assert report.status == "failed" and report.message.startswith("RecursionError: ")
    assert job_state(catalog)[:2] == (["failed"], False)
    assert any("ckan-dinkes" in r.getMessage() and "RecursionError" in r.getMessage() for r in caplog.records)
    site(packages)  # the source recovers: the next run is an ordinary one
    assert run_harvest(catalog, "ckan-dinkes").counts["added"] == 10


def _items_then(exception, after: int):
    items = CkanHarvester.items

    def broken(self):
        for n, item in enumerate(items(self)):
            if n == after:
                raise exception
            yield item

    return broken


def test_any_exception_while_listing_fails_the_job_and_keeps_what_was_mapped(catalog, site, packages,
                                                                              monkeypatch):
    site(packages)
    monkeypatch.setattr(CkanHarvester, "items", _items_then(ZeroDivisionError("division by zero"), after=6))
    report = run_harvest(catalog, "ckan-dinkes")
    assert (report.status, report.message) == ("failed", "ZeroDivisionError: division by zero")
    assert report.counts["added"] == 6 and report.counts["withdrawn"] == 0
    assert job_state(catalog)[:2] == (["failed"], False)
    assert len(stored_names(catalog)) == 6


def test_a_lost_batch_after_a_source_failure_is_logged_with_its_cause(catalog, site, packages, monkeypatch,
                                                                       caplog):
    site(packages)
    monkeypatch.setattr(CkanHarvester, "items", _items_then(ZeroDivisionError("division by zero"), after=6))
    write = catalog.write_harvested
    calls = []

    def flaky(entries, actor):
        calls.append(len(entries))
        if len(calls) > 1:  # the batch flushed after the failure cannot be written either
            from sqlalchemy.exc import OperationalError
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return write(entries, actor)

    monkeypatch.setattr(catalog, "write_harvested", flaky)
    with caplog.at_level(logging.ERROR, logger="catalog.harvest"):
        report = run_harvest(catalog, "ckan-dinkes")
    assert report.status == "failed"
    assert report.message.startswith("ZeroDivisionError: division by zero; 2 datasets mapped before that were "
                                     "not written: OperationalError")
    lost = [r for r in caplog.records if "were not written" in r.getMessage()]
    assert lost and "server closed the connection" in lost[0].getMessage() and lost[0].exc_info
    assert job_state(catalog)[:2] == (["failed"], False)


def test_an_unknown_harvester_type_fails_its_job(catalog, site):
    source = catalog.get_source("ckan-dinkes")
    with catalog.store.writing() as tx:
        tx.update_source({**source, "type": "gopher"})
    report = run_harvest(catalog, "ckan-dinkes")
    assert report.status == "failed" and "No harvester for source type 'gopher'" in report.message
    assert job_state(catalog)[:2] == (["failed"], False)


def test_a_run_stopped_by_the_operator_is_interrupted_not_left_running(catalog, site, packages):
    site(packages)

    def stop(done, errors):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_harvest(catalog, "ckan-dinkes", progress=stop)
    assert job_state(catalog)[:2] == (["interrupted"], False)


def test_a_job_whose_outcome_cannot_be_stored_is_still_closed(catalog, site, packages, monkeypatch):
    site(_broken(packages, BAD_RECORDS["lone surrogate in the title"][0]))

    def refuse(self, job_id, errors):
        raise RuntimeError("disk full")

    monkeypatch.setattr(HarvestQueries, "add_job_errors", refuse)
    report = run_harvest(catalog, "ckan-dinkes")
    assert report.status == "failed"
    assert report.message == ("The job's outcome could not be stored: RuntimeError: disk full "
                              "(the run itself ended finished: no message)")
    assert job_state(catalog)[:2] == (["failed"], False)


def test_harvest_run_all_reports_each_failed_source_in_one_line_and_goes_on(runner, sqlite_config, http_server):
    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    good = ckan_site.serve(http_server, [ckan_site.package(make_spec(n)) for n in range(3)])
    deep = http_server.route("/deep/", lambda request: Response(nested(100_000), content_type="application/json"))
    for name, url in (("a-good", good), ("b-deep", deep), ("c-locked", good), ("d-good", good)):
        assert runner("source", "add", name, "--type", "ckan", "--url", url, "--org", "dinkes").exit_code == 0
    catalog = Catalog.open(sqlite_config)
    with catalog.store.writing() as tx:  # a live run elsewhere holds c-locked
        tx.take_lease(catalog.get_source("c-locked")["id"], f"{socket.gethostname()}:{os.getpid()}:other", 600)
    catalog.close()

    result = runner("harvest", "run", "--all")
    lines = result.stdout.splitlines()  # the progress display goes to stderr
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [line.split(":")[0] for line in lines if not line.startswith(" ")] == ["a-good", "b-deep", "c-locked",
                                                                                  "d-good"]
    assert lines[1].startswith("b-deep: failed: RecursionError: ")
    assert lines[2].startswith("c-locked: not run: Source c-locked is being harvested by ")
    assert lines[0].startswith("a-good: finished: added 3") and lines[3].startswith("d-good: finished: added 3")


def crash_for_a(catalog, source_name):
    """A HARVEST_RUNNER with a bug that only source ``a-crash`` meets."""
    if source_name == "a-crash":
        raise ZeroDivisionError("division by zero")
    return run_harvest(catalog, source_name)


def test_the_scheduler_goes_on_with_the_next_source_when_a_run_crashes(catalog, org):
    catalog.config.update(TEST_SETTINGS, HARVEST_RUNNER=f"{__name__}:crash_for_a")
    server = LoopbackServer()
    try:
        sources = [add_source(catalog, org, name, server.url("dinkes.json"), None) for name in ("a-crash", "b-fine")]
        scheduler = Scheduler(catalog, Inline(catalog))
        for source in sources:
            scheduler.request_run(source["name"])
        assert scheduler.tick() == ["a-crash", "b-fine"]
        assert [j["status"] for j in jobs_of(catalog, sources[1]["id"])] == ["finished"]
    finally:
        server.close()
