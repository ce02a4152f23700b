"""The harvest runner: dry runs, locks, guard, name clashes, failures and provenance, on SQLite and PostgreSQL."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import update

from catalog.harvest import Lease, SourceLocked, run_harvest
from catalog.tables import harvest_sources
from tests import ckan_site
from tests.builders import make_dataset
from tests.contracts.harvester import POLICY, make_spec


@pytest.fixture
def site(catalog, org, http_server):
    """A CKAN site with 10 datasets, registered as source ``ckan-dinkes``."""
    catalog.config.update(POLICY)
    packages = [ckan_site.package(make_spec(n)) for n in range(10)]
    url = ckan_site.serve(http_server, packages)
    catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": url, "organization": "dinkes",
                        "config": {"rows": 4}}, actor="test")
    return packages


def states(catalog, source="ckan-dinkes") -> dict:
    with catalog.store.reading() as tx:
        return {rid: state for rid, (_, _, state) in tx.source_datasets(catalog.get_source(source)["id"]).items()}


def test_dry_run_reports_and_writes_nothing(catalog, site):
    report = run_harvest(catalog, "ckan-dinkes", dry_run=True)
    assert (report.status, report.counts["added"]) == ("finished", 10)
    assert sorted(report.planned["added"]) == sorted(p["id"] for p in site)
    assert states(catalog) == {}
    with catalog.store.reading() as tx:
        assert tx.count_datasets() == 0
        assert tx.list_jobs()[0]["dry_run"] is True


def test_provenance_and_revision_actor(catalog, site):
    report = run_harvest(catalog, "ckan-dinkes")
    record = catalog.get_dataset(site[0]["name"])
    assert record["harvest"]["source"] == "ckan-dinkes"
    assert record["harvest"]["remote_id"] == site[0]["id"]
    assert record["harvest"]["job_id"] == report.job_id
    assert record["harvest"]["harvested_at"]
    assert record["owner_org"] == "dinkes"
    assert catalog.dataset_revisions(record["id"])[0]["actor"] == f"harvest:{report.job_id}"


def test_rerun_changes_nothing(catalog, site):
    run_harvest(catalog, "ckan-dinkes")
    record = catalog.get_dataset(site[0]["name"])
    again = run_harvest(catalog, "ckan-dinkes")
    assert again.counts["unchanged"] == 10 and again.counts["added"] == again.counts["updated"] == 0
    assert catalog.get_dataset(site[0]["name"]) == record


def test_a_concurrent_run_is_refused_clearly(catalog, site):
    source = catalog.get_source("ckan-dinkes")
    with catalog.store.writing() as tx:
        assert tx.take_lease(source["id"], f"{socket.gethostname()}:{os.getpid()}:other", 600)
    with pytest.raises(SourceLocked, match="is being harvested by .*try again later"):
        run_harvest(catalog, "ckan-dinkes")


def test_an_expired_lease_frees_the_source(catalog, site):
    source = catalog.get_source("ckan-dinkes")
    with catalog.store.writing() as tx:
        tx.take_lease(source["id"], "other-host:1:abc", 600)
        tx.conn.execute(update(harvest_sources).values(lease_expires=dt.datetime(2000, 1, 1)))
    assert run_harvest(catalog, "ckan-dinkes").status == "finished"


def test_a_killed_runs_lease_and_job_are_taken_over(catalog, site):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    source = catalog.get_source("ckan-dinkes")
    with catalog.store.writing() as tx:
        tx.take_lease(source["id"], f"{socket.gethostname()}:{dead.stdout.strip()}:abc", 600)
        tx.insert_job({"id": "00000000-0000-4000-8000-000000000001", "source_id": source["id"], "status": "running",
                       "dry_run": False, "created": dt.datetime(2024, 1, 1), "counts": {}})
    assert run_harvest(catalog, "ckan-dinkes").status == "finished"
    with catalog.store.reading() as tx:
        statuses = {j["id"]: j["status"] for j in tx.list_jobs()}
    assert statuses["00000000-0000-4000-8000-000000000001"] == "interrupted"


def test_a_failing_source_withdraws_nothing(catalog, site, http_server):
    run_harvest(catalog, "ckan-dinkes")
    ckan_site.serve(http_server, site[:8], fail_page=2)  # two gone, but the listing breaks
    report = run_harvest(catalog, "ckan-dinkes")
    assert report.status == "failed" and "HTTP 500" in report.message
    assert set(states(catalog).values()) == {"active"}


def test_the_withdraw_limit_is_configurable(catalog, site, http_server):
    run_harvest(catalog, "ckan-dinkes")
    ckan_site.serve(http_server, site[:6])
    assert run_harvest(catalog, "ckan-dinkes").status == "refused"
    catalog.config["HARVEST_WITHDRAW_LIMIT"] = 0.5
    report = run_harvest(catalog, "ckan-dinkes")
    assert (report.status, report.counts["withdrawn"]) == ("finished", 4)
    ckan_site.serve(http_server, site)  # they come back
    report = run_harvest(catalog, "ckan-dinkes")
    assert set(states(catalog).values()) == {"active"}


def test_name_clashes_get_distinct_names_and_other_sources_are_never_touched(catalog, site, http_server):
    handmade = catalog.create_dataset(make_dataset(name=site[0]["name"]), actor="test")
    run_harvest(catalog, "ckan-dinkes")
    mirror = ckan_site.serve(http_server, site, base="/mirror/")
    catalog.add_source({"name": "ckan-mirror", "type": "ckan", "url": mirror, "organization": "dinkes"}, actor="t")
    run_harvest(catalog, "ckan-mirror")
    names = {catalog.get_dataset(n)["harvest"]["source"] for n in
             (f"{site[0]['name']}-ckan-dinkes", f"{site[0]['name']}-ckan-mirror")}
    assert names == {"ckan-dinkes", "ckan-mirror"}
    assert catalog.get_dataset(site[0]["name"]) == handmade
    assert catalog.get_dataset(site[1]["name"])["harvest"]["source"] == "ckan-dinkes"
    assert catalog.get_dataset(f"{site[1]['name']}-ckan-mirror")["harvest"]["source"] == "ckan-mirror"


def test_a_record_the_schema_refuses_fails_alone_in_its_batch(catalog, site, http_server):
    bad = {**site[5], "notes": "Data\x00"}  # text that cannot be stored: refused at write time
    ckan_site.serve(http_server, site[:5] + [bad] + site[6:])
    report = run_harvest(catalog, "ckan-dinkes")
    assert (report.counts["added"], report.counts["failed"]) == (9, 1)
    assert report.errors == [{"remote_id": bad["id"], "path": "notes",
                              "message": report.errors[0]["message"]}]
    with catalog.store.reading() as tx:
        assert tx.job_errors(report.job_id)[0]["path"] == "notes"


def test_text_that_cannot_be_stored_fails_its_record_alone_and_unencoded_urls_are_encoded(catalog, site, http_server):
    poisoned = {**site[3], "title": "sur \ud800 end"}
    spaced = {**site[4], "resources": [{**site[4]["resources"][0], "url": "https://data.example/berkas 2024.csv"}]}
    ckan_site.serve(http_server, site[:3] + [poisoned, spaced] + site[5:])
    report = run_harvest(catalog, "ckan-dinkes")
    assert (report.counts["added"], report.counts["failed"]) == (9, 1)
    assert report.errors[0]["remote_id"] == poisoned["id"] and report.errors[0]["path"] == "title"
    assert "U+D800" in report.errors[0]["message"]
    with catalog.store.reading() as tx:
        assert tx.outbox_size() == 0
        stored = [r for r in tx.iter_datasets() if r["harvest"]["remote_id"] == spaced["id"]][0]
    assert stored["resources"][0]["url"] == "https://data.example/berkas%202024.csv"


def test_cli_sources_and_jobs(runner, http_server):
    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    url = ckan_site.serve(http_server, [ckan_site.package(make_spec(n)) for n in range(3)])
    added = runner("source", "add", "ckan-dinkes", "--type", "ckan", "--url", url, "--org", "dinkes",
                   "--config", '{"rows": 2}')
    assert added.exit_code == 0, added.output
    assert json.loads(runner("source", "list", "--json").output)[0]["config"] == {"rows": 2}
    bad = runner("source", "add", "x", "--type", "gopher", "--url", url, "--org", "dinkes")
    assert bad.exit_code != 0 and "no harvester installed for 'gopher'" in bad.output
    dry = runner("harvest", "run", "ckan-dinkes", "--dry-run")
    assert "would be added" in dry.output and "dry run" in dry.output
    result = runner("harvest", "run", "--all")
    assert result.exit_code == 0 and "added 3" in result.output
    jobs = json.loads(runner("harvest", "jobs", "ckan-dinkes", "--json").output)
    assert [j["status"] for j in jobs] == ["finished", "finished"] and jobs[0]["counts"]["added"] == 3
    assert runner("source", "remove", "ckan-dinkes").exit_code == 0
    assert json.loads(runner("source", "list", "--json").output) == []
    assert "ckan-dinkes" in runner("harvest", "jobs").output
    refused = runner("harvest", "run", "ckan-dinkes")
    assert refused.exit_code == 1 and "was removed" in refused.output
    assert "Error" in runner("source", "show", "nope").output


def test_cli_harvest_failure_exits_non_zero(runner, http_server):
    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    url = http_server.status("/gone/", 500)
    runner("source", "add", "gone", "--type", "datajson", "--url", url, "--org", "dinkes")
    result = runner("harvest", "run", "gone")
    assert result.exit_code == 1 and "failed" in result.output



def lease_watch(catalog, source_name, pause=0.0):
    """A progress callback that checks, after every item, that the source's lease is live and its job not orphaned."""
    source_id = catalog.get_source(source_name)["id"]
    seen = []

    def progress(done, errors):
        time.sleep(pause)
        with catalog.store.reading() as tx:
            seen.append((tx.lease_is_held(source_id), [j["id"] for j in tx.orphaned_jobs()]))

    return progress, seen


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_run_of_unchanged_items_keeps_its_lease_alive(catalog, site, dry_run):
    run_harvest(catalog, "ckan-dinkes")
    catalog.config["HARVEST_LEASE_SECONDS"] = 0.3  # the items below take about three leases' time
    progress, seen = lease_watch(catalog, "ckan-dinkes", pause=0.09)
    report = run_harvest(catalog, "ckan-dinkes", dry_run=dry_run, progress=progress)
    assert report.status == "finished" and report.counts["unchanged"] == 10
    assert len(seen) == 10 and seen == [(True, [])] * 10


