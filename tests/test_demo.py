"""`catalog demo`: the bundled agencies harvested through the real harvesters, idempotently."""

import json

import harvesters
from catalog.demo import DATA, agencies
from catalog.demo.generate import write
from catalog.demo.seeds import TOPICS, YEARS


def test_the_committed_documents_are_what_the_generator_writes(tmp_path):
    counts = write(tmp_path)
    assert sum(counts.values()) >= 300 and len(counts) >= 15
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (DATA / path.name).read_bytes(), f"{path.name} is stale: run the generator"


def test_demo_harvests_every_agency_and_a_rerun_changes_nothing(runner):
    installed = set(harvesters.registry())
    result = runner("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    expected = {name for name, _, kind in agencies() if kind in installed}
    jobs = json.loads(runner("harvest", "jobs", "--json", "--limit", "100").output)
    assert {j["source"].rsplit("-", 1)[0] for j in jobs} == expected
    for job in jobs:
        agency = job["source"].rsplit("-", 1)[0]
        assert job["status"] == "finished", job
        assert job["counts"]["added"] == len(TOPICS[agency]) * len(YEARS), job
    if "dcat" not in installed:
        assert "No 'dcat' harvester installed: skipping" in result.output
    again = runner("demo", "--no-serve")
    assert again.exit_code == 0
    latest = json.loads(runner("harvest", "jobs", "--json", "--limit", str(len(expected))).output)
    assert all(j["counts"]["unchanged"] == len(TOPICS[j["source"].rsplit("-", 1)[0]]) * len(YEARS) for j in latest)
    assert all(j["counts"]["added"] == j["counts"]["updated"] == 0 for j in latest)
