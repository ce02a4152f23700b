"""The harvester contract: every harvester passes these tests against a real HTTP server on loopback.

A per-harvester module subclasses ``HarvesterContract`` and provides:

    harvester_class          the class under test (its ``name`` is its registry key)
    publish(server, specs, *, page_size, fail_page=None) -> dict
                             serve the records ``specs`` on ``server`` (a tests.http_server.LoopbackServer)
                             as realistic source documents, ``page_size`` records per page (a format without
                             paging may ignore it), answering page ``fail_page`` (1-based) with HTTP 500;
                             returns the source's ``{"url": ..., "config": {...}}``
    remote_id(spec) -> str   the remote id the harvester must report for a spec
    break_spec(spec) -> dict a spec that ``publish`` renders as a malformed record of the format

A spec is a neutral record made by ``make_spec(n, version)``: id, name, title, notes, keywords,
modified, kecamatan and resources; ``publish`` renders it in the source's format.
"""

import time

import pytest

from catalog import schemas
from catalog.harvest import run_harvest
from harvesters import HarvestError, RecordError
from harvesters.http import HarvestClient

KECAMATAN = [("35.73.01", "Blimbing"), ("35.73.02", "Klojen"), ("35.73.03", "Kedungkandang"),
             ("35.73.04", "Sukun"), ("35.73.05", "Lowokwaru")]

POLICY = {"HARVEST_CONNECT_TIMEOUT": 2.0, "HARVEST_READ_TIMEOUT": 0.5, "HARVEST_DEADLINE": 1.5,
          "HARVEST_RETRIES": 1, "HARVEST_BACKOFF": 0.01, "HARVEST_MAX_BYTES": 2_000_000}


