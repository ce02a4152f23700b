"""The catalog's public base URL, the one source of every absolute link (DCAT, feeds, sitemap, data.json, OpenAPI).

``SITE_URL`` wins when set. When it is empty, a web request's own address is used (scheme, host
and port as the client asked for them; ``X-Forwarded-Proto``/``-Host``/``-Port``/``-Prefix`` only
count when ``TRUSTED_PROXIES`` says how many proxies in front of the app to trust). Outside a
request (CLI exports, harvests, the scheduler) ``FALLBACK`` stands in: set ``SITE_URL`` for those.

A dataset's IRI is minted once, when the catalog first records it (``uri`` in the record), so it
never changes with the address it is later served under or with these settings.
"""

from contextvars import ContextVar

from catalog.config import setting

FALLBACK = "http://127.0.0.1:5000"
_request_base: ContextVar[str | None] = ContextVar("request_base", default=None)


def base_url(config) -> str:
    """``SITE_URL`` if set, else the current request's base URL, else ``FALLBACK``; never with a trailing slash."""
    return setting(config, "SITE_URL").rstrip("/") or _request_base.get() or FALLBACK


def stable_base(config) -> str:
    """The base URL that needs no request: ``SITE_URL`` if set, else ``FALLBACK``.

    Datasets recorded before IRIs were minted got theirs from it, so it still names them.
    """
    return setting(config, "SITE_URL").rstrip("/") or FALLBACK


def dataset_uri(base: str, dataset_id: str) -> str:
    """The IRI of dataset ``dataset_id`` under ``base``."""
    return f"{base.rstrip('/')}/dataset/{dataset_id}"


def enter_request(url_root: str) -> None:
    """Use ``url_root`` (the request's own base URL) for links until ``leave_request()``."""
    _request_base.set(url_root.rstrip("/"))


def leave_request() -> None:
    _request_base.set(None)
