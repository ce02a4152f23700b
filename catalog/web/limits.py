"""Rate limits on the requests worth abusing: writes, searches and sign-in, per address and per token.

Flask-Limiter counts; this module only says which requests count against which limit. Every
request is one of three kinds (or none): a **write** (an Action API action that changes
something, or any other POST except sign-in), a **search** (``package_search`` and the other
actions that query the index, the ``/dataset`` page and an agency's page), or a **sign-in**
(``POST /admin/login``). Each kind has one setting (``RATE_LIMIT_WRITE``, ``RATE_LIMIT_SEARCH``,
``RATE_LIMIT_SIGN_IN``), counted separately for the client's address and, when the request
carries an API token, for that token, so neither many addresses sharing one leaked token nor
many tokens from one address get past it.

Counts live in memory (one process) unless ``QUEUE_URL`` names a Redis, which every worker then
shares. The address is ``request.remote_addr``, which ``TRUSTED_PROXIES`` (``ProxyFix``) sets
from ``X-Forwarded-For`` behind that many proxies, and only then.
"""

import hashlib
import time

from flask import current_app, request
from flask_limiter import ApplicationLimit, Limiter
from limits import parse_many

from catalog.api.http import presented_token
from catalog.api.registry import ACTIONS
from catalog.config import setting

KINDS = {"write": "RATE_LIMIT_WRITE", "search": "RATE_LIMIT_SEARCH", "sign-in": "RATE_LIMIT_SIGN_IN"}
SEARCH_ACTIONS = {"package_search", "package_autocomplete", "current_package_list_with_resources",
                  "format_autocomplete", "organization_autocomplete"}
SEARCH_PAGES = {"web.search", "web.organization"}
API_ENDPOINT = "api.action_endpoint"
SIGN_IN = "admin.login"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def request_kind() -> str | None:
    """Which limit the current request counts against: write, search, sign-in, or None."""
    endpoint = request.endpoint or ""
    if endpoint == API_ENDPOINT:
        if request.method == "OPTIONS":
            return None
        found = ACTIONS.get((request.view_args or {}).get("name", ""))
        if found is None:
            return None
        if not found.read_only:
            return "write"
        return "search" if found.name in SEARCH_ACTIONS else None
    if request.method in READ_METHODS:
        return "search" if endpoint in SEARCH_PAGES else None
    return "sign-in" if endpoint == SIGN_IN else "write"


def by_address() -> str:
    """The limit key of the client's address."""
    return f"address:{request.remote_addr or 'unknown'}"


def by_token() -> str:
    """The limit key of the request's API token (a hash, so the store of counts holds no token)."""
    return "token:" + hashlib.sha256(presented_token().encode("utf-8", "replace")).hexdigest()[:32]


def _limit(kind: str, key_function, *, per_token: bool) -> ApplicationLimit:
    def exempt() -> bool:
        return request_kind() != kind or (per_token and not presented_token())

    def provider() -> str:
        return setting(current_app.config, KINDS[kind])

    scope = f"{kind}:{'token' if per_token else 'address'}"
    return ApplicationLimit(limit_provider=provider, key_function=key_function, scope=scope, exempt_when=exempt)


def check_settings(config: dict) -> None:
    """Refuse a rate limit setting not in the limits notation (``60/minute``, ``10 per second; 100/hour``)."""
    for name in KINDS.values():
        value = setting(config, name)
        try:
            parse_many(value) if value else None
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a rate limit such as '60/minute' or '10 per second'") from None


def init_app(app) -> Limiter:
    """Count writes, searches and sign-ins of ``app`` per address and per token; returns the limiter."""
    check_settings(app.config)
    storage = setting(app.config, "QUEUE_URL") or "memory://"
    limits = [_limit(kind, key, per_token=per_token)
              for kind in KINDS for key, per_token in ((by_address, False), (by_token, True))]
    limiter = Limiter(by_address, application_limits=limits, storage_uri=storage, key_prefix="catalog-rate",
                      strategy="fixed-window", in_memory_fallback_enabled=True)
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter
    return limiter


def retry_after() -> int:
    """Seconds until the limit the current request ran into lets requests through again."""
    limiter = current_app.extensions["rate_limiter"]
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time()) + 1) if current else 60
