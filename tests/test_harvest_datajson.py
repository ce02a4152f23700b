"""The data.json harvester: the contract suite, the DCAT-US 1.1 schema against the reference, and conditional requests."""

import copy
import hashlib
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4
from werkzeug.wrappers import Response

from catalog import schemas
from catalog.harvest import run_harvest
from harvesters import RecordError, RemoteItem
from harvesters.datajson import DatajsonHarvester, entry_errors, entry_validator, map_entry
from harvesters.normalise import NO_RESOURCE
from tests.conformance import KIT, require_kit
from tests.contracts.harvester import POLICY, HarvesterContract, make_spec

REFERENCE = KIT / "dcat-us-1.1"
EXAMPLES = KIT / "examples" / "dcat-us"
DATA = Path(__file__).parent / "data" / "datajson"


def entry(spec: dict) -> dict:
    """A contract spec as a data.json entry of a Kota Malang agency."""
    record = {
        "@type": "dcat:Dataset",
        "identifier": f"https://data.malangkota.go.id/dataset/{spec['id']}",
        "title": spec["title"],
        "description": spec["notes"],
        "keyword": spec["keywords"],
        "modified": spec["modified"],
        "publisher": {"@type": "org:Organization", "name": "Dinas Kependudukan dan Pencatatan Sipil Kota Malang"},
        "contactPoint": {"@type": "vcard:Contact", "fn": "Seksi Data Dispendukcapil",
                         "hasEmail": "mailto:dispendukcapil@malangkota.go.id"},
        "accessLevel": "public",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "spatial": spec["spatial"],
        "temporal": "2024-01-01/2024-12-31",
        "accrualPeriodicity": "R/P1Y",
        "language": ["id-ID"],
        "distribution": [{"@type": "dcat:Distribution", "downloadURL": r["url"], "mediaType": r["mimetype"],
                          "format": r["format"], "title": r["name"]} for r in spec["resources"]],
    }
    if spec.get("broken"):  # no distribution has a URL: nothing the catalog could point to
        record["distribution"] = [{"@type": "dcat:Distribution", "title": "Data CSV", "mediaType": "text/csv"}]
    return record


def catalog_document(entries: list[dict]) -> dict:
    return {"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld", "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": entries}


def serve_datajson(server, document: dict, path: str = "/data.json") -> str:
    """Serve a data.json with an ETag, answering If-None-Match with 304 as web servers do."""
    body = json.dumps(document, ensure_ascii=False).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'

    def handler(request):
        if request.headers.get("If-None-Match") == etag:
            return Response(b"", status=304, headers={"ETag": etag})
        return Response(body, content_type="application/json", headers={"ETag": etag})

    return server.route(path, handler)


class TestDatajsonHarvester(HarvesterContract):
    harvester_class = DatajsonHarvester
    paged = False

    def publish(self, server, specs, *, page_size, fail_page=None):
        if fail_page:
            return {"url": server.status("/data.json", 500)}
        return {"url": serve_datajson(server, catalog_document([entry(s) for s in specs]))}

    def remote_id(self, spec):
        return f"https://data.malangkota.go.id/dataset/{spec['id']}"

    def break_spec(self, spec):
        return {**spec, "broken": True}


# -- the schema against the reference ---------------------------------------------------------


def reference_validator():
    require_kit()
    resources = []
    for path in REFERENCE.glob("*.json"):
        document = json.loads(path.read_text("utf-8"))
        resources.append((document["id"].rstrip("#"), DRAFT4.create_resource(document)))
    registry = Registry().with_resources(resources)
    schema = json.loads((REFERENCE / "dataset.json").read_text("utf-8"))
    return Draft4Validator(schema, registry=registry)


def example_entries():
    require_kit()
    for path in sorted(EXAMPLES.glob("*.json")):
        yield from json.loads(path.read_text("utf-8"))["dataset"]


BREAKAGES = {
    "no title": lambda e: e.pop("title"),
    "empty description": lambda e: e.update(description=""),
    "keyword not a list": lambda e: e.update(keyword="health"),
    "no keyword": lambda e: e.update(keyword=[]),
    "bad modified": lambda e: e.update(modified="last tuesday"),
    "bad access level": lambda e: e.update(accessLevel="open"),
    "contact without mailto": lambda e: e["contactPoint"].update(hasEmail="adc@arm.gov"),
    "contact without name": lambda e: e["contactPoint"].pop("fn"),
    "publisher without name": lambda e: e.update(publisher={"subOrganizationOf": {"name": "X"}}),
    "download without media type": lambda e: e.update(distribution=[{"downloadURL": "https://x.example/a.csv"}]),
    "bad media type": lambda e: e.update(distribution=[{"accessURL": "https://x.example", "mediaType": "csv"}]),
    "bad temporal": lambda e: e.update(temporal="2010 to 2012"),
    "bad periodicity": lambda e: e.update(accrualPeriodicity="monthly"),
    "rights too long": lambda e: e.update(rights="x" * 300),
    "bad bureau code": lambda e: e.update(bureauCode=["18"]),
    "duplicate themes": lambda e: e.update(theme=["a", "a"]),
    "wrong type": lambda e: e.update(**{"@type": "dcat:Distribution"}),
}