def make_spec(n: int, version: int = 1) -> dict:
    """A realistic record of Kota Malang; a higher ``version`` changes its title, notes and modified."""
    code, kecamatan = KECAMATAN[n % len(KECAMATAN)]
    revised = "" if version == 1 else f" (revisi {version})"
    return {
        "id": f"a1b2c3d4-0000-4000-8000-{n:012d}",
        "name": f"jumlah-penduduk-kecamatan-{kecamatan.lower()}-{n}",
        "title": f"Jumlah Penduduk Kecamatan {kecamatan} Tahun {2015 + n % 10}{revised}",
        "notes": f"Jumlah penduduk menurut jenis kelamin di Kecamatan {kecamatan}, Kota Malang.{revised}",
        "keywords": ["kependudukan", "penduduk", kecamatan.lower()],
        "modified": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T0{version}:00:00",
        "spatial": code,
        "resources": [
            {"url": f"https://data.malangkota.go.id/files/penduduk-{n}.csv", "format": "CSV", "name": "Data CSV",
             "mimetype": "text/csv"},
            {"url": f"https://data.malangkota.go.id/files/penduduk-{n}.xlsx", "format": "XLSX", "name": "Data Excel",
             "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        ],
        "broken": False,
    }


class HarvesterContract:
    """Tests every harvester must pass; see the module docstring for what a subclass provides."""

    harvester_class = None
    paged = True  # False for one-document formats: their "page 3" failure is the document's own

    def publish(self, server, specs, *, page_size, fail_page=None) -> dict:
        raise NotImplementedError

    def remote_id(self, spec) -> str:
        raise NotImplementedError

    def break_spec(self, spec) -> dict:
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------

    def harvester(self, source: dict, **policy):
        record = {"id": "test", "name": "test-source", "type": self.harvester_class.name,
                  "organization": "dinkes", "config": {}, **source}
        client = HarvestClient.from_config({**POLICY, **policy}, record["url"])
        return self.harvester_class(record, client)

    def listing(self, server, count, *, page_size=5, broken=(), **publish):
        specs = [self.break_spec(make_spec(n)) if n in broken else make_spec(n) for n in range(count)]
        source = self.publish(server, specs, page_size=page_size, **publish)
        return specs, source

    # -- listing and mapping ---------------------------------------------------------------

    def test_items_page_to_the_end_and_parse_to_valid_datasets(self, http_server):
        specs, source = self.listing(http_server, 23, page_size=5)
        harvester = self.harvester(source)
        items = list(harvester.items())
        assert [i.remote_id for i in items] == [self.remote_id(s) for s in specs]
        for item in items:
            data = harvester.parse(item)
            assert schemas.validate({**data, "owner_org": "dinkes"}, "dataset") == {}
            assert data["title"].startswith("Jumlah Penduduk Kecamatan")
            assert {r["format"] for r in data["resources"]} == {"CSV", "XLSX"}

    def test_remote_ids_and_mapping_are_stable_across_runs(self, http_server):
        _, source = self.listing(http_server, 7, page_size=3)
        first = [(i.remote_id, self.harvester(source).parse(i)) for i in self.harvester(source).items()]
        second = [(i.remote_id, self.harvester(source).parse(i)) for i in self.harvester(source).items()]
        assert first == second
        assert len({remote_id for remote_id, _ in first}) == 7

    def test_parse_works_with_the_server_stopped(self, http_server):
        _, source = self.listing(http_server, 6, page_size=4)
        harvester = self.harvester(source)
        items = list(harvester.items())
        http_server.stop()
        assert len([harvester.parse(item) for item in items]) == 6

    def test_malformed_records_fail_alone_with_a_field_path(self, http_server):
        specs, source = self.listing(http_server, 8, page_size=4, broken=(2, 5))
        harvester = self.harvester(source)
        outcomes = {}
        for item in harvester.items():
            try:
                outcomes[item.remote_id] = harvester.parse(item)
            except RecordError as error:
                assert error.path, "a RecordError must name the offending field"
                outcomes[item.remote_id] = error
        broken = {self.remote_id(specs[n]) for n in (2, 5)}
        assert {k for k, v in outcomes.items() if isinstance(v, RecordError)} == broken
        assert len([v for v in outcomes.values() if isinstance(v, dict)]) == 6

    # -- whole-source failures -------------------------------------------------------------

    def test_a_500_on_page_3_fails_the_listing(self, http_server):
        _, source = self.listing(http_server, 20, page_size=4, fail_page=3 if self.paged else 1)
        with pytest.raises(HarvestError, match="500"):
            list(self.harvester(source).items())

    def test_a_server_that_does_not_answer_times_out(self, http_server):
        url = http_server.slow("/stalled/", delay=3.0, size=1)
        started = time.monotonic()
        with pytest.raises(HarvestError, match="Timed out"):
            list(self.harvester({"url": url}).items())
        assert time.monotonic() - started < 2.9

    def test_a_drip_feeding_server_is_cut_off_by_the_deadline(self, http_server):
        url = http_server.slow("/drip/", drip=0.1, size=100)  # every read is quick, the whole takes 10 s
        started = time.monotonic()
        with pytest.raises(HarvestError, match="longer than"):
            list(self.harvester({"url": url}).items())
        assert time.monotonic() - started < 4

    def test_a_redirect_to_the_metadata_address_is_refused(self, http_server):
        url = http_server.redirect("/moved/", "http://169.254.169.254/latest/meta-data/")
        with pytest.raises(HarvestError, match="Redirect refused"):
            list(self.harvester({"url": url}).items())

    def test_an_oversized_body_is_refused(self, http_server):
        _, source = self.listing(http_server, 10, page_size=10)
        with pytest.raises(HarvestError, match="too large"):
            list(self.harvester(source, HARVEST_MAX_BYTES=1000).items())

    # -- through the runner ----------------------------------------------------------------

    def register(self, catalog, source, name="kota-malang"):
        return catalog.add_source({"name": name, "type": self.harvester_class.name, "organization": "dinkes",
                                   **source}, actor="test")

    @pytest.fixture
    def policy(self, catalog):
        catalog.config.update(POLICY)
        return catalog

    def test_second_state_updates_withdraws_and_adds(self, policy, org, http_server):
        catalog = policy
        specs = [make_spec(n) for n in range(10)]
        source = self.register(catalog, self.publish(http_server, specs, page_size=4))
        first = run_harvest(catalog, source["name"])
        assert (first.status, first.counts["added"]) == ("finished", 10)
        changed = [make_spec(n, version=2) if n < 3 else make_spec(n) for n in range(1, 10)] + [make_spec(10)]
        self.publish(http_server, changed, page_size=4)
        second = run_harvest(catalog, source["name"])
        assert second.status == "finished", second.message
        assert {k: second.counts[k] for k in ("added", "updated", "unchanged", "withdrawn", "failed")} == \
            {"added": 1, "updated": 2, "unchanged": 7, "withdrawn": 1, "failed": 0}
        with catalog.store.reading() as tx:
            known = tx.source_datasets(source["id"])
        assert known[self.remote_id(specs[0])][2] == "withdrawn"
        assert sum(1 for v in known.values() if v[2] == "active") == 10
        updated = catalog.get_dataset(known[self.remote_id(changed[1])][0])
        assert "(revisi 2)" in updated["title"]
        assert updated["harvest"]["source"] == source["name"]
        assert updated["harvest"]["job_id"] == second.job_id

    def test_an_emptied_source_trips_the_guard(self, policy, org, http_server):
        catalog = policy
        source = self.register(catalog, self.publish(http_server, [make_spec(n) for n in range(5)], page_size=4))
        run_harvest(catalog, source["name"])
        self.publish(http_server, [], page_size=4)
        report = run_harvest(catalog, source["name"])
        assert report.status == "refused"
        assert "nothing was withdrawn" in report.message
        with catalog.store.reading() as tx:
            assert {v[2] for v in tx.source_datasets(source["id"]).values()} == {"active"}

    def test_broken_records_fail_alone_in_a_run(self, policy, org, http_server):
        catalog = policy
        specs, source = self.listing(http_server, 6, page_size=4, broken=(1,))
        report = run_harvest(catalog, self.register(catalog, source)["name"])
        assert (report.status, report.counts["added"], report.counts["failed"]) == ("finished", 5, 1)
        assert report.errors[0]["remote_id"] == self.remote_id(specs[1])
        assert report.errors[0]["path"]
