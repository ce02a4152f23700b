"""The CKAN-compatible Action API: ``/api/3/action/<name>`` and ``/api/action/<name>``.

Reads answer GET (query string) and POST (JSON body); writes answer POST (JSON body, or
multipart/form-data when a file is uploaded). Every answer is CKAN's envelope
``{"help", "success", "result"}``, or ``{"help", "success": false, "error": {"__type", "message", ...}}``
with the status that ``ERRORS`` gives the exception: one table, no ``except`` ladder.
"""

import json
import math

from flask import Blueprint, Response, current_app, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import RequestEntityTooLarge

from catalog.api import datasets, harvest, http, misc, organizations, resources  # noqa: F401  (registers the actions)
from catalog.api.registry import ACTIONS, Context
from catalog.errors import BadRequest, CatalogError
from catalog.schemas import text_errors

bp = Blueprint("api", __name__)


def _error_payload(error: Exception) -> tuple[int, dict]:
    for kind, translate in ERRORS:
        if isinstance(error, kind):
            return translate(error)
    raise error  # pragma: no cover - Exception is the last row


def _unexpected(error: Exception) -> tuple[int, dict]:
    current_app.logger.exception("action failed", exc_info=error)
    return 500, {"__type": "Internal Server Error", "message": "Internal server error; the error was logged"}


ERRORS = (
    (CatalogError, lambda e: (e.status, e.as_dict())),
    (RequestEntityTooLarge, lambda e: (413, {"__type": "Request Too Large",
                                             "message": "Request body larger than this server accepts"})),
    (Exception, _unexpected),
)


def _envelope(name: str, status: int, **body) -> Response:
    help_url = f"{request.host_url}api/3/action/help_show?name={name}"
    text = json.dumps({"help": help_url, **body}, ensure_ascii=False, separators=(",", ":"))
    # A lone surrogate that a client sent can come back in an error (a field path, a key it named); UTF-8
    # cannot carry it, so it goes out as JSON's own \uXXXX escape: backslashreplace writes exactly that.
    return Response(text.encode("utf-8", "backslashreplace"), status=status, mimetype="application/json")


MAX_DEPTH = 32  # far deeper than any record or parameter nests


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a number")
    return number


def _too_deep(data) -> bool:
    """True when ``data`` nests lists and objects more than MAX_DEPTH levels deep (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def _json_body() -> dict:
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"Bad request - JSON Error: {error}") from None
    except RecursionError:
        raise BadRequest(f"Bad request - JSON Error: nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(data, dict):
        raise BadRequest(f"Bad request - JSON Error: Request data JSON decoded to {data!r:.50} "
                         "but a dictionary was expected")
    if _too_deep(data):
        raise BadRequest(f"Bad request - JSON Error: nested more than {MAX_DEPTH} levels deep")
    return data


def _refuse_bad_text(params: dict) -> None:
    """A parameter of a read (or a key anywhere) holding text nothing stored can hold is a bad request."""
    for path, problem in text_errors(params):
        raise BadRequest(f"Bad request - {path or 'a parameter name'}: {problem}")


def _request_params(read_only: bool) -> tuple[dict, tuple]:
    """The action's parameters (and uploaded files) from the query string or the body."""
    if request.method == "GET":
        if not read_only:
            raise BadRequest("Bad request - Invalid request. Please use POST method for your request")
        return request.args.to_dict(), ()
    if request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config["UPLOAD_MAX_SIZE"] + 65536
        return request.form.to_dict(), tuple(request.files.items())
    request.max_content_length = current_app.config["API_MAX_BODY"]
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.to_dict(), ()
    return _json_body(), ()


def dispatch(name: str) -> Response:
    """Run one action and wrap its result, or its error, in CKAN's envelope."""
    found = ACTIONS.get(name)
    if found is None:
        return _envelope(name, 400, success=False, error={
            "__type": "Bad Request", "message": f"Bad request - Action name not known: {name}"})
    try:
        params, files = _request_params(found.read_only)
        if found.read_only:
            _refuse_bad_text(params)
        ctx = Context(catalog=current_app.extensions["catalog"], user=http.current_user(), files=files)
        result = found.function(ctx, params)
    except Exception as error:  # the one place every failure becomes an envelope
        status, payload = _error_payload(error)
        return _envelope(name, status, success=False, error=payload)
    return _envelope(name, 200, success=True, result=result)


@bp.route("/api/3/action/<name>", methods=["GET", "POST", "OPTIONS"])
@bp.route("/api/action/<name>", methods=["GET", "POST", "OPTIONS"])
def action_endpoint(name):
    if request.method == "OPTIONS":
        return http.preflight(ACTIONS.get(name))
    response = dispatch(name)
    return http.finish(response, ACTIONS.get(name))


@bp.errorhandler(RateLimitExceeded)
def too_many_requests(error: RateLimitExceeded):
    """A rate limit's 429 in CKAN's envelope, with ``Retry-After``."""
    from catalog.web.limits import retry_after

    name = (request.view_args or {}).get("name", "")
    seconds = retry_after()
    response = _envelope(name, 429, success=False, error={
        "__type": "Too Many Requests",
        "message": f"Too many requests: the limit is {error.description}; try again in {seconds} seconds"})
    response.headers["Retry-After"] = str(seconds)
    return http.finish(response, ACTIONS.get(name))


@bp.get("/api/3")
@bp.get("/api")
def api_version():
    return http.finish(Response('{"version":3}', mimetype="application/json"), None)


def init_app(app) -> None:
    """Register the API, its documentation and the counted download route."""
    from catalog.api import docs, downloads

    app.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(downloads.bp)