def test_the_schema_is_valid_and_documented():
    schema = json.loads((Path(schemas.__file__).parent.parent / "metadata_schemas" / "datajson_dataset.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert all(p.get("description") for p in schema["properties"].values())


@pytest.mark.parametrize("index", range(9))
def test_examples_get_the_reference_verdict(index):
    example = list(example_entries())[index]
    assert reference_validator().is_valid(example) == entry_validator().is_valid(example) is True


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_entries_get_the_reference_verdict(breakage):
    for example in example_entries():
        broken = copy.deepcopy(example)
        BREAKAGES[breakage](broken)
        assert not reference_validator().is_valid(broken)
        assert not entry_validator().is_valid(broken), breakage


def test_federal_codes_are_checked_but_not_demanded():
    example = copy.deepcopy(next(example_entries()))
    del example["bureauCode"], example["programCode"]
    assert not reference_validator().is_valid(example)  # the reference is written for US federal agencies
    assert entry_validator().is_valid(example)


# -- mapping and runs ---------------------------------------------------------------------------


def test_maps_satu_data_fields():
    data = map_entry(entry(make_spec(2)))
    assert data["spatial"] == ["35.73.03"]
    assert (data["temporal_start"], data["temporal_end"]) == ("2024-01-01", "2024-12-31")
    assert (data["frequency"], data["license_id"], data["access_level"]) == ("ANNUAL", "cc-by-4.0", "terbuka")
    assert data["contact_point"] == {"name": "Seksi Data Dispendukcapil", "email": "dispendukcapil@malangkota.go.id"}
    assert data["language"] == ["id"]
    assert "extras" not in data  # every key of the entry has a field of its own


def test_reads_the_dcat_us_examples():
    read = 0
    for example in example_entries():
        if not any(d.get("downloadURL") or d.get("accessURL") for d in example.get("distribution") or []):
            with pytest.raises(RecordError) as refused:
                map_entry(example)
            assert (refused.value.path, refused.value.message) == ("resources", NO_RESOURCE)
            continue
        data = map_entry(example)
        read += 1
        assert schemas.validate({**data, "owner_org": "dinkes"}, "dataset") == {}, example["identifier"]
        assert {e["key"] for e in data["extras"]} >= {"bureauCode", "programCode"}
    assert read == 7  # of the nine examples, two list no distribution


def test_an_entry_that_breaks_dcat_us_is_kept_with_warnings_by_json_path():
    harvester = DatajsonHarvester({"url": "https://x.example/data.json"}, None)
    bad = entry(make_spec(1))
    bad["contactPoint"]["hasEmail"] = "dispendukcapil at malangkota"
    bad["modified"] = None
    bad["accrualPeriodicity"] = "2 mingguan"
    bad["accessLevel"] = "open"
    data = harvester.parse(RemoteItem("x", bad, "https://x.example/data.json#dataset[7]"))
    warnings = {w["path"]: w["message"] for w in data["harvest"]["warnings"]}
    assert warnings["contactPoint.hasEmail"].startswith("Not valid DCAT-US 1.1: ")
    assert warnings["modified"] == "DCAT-US 1.1 requires modified; the source gives none"
    assert warnings["accessLevel"] == "Unknown access level 'open'; kept as an extra"
    assert data["frequency"] == "BIWEEKLY"
    assert {"key": "accessLevel", "value": "open"} in data["extras"]
    assert "modified" not in data and "contact_point" not in data
    assert entry_errors(bad)["contactPoint.hasEmail"]


def test_an_unchanged_file_costs_one_request(catalog, org, http_server):
    catalog.config.update(POLICY)
    url = serve_datajson(http_server, catalog_document([entry(make_spec(n)) for n in range(4)]))
    catalog.add_source({"name": "datajson-dukcapil", "type": "datajson", "url": url, "organization": "dinkes"},
                       actor="test")
    assert run_harvest(catalog, "datajson-dukcapil").counts["added"] == 4
    http_server.hits.clear()
    report = run_harvest(catalog, "datajson-dukcapil")
    assert len(http_server.hits) == 1
    assert (report.status, report.counts["unchanged"], report.counts["withdrawn"]) == ("finished", 4, 0)


def test_a_document_without_dataset_list_fails_the_job(catalog, org, http_server):
    url = http_server.document("/data.json", json.dumps({"conformsTo": "x"}))
    catalog.add_source({"name": "bad-json", "type": "datajson", "url": url, "organization": "dinkes"}, actor="test")
    report = run_harvest(catalog, "bad-json")
    assert report.status == "failed"
    assert "no 'dataset' list" in report.message
