"""The CKAN harvester: the contract suite against a CKAN Action API on loopback, plus CKAN specifics."""

import json

import pytest

from catalog import schemas
from catalog.harvest import run_harvest
from harvesters import RemoteItem
from harvesters.ckan import CkanHarvester, parse_package
from tests import ckan_site
from tests.conformance import require_kit
from tests.contracts.harvester import POLICY, HarvesterContract, make_spec


class TestCkanHarvester(HarvesterContract):
    harvester_class = CkanHarvester

    def publish(self, server, specs, *, page_size, fail_page=None):
        packages = ckan_site.touched([ckan_site.package(s) for s in specs], getattr(server, "ckan_packages", None))
        server.ckan_packages = {p["id"]: p for p in packages}
        url = ckan_site.serve(server, packages, fail_page=fail_page)
        return {"url": url, "config": {"rows": page_size}}

    def remote_id(self, spec):
        return spec["id"]

    def break_spec(self, spec):
        return {**spec, "broken": True}


@pytest.mark.parametrize("version", ["2.9", "2.10", "2.11"])
def test_maps_every_ckan_version_shape(version):
    data = parse_package(ckan_site.package(make_spec(3), version), "https://data.malangkota.go.id")
    assert schemas.validate({**data, "owner_org": "dinkes"}, "dataset") == {}
    assert data["unit"] == "jiwa" if version == "2.11" else {"key": "satuan", "value": "jiwa"} in data["extras"]
    assert data["spatial"] == ["35.73.04"]
    assert data["frequency"] == "ANNUAL"
    assert data["publisher"] == {"name": "Dinas Kesehatan Kota Malang"}
    assert data["groups"] == [{"name": "kependudukan"}]
    assert [r["size"] for r in data["resources"]] == [20480, 20480]


def test_reads_a_real_ckan_package_search_answer():
    body = json.loads((require_kit() / "examples" / "ckan-api" / "package_search.json").read_text("utf-8"))
    for package in body["result"]["results"]:
        data = parse_package(package, "https://demo.ckan.org")
        assert data["name"] == package["name"]
        assert len(data["resources"]) == len(package["resources"])
        assert {t["name"] for t in data["tags"]} == {t["name"] for t in package["tags"]}


def test_incremental_run_fetches_only_changed_datasets_and_still_detects_removals(catalog, org, http_server):
    catalog.config.update(POLICY)
    specs = [make_spec(n) for n in range(12)]
    url = ckan_site.serve(http_server, [ckan_site.package(s) for s in specs])
    catalog.add_source({"name": "ckan-dinkes", "type": "ckan", "url": url, "organization": "dinkes",
                        "config": {"rows": 5}}, actor="test")
    assert run_harvest(catalog, "ckan-dinkes").counts["added"] == 12
    changed = make_spec(4, version=2)
    changed["modified"] = "2099-01-01T00:00:00"
    ckan_site.serve(http_server, [ckan_site.package(changed if s["id"] == changed["id"] else s) for s in specs[1:]])
    http_server.hits.clear()
    report = run_harvest(catalog, "ckan-dinkes")
    assert (report.counts["updated"], report.counts["unchanged"], report.counts["withdrawn"]) == (1, 10, 1)
    full_pages = [args for _, args in http_server.hits if "fl" not in args]
    assert all(args.get("fq", "").startswith("metadata_modified:[") for args in full_pages)


def test_listing_that_shrinks_while_paging_is_a_source_failure(http_server):
    from harvesters import HarvestError
    from harvesters.http import HarvestClient

    packages = [ckan_site.package(make_spec(n)) for n in range(10)]
    url = ckan_site.serve(http_server, packages)
    harvester = CkanHarvester({"url": url, "config": {"rows": 4}}, HarvestClient.from_config(POLICY, url))
    listing = harvester.items()
    first = [next(listing) for _ in range(4)]
    ckan_site.serve(http_server, packages[2:])  # two datasets vanish between page 1 and page 2
    with pytest.raises(HarvestError, match="changed while paging"):
        list(listing)
    assert len(first) == 4


def test_a_keyless_extra_is_a_warning_and_a_package_without_title_is_refused_by_path():
    from harvesters import RecordError

    harvester = CkanHarvester({"url": "https://x.example"}, None)
    data = harvester.parse(RemoteItem("x", {**ckan_site.package(make_spec(1)), "extras": [{"value": "no key"}]}))
    assert data["harvest"]["warnings"] == [{"path": "extras.0", "message": "An extra without a key was left out"}]
    with pytest.raises(RecordError) as caught:
        harvester.parse(RemoteItem("x", {**ckan_site.package(make_spec(1)), "title": ""}))
    assert caught.value.path == "title"
