"""Sends seeded, fuzzed requests to a served catalog through a real socket and checks every answer.

Properties, per answer: no 5xx, no Python traceback in the body, no error logged behind a 4xx, an
answer at all (no reset, no hang), and a body that parses when it claims JSON, XML, Turtle or
RDF/XML. Every ``check_every``
requests and at the end: ``/healthz`` answers 200 and a known dataset's ``package_show`` succeeds.
429 (rate limited) is an accepted answer. Errors the app logs while a request is in flight are
attached to it, so a failure names its exception and the project line that raised it.

``populate(catalog)`` builds the instance the fuzzer expects; ``tests.loopback.serve(app)`` serves it on 127.0.0.1;
``Fuzzer(base_url, app, tokens, state).run(count, seed)`` returns a ``Report``.
"""

import contextlib
import gzip
import http.client
import json
import logging
import re
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph
from defusedxml import ElementTree
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

from tests.builders import make_dataset, make_organization
from tests.fuzz_requests import FuzzRequest, State, Surface, request_strategy, sweep

CANARY = "kasus-dbd"
TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|__debugger__")
FUZZ_SETTINGS = {
    # The fuzzed instance: previews give up fast on the unresolvable hosts that fuzzed resources name, and
    # rate limits stay on (their code is fuzzed too) but are raised, since every request comes from one address.
    "PREVIEW_TIMEOUT": 1.0,
    "RATE_LIMIT_WRITE": "100000/minute",
    "RATE_LIMIT_SEARCH": "100000/minute",
    "RATE_LIMIT_SIGN_IN": "100000/minute",
}
XML_TYPES = {"application/xml", "text/xml", "application/atom+xml"}
RDF_TYPES = {"text/turtle": pyoxigraph.RdfFormat.TURTLE, "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML}


@dataclass
class Failure:
    kind: str  # 5xx, traceback, no answer, malformed, logged error, stopped serving
    request: FuzzRequest
    status: int | None
    detail: str
    number: str = ""

    def key(self) -> tuple:
        return self.kind, self.request.label, self.status, self.detail.splitlines()[0] if self.detail else ""


@dataclass
class Report:
    seed: int
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    identities: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    successes: Counter = field(default_factory=Counter)  # 2xx answers by label
    failures: list[Failure] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.failures if f.kind == kind)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status is not None and status >= 500)

    def groups(self) -> dict[tuple, list[Failure]]:
        grouped: dict[tuple, list[Failure]] = {}
        for failure in self.failures:
            grouped.setdefault(failure.key(), []).append(failure)
        return grouped

    def summary(self, examples: int = 1) -> str:
        """Counts, then each distinct failure with how often it happened and a request that reproduces it."""
        lines = [f"seed {self.seed}: {self.requests} requests in {self.seconds:.0f} s, {self.server_errors} 5xx, "
                 f"{self.count('traceback')} tracebacks, {len(self.failures)} failures in {len(self.groups())} groups; "
                 f"statuses {dict(sorted(self.statuses.items(), key=lambda i: str(i[0])))}"]
        for (kind, label, status, detail), found in sorted(self.groups().items(), key=lambda i: -len(i[1])):
            lines.append(f"- {len(found)}x {kind} {status} at {label}: {detail}")
            lines += [f"    {f.request.describe()}" for f in found[:examples]]
        return "\n".join(lines)


_serving = threading.local()  # the fuzz request number the server thread is answering


def _tagged(wsgi_app):
    """Wrap ``wsgi_app`` so that errors logged while answering (even by the server, after the app) name the request."""

    def app(environ, start_response):
        _serving.number = environ.get("HTTP_X_FUZZ_REQUEST")
        return wsgi_app(environ, start_response)

    return app


