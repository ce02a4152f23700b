"""Mutation fuzzing: broken variants of real and demo documents, harvested through real HTTP on loopback.

For each protocol a seeded sample of variants (``tests/mutation.py``) is harvested in the loop of
``catalog harvest run --all`` next to a healthy source (``tests/fuzzing.py``): every run must end in
a terminal status, with no exception escaping the runner, no job left running, the lease free, and
the other source untouched. Set ``CATALOG_FUZZ_SEED`` to explore other variants; a failure names the
variants, which ``Mutator(seed).variant(protocol, number)`` gives back alone.
``python -m benchmarks.fuzz`` runs the same at scale.
"""

import os

import pytest
from werkzeug.wrappers import Response

from catalog.demo import DATA as DEMO
from catalog.harvest import run_harvest
from tests.contracts.harvester import POLICY
from tests.fuzzing import Fuzzer, FuzzSite
from tests.mutation import MUTATIONS, PROTOCOLS, Mutator, seeds

SEED = int(os.environ.get("CATALOG_FUZZ_SEED", "20261204"))
SAMPLE = {"sqlite": 96, "postgresql": 24}  # variants per protocol: every mutation 8 or 2 times


@pytest.fixture
def site():
    site = FuzzSite()
    yield site
    site.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_broken_documents_never_escape_the_runner_nor_touch_other_sources(catalog, org, site, protocol):
    catalog.config.update(POLICY)
    fuzzer = Fuzzer(catalog, site, org["name"])
    database = "sqlite" if catalog.config["DATABASE_URL"].startswith("sqlite") else "postgresql"
    for variant in Mutator(SEED).variants(protocol, SAMPLE[database]):
        fuzzer.run(variant)
    found = fuzzer.findings
    assert found.documents[protocol] == SAMPLE[database]
    assert found.problems == [], "\n".join(found.problems[:20])
    assert (found.uncaught[protocol], found.left_running[protocol]) == (0, 0)
    statuses = found.statuses[protocol]
    assert set(statuses) <= {"finished", "failed"} and statuses.get("finished") and statuses.get("failed")


def test_the_mutator_is_reproducible_and_covers_every_mutation_and_seed():
    mutator = Mutator(SEED)
    again = Mutator(SEED)
    for protocol in PROTOCOLS:
        variants = list(mutator.variants(protocol, 2 * len(MUTATIONS)))
        assert [v.pages for v in variants[:3]] == [again.variant(protocol, n).pages for n in range(3)]
        assert {v.mutation for v in variants} == set(MUTATIONS)
        assert len(seeds(protocol)) >= 6  # real documents and the demo's sources
        assert all(v.pages for v in variants)


DEEP = 100_000


def _deep_documents():
    """A dataset carrying a chain of blank nodes, and documents nested far too deep, in each RDF syntax."""
    turtle = ((DEMO / "bapenda.ttl").read_bytes() + b"\n<https://data.malangkota.go.id/dataset/"
              b"bapenda-jumlah-wajib-pajak-hotel-dan-restoran-per-kecamatan-2017> <http://purl.org/dc/terms/relation> "
              + b"[ <urn:x:p> " * DEEP + b"\"v\"" + b" ]" * DEEP + b" .\n")
    xml = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns:ex="urn:x:"><rdf:Description rdf:about="urn:x:s">' + b'<ex:p rdf:parseType="Resource">' * DEEP
           + b"<ex:q>v</ex:q>" + b"</ex:p>" * DEEP + b"</rdf:Description></rdf:RDF>")
    jsonld = b'{"@id": "urn:x:s", "urn:x:p": ' + b'{"urn:x:p": ' * 5000 + b'"v"' + b"}" * 5000 + b"}"
    return {"turtle": ("text/turtle", turtle, "finished", None),
            "rdfxml": ("application/rdf+xml", xml, "failed", "RDF/XML refused: elements nested deeper than 1000"),
            "jsonld": ("application/ld+json", jsonld, "failed", "JSON-LD refused: nested deeper than 256 levels")}


@pytest.mark.parametrize("syntax", ["turtle", "rdfxml", "jsonld"])
def test_rdf_nested_too_deep_costs_neither_the_process_nor_minutes(catalog, org, http_server, syntax):
    """Found by the fuzzer: 5,000 levels of JSON-LD overflowed the parser's stack and killed the process;
    100,000 levels of RDF/XML took a minute to parse; a 100,000-long chain of blank nodes off a dataset
    took memory in the square of its length."""
    kind, body, status, message = _deep_documents()[syntax]
    catalog.config.update(POLICY, HARVEST_MAX_BYTES=20_000_000, HARVEST_DEADLINE=30)
    url = http_server.route("/feed", lambda request: Response(body, content_type=kind))
    catalog.add_source({"name": "dlh-dcat", "type": "dcat", "url": url, "organization": org["name"]}, actor="t")
    report = run_harvest(catalog, "dlh-dcat")
    assert report.status == status, report.message
    if message:
        assert message in report.message
    else:
        assert report.counts["failed"] == 0 and report.counts["added"] == 16
