"""Sixteen agencies in one ``catalog harvest run --all``: every good record imported, each bad one
rejected by path, unknown vocabulary kept as warnings, one broken source failing alone.

The sources are the demo's documents (eight CKAN portals, three Turtle feeds, one RDF/XML, one
JSON-LD, three data.json files) as CKAN sites with the DCAT extension publish them (frequency and
theme as EU vocabulary URIs), with breakage planted the way real feeds carry it. A record needs an
identifier, a title, storable text and at least one resource with a usable URL; anything else
unusable (a resource without URL beside others, an unknown frequency, a date that does not exist) is
kept as a warning.
"""

import json
import re

import pytest
from pyoxigraph import RdfFormat, parse, serialize
from werkzeug.wrappers import Response

from catalog.demo import DATA
from catalog.demo.seeds import AGENCIES
from catalog.service import Catalog

EU = "http://publications.europa.eu/resource/authority"
CKAN = ["bappeda", "dinkes", "disdikbud", "dishub", "diskominfo", "dispangtan", "dpuprpkp"]
TURTLE = ["bapenda", "bpbd", "bpkad"]
DATAJSON = ["diskopindag", "disnaker-pmptsp", "dispendukcapil"]
ROWS = 10


def _ckan_packages(agency: str, prefix: str = "") -> list[dict]:
    packages = json.loads((DATA / f"{agency}.ckan.json").read_text("utf-8"))
    for package in packages:
        package["id"], package["name"] = prefix + package["id"], prefix + package["name"]
        for extra in package.get("extras", []):
            if extra["key"] == "frequency":
                extra["value"] = f"{EU}/frequency/{extra['value']}"
            elif extra["key"] == "theme":
                extra["value"] = json.dumps([f"{EU}/data-theme/{t}" for t in json.loads(extra["value"])])
    return sorted(packages, key=lambda p: p["id"])


def _blocks(turtle: str) -> list[str]:
    """The statements about each subject (a description may hold blank lines, never one before "<")."""
    return re.split(r"\n\n(?=<)", turtle)


def _identifier(block: str) -> str:
    return re.search(r'dct:identifier "([^"]+)"', block).group(1)


def _datasets(turtle: str) -> list[str]:
    return [b for b in _blocks(turtle) if " a dcat:Dataset ;" in b.split("\n", 1)[0]]


