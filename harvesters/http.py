"""One HTTP client policy for every harvester.

``HarvestClient`` wraps an ``httpx.Client`` and adds what a harvester must never forget:

- connect and read timeouts, and a total deadline per request (a server that drip-feeds one
  byte at a time passes every read timeout but not the deadline);
- a maximum response size, enforced while the body streams in;
- retries with exponential backoff on 429 and 5xx, honouring ``Retry-After`` (capped);
- conditional requests: the ETag / Last-Modified of each URL is remembered, sent back as
  If-None-Match / If-Modified-Since, and a 304 raises ``NotModified``;
- gzip (httpx decodes it), and a User-Agent that names the catalog;
- redirects followed by hand, refused when they lead to a loopback, link-local, private or
  reserved address other than the host the operator registered.

Every failure is a ``HarvestError`` whose message names the URL.
"""

import functools
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

import httpx

from catalog import __version__
from catalog.config import setting
from harvesters import HarvestError

RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
_BODY_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


class NotModified(Exception):
    """The server answered 304: the document is as it was on the last successful run."""


def policy_from_config(config: dict) -> dict:
    """The HARVEST_* settings that shape every request, as keyword arguments of HarvestClient."""
    site = setting(config, "SITE_URL")
    agent = config.get("HARVEST_USER_AGENT") or f"open-city-catalog/{__version__}" + (f" (+{site})" if site else "")
    return {
        "connect_timeout": float(setting(config, "HARVEST_CONNECT_TIMEOUT")),
        "read_timeout": float(setting(config, "HARVEST_READ_TIMEOUT")),
        "deadline": float(setting(config, "HARVEST_DEADLINE")),
        "max_bytes": int(setting(config, "HARVEST_MAX_BYTES")),
        "retries": int(setting(config, "HARVEST_RETRIES")),
        "backoff": float(setting(config, "HARVEST_BACKOFF")),
        "max_retry_after": float(setting(config, "HARVEST_MAX_RETRY_AFTER")),
        "user_agent": agent,
    }


def _is_internal(host: str) -> bool:
    """True when ``host`` is, or resolves to, a loopback, link-local, private or reserved address."""
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return False  # unresolvable: the request itself will fail with a clear error
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    return any(a.is_loopback or a.is_link_local or a.is_private or a.is_reserved or a.is_unspecified
               for a in addresses)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: loading the CA bundle costs about 50 ms a time."""
    return httpx.create_ssl_context()


class HarvestClient:
    """An httpx client with the catalog's harvest policy; ``registered_url`` is the source's own URL."""

    def __init__(self, registered_url: str, *, connect_timeout=10.0, read_timeout=30.0, deadline=120.0,
                 max_bytes=50_000_000, retries=3, backoff=1.0, max_retry_after=60.0,
                 user_agent="open-city-catalog", validators=None, transport=None):
        self.registered_host = urlsplit(registered_url).hostname
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.validators = dict(validators or {})
        self.requests = 0
        self._client = httpx.Client(
            verify=tls_context(),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip"},
            follow_redirects=False,
            transport=transport,
        )

    @classmethod
    def from_config(cls, config: dict, registered_url: str, validators=None) -> "HarvestClient":
        """A client with the policy the settings describe."""
        return cls(registered_url, validators=validators, **policy_from_config(config))

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, url: str, *, params=None, headers=None, conditional: bool = False) -> httpx.Response:
        """GET ``url`` under the policy; the returned response's body is read and within bounds.

        With ``conditional``, the URL's remembered validators are sent and a 304 raises NotModified.
        """
        request_url = str(httpx.URL(url, params=params)) if params else url
        attempt = 0
        while True:
            response = self._follow(request_url, headers or {}, conditional)
            if response.status_code not in RETRY_STATUSES or attempt >= self.retries:
                break
            time.sleep(self._pause(response, attempt))
            attempt += 1
        if response.status_code == 304 and conditional:
            raise NotModified(request_url)
        if response.status_code >= 400:
            raise HarvestError(f"HTTP {response.status_code} from {response.url}")
        if conditional:
            self._remember(request_url, response)
        return response

    def _pause(self, response: httpx.Response, attempt: int) -> float:
        wait = self.backoff * (2 ** attempt)
        retry_after = response.headers.get("Retry-After", "").strip()
        if retry_after.isdigit():
            wait = max(wait, float(retry_after))
        return min(wait, self.max_retry_after)

    def _remember(self, url: str, response: httpx.Response) -> None:
        found = {k: response.headers[h] for k, h in (("etag", "ETag"), ("last_modified", "Last-Modified"))
                 if h in response.headers}
        if found:
            self.validators[url] = found

    def _follow(self, url: str, headers: dict, conditional: bool) -> httpx.Response:
        """One request, following up to MAX_REDIRECTS checked redirects."""
        for _ in range(MAX_REDIRECTS + 1):
            sent = dict(headers)
            known = self.validators.get(url, {}) if conditional else {}
            if "etag" in known:
                sent["If-None-Match"] = known["etag"]
            if "last_modified" in known:
                sent["If-Modified-Since"] = known["last_modified"]
            response = self._fetch(url, sent)
            if response.status_code not in REDIRECT_STATUSES or "Location" not in response.headers:
                return response
            url = urljoin(url, response.headers.get("Location", ""))
            self._check_redirect(url)
        raise HarvestError(f"Too many redirects, last to {url}")

    def _check_redirect(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HarvestError(f"Redirect refused to {url}: not an http(s) URL")
        if parts.hostname != self.registered_host and _is_internal(parts.hostname):
            raise HarvestError(f"Redirect refused to {url}: an internal address that is not the registered source")

    def _fetch(self, url: str, headers: dict) -> httpx.Response:
        """One request and its body, bounded in size and total time."""
        started = time.monotonic()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self.requests += 1
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise HarvestError(f"Response from {url} too large: {declared} bytes (limit {self.max_bytes})")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise HarvestError(f"Response from {url} too large: over {self.max_bytes} bytes")
                    if time.monotonic() - started > self.deadline:
                        raise HarvestError(f"Response from {url} took longer than {self.deadline:g} s")
                    chunks.append(chunk)
                kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _BODY_HEADERS]
                return httpx.Response(response.status_code, headers=kept, content=b"".join(chunks),
                                      request=response.request)
        except httpx.TimeoutException as error:
            raise HarvestError(f"Timed out reading {url}: {error.__class__.__name__}") from error
        except httpx.HTTPError as error:
            raise HarvestError(f"Cannot read {url}: {error}") from error
