"""Harvest broken documents the way an operator would: each variant of ``tests.mutation`` is served on
a loopback HTTP server as one agency's source, harvested with the real harvester in the same loop as
``catalog harvest run --all``, next to a healthy control source, and the run is checked.

The property checked for every variant: the run ends in a terminal status, no exception escapes the
runner, no job is left ``running``, the source's lease is free, and the control source harvested
right after it is untouched (finished, nothing failed, updated or withdrawn). ``Fuzzer.run`` returns
what was found; the test and ``benchmarks/fuzz.py`` both use it.
"""

import json
import threading
from dataclasses import dataclass, field

from rich.progress import Progress
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from catalog.cli.harvest import NOT_RUN, harvest_with_progress
from catalog.demo import DATA as DEMO
from catalog.demo import QuietHandler
from catalog.tables import harvest_jobs
from tests.mutation import CKAN_ROWS, PROTOCOLS, Variant

TERMINAL = {"finished", "failed", "refused"}
CONTROL = "zz-control"
PATHS = {"ckan": "/ckan/", "datajson": "/datajson/data.json", "dcat-ttl": "/dcat-ttl/catalog.ttl",
         "dcat-rdfxml": "/dcat-rdfxml/catalog.rdf", "dcat-jsonld": "/dcat-jsonld/catalog.jsonld"}
TYPES = {"ckan": "ckan", "datajson": "datajson", "dcat-ttl": "dcat", "dcat-rdfxml": "dcat", "dcat-jsonld": "dcat"}


def source_name(protocol: str) -> str:
    return f"fuzz-{protocol}"


class FuzzSite:
    """A loopback server: the current variant of each protocol, and the control agency's CKAN API."""

    def __init__(self):
        self.current: dict[str, Variant] = {}
        self.control = json.loads((DEMO / "bappeda.ckan.json").read_text("utf-8"))
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=QuietHandler)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _app(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path.startswith("/control/"):
            response = self._control(request)
        elif path.startswith("/ckan/") and path.endswith("/package_search") and "ckan" in self.current:
            pages = self.current["ckan"].pages
            page = int(request.args.get("start", 0) or 0) // CKAN_ROWS
            response = self._page(pages[page]) if page < len(pages) else Response(
                json.dumps({"success": True, "result": {"count": 0, "results": []}}), content_type="application/json")
        else:
            found = [p for p, at in PATHS.items() if at == path and p in self.current and p != "ckan"]
            response = self._page(self.current[found[0]].pages[0]) if found else Response(b"not found", status=404)
        return response(environ, start_response)

    @staticmethod
    def _page(page) -> Response:
        return Response(page.body, status=page.status, content_type=page.content_type)

    def _control(self, request) -> Response:
        if not request.path.endswith("/package_search"):
            return Response(b"not found", status=404)
        start, rows = int(request.args.get("start", 0)), int(request.args.get("rows", 10))
        ordered = sorted(self.control, key=lambda p: p["id"])
        body = {"success": True, "result": {"count": len(ordered), "results": ordered[start:start + rows]}}
        return Response(json.dumps(body), content_type="application/json")


@dataclass
class Findings:
    """What the fuzzing found, per protocol: documents, statuses, and every broken property."""

    documents: dict = field(default_factory=lambda: dict.fromkeys(PROTOCOLS, 0))
    statuses: dict = field(default_factory=lambda: {p: {} for p in PROTOCOLS})
    uncaught: dict = field(default_factory=lambda: dict.fromkeys(PROTOCOLS, 0))
    left_running: dict = field(default_factory=lambda: dict.fromkeys(PROTOCOLS, 0))
    problems: list = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(self, name).values())


class Fuzzer:
    """Registers one source per protocol and a control source in ``catalog``, served by a FuzzSite."""

    def __init__(self, catalog, site: FuzzSite, organization: str):
        self.catalog = catalog
        self.site = site
        self.findings = Findings()
        self.progress = Progress(disable=True)
        for protocol in PROTOCOLS:  # each variant replaces the last: let it withdraw what vanished
            config = {"withdraw_limit": 1.0, **({"rows": CKAN_ROWS} if protocol == "ckan" else {})}
            catalog.add_source({"name": source_name(protocol), "type": TYPES[protocol], "config": config,
                                "url": site.base + PATHS[protocol], "organization": organization}, actor="fuzz")
        catalog.add_source({"name": CONTROL, "type": "ckan", "url": f"{site.base}/control/",
                            "organization": organization}, actor="fuzz")

    def run(self, variant: Variant) -> None:
        """Harvest ``variant`` and then the control source in one ``--all`` loop; record what broke."""
        found, protocol = self.findings, variant.protocol
        self.site.current[protocol] = variant
        found.documents[protocol] += 1
        try:
            reports = harvest_with_progress(self.catalog, [source_name(protocol), CONTROL], progress=self.progress)
        except BaseException as error:  # the loop itself must never raise
            found.uncaught[protocol] += 1
            found.problems.append(f"{variant.describe()}: harvest loop raised {error.__class__.__name__}: {error}")
            return
        mutant, control = reports
        found.statuses[protocol][mutant.status] = found.statuses[protocol].get(mutant.status, 0) + 1
        if mutant.status == NOT_RUN:
            found.uncaught[protocol] += 1
            found.problems.append(f"{variant.describe()}: the run raised: {mutant.message}")
        elif mutant.status not in TERMINAL:
            found.problems.append(f"{variant.describe()}: ended {mutant.status!r}: {mutant.message}")
        expected = len(self.site.control)
        untouched = (control.status == "finished" and control.counts["failed"] == 0
                     and control.counts["added"] + control.counts["unchanged"] == expected
                     and control.counts["updated"] == control.counts["withdrawn"] == 0)
        if not untouched:
            found.problems.append(f"{variant.describe()}: the control source was touched: {control.status} "
                                  f"{control.counts} {control.message}")
        with self.catalog.store.reading() as tx:
            running = tx.conn.execute(select(func.count()).select_from(harvest_jobs)
                                      .where(harvest_jobs.c.status == "running")).scalar()
            held = tx.lease_is_held(self.catalog.get_source(source_name(protocol))["id"])
        if running:
            found.left_running[protocol] += running
            found.problems.append(f"{variant.describe()}: {running} jobs left running")
        if held:
            found.problems.append(f"{variant.describe()}: the source's lease is still held")
