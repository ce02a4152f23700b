"""The DCAT RDF harvester against the shared harvester contract (tests/contracts/harvester.py)."""

import pytest

from catalog import schemas
from catalog.dcat import Site
from catalog.dcat.documents import catalog_page
from harvesters.dcat import DcatHarvester

contract = pytest.importorskip("tests.contracts.harvester", reason="the shared harvester contract suite is absent")

SITE = Site(url="https://opendata.malangkota.go.id", title="Portal Data Dinkes", regions=schemas.region_names())


def _record(spec: dict) -> dict:
    """A spec as a dataset record, the way a DCAT-publishing agency holds it."""
    record = {
        "id": spec["id"], "name": spec["name"], "title": spec["title"], "notes": spec["notes"],
        "identifier": spec["id"], "modified": spec["modified"], "spatial": [spec["spatial"]],
        "tags": [{"name": k} for k in spec["keywords"]], "owner_org": "dinkes",
        "resources": [dict(r, id=f"{spec['id'][:-2]}{n:02d}") for n, r in enumerate(spec["resources"])],
    }
    return record


def _without_titles_of(body: bytes, specs: list[dict]) -> bytes:
    """The page with the broken specs' dct:title statements removed (a dataset with no title is malformed)."""
    broken = [s["title"].encode() for s in specs if s.get("broken")]
    return b"\n".join(line for line in body.split(b"\n") if not any(t in line for t in broken))


class TestDcatHarvester(contract.HarvesterContract):
    harvester_class = DcatHarvester

    def publish(self, server, specs, *, page_size, fail_page=None) -> dict:
        pages = [specs[i:i + page_size] for i in range(0, len(specs), page_size)] or [[]]
        url = lambda number: server.url(f"/dcat/catalog.ttl-{number}")  # noqa: E731
        for number, chunk in enumerate(pages, start=1):
            body = catalog_page([_record(s) for s in chunk], SITE, "ttl", page=number, per_page=page_size,
                                total=len(specs), page_url=url)
            body = _without_titles_of(body, chunk)
            server.document(f"/dcat/catalog.ttl-{number}", body, content_type="text/turtle")
        if fail_page:
            server.status(f"/dcat/catalog.ttl-{fail_page}", 500)
        return {"url": url(1), "config": {}}

    def remote_id(self, spec) -> str:
        return spec["id"]

    def break_spec(self, spec) -> dict:
        return dict(spec, broken=True)
