"""HTTP manners of the API: who is calling, CORS for reads, ETag and Cache-Control, gzip, security headers."""

import gzip
import hashlib

from flask import current_app, g, request

from catalog.accounts import User

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, X-CKAN-API-Key",
    "Access-Control-Max-Age": "600",
}
GZIP_MIN_BYTES = 1024


def presented_token() -> str:
    """The API token the request carries (``Authorization``, with or without ``Bearer``, or ``X-CKAN-API-Key``)."""
    value = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    value = value.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value


def current_user() -> User | None:
    """The user of a live token, or None (anonymous) for no token or one unknown, expired or revoked."""
    if "api_user" not in g:
        token = presented_token()
        g.api_user = current_app.extensions["catalog"].accounts.user_for_token(token) if token else None
    return g.api_user


def preflight(found):
    """The answer to a CORS preflight: allowed for read actions only."""
    response = current_app.response_class(status=204)
    if found is not None and found.read_only:
        response.headers.update(CORS_HEADERS)
    response.headers.update(SECURITY_HEADERS)
    return response


def _cacheable(response, found) -> bool:
    return request.method == "GET" and found is not None and found.read_only and response.status_code == 200


def finish(response, found):
    """Add the headers every API answer gets, and make successful GET reads conditional and compressed."""
    response.headers.extend(SECURITY_HEADERS)  # a fresh response has none of these: add without looking
    if found is None or found.read_only:
        response.headers.extend(CORS_HEADERS)
    if _cacheable(response, found):
        anonymous = not presented_token()
        response.headers["Cache-Control"] = "public, max-age=60" if anonymous else "private, max-age=0"
        response.headers["Vary"] = "Accept-Encoding, Authorization, X-CKAN-API-Key"
        tag = hashlib.sha256(response.get_data()).hexdigest()[:32]
        response.set_etag(tag, weak=True)
        if request.if_none_match and request.if_none_match.contains_weak(tag):
            return not_modified(response)
    else:
        response.headers["Cache-Control"] = "no-store"
    return compress(response)


def not_modified(response):
    """``response`` turned into a bodiless 304 that keeps its validators and caching headers."""
    response.status_code = 304
    response.set_data(b"")
    for header in ("Content-Type", "Content-Length"):
        response.headers.pop(header, None)
    return response


def compress(response):
    """Gzip a large enough body when the client accepts gzip."""
    if (
        response.status_code != 200
        or response.direct_passthrough
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or "Content-Encoding" in response.headers
    ):
        return response
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