class _Logged(logging.Handler):
    """Collects error records (with their exceptions) by the number of the fuzz request being answered."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.by_request: dict[str | None, list[logging.LogRecord]] = {}
        self.guard = threading.Lock()

    def emit(self, record):
        with self.guard:
            self.by_request.setdefault(getattr(_serving, "number", None), []).append(record)

    def take(self, number: str | None) -> str:
        """The errors logged for request ``number`` so far, described; they are not returned again."""
        with self.guard:
            records = self.by_request.pop(number, [])
        return "; ".join(dict.fromkeys(self.describe(r) for r in records))

    def numbers(self) -> list:
        with self.guard:
            return list(self.by_request)

    @staticmethod
    def describe(record: logging.LogRecord) -> str:
        if not record.exc_info or not record.exc_info[1]:
            return record.getMessage().splitlines()[0][:200]
        error = record.exc_info[1]
        while error.__context__ is not None and "catalog" not in repr(traceback.extract_tb(error.__traceback__)):
            error = error.__context__
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if "/catalog/" in f.filename or "/harvesters/" in f.filename]
        where = f" at {'/'.join(frames[-1].filename.rsplit('/', 2)[-2:])}:{frames[-1].lineno}" if frames else ""
        return f"{type(error).__name__}: {str(error)[:160]}{where}".replace("\n", " ")


def populate(catalog) -> tuple[dict[str, str], State]:
    """Two agencies, public, private and withdrawn datasets, a harvest source with a failed job, and
    the accounts the fuzzer acts as; returns (tokens by user name, the fuzzer's starting state)."""
    from catalog.scheduler.core import Scheduler
    from catalog.scheduler.dispatch import Inline

    catalog.create_organization(make_organization(), actor="fuzz")
    catalog.create_organization(make_organization(name="dishub", title="Dinas Perhubungan"), actor="fuzz")
    made = [catalog.create_dataset(make_dataset(name=CANARY), actor="fuzz"),
            catalog.create_dataset(make_dataset(name="penduduk", title="Jumlah Penduduk"), actor="fuzz"),
            catalog.create_dataset(make_dataset(name="rahasia", private=True), actor="fuzz"),
            catalog.create_dataset(make_dataset(name="terminal", owner_org="dishub", resources=[]), actor="fuzz"),
            catalog.create_dataset(make_dataset(name="lama"), actor="fuzz")]
    catalog.withdraw_dataset("lama", actor="fuzz")
    accounts, tokens = catalog.accounts, {}
    for name, org, role in (("root", None, None), ("kepala", "dinkes", "admin"), ("staf", "dinkes", "editor"),
                            ("tamu", "dinkes", "member"), ("sopir", "dishub", "editor")):
        accounts.add_user(name, sysadmin=name == "root")
        if org:
            accounts.set_member(org, name, role)
        tokens[name] = accounts.create_token(name)[1]
    catalog.add_source({"name": "dinkes-portal", "type": "datajson", "url": "http://127.0.0.1:9/data.json",
                        "organization": "dinkes", "schedule": "MANUAL"}, actor="fuzz")
    scheduler = Scheduler(catalog, Inline(catalog))
    scheduler.request_run("dinkes-portal")
    scheduler.tick()
    with catalog.store.reading() as tx:
        jobs = [job["id"] for job in tx.recent_jobs(tx.source_row("dinkes-portal").id)]
    state = State(datasets=[d["name"] for d in made], resources=[], organizations=["dinkes", "dishub"],
                  users=["kepala", "tamu", "nobody"], jobs=jobs, sources=["dinkes-portal"],
                  protected=frozenset({CANARY, made[0]["id"]}))
    for record in made:
        state.add_dataset(record)
    return tokens, state


def _decoded(headers: dict, body: bytes) -> bytes:
    if headers.get("content-encoding", "").lower() == "gzip":
        return gzip.decompress(body)
    return body


def _malformed(status: int, headers: dict, body: bytes) -> str | None:
    """Why a 200 answer's body does not parse as the type it claims, or None."""
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if status != 200 or not body:
        return None
    try:
        body = _decoded(headers, body)
        if media in {"application/json", "application/ld+json"}:
            json.loads(body)
        elif media in XML_TYPES:
            ElementTree.fromstring(body)
        elif media in RDF_TYPES:
            list(pyoxigraph.parse(body, RDF_TYPES[media], base_iri="http://127.0.0.1/"))
    except Exception as error:  # any parser's complaint is the finding
        return f"{media} does not parse: {type(error).__name__}: {str(error)[:160]}"
    return None


class Fuzzer:
    """Draws requests with hypothesis, sends them one at a time, and checks every answer."""

    def __init__(self, base_url: str, app, tokens: dict[str, str], state: State, *, check_every: int = 250,
                 timeout: float = 60.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.surface, self.state = Surface.of(app), state
        self.check_every, self.timeout = check_every, timeout
        self.identity_headers = {
            "anonymous": [], "editor": [("Authorization", tokens["staf"])],
            "other_editor": [("Authorization", f"Bearer {tokens['sopir']}")],
            "sysadmin": [("X-CKAN-API-Key", tokens["root"])], "bad_token": [("Authorization", "Bearer not-a-token")],
            "admin_session": [],
        }
        self.logged = _Logged()
        self.report: Report | None = None
        self.recent: dict[str, tuple[FuzzRequest, int | None]] = {}
        self.number = 0
        app.wsgi_app = _tagged(app.wsgi_app)
        self._log_in(tokens["root"])

    # -- the wire ----------------------------------------------------------------------------------

    def exchange(self, request: FuzzRequest) -> tuple[int | None, dict, bytes, str]:
        """Send ``request``; returns (status or None, lower-cased headers, body, error text)."""
        self.number += 1
        headers = [*self.identity_headers.get(request.identity, []), *request.headers,
                   ("X-Fuzz-Request", str(self.number))]
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.putrequest(request.method, request.target, skip_host=any(k == "Host" for k, _ in headers),
                            skip_accept_encoding=True)
            for key, value in headers:
                if value is not None:  # None: the header is left out
                    conn.putheader(key, value)
            if request.body or request.method in {"POST", "PUT", "PATCH"}:
                conn.putheader("Content-Length", str(len(request.body)))
            try:
                conn.endheaders(request.body or None)
            except OSError:  # the server may answer (413) and close before reading a large body
                pass
            response = conn.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body, ""
        except (OSError, http.client.HTTPException) as error:
            return None, {}, b"", f"{type(error).__name__}: {error}"
        finally:
            conn.close()

    def _log_in(self, token: str) -> None:
        """Start an admin browser session (cookie and CSRF token) for the ``admin_session`` identity."""
        status, headers, body, _ = self.exchange(FuzzRequest("anonymous", "GET", "/admin/login"))
        cookie = headers.get("set-cookie", "").split(";")[0]
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        if status != 200 or not cookie or not csrf:
            raise RuntimeError(f"admin login page did not give a session and a CSRF token ({status})")
        self.state.csrf_token = csrf[1].decode()
        form = f"csrf_token={self.state.csrf_token}&token={token}".encode()
        status, headers, _, _ = self.exchange(FuzzRequest("anonymous", "POST", "/admin/login", [
            ("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")], form))
        cookie = headers.get("set-cookie", "").split(";")[0] or cookie
        if status != 302:
            raise RuntimeError(f"admin login answered {status}")
        self.identity_headers["admin_session"] = [("Cookie", cookie)]

    # -- properties --------------------------------------------------------------------------------

    def check(self, request: FuzzRequest) -> tuple[int | None, dict, bytes]:
        """Send ``request``, record its outcome, and return it."""
        status, headers, body, error = self.exchange(request)
        number = str(self.number)
        logged = self.logged.take(number)
        report = self.report
        report.requests += 1
        report.statuses[status] += 1
        report.identities[request.identity] += 1
        report.labels[request.label] += 1
        self.recent[number] = (request, status)
        if len(self.recent) > 200:
            del self.recent[next(iter(self.recent))]
        if status is None:
            report.failures.append(Failure("no answer", request, None, logged or error, number))
            return status, headers, body
        if 200 <= status < 300:
            report.successes[request.label] += 1
        if status >= 500:
            report.failures.append(Failure("5xx", request, status, logged, number))
        if TRACEBACK.search(body):
            report.failures.append(Failure("traceback", request, status, body[:300].decode("utf-8", "replace"),
                                           number))
        if problem := _malformed(status, headers, body):
            report.failures.append(Failure("malformed", request, status, f"{problem} {logged}".strip(), number))
        elif logged and status < 500:
            report.failures.append(Failure("logged error", request, status, logged, number))
        return status, headers, body

    def collect_late_logs(self) -> None:
        """Attach errors logged after their answer was sent (the server's own) to the request they belong to."""
        time.sleep(0.05)
        for number in self.logged.numbers():
            logged = self.logged.take(number)
            request, status = self.recent.get(number, (FuzzRequest("?", "?", "?", label="unknown request"), None))
            known = [f for f in self.report.failures if f.number == number and f.kind in {"5xx", "no answer"}]
            if known and not known[0].detail:
                known[0].detail = logged
            elif not known:
                self.report.failures.append(Failure("logged error", request, status, logged, number))

    def still_serves(self) -> None:
        """``/healthz`` and a known dataset's package_show must succeed; a failure is recorded, not raised."""
        for target in ("/healthz", f"/api/3/action/package_show?id={CANARY}"):
            probe = FuzzRequest("anonymous", "GET", target, label=f"probe:{target}")
            status, headers, body, error = self.exchange(probe)
            logged = self.logged.take(str(self.number))
            ok = status == 200 and (b'"success":true' in body or target == "/healthz")
            if not ok:
                detail = logged or error or body[:200].decode("utf-8", "replace")
                if "package_show" in target:  # what became of the dataset, as a sysadmin sees it
                    seen = self.exchange(FuzzRequest("sysadmin", "GET", target))[2][-300:]
                    detail += f" (as sysadmin: {seen.decode('utf-8', 'replace')})"
                self.report.failures.append(Failure("stopped serving", probe, status, detail, str(self.number)))

    def learn(self, request: FuzzRequest, status: int | None, body: bytes) -> None:
        """Remember datasets, resources and organizations that a successful write created."""
        if status != 200 or not request.label.startswith("action:") or not body.startswith(b"{"):
            return
        try:
            result = json.loads(body).get("result")
        except ValueError:
            return
        name = request.label.removeprefix("action:")
        if isinstance(result, dict) and name.startswith("package_"):
            self.state.add_dataset(result)
        elif isinstance(result, dict) and name.startswith("organization_") and "name" in result:
            self.state.add_organization(result)
        elif isinstance(result, dict) and name.startswith("resource_") and isinstance(result.get("package_id"), str):
            with contextlib.suppress(Exception):
                package = json.loads(self.exchange(FuzzRequest(
                    "sysadmin", "GET", f"/api/3/action/package_show?id={result['package_id']}"))[2])["result"]
                self.state.add_dataset(package)

    # -- the run -----------------------------------------------------------------------------------

    def _pass(self, budget: int, pass_seed: int, target: tuple[str, str] | None = None) -> None:
        @settings(max_examples=budget, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, print_blob=False)
        @seed(pass_seed)
        @given(st.data())
        def one(data):
            request = data.draw(request_strategy(self.surface, self.state, target))
            if self.report.requests >= self._target:
                return
            status, _, body = self.check(request)
            self.learn(request, status, body)
            if self.report.requests % self.check_every == 0:
                self.collect_late_logs()
                self.still_serves()

        one()

    def run(self, count: int, run_seed: int) -> Report:
        """Send ``count`` fuzzed requests drawn from ``run_seed`` (first one to each route and action, while
        ``count`` allows), then check that the instance still serves."""
        self.report, self._target = Report(seed=run_seed), count
        root, werkzeug_log = logging.getLogger(), logging.getLogger("werkzeug")
        old_level = werkzeug_log.level
        root.addHandler(self.logged)
        werkzeug_log.setLevel(logging.WARNING)
        started = time.monotonic()
        try:
            for target in sweep(self.surface)[:count]:
                self._pass(1, run_seed, target)
            pass_seed = run_seed
            while self.report.requests < count:
                before = self.report.requests
                self._pass(count - before, pass_seed)
                if self.report.requests == before:
                    raise RuntimeError(f"hypothesis drew no request from seed {pass_seed}")
                pass_seed += 1
            self.collect_late_logs()
            self.still_serves()
            self.collect_late_logs()
        finally:
            root.removeHandler(self.logged)
            werkzeug_log.setLevel(old_level)
            self.report.seconds = time.monotonic() - started
        return self.report
