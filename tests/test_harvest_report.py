"""The job report: errors and warnings by kind, with counts and example ids, in the provenance, the
CLI, the admin view and the API; warnings stay apart from errors and never reject a record. The
warnings are the harvesters' own (their shared normaliser's), over a CKAN site on loopback."""

import datetime as dt
import json

import pytest

from catalog.harvest import group, run_harvest
from tests import ckan_site
from tests.contracts.harvester import POLICY, make_spec

UNKNOWN = {"path": "frequency", "message": "Unknown frequency 'Tiap Purnama'; kept as an extra"}
NO_URL = {"path": "resources.0.url", "message": "A resource without a usable URL was left out"}


def packages() -> list[dict]:
    """Ten packages: 3 and 7 carry a lone surrogate in the title, 0, 4 and 8 a frequency no vocabulary
    knows, 9 a resource without URL beside a usable one."""
    found = [ckan_site.package(make_spec(n)) for n in range(10)]
    for n in (3, 7):
        found[n]["title"] = "Jumlah Penduduk \udcff"
    for n in (0, 4, 8):
        found[n]["extras"][1]["value"] = "Tiap Purnama"
    found[9]["resources"][0]["url"] = ""
    return found


@pytest.fixture
def site(catalog, org, http_server):
    catalog.config.update(POLICY)
    published = packages()
    url = ckan_site.serve(http_server, published)
    catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": url, "organization": "dinkes"}, actor="test")
    return published


def test_warnings_are_kept_with_the_dataset_and_the_job_apart_from_errors(catalog, site):
    report = run_harvest(catalog, "ckan-dinkes")
    assert report.counts == {"added": 8, "updated": 0, "unchanged": 0, "withdrawn": 0, "failed": 2, "warned": 4}
    assert catalog.get_dataset(site[4]["name"])["harvest"]["warnings"] == [UNKNOWN]
    assert catalog.get_dataset(site[9]["name"])["harvest"]["warnings"] == [NO_URL]
    assert "warnings" not in catalog.get_dataset(site[1]["name"])["harvest"]
    job = catalog.harvest_job(report.job_id)
    assert job["warnings"] == report.warnings and len(job["warnings"]) == 4
    assert job["errors"] == report.errors and len(job["errors"]) == 2
    assert job["report"] == {
        "errors": [{"path": "title", "message": "Contains a lone surrogate (U+DCFF) at character 17", "count": 2,
                    "examples": [site[3]["id"], site[7]["id"]]}],
        "warnings": [{**UNKNOWN, "count": 3, "examples": [site[0]["id"], site[4]["id"], site[8]["id"]]},
                     {**NO_URL, "count": 1, "examples": [site[9]["id"]]}],
    }
    assert job["report"] == report.as_dict()["report"]  # the stored report and the run's agree

    again = run_harvest(catalog, "ckan-dinkes")  # the source still says the same: so does the job
    assert (again.counts["unchanged"], again.counts["warned"], again.counts["failed"]) == (8, 4, 2)


def test_the_store_groups_like_the_runner_with_a_few_examples_each(catalog, org):
    entries = [{"remote_id": f"r{n}", "path": "modified", "message": "Not a date"} for n in range(37)]
    entries += [{"remote_id": None, "path": None, "message": "The document is not valid RDF"}]
    entries += [{"remote_id": f"q{n}", "path": "frequency", "message": "Unknown frequency '2 mingguan'"}
                for n in range(12)]
    source = catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": "https://data.example.org/",
                                 "organization": "dinkes"}, actor="test")
    with catalog.store.writing() as tx:
        tx.insert_job({"id": "00000000-0000-4000-8000-0000000000aa", "source_id": source["id"], "status": "finished",
                       "dry_run": False, "created": dt.datetime(2026, 1, 1), "counts": {}})
        tx.add_job_warnings("00000000-0000-4000-8000-0000000000aa", entries)
        stored = tx.job_report("00000000-0000-4000-8000-0000000000aa", "warnings")
    assert stored == group(entries)
    assert [(g["count"], g["path"], g["examples"]) for g in stored] == [
        (37, "modified", ["r0", "r1", "r2"]), (12, "frequency", ["q0", "q1", "q2"]), (1, None, [])]


@pytest.fixture
def cli_site(runner, http_server):
    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    url = ckan_site.serve(http_server, packages())
    runner("source", "add", "ckan-dinkes", "--type", "ckan", "--url", url, "--org", "dinkes")
    return runner


