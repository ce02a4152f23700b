"""Fuzzing the HTTP surface: seeded hostile requests to every page and every action, anonymously, with
editor and sysadmin tokens and an admin session, through a real socket, on SQLite and on PostgreSQL.

Property: no 5xx, no traceback in a body, no error logged behind a 4xx, no request left unanswered,
every 200 body parses as the type it claims, and the instance still serves (``/healthz`` and a known
``package_show``) every 250 requests and at the end. A bounded sample runs here (``FUZZ_COUNT``
requests per database, seed ``FUZZ_SEED``; both can be set in the environment to explore further);
``python -m benchmarks.fuzz_http --count 10000`` runs a long one.
"""

import os

import pytest

from catalog import config as settings
from catalog.app import create_app
from tests.fuzz_requests import IDENTITIES, Surface
from tests.fuzz_run import FUZZ_SETTINGS, Fuzzer, populate
from tests.loopback import serve

FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "20250601"))
FUZZ_COUNT = int(os.environ.get("FUZZ_COUNT", "2000"))


@pytest.fixture
def fuzzed(tmp_path, database_url):
    """A populated instance served on loopback the way production serves it (no TESTING flag)."""
    config = settings.load({"HOME": str(tmp_path / "instance"), "DATABASE_URL": database_url, **FUZZ_SETTINGS},
                           environ={})
    app = create_app(config)
    catalog = app.extensions["catalog"]
    catalog.init()
    tokens, state = populate(catalog)
    with serve(app) as base_url:
        yield Fuzzer(base_url, app, tokens, state), app
    catalog.close()


def test_fuzzed_requests_get_no_server_error_and_the_instance_keeps_serving(fuzzed):
    fuzzer, app = fuzzed
    report = fuzzer.run(FUZZ_COUNT, FUZZ_SEED)
    assert report.requests == FUZZ_COUNT
    assert not report.failures, report.summary(examples=2)

    surface = Surface.of(app)
    assert set(report.identities) == set(IDENTITIES)
    assert not [rule for rule, _, _ in surface.rules if f"page:{rule}" not in report.labels]
    assert not [name for name in surface.actions if f"action:{name}" not in report.labels]
    for reached in ("action:package_create", "action:package_patch", "action:resource_create",
                    "action:organization_create", "action:package_search", "page:/dataset/<name>",
                    "page:/dataset/<name>/resource/<resource_id>/download", "page:/admin/"):
        assert report.successes[reached] > 0, f"no request to {reached} succeeded: {report.summary()}"
