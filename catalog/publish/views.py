"""Blueprint: the catalog published as DCAT-AP 3 (paged), per-dataset RDF with content negotiation,
DCAT-US data.json, the sitemap and the Atom feed. The only module of ``catalog.publish`` that imports Flask."""

import json

from flask import Blueprint, Response, current_app, request, stream_with_context

from catalog import links
from catalog.dcat import site_from_config
from catalog.dcat.documents import catalog_page, dataset_document, page_url_maker
from catalog.dcat.graph import FORMATS
from catalog.errors import BadRequest, NotFound
from catalog.publish import datajson, feeds, records

bp = Blueprint("publish", __name__)

PER_PAGE = 100
MAX_PAGE = 1_000_000
FEED_SIZE = 50
RDF_TYPES = {media: key for key, (_, media) in FORMATS.items()}
NEGOTIABLE = ["text/html", *RDF_TYPES]  # HTML first: it wins every tie, so */* gets the page


def _catalog():
    return current_app.extensions["catalog"]


def _site():
    return site_from_config(current_app.config, records.organizations_by_name(_catalog()))


def _log_problems(record: dict, problems: list[str]) -> None:
    current_app.logger.warning("dataset %s left out of DCAT output: %s", record.get("name"), "; ".join(problems))


def rdf_format_for(accept) -> str | None:
    """The RDF format key (ttl, rdf, jsonld) an Accept header prefers over HTML by its q-values, or None.

    The one place content negotiation is decided; an HTML dataset page can call it to hand RDF requests over.
    HTML is the default: ``*/*`` (curl, wget, link checkers), no Accept at all, and an RDF type only as good
    as HTML all get the page. Werkzeug's parser weighs q-values and specificity.
    """
    best = accept.best_match(NEGOTIABLE)
    return RDF_TYPES.get(best)


def _rdf(body: bytes, key: str) -> Response:
    response = Response(body, mimetype=FORMATS[key][1])
    response.headers["Vary"] = "Accept"
    return response


def _page_number() -> int:
    raw = request.args.get("page", "1")
    # ASCII digits only ("²".isdigit() holds but int() refuses it), and few enough that the offset fits the database
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 7 and 1 <= int(raw) <= MAX_PAGE):
        raise BadRequest(f"page: must be a whole number from 1 to {MAX_PAGE}, not {raw[:40]!r}")
    return int(raw)


@bp.get("/catalog.<any(ttl, rdf, jsonld):key>")
def catalog_document(key: str):
    """One page of the catalog in DCAT-AP 3 with Hydra paging (``page``, ``modified_since``)."""
    number, since_text = _page_number(), request.args.get("modified_since")
    since = records.parse_since(since_text)
    total = records.count(_catalog(), since)
    found = records.page(_catalog(), number, PER_PAGE, since)
    if number > 1 and not found:
        raise NotFound(f"There is no page {number}")
    make_url = page_url_maker(f"{links.base_url(current_app.config)}/catalog.{key}", {"modified_since": since_text})
    body = catalog_page(found, _site(), key, page=number, per_page=PER_PAGE, total=total, page_url=make_url,
                        on_problem=_log_problems)
    return _rdf(body, key)


def _published(name: str) -> dict:
    record = _catalog().get_dataset(name)
    if record.get("state") != "active" or record.get("private"):
        raise NotFound(f"Dataset not found: {name}")
    return record


def _dataset_rdf(name: str, key: str) -> Response:
    body, problems = dataset_document(_published(name), _site(), key)
    if body is None:
        return Response("This dataset cannot be published as DCAT-AP yet:\n" + "\n".join(problems) + "\n",
                        status=422, mimetype="text/plain")
    return _rdf(body, key)


@bp.get("/dataset/<name>.<any(ttl, rdf, jsonld):key>")
def dataset_rdf(name: str, key: str):
    """One dataset in DCAT-AP 3."""
    return _dataset_rdf(name, key)


@bp.get("/data.json")
def data_json():
    """The catalog as DCAT-US 1.1, streamed."""
    site, catalog = _site(), _catalog()
    body = datajson.chunks(records.every(catalog), site, on_problem=_log_problems)
    return Response(stream_with_context(body), mimetype="application/json")


@bp.get("/sitemap.xml")
def sitemap():
    """Every published dataset's page, for search engines."""
    return Response(feeds.sitemap(records.every(_catalog()), _site()), mimetype="application/xml")


@bp.get("/feeds/datasets.atom")
def datasets_feed():
    """The most recently updated datasets by the publisher's date (``organization`` narrows to one agency)."""
    organization = request.args.get("organization") or None
    if organization:
        _catalog().get_organization(organization)
    found = records.page(_catalog(), 1, FEED_SIZE, organization=organization, newest_first=True)
    site = _site()
    title = site.title + (f" — {organization}" if organization else "")
    feed_url = site.url + request.full_path.rstrip("?")
    return Response(feeds.atom(found, site, feed_url, title), mimetype="application/atom+xml")


@bp.errorhandler(BadRequest)
@bp.errorhandler(NotFound)
def _error(error):
    return Response(json.dumps({"error": error.message}), status=error.status, mimetype="application/json")