def test_the_lease_is_renewed_when_a_third_of_it_has_passed(catalog, site):
    source = catalog.get_source("ckan-dinkes")
    clock = [dt.datetime(2030, 1, 1)]
    lease = Lease(catalog.store, source, 900, clock=lambda: clock[0])
    lease.acquire()

    def expires():
        with catalog.store.reading() as tx:
            return tx.source_row(source["id"]).lease_expires

    first = expires()
    clock[0] += dt.timedelta(seconds=299)
    lease.renew()
    assert expires() == first
    clock[0] += dt.timedelta(seconds=2)
    lease.renew()
    assert expires() > first
    lease.release()


def test_a_job_closed_by_the_scheduler_while_running_keeps_its_status(catalog, site):
    source_id = catalog.get_source("ckan-dinkes")["id"]

    def abandon(done, errors):
        if done == 3:
            with catalog.store.writing() as tx:
                assert tx.close_job(tx.running_job_id(source_id), "abandoned", "The scheduler stopped.")

    report = run_harvest(catalog, "ckan-dinkes", progress=abandon)
    assert (report.status, report.message) == ("abandoned", "The scheduler stopped.")
    with catalog.store.reading() as tx:
        job = tx.list_jobs()[0]
        assert not tx.finish_job(job["id"], status="finished", counts={}, message=None)
    assert (job["status"], job["message"]) == ("abandoned", "The scheduler stopped.")
    assert job["counts"]["added"] == 10  # what the run did is still recorded
