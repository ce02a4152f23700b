"""Documents that real systems published (../shared/realworld), served on loopback and harvested by the runner.

Each document is served the way its kind of site serves it and harvested with the matching harvester.
The table pins what becomes of each: the job's status, datasets imported, records rejected, and
imported datasets that carry warnings, so that any change in how real feeds are read shows here. The
"done when" figure is computed apart from the harvesters (rdflib and plain JSON reading): of the records
that carry an identifier, a title and a resource URL, at least 95% must be imported.
"""

import json
import warnings
from pathlib import Path

import pytest
import rdflib
from werkzeug.wrappers import Response

from catalog.harvest import run_harvest
from tests.ci import missing

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
MEDIA = {"dcat-ttl": "text/turtle", "dcat-rdfxml": "application/rdf+xml", "dcat-jsonld": "application/ld+json",
         "datajson": "application/json"}
RDFLIB = {"dcat-ttl": "turtle", "dcat-rdfxml": "xml", "dcat-jsonld": "json-ld"}

# document: (status, imported, rejected, imported with warnings, what happens and why)
EXPECTED = {
    "ckan-api/Amsterdam__dcatd__packages.json": (
        "finished", 3, 0, 0, "package_search answer; all three packages complete"),
    "ckan-api/Amsterdam__dcatd__package_list.json": (
        "finished", 1, 2, 0, "a site without package_search: package_list names three packages and package_show "
                             "answers for the one the corpus holds (…62513382….json); the other two answer 404 and "
                             "fail alone"),
    "ckan-api/opendatateam__udata__dkan-french-w-license.json": (
        "finished", 1, 0, 1, "DKAN: package_show's result is a list; French dates and the licence URL in "
                             "license_title are read; HTML notes become Markdown; size '42 octets' is a warning"),
    "dcat-ttl/Informasjonsforvaltning__fdk-dataset-harvester__harvest_response_3.ttl": (
        "finished", 1, 1, 1, "one dataset has no distribution with a URL (refused at resources); the other keeps "
                             "MONTHLY_3 (not in the schema's vocabulary) as an extra with a warning"),
    "dcat-ttl/opendatateam__udata__ckan.ttl": (
        "failed", 94, 6, 94, "page 1 of 26: the next page is on demo.ckan.org, another host than the source's, so "
                             "the listing stops there (nothing withdrawn); page 1's datasets are imported, six "
                             "without any distribution URL are refused"),
    "dcat-jsonld/opendatateam__udata__ckan.jsonld": (
        "failed", 94, 6, 94, "the same page in expanded JSON-LD, same outcome"),
    "dcat-rdfxml/opendata-swiss__ckanext-dcatapchharvest__1894.xml": (
        "finished", 1, 0, 1, "literal formats and languages read"),
    "dcat-rdfxml/opendata-swiss__ckanext-dcatapchharvest__catalog.xml": (
        "finished", 2, 0, 2, "blank-node datasets known by dct:identifier"),
    "dcat-rdfxml/opendatateam__udata__datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml": (
        "finished", 1, 0, 1, "GeoDCAT-AP: language FRE read as fr"),
    "dcat-rdfxml/opendatateam__udata__geonetwork.xml": (
        "finished", 0, 1, 0, "not valid RDF (an IRI with a space, an element with both rdf:resource and text): "
                             "read by the tolerant parser; its one dataset has no distribution, refused at "
                             "resources"),
    "dcat-rdfxml/opendatateam__udata__sig.oreme.rdf": (
        "finished", 1, 0, 1, "themes and language as literals"),
    "dcat-rdfxml/opendatateam__udata__udata.xml": (
        "finished", 2, 0, 2, "rights and formats as literals"),
    "datajson/GSA__ckanext-datajson__arm.data.json": (
        "finished", 3, 0, 0, "modified with a space and no zone; unknown-license URL read as notspecified"),
    "datajson/GSA__ckanext-datajson__ny.data.json": (
        "finished", 1, 0, 1, "no bureauCode/programCode: warnings, not errors"),
    "datajson/datosgobar__pydatajson__catalogo-justicia.json": (
        "finished", 18, 0, 18, "DCAT-AR, not DCAT-US: superTheme read as themes, licence titles read, the rest "
                               "kept with warnings"),
    "datajson/opendatateam__udata__esri.jsonld": (
        "finished", 71, 0, 71, "HTML descriptions become Markdown; 'mailto:' without address and the landing "
                               "page as licence are warnings"),
    "datajson/opendatateam__udata__evian.json": (
        "finished", 8, 0, 8, "HTML licence read as text (Etalab); no contactPoint, empty description: warnings"),
}
NOT_HARVESTED = {
    "ckan-api/Amsterdam__dcatd__62513382-3b26-4bc8-9096-40b6ce8383c0.json": "served as the package_show answer of "
                                                                           "the package_list site above",
    "spreadsheet/datosgobar__pydatajson__catalogo-justicia.xlsx": "no harvester reads spreadsheets yet (the same "
                                                                  "catalogue is harvested as data.json above)",
}


def require_corpus() -> Path:
    if not (CORPUS / "SOURCES.md").is_file():
        missing(f"real-world corpus not found at {CORPUS}")
    return CORPUS


def _json(request_body: dict, status: int = 200) -> Response:
    return Response(json.dumps(request_body), status=status, content_type="application/json")


