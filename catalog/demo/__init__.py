"""The Kota Malang demo: agencies, their published source documents, and a loopback server for them.

``DemoSources`` serves the bundled documents in ``catalog/demo/data/`` the way each agency would
publish them (a CKAN Action API, a data.json file, a DCAT Turtle file) on 127.0.0.1, creates the
organizations and registers one harvest source per agency; harvesting is then the ordinary runner's
job. Running it again changes nothing.
"""

import json
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from catalog.demo.seeds import AGENCIES

DATA = Path(__file__).parent / "data"
FILES = {"ckan": "{}.ckan.json", "datajson": "{}.data.json", "dcat": "{}.ttl"}


class QuietHandler(WSGIRequestHandler):
    """Serves without logging every request over the progress display."""

    def log_request(self, *args, **kwargs):
        pass


class DemoSources:
    """Serves the demo documents on a loopback port while it is open."""

    def __init__(self):
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=QuietHandler)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._packages = {}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def url(self, agency: str, kind: str) -> str:
        """Where the agency's source lives on the demo server."""
        return {"ckan": f"{self.base}/ckan/{agency}/", "datajson": f"{self.base}/datajson/{agency}/data.json",
                "dcat": f"{self.base}/dcat/{agency}/catalog.ttl"}[kind]

    def _app(self, environ, start_response):
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        response = Response(b"not found", status=404)
        if len(parts) >= 2 and parts[0] == "ckan" and parts[-1] in ("package_search", "package_show"):
            response = self._ckan(parts[1], parts[-1], request.args)
        elif len(parts) == 3 and parts[0] in ("datajson", "dcat") and (DATA / FILES[parts[0]].format(parts[1])).is_file():
            kind = "application/json" if parts[0] == "datajson" else "text/turtle"
            response = Response((DATA / FILES[parts[0]].format(parts[1])).read_bytes(), content_type=kind)
        return response(environ, start_response)

    def _ckan(self, agency: str, action: str, args) -> Response:
        if agency not in self._packages:
            path = DATA / FILES["ckan"].format(agency)
            self._packages[agency] = sorted(json.loads(path.read_text("utf-8")), key=lambda p: p["id"]) \
                if path.is_file() else []
        packages = self._packages[agency]
        if action == "package_show":
            found = [p for p in packages if args.get("id") in (p["id"], p["name"])]
            result = {"success": bool(found), "result": found[0] if found else None}
            return Response(json.dumps(result), status=200 if found else 404, content_type="application/json")
        start, rows = int(args.get("start", 0)), min(int(args.get("rows", 10)), 1000)
        result = {"count": len(packages), "results": packages[start:start + rows]}
        return Response(json.dumps({"success": True, "result": result}), content_type="application/json")


def agencies() -> list[tuple]:
    """(name, title, source type) of every demo agency."""
    return [(name, title, kind) for name, title, kind, _ in AGENCIES]


def prepare(catalog, sources: DemoSources, installed: set[str]) -> tuple[list[str], list[str]]:
    """Create the organizations and register (or re-point) one source per agency whose type is installed.

    Returns the source names to harvest and the agencies skipped for lack of a harvester.
    """
    from catalog.errors import NotFound

    catalog.init()
    existing = {o["name"] for o in catalog.list_organizations()}
    names, skipped = [], []
    for name, title, kind in agencies():
        if name not in existing:
            catalog.create_organization({"name": name, "title": f"{title} Kota Malang"}, actor="demo")
        if kind not in installed:
            skipped.append(name)
            continue
        source_name, url = f"{name}-{kind}", sources.url(name, kind)
        try:
            current = catalog.get_source(source_name)
        except NotFound:
            current = None
        if current and current["state"] == "active" and current["url"] != url:
            catalog.remove_source(source_name, actor="demo")  # the demo server's port changes on every run
        if not current or current["state"] != "active" or current["url"] != url:
            catalog.add_source({"name": source_name, "type": kind, "url": url, "organization": name,
                                "title": f"{title} ({kind})", "config": {"rows": 100}}, actor="demo")
        names.append(source_name)
    return names, skipped