def test_cli_shows_each_kind_of_problem_once_with_counts_and_examples(cli_site):
    ran = cli_site("harvest", "run", "ckan-dinkes")
    ids = [p["id"] for p in packages()]
    error = f"  error: 2 records: title: Contains a lone surrogate (U+DCFF) at character 17 (e.g. {ids[3]}, {ids[7]})"
    warning = (f"  warning: 3 records: frequency: Unknown frequency 'Tiap Purnama'; kept as an extra "
               f"(e.g. {ids[0]}, {ids[4]}, {ids[8]})")
    assert ran.exit_code == 0 and error in ran.stdout.splitlines() and warning in ran.stdout.splitlines()
    assert "added 8" in ran.stdout and "failed 2" in ran.stdout and "warned 4" in ran.stdout

    listed = cli_site("harvest", "jobs", "ckan-dinkes").stdout.splitlines()
    assert f"  {error}" in listed and f"  {warning}" in listed
    no_url = f"    warning: 1 record: resources.0.url: A resource without a usable URL was left out (e.g. {ids[9]})"
    assert no_url in listed

    jobs = json.loads(cli_site("harvest", "jobs", "ckan-dinkes", "--json").stdout)
    assert jobs[0]["counts"]["warned"] == 4 and len(jobs[0]["warnings"]) == 4 and len(jobs[0]["errors"]) == 2
    assert jobs[0]["report"]["warnings"][0]["count"] == 3


@pytest.fixture
def harvested(app, world, http_server):
    catalog = world.catalog
    catalog.config.update(POLICY)
    url = ckan_site.serve(http_server, packages())
    catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": url, "organization": "dinkes"}, actor="test")
    return run_harvest(catalog, "ckan-dinkes")


def _call(client, action, token=None, **params):
    headers = {"Authorization": token} if token else {}
    return client.post(f"/api/3/action/{action}", json=params, headers=headers)


def test_api_harvest_job_show_and_list_give_the_report(client, world, harvested):
    root = world.tokens["root"]
    shown = _call(client, "harvest_job_show", root, id=harvested.job_id).json
    assert shown["success"] and shown["result"]["report"] == harvested.as_dict()["report"]
    assert "errors" not in shown["result"]
    full = _call(client, "harvest_job_show", root, id=harvested.job_id, entries=True).json["result"]
    assert full["errors"] == harvested.errors and full["warnings"] == harvested.warnings
    listed = _call(client, "harvest_job_list", world.tokens["staf"], source_id="ckan-dinkes").json["result"]
    assert [j["id"] for j in listed] == [harvested.job_id] and listed[0]["counts"]["warned"] == 4
    assert client.get(f"/api/3/action/harvest_job_show?id={harvested.job_id}",
                      headers={"Authorization": root}).json["result"]["status"] == "finished"


@pytest.mark.parametrize("who", [None, "tamu", "sopir"])
def test_api_harvest_jobs_are_for_sysadmins_and_the_sources_editors(client, world, harvested, who):
    token = world.tokens.get(who)
    shown = _call(client, "harvest_job_show", token, id=harvested.job_id)
    listed = _call(client, "harvest_job_list", token, source_id="ckan-dinkes")
    assert shown.status_code == listed.status_code == 403
    assert shown.json["error"]["__type"] == "Authorization Error"


def test_api_harvest_job_list_of_every_source_is_for_sysadmins(client, world, harvested):
    assert _call(client, "harvest_job_list", world.tokens["staf"]).status_code == 409
    assert len(_call(client, "harvest_job_list", world.tokens["root"]).json["result"]) == 1
    assert _call(client, "harvest_job_show", world.tokens["root"], id="nope").status_code == 404


def test_admin_job_page_groups_errors_and_warnings(client, world, harvested):
    page = client.get(f"/admin/job/{harvested.job_id}", headers={"Authorization": world.tokens["root"]})
    text = page.get_data(as_text=True)
    ids = [p["id"] for p in packages()]
    assert page.status_code == 200
    assert (f"<tr><td>2</td><td>title</td><td>Contains a lone surrogate (U+DCFF) at character 17</td>\n"
            f"      <td>{ids[3]}, {ids[7]}</td></tr>") in text
    assert ("<td>3</td><td>frequency</td><td>Unknown frequency &#39;Tiap Purnama&#39;; kept as an extra</td>") in text
    assert "warned=4" in text and "<h2>Warnings by kind (2 kinds, 4 in all)</h2>" in text