def serve(server, relative: str) -> tuple[str, str]:
    """Serve one document as its kind of site does; (harvester type, source URL)."""
    path = CORPUS / relative
    folder = path.parent.name
    base = f"/{path.stem.replace('.', '-')}/"
    body = path.read_bytes()
    if folder in MEDIA:
        kind = "datajson" if folder == "datajson" else "dcat"
        return kind, server.document(base + path.name, body, content_type=MEDIA[folder])
    if path.name == "Amsterdam__dcatd__packages.json":
        server.document(base + "api/3/action/package_search", body)
        return "ckan", server.url(base)
    if path.name == "Amsterdam__dcatd__package_list.json":
        shown = (path.parent / "Amsterdam__dcatd__62513382-3b26-4bc8-9096-40b6ce8383c0.json").read_bytes()
        name = json.loads(shown)["result"]["name"]
        server.document(base + "api/3/action/package_list", body)
        missing = {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
        server.route(base + "api/3/action/package_show", lambda request: Response(
            shown, content_type="application/json") if request.args.get("id") == name else _json(missing, 404))
        return "ckan", server.url(base)
    # DKAN: no package_search; package_list names the packages that package_show answers
    names = [p["name"] for p in json.loads(body)["result"]]
    server.document(base + "api/3/action/package_list", json.dumps({"success": True, "result": names}))
    server.document(base + "api/3/action/package_show", body)
    return "ckan", server.url(base)


def complete_records(relative: str) -> set[str]:
    """Remote ids of the records that carry an identifier, a title and a resource URL, read without the
    harvesters (plain JSON, and rdflib for RDF)."""
    path = CORPUS / relative
    folder = path.parent.name
    web = lambda url: isinstance(url, str) and url.strip().startswith(("http://", "https://"))  # noqa: E731
    if folder == "datajson":
        return {e["identifier"] for e in json.loads(path.read_bytes())["dataset"]
                if e.get("identifier") and e.get("title") and any(
                    web(d.get("downloadURL")) or web(d.get("accessURL")) for d in e.get("distribution") or [])}
    if folder == "ckan-api":
        result = json.loads(path.read_bytes())["result"]
        if path.name.endswith("package_list.json"):
            shown = json.loads((path.parent / "Amsterdam__dcatd__62513382-3b26-4bc8-9096-40b6ce8383c0.json")
                               .read_bytes())["result"]
            packages = [shown]
        else:
            packages = result["results"] if isinstance(result, dict) else result
        return {p["id"] for p in packages if p.get("id") and p.get("title") and any(
            web(r.get("url")) for r in p.get("resources") or [])}
    graph = rdflib.Graph()
    with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its own deprecated classes
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(path, format=RDFLIB[folder])
    found = set()
    for node in graph.subjects(rdflib.RDF.type, DCAT.Dataset):
        identifier = graph.value(node, DCT.identifier)
        key = str(identifier).strip() if identifier is not None and str(identifier).strip() else (
            str(node) if isinstance(node, rdflib.URIRef) else None)
        urls = [u for d in graph.objects(node, DCAT.distribution)
                for u in (*graph.objects(d, DCAT.accessURL), *graph.objects(d, DCAT.downloadURL)) if web(str(u))]
        if key and graph.value(node, DCT.title) is not None and urls:
            found.add(key)
    return found


def test_the_table_names_every_document():
    corpus = require_corpus()
    documents = {str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file() and p.name != "SOURCES.md"
                 and p.name != "README.md"}
    assert documents == set(EXPECTED) | set(NOT_HARVESTED)


def test_real_world_documents_harvest_as_pinned(catalog, org, http_server):
    require_corpus()
    outcomes, complete, imported = {}, 0, 0
    for n, relative in enumerate(sorted(EXPECTED)):
        kind, url = serve(http_server, relative)
        name = f"realworld-{n}"
        catalog.add_source({"name": name, "type": kind, "url": url, "organization": "dinkes"}, actor="test")
        report = run_harvest(catalog, name)
        with catalog.store.reading() as tx:
            held = tx.source_datasets(catalog.get_source(name)["id"])
        records = [catalog.get_dataset(ids[0]) for ids in held.values()]
        warned = sum(1 for r in records if (r.get("harvest") or {}).get("warnings"))
        outcomes[relative] = (report.status, report.counts["added"], report.counts["failed"], warned)
        wanted = complete_records(relative)
        complete += len(wanted)
        imported += len(wanted & set(held))
    assert outcomes == {relative: row[:4] for relative, row in EXPECTED.items()}
    assert complete >= 200 and imported / complete >= 0.95, (imported, complete)


def test_warnings_reach_the_stored_dataset(catalog, org, http_server):
    require_corpus()
    kind, url = serve(http_server, "datajson/opendatateam__udata__evian.json")
    catalog.add_source({"name": "evian", "type": kind, "url": url, "organization": "dinkes"}, actor="test")
    assert run_harvest(catalog, "evian").counts["added"] == 8
    with catalog.store.reading() as tx:
        held = tx.source_datasets(catalog.get_source("evian")["id"])
    stored = [catalog.get_dataset(ids[0]) for ids in held.values()]
    licensed = [r for r in stored if r.get("license_id") == "etalab-2.0"]
    assert len(licensed) == 2  # two HTML fragments name the licence page; "Soumis à la licence Etalab" alone does not
    warnings = [w for r in stored for w in r["harvest"]["warnings"]]
    assert {"path": "theme", "message": "Unknown theme 'geospatial'; kept as an extra"} in warnings
    assert all("<" not in r.get("notes", "") for r in stored)