class Agencies:
    """The sixteen sources' documents, what was planted in them, and a WSGI app serving them."""

    def __init__(self):
        self.sources = {}  # source name -> (type, path, organization, all remote ids)
        self.rejected = {}  # remote id -> the words the rejected field's path must contain (any of them)
        self.unreadable = set()  # remote ids on a page that cannot be read
        self.warned = {}  # remote id -> the words the path of the warning it must carry contains
        self.documents = {}  # path -> (content type, body) or a CKAN package list
        self._ckan()
        self._turtle()
        self._datajson()

    def _ckan(self):
        for agency in CKAN + ["kominfo-arsip"]:
            packages = _ckan_packages("diskominfo", "arsip-") if agency == "kominfo-arsip" else _ckan_packages(agency)
            if agency == "dinkes":  # a badly decoded upload: a lone surrogate in a title
                packages[3]["title"] += " \udcff"
                self.rejected[packages[3]["id"]] = ("title",)
            if agency == "bappeda":  # URLs never filled in: of every resource (refused), of one (left out)
                for resource in packages[2]["resources"]:
                    resource["url"] = ""
                self.rejected[packages[2]["id"]] = ("resources",)
                packages[4]["resources"][0]["url"] = " "
                self.warned[packages[4]["id"]] = ("resources.0.url",)
            if agency == "disdikbud":  # a frequency no vocabulary knows: kept, with a warning
                for extra in packages[5]["extras"]:
                    if extra["key"] == "frequency":
                        extra["value"] = "Tiap Purnama"
                self.warned[packages[5]["id"]] = ("frequency",)
            if agency == "dishub":  # the second page answers 100,000 levels deep
                self.unreadable |= {p["id"] for p in packages[ROWS:]}
            organization = "diskominfo" if agency == "kominfo-arsip" else agency
            self.documents[f"/ckan/{agency}/"] = packages
            self.sources[f"{agency}-ckan"] = ("ckan", f"/ckan/{agency}/", organization, {p["id"] for p in packages})

    def _turtle(self):
        for agency in TURTLE + ["dlh", "disporapar"]:
            text = (DATA / f"{agency}.ttl").read_text("utf-8")
            datasets = _datasets(text)
            if agency == "bapenda":  # a lone surrogate in one literal: the rest of the feed still counts
                block = datasets[1]
                text = text.replace(block, re.sub(r'dct:title "', r'dct:title "\\uDCFF ', block, count=1))
                self.rejected[_identifier(block)] = ("title",)
            if agency == "bpbd":  # a bad literal: a date that does not exist
                block = datasets[2]
                text = text.replace(block, re.sub(r'dct:modified "[^"]+"', 'dct:modified "2024-13-45T25:00:00"',
                                                  block, count=1))
                self.warned[_identifier(block)] = ("modified",)
            if agency == "bpkad":  # distributions with neither accessURL nor downloadURL: all, or one, of a dataset
                for dataset, strip_all in ((datasets[1], True), (datasets[0], False)):
                    iri = dataset.split(">", 1)[0].lstrip("<")
                    distributions = [b for b in _blocks(text)
                                     if b.startswith(f"<{iri}#") and " a dcat:Distribution ;" in b]
                    for distribution in distributions if strip_all else distributions[:1]:
                        text = text.replace(distribution, "\n".join(
                            line for line in distribution.split("\n")
                            if "dcat:accessURL" not in line and "dcat:downloadURL" not in line))
                    (self.rejected if strip_all else self.warned)[_identifier(dataset)] = ("resources",)
            if agency == "dlh":  # HTML where text belongs: imported as text
                block = datasets[0]
                text = text.replace(block, re.sub(r'dct:title "', 'dct:title "<b>Penting:</b> ', block, count=1))
            if agency == "disporapar":
                block = datasets[4]
                text = text.replace(block, re.sub(r'dct:title "', 'dct:title "PENANDA ', block, count=1))
                self.rejected[_identifier(block)] = ("title",)
            ids = {_identifier(b) for b in datasets}
            if agency == "dlh":
                body, kind, path = _rdf_text(text, RdfFormat.RDF_XML), "application/rdf+xml", "/dcat/dlh.rdf"
            elif agency == "disporapar":
                body = _rdf_text(text, RdfFormat.JSON_LD).replace(b"PENANDA", b"\\udcff")
                kind, path = "application/ld+json", "/dcat/disporapar.jsonld"
            else:
                body, kind, path = text.encode("utf-8"), "text/turtle", f"/dcat/{agency}.ttl"
            self.documents[path] = (kind, body)
            self.sources[f"{agency}-dcat"] = ("dcat", path, agency, ids)

    def _datajson(self):
        for agency in DATAJSON:
            document = json.loads((DATA / f"{agency}.data.json").read_text("utf-8"))
            datasets = document["dataset"]
            if agency == "diskopindag":  # DCAT-US requires modified; the catalog does not
                datasets[1]["modified"] = None
                self.warned[datasets[1]["identifier"]] = ("modified",)
            if agency == "disnaker-pmptsp":  # no distribution with a URL
                for distribution in datasets[3]["distribution"]:
                    distribution.pop("downloadURL", None)
                    distribution.pop("accessURL", None)
                self.rejected[datasets[3]["identifier"]] = ("resources", "distribution")
            if agency == "dispendukcapil":  # a NUL in a title
                datasets[0]["title"] = "Jumlah\x00Penduduk"
                self.rejected[datasets[0]["identifier"]] = ("title",)
            path = f"/datajson/{agency}.json"
            self.documents[path] = ("application/json", json.dumps(document).encode())
            self.sources[f"{agency}-datajson"] = ("datajson", path, agency, {d["identifier"] for d in datasets})

    def answer(self, request) -> Response:
        path = request.path
        if path.startswith("/ckan/") and path.endswith("/package_search"):
            base = path.split("api/3/action/")[0]
            packages = self.documents[base]
            start, rows = int(request.args.get("start", 0)), int(request.args.get("rows", ROWS))
            if base == "/ckan/dishub/" and start >= ROWS:
                return Response(b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
            body = {"success": True, "result": {"count": len(packages), "results": packages[start:start + rows]}}
            return Response(json.dumps(body), content_type="application/json")
        if path in self.documents:
            kind, body = self.documents[path]
            return Response(body, content_type=kind)
        return Response(b"not found", status=404)


def _rdf_text(turtle: str, target: RdfFormat) -> bytes:
    return serialize(parse(turtle.encode("utf-8"), format=RdfFormat.TURTLE), format=target)


@pytest.fixture
def agencies(http_server):
    found = Agencies()
    http_server.route("/", found.answer)
    found.base = http_server.url("").rstrip("/")
    return found


def test_sixteen_agencies_in_one_run_all(runner, sqlite_config, agencies):
    assert len(agencies.sources) == 16
    runner("init")
    titles = {name: title for name, title, _, _ in AGENCIES}
    for organization in sorted({org for _, _, org, _ in agencies.sources.values()}):
        assert runner("org", "add", organization, "--title", titles[organization]).exit_code == 0
    for name, (kind, path, organization, _) in sorted(agencies.sources.items()):
        config = ["--config", json.dumps({"rows": ROWS})] if kind == "ckan" else []
        added = runner("source", "add", name, "--type", kind, "--url", agencies.base + path, "--org", organization,
                       *config)
        assert added.exit_code == 0, added.output

    result = runner("harvest", "run", "--all")
    assert "Traceback" not in result.output
    summaries = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert len(summaries) == 16 and result.exit_code == 1
    assert [line.split(":")[0] for line in summaries if ": finished" not in line] == ["dishub-ckan"]
    assert next(line for line in summaries if line.startswith("dishub-ckan")).startswith(
        "dishub-ckan: failed: RecursionError")

    catalog = Catalog.open(sqlite_config)
    try:
        jobs = {job["source"]: job for job in catalog.harvest_jobs(limit=50, entries=True)}
        assert {job["status"] for job in jobs.values()} == {"finished", "failed"}
        with catalog.store.reading() as tx:
            assert not tx.orphaned_jobs() and all(j["status"] != "running" for j in tx.list_jobs(limit=100))
        for name, (_, _, _, ids) in sorted(agencies.sources.items()):
            source_id = catalog.get_source(name)["id"]
            with catalog.store.reading() as tx:
                present = {rid for rid, (_, _, state) in tx.source_datasets(source_id).items() if state == "active"}
            good = ids - set(agencies.rejected) - agencies.unreadable
            assert present == good, (name, sorted(good - present)[:5], sorted(present - good)[:5])
            errors = {(e["remote_id"], e["path"]) for e in jobs[name]["errors"]}
            for remote_id, words in agencies.rejected.items():
                if remote_id in ids:
                    assert any(r == remote_id and any(w in (p or "") for w in words) for r, p in errors), (
                        name, remote_id, errors)
            warnings = {(w["remote_id"], w["path"]) for w in jobs[name]["warnings"]}
            for remote_id, words in agencies.warned.items():
                if remote_id in ids:
                    assert any(r == remote_id and any(w in (p or "") for w in words) for r, p in warnings), (
                        name, remote_id, warnings)
        total = sum(len(ids) for *_, ids in agencies.sources.values())
        with catalog.store.reading() as tx:
            assert tx.count_datasets() == total - len(agencies.rejected) - len(agencies.unreadable)
    finally:
        catalog.close()
