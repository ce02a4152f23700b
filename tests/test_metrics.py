"""``/metrics``: Prometheus text with jobs by status, datasets by agency, and each source's health."""

import re

from catalog.scheduler.core import Scheduler
from catalog.scheduler.dispatch import Inline
from tests.builders import make_dataset, make_organization
from tests.scheduling_support import TEST_SETTINGS, LoopbackServer, add_source, insert_source_row


def _samples(text):
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if not line.startswith("#")}


def test_metrics_count_jobs_datasets_and_source_health(client, app):
    catalog = app.extensions["catalog"]
    catalog.config.update(TEST_SETTINGS, ALERT_FAILURE_STREAK=1)
    dinkes = catalog.create_organization(make_organization(), actor="test")
    catalog.create_organization(make_organization(name="dishub", title="Dinas Perhubungan"), actor="test")
    for _ in range(2):
        catalog.create_dataset(make_dataset(owner_org="dinkes"), actor="test")
    server = LoopbackServer()
    add_source(catalog, dinkes, "dinkes", server.url("dinkes.json"), "MANUAL")
    insert_source_row(catalog, dinkes, 'odd"name', server.url("missing.json"))
    scheduler = Scheduler(catalog, Inline(catalog))
    scheduler.request_run("dinkes")
    scheduler.request_run('odd"name')
    scheduler.tick()
    server.close()

    response = client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain; version=0.0.4")
    text = response.get_data(as_text=True)
    samples = _samples(text)
    assert samples['catalog_harvest_jobs{status="finished"}'] == 1
    assert samples['catalog_harvest_jobs{status="failed"}'] == 1
    assert samples['catalog_datasets{organization="dinkes"}'] == 4  # two made here, two harvested
    assert samples['catalog_datasets{organization="dishub"}'] == 0
    assert 0 <= samples['catalog_source_last_success_age_seconds{source="dinkes"}'] < 60
    assert 'catalog_source_last_success_age_seconds{source="odd\\"name"}' not in samples
    assert samples['catalog_source_failure_streak{source="odd\\"name"}'] == 1
    assert samples['catalog_source_alerting{source="odd\\"name"}'] == 1
    assert samples['catalog_source_alerting{source="dinkes"}'] == 0
    for family in ("catalog_harvest_jobs", "catalog_datasets", "catalog_source_failure_streak"):
        assert f"# TYPE {family} gauge" in text
    assert all(re.fullmatch(r'[a-z_]+(\{.*\})? [0-9.e+-]+', line) for line in text.splitlines() if not line.startswith("#"))
