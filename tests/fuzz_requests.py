"""Hypothesis strategies for hostile HTTP requests to the catalog: every action, every page, every odd input.

A ``FuzzRequest`` is plain data (method, percent-encoded target, headers, body), so the same
request can be sent, printed and sent again. ``request_strategy(surface, state)`` draws one from
the app's own route map and action registry (``Surface``) and from what the instance is known
to hold (``State``: dataset names, resource ids, organizations, users), so a route or action
added later is fuzzed without touching this module.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

IDENTITIES = ("anonymous", "editor", "other_editor", "sysadmin", "admin_session", "bad_token")
ODD_METHODS = ("PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "HEAD", "OPTIONS", "FOO")
HOSTILE_STRINGS = (
    "", " ", "\x00", "\ud800", "a\udfffb", "\udbff\udfff", "\x01\x0b\x1b\x7f", "tab\tnew\nline\r", "\u202etxt",
    "\ufeff", "\u0085\u2028\u2029", "🚀", "ı İ ß ﬁ", "%00", "%ff", "%", "+", "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd", "..\\..\\windows\\win.ini", "/", "//evil.example", "<script>alert(1)</script>",
    "\"'`", "\\", "${jndi:ldap://x}", "{{7*7}}", "%s%n%x", "NaN", "Infinity", "-Infinity", "-1", "0", "-0",
    "1e309", "9" * 400, "0x10", "[", "{", "[]", "{}", "null", "true", "*:*", "title:(", "organization:dinkes OR 1=1",
    "metadata_modified:[* TO *]", "metadata_modified:[NOW-1DAY TO *]", "tags:\"", "q=a&rows=1", "' OR '1'='1",
    "; DROP TABLE datasets; --", "\r\nX-Injected: 1", "javascript:alert(1)", "data:text/html,<b>x</b>",
    "http://127.0.0.1:1/", "http://[::1]/x.csv", "file:///etc/passwd", "name asc", "score desc, title_string asc",
    "package_count desc", "admin", "editor", "member", "sysadmin", "upload", "a" * 300, "x" * 5000,
)
HUGE_NUMBERS = (2**31, 2**63, -(2**63) - 1, 10**30, 10**400, -(10**400), 1e308, -1e308, 5e-324, -0.0)
SPECIAL_FLOATS = (float("nan"), float("inf"), float("-inf"))
CONTENT_TYPES = (
    None, "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16",
    "application/json; charset=nonsense", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
    "multipart/form-data; boundary=", "multipart/form-data; boundary=\"unterminated", "application/xml",
    "text/csv", "*/*", "application/octet-stream", "application/vnd.api+json", "text/html; charset=latin-1",
)
ACCEPTS = (
    "*/*", "text/html", "application/json", "text/turtle", "application/rdf+xml", "application/ld+json",
    "application/n-triples", "text/turtle;q=0.9, text/html;q=0.1", "text/turtle;q=abc", "application/*",
    "*/*;q=0", "text/html;level=1;q=0.5, application/ld+json", ";;;,,,", "image/png", "q=1",
)
ACCEPT_LANGUAGES = ("id", "en", "en-US,en;q=0.9", "*", "xx-YY", "id;q=NaN", "en;q=-1", ",,,", "zh-Hant-TW;q=0.5")
PAGE_PARAMS = (
    "q", "page", "sort", "organization", "tags", "res_format", "groups", "license_id", "theme", "frequency",
    "modified_since", "next", "lang", "rows", "start", "fq", "format", "id", "name", "limit", "offset", "token",
    "csrf_token", "ext_bbox",
)
UPLOAD_BODIES = (
    b"kecamatan,kasus\nKlojen,12\nBlimbing,7\n", b"", b"\x00\x01\x02\x03" * 64,
    b"<!doctype html><html><script>alert(1)</script></html>", b"<svg xmlns='http://www.w3.org/2000/svg'>"
    b"<script>alert(1)</script></svg>", b"a," * 600 + b"<script>alert(1)</script>", b"%PDF-1.7\n%%EOF\n",
    b"PK\x03\x04" + b"\x00" * 64, b"\x7fELF\x02\x01\x01", b"MZ\x90\x00", b"\xef\xbb\xbfnama,nilai\n\xff\xfe,1\n",
    b"{\"a\": " * 2000 + b"1" + b"}" * 2000, b"[" * 50000, b"\xff" * 9000 + b"<html>",
)
FILENAMES = (
    "data.csv", "../../../etc/passwd", "..", ".", "", "a/b/c.csv", "C:\\boot.ini", "data.csv\x00.html",
    "dáta ünïcode.csv", "x" * 300 + ".csv", "index.html", "image.svg", ".htaccess", "nul", "a;b=c.csv",
)
ANY_VARIABLE = re.compile(r"<any\(([^)]*)\):([a-z_]+)>")  # a route variable with a fixed set of values
FORMATS = ("CSV", "XLSX", "PDF", "JSON", "HTML", "SVG", "XML", "ZIP", "", "csv", "EXE", "A" * 200)


@dataclass
class FuzzRequest:
    """One request, ready to send: ``target`` is already percent-encoded ASCII."""

    identity: str
    method: str
    target: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    label: str = ""  # the route rule or action exercised, for coverage and grouping

    def describe(self, limit: int = 300) -> str:
        """A short, printable description to reproduce the request."""
        body = self.body[:limit].decode("utf-8", "backslashreplace")
        more = f" (+{len(self.body) - limit} bytes)" if len(self.body) > limit else ""
        headers = "; ".join(f"{k}: {v[:80]}" for k, v in self.headers if v is not None)
        return f"[{self.identity}] {self.method} {self.target[:limit]} | {headers} | body: {body!r}{more}"


@dataclass
class Surface:
    """What there is to fuzz: route rules (rule text, methods, converter choices) and actions (name, params)."""

    rules: list[tuple[str, tuple[str, ...], dict[str, tuple[str, ...]]]]
    actions: dict[str, tuple[tuple[str, str], ...]]
    read_only: frozenset[str]

    @classmethod
    def of(cls, app) -> "Surface":
        from catalog.api.registry import ACTIONS

        rules = []
        for rule in app.url_map.iter_rules():
            choices = {found[2]: tuple(sorted(item.strip(" '\"") for item in found[1].split(",")))
                       for found in ANY_VARIABLE.finditer(rule.rule)}
            rules.append((rule.rule, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"})), choices))
        rules.sort()
        actions = {name: tuple((p.name, p.type) for p in found.params) for name, found in sorted(ACTIONS.items())}
        return cls(rules, actions, frozenset(n for n, a in ACTIONS.items() if a.read_only))


@dataclass
class State:
    """What the instance is known to hold; writes that succeed add to it. ``protected`` names are never written."""

    datasets: list[str]
    resources: list[tuple[str, str]]  # (dataset name, resource id)
    organizations: list[str]
    users: list[str]
    jobs: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    protected: frozenset[str] = frozenset()
    csrf_token: str = ""
    limit: int = 200

    def add_dataset(self, record: dict) -> None:
        """Remember a dataset (and its resources) that a write returned."""
        name = record.get("name")
        if isinstance(name, str) and name not in self.datasets:
            self.datasets.append(name)
        for resource in record.get("resources") or []:
            if isinstance(resource, dict) and isinstance(resource.get("id"), str) and isinstance(name, str):
                pair = (name, resource["id"])
                if pair not in self.resources:
                    self.resources.append(pair)
        del self.datasets[:-self.limit], self.resources[:-self.limit]

    def add_organization(self, record: dict) -> None:
        name = record.get("name")
        if isinstance(name, str) and name not in self.organizations:
            self.organizations.append(name)
        del self.organizations[:-self.limit]

    def writable_datasets(self) -> list[str]:
        return [n for n in self.datasets if n not in self.protected]


# -- values ---------------------------------------------------------------------------------------

def known(pool, fallback="missing") -> st.SearchStrategy:
    """One item of ``pool``, which grows as the run goes, picked by an index modulo its size: the choices
    hypothesis records must not depend on the instance's state, or it refuses the run as flaky."""
    snapshot = list(pool) or [fallback]
    return st.integers(0, 2**16 - 1).map(lambda index: snapshot[index % len(snapshot)])


def hostile_text() -> st.SearchStrategy[str]:
    """Strings a careful server must survive: known troublemakers, surrogates, controls, anything."""
    return st.one_of(
        st.sampled_from(HOSTILE_STRINGS),
        st.text(max_size=40),
        st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
        st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=5),
        st.text(st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp", "Mn"]), max_size=10),
    )


def number_text() -> st.SearchStrategy[str]:
    """Numbers as a query string carries them: ordinary, negative, huge, fractional, not quite numbers."""
    return st.one_of(
        st.integers(-3, 3).map(str), st.integers().map(str), st.integers(10**18, 10**500).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(("1e999", "-0", "0x1F", "1_000", " 7", "７", "²", "1.", ".5", "+3", "--1", "9" * 5000)),
    )


def hostile_number() -> st.SearchStrategy:
    return st.one_of(st.integers(), st.sampled_from(HUGE_NUMBERS + SPECIAL_FLOATS),
                     st.floats(allow_nan=True, allow_infinity=True))


def hostile_json(max_leaves: int = 8) -> st.SearchStrategy:
    """Any JSON value (NaN and Infinity included), with hostile leaves."""
    scalars = st.one_of(st.none(), st.booleans(), hostile_number(), hostile_text())
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text(), inner, max_size=4),
        max_leaves=max_leaves,
    )


def deep_json(depth: int) -> bytes:
    """A JSON object nested ``depth`` levels deep, without building it in Python."""
    return b'{"id":' * depth + b"1" + b"}" * depth


RAW_BODIES = (
    b"", b"   ", b"null", b"[]", b"\"text\"", b"42", b"{", b"{\"id\": }", b"{'id': 'x'}", b"\xff\xfe{\x00}\x00",
    b"\xef\xbb\xbf{\"id\": \"penduduk\"}", b"{\"rows\": Infinity}", b"{\"rows\": NaN}", b"{\"rows\": -Infinity}",
    b"{\"rows\": 1e999}", b"{\"limit\": 1" + b"0" * 5000 + b"}", b"{\"id\": \"\\ud800\"}", b"{\"id\": \"\\u0000\"}",
    b"[" * 100_000 + b"]" * 100_000, deep_json(5000), deep_json(200), b"{\"a\":1,\"a\":2}",
    b"{\"id\": \"penduduk\"}" * 3, b"\x00" * 64, b"id=penduduk&id=terminal", b"--x\r\n\r\n--x--",
)


def plausible(name: str, kind: str, state: State, *, write: bool) -> st.SearchStrategy:
    """A value a real client might send for parameter ``name`` (of documented ``kind``)."""
    datasets = state.writable_datasets() if write else state.datasets
    lowered = name.lower()
    if lowered in {"id", "package_id", "name"}:
        pools = [d for d in datasets] + [r for _, r in state.resources] + state.organizations
        return known(pools)
    if lowered in {"owner_org", "organization"}:
        return known(state.organizations)
    if lowered in {"username", "user"}:
        return known(state.users)
    if lowered == "role":
        return st.sampled_from(("admin", "editor", "member"))
    if kind == "integer":
        return st.one_of(st.integers(-5, 2000), st.integers(0, 50).map(str), number_text())
    if kind == "boolean":
        return st.sampled_from((True, False, "true", "false", "1", "0"))
    if kind == "list":
        return st.lists(st.sampled_from(("organization", "tags", "res_format", "license_id", "theme")), max_size=3)
    if lowered == "q":
        return st.sampled_from(("penduduk", "dbd", "kesehatan", "*", "title:penduduk", ""))
    if lowered == "fq":
        return st.sampled_from(("organization:dinkes", "tags:kesehatan", "res_format:CSV",
                                "metadata_modified:[2020-01-01T00:00:00Z TO *]", "organization:dinkes tags:x"))
    if lowered == "sort":
        return st.sampled_from(("score desc, metadata_modified desc", "title_string asc", "name asc",
                                "package_count desc", "metadata_modified desc"))
    return st.text(max_size=30)


@st.composite
def params_for(draw, params: tuple[tuple[str, str], ...], state: State, *, write: bool) -> dict:
    """A parameter dict for an action: documented names with plausible or hostile values, and strangers."""
    chosen = {}
    for name, kind in params:
        if draw(st.integers(0, 4)) == 0:
            continue
        chosen[name] = draw(st.one_of(plausible(name, kind, state, write=write), hostile_json()))
    extra = draw(st.dictionaries(st.one_of(st.sampled_from(PAGE_PARAMS), hostile_text()), hostile_json(), max_size=3))
    return {**extra, **chosen}


# -- records for the write actions -----------------------------------------------------------------

def _paths(value, prefix=()):
    """Every path (tuple of keys and indexes) inside a JSON-like value."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _delete(value, path):
    if len(path) == 1:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != path[0]}
        return [v for i, v in enumerate(value) if i != path[0]]
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _delete(value[head], rest)}
    copy = list(value)
    copy[head] = _delete(copy[head], rest)
    return copy


@st.composite
def mutated(draw, record: dict, max_mutations: int = 3) -> dict:
    """``record`` with up to ``max_mutations`` fields replaced by hostile values, deleted or added."""
    for _ in range(draw(st.integers(0, max_mutations))):
        paths = [p for p in _paths(record) if p]
        how = draw(st.sampled_from(("replace", "replace", "delete", "add")))
        if how == "add" or not paths:
            record = {**record, draw(hostile_text()): draw(hostile_json())}
            continue
        path = draw(st.sampled_from(paths))
        record = _delete(record, path) if how == "delete" else _replace(record, path, draw(hostile_json()))
    return record


def fresh_name(draw) -> str:
    return f"fuzz-{draw(st.integers(0, 10**9)):x}"


@st.composite
def dataset_record(draw, state: State) -> dict:
    """A schema-valid dataset of a known organization, to be mutated; resources link to unresolvable hosts."""
    from tests.builders import make_dataset

    host = draw(st.sampled_from(("data.invalid", "127.0.0.1:9", "[::1]", "files.example.invalid")))
    resources = [
        {"name": "Data (CSV)", "url": f"http://{host}/data.csv", "format": "CSV"},
        {"name": "Data (XLSX)", "url": f"https://{host}/data.xlsx", "format": "XLSX", "mimetype": "text/html"},
    ]
    return make_dataset(name=fresh_name(draw), owner_org=draw(known(state.organizations)),
                        resources=resources[:draw(st.integers(0, 2))])


# -- bodies and query strings ------------------------------------------------------------------------

def _bytes(value) -> bytes:
    text = value if isinstance(value, str) else json.dumps(value, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


def encode_pairs(pairs) -> str:
    """``k=v&…`` with every byte outside unreserved characters percent-encoded (surrogates as their CESU bytes)."""
    return "&".join(f"{quote_from_bytes(_bytes(k), safe='')}={quote_from_bytes(_bytes(v), safe='')}" for k, v in pairs)


@st.composite
def query_pairs(draw, params: dict) -> list:
    """``params`` as query pairs, sometimes repeated, sometimes multiplied into hundreds."""
    pairs = list(params.items())
    if pairs and draw(st.integers(0, 5)) == 0:
        key, value = draw(st.sampled_from(pairs))
        pairs += [(key, value)] * draw(st.integers(1, 3))
    if draw(st.integers(0, 25)) == 0:
        key = draw(st.sampled_from(PAGE_PARAMS))
        pairs += [(key, f"v{n}") for n in range(draw(st.sampled_from((50, 300, 1500))))]
    return pairs


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]], boundary: str) -> bytes:
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode(
            "utf-8", "surrogatepass") + _bytes(value) + b"\r\n")
    for name, filename, content in files:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")
        parts.append(head.encode("utf-8", "surrogatepass") + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@st.composite
def body_for(draw, params: dict) -> tuple[bytes, str | None]:
    """``params`` as a request body in one of the encodings a client might use, or a hostile raw body."""
    how = draw(st.sampled_from(("json", "json", "json", "form", "multipart", "raw")))
    if how == "json":
        text = json.dumps(params, allow_nan=True, ensure_ascii=draw(st.booleans()))
        return text.encode("utf-8", "surrogatepass"), draw(st.sampled_from(CONTENT_TYPES[:5] + (None, "text/plain")))
    if how == "form":
        return encode_pairs(draw(query_pairs(params))).encode(), "application/x-www-form-urlencoded"
    if how == "multipart":
        fields = [(str(k).replace('"', ""), v) for k, v in params.items()]
        return multipart(fields, [], "fuzzboundary"), "multipart/form-data; boundary=fuzzboundary"
    return draw(st.sampled_from(RAW_BODIES)), draw(st.sampled_from(CONTENT_TYPES))


def optional_headers() -> st.SearchStrategy[list]:
    header = st.one_of(
        st.tuples(st.just("Accept"), st.sampled_from(ACCEPTS)),
        st.tuples(st.just("Accept-Language"), st.sampled_from(ACCEPT_LANGUAGES)),
        st.tuples(st.just("Accept-Encoding"), st.sampled_from(("gzip", "gzip;q=0", "br, deflate", "*"))),
        st.tuples(st.just("If-None-Match"), st.sampled_from(('W/"x"', "*", '"', "garbage", 'W/"' + "a" * 64 + '"'))),
        st.tuples(st.just("If-Modified-Since"), st.sampled_from(("yesterday", "Thu, 01 Jan 1970 00:00:00 GMT"))),
        st.tuples(st.just("Range"), st.sampled_from(("bytes=0-0", "bytes=5-1", "bytes=-0", "bytes=0-0,1-1,2-2", "x"))),
        st.tuples(st.just("Cookie"), st.sampled_from(("session=garbage", "session=.eJw.x.y", "lang=xx", "lang=en",
                                                      "session=" + "A" * 4000))),
        st.tuples(st.just("Origin"), st.sampled_from(("https://evil.example", "null"))),
        st.tuples(st.just("X-Forwarded-For"), st.sampled_from(("1.2.3.4", "not an address", "::1, 10.0.0.1"))),
        st.tuples(st.just("Host"), st.sampled_from(("evil.example", "127.0.0.1:1", "[::1]", "a" * 300))),
    )
    return st.lists(header, max_size=3, unique_by=lambda h: h[0])


# -- requests ---------------------------------------------------------------------------------------

def _action_path(draw, name: str) -> str:
    prefix = draw(st.sampled_from(("/api/3/action/", "/api/3/action/", "/api/action/")))
    return prefix + quote_from_bytes(name.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def action_request(draw, surface: Surface, state: State, name: str | None = None) -> FuzzRequest:
    """Action ``name``, else any action (or a name that is none), with fuzzed parameters in the query or body."""
    if name is None:
        name = draw(st.one_of(st.sampled_from(sorted(surface.actions)), st.sampled_from(sorted(surface.actions)),
                              hostile_text()))
    write = name not in surface.read_only
    params = draw(params_for(surface.actions.get(name, ()), state, write=write))
    identity = draw(st.sampled_from(IDENTITIES))
    method = draw(st.sampled_from(("GET", "POST", "POST") + ODD_METHODS[:3]))
    path, headers, body = _action_path(draw, name), draw(optional_headers()), b""
    if method == "GET":
        query = encode_pairs(draw(query_pairs(params)))
        path = f"{path}?{query}" if query else path
    else:
        body, content_type = draw(body_for(params))
        if content_type:
            headers.append(("Content-Type", content_type))
    return FuzzRequest(identity, method, path, headers, body, label=f"action:{name}")


@st.composite
def raw_request(draw, surface: Surface) -> FuzzRequest:
    """An action called with a body no client library would send: deep nesting, NaN, huge numbers, garbage."""
    name = draw(st.sampled_from(sorted(surface.actions)))
    body = draw(st.one_of(st.sampled_from(RAW_BODIES), hostile_json(12).map(
        lambda value: json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass"))))
    headers = [("Content-Type", draw(st.sampled_from(CONTENT_TYPES)))]
    identity = draw(st.sampled_from(IDENTITIES))
    return FuzzRequest(identity, "POST", _action_path(draw, name), headers, body, label=f"action:{name}")


def _record_write(draw, surface, state) -> FuzzRequest:
    from tests.builders import make_organization

    name = draw(st.sampled_from(("package_create", "package_create", "package_update", "package_patch",
                                 "organization_create", "organization_update", "organization_member_create")))
    if name == "package_create":
        params = draw(mutated(draw(dataset_record(state))))
    elif name in {"package_update", "package_patch"}:
        record = draw(dataset_record(state))
        target = draw(known(state.writable_datasets()))
        params = draw(mutated({**record, "name": target} if name == "package_update" else
                              {"title": record["title"], "notes": "x", "tags": record["tags"]}))
        params["id"] = target
    elif name == "organization_create":
        params = draw(mutated(make_organization(name=fresh_name(draw))))
    elif name == "organization_update":
        params = draw(mutated({"id": draw(known(state.organizations)), "title": "Dinas", "description": "x"}))
    else:
        params = draw(mutated({"id": draw(known(state.organizations)),
                               "username": draw(known(state.users)), "role": "member"}, 1))
    allowed = "sysadmin" if name.startswith("organization_") else "editor"  # the role that may, most often
    identity = draw(st.sampled_from((allowed, allowed, allowed, "other_editor", "sysadmin", "anonymous")))
    text = json.dumps(params, allow_nan=True).encode()
    return FuzzRequest(identity, "POST", _action_path(draw, name), [("Content-Type", "application/json")], text,
                       label=f"action:{name}")


def _upload(draw, surface, state) -> FuzzRequest:
    action = draw(st.sampled_from(("resource_create", "resource_create", "resource_update", "resource_patch")))
    fields = [("name", draw(st.one_of(st.just("Berkas"), hostile_text()))),
              ("format", draw(st.sampled_from(FORMATS))),
              ("mimetype", draw(st.sampled_from(("text/csv", "text/html", "image/svg+xml", ""))))]
    if action == "resource_create":
        fields.append(("package_id", draw(known(state.writable_datasets()))))
    else:
        writable = [r for d, r in state.resources if d not in state.protected]
        fields.append(("id", draw(known(writable))))
    fields += draw(st.lists(st.tuples(st.sampled_from(("url", "url_type", "id", "size", "hash", "upload")),
                                      hostile_text()), max_size=2))
    files = [(draw(st.sampled_from(("upload", "upload", "file", "upload"))), draw(st.sampled_from(FILENAMES)),
              draw(st.one_of(st.sampled_from(UPLOAD_BODIES), st.binary(max_size=2000))))]
    if draw(st.integers(0, 6)) == 0:
        files.append(files[0])
    boundary = draw(st.sampled_from(("fuzzboundary", "x", "-" * 70 + "b")))
    identity = draw(st.sampled_from(("editor", "editor", "other_editor", "sysadmin", "anonymous")))
    headers = [("Content-Type", f"multipart/form-data; boundary={boundary}")]
    return FuzzRequest(identity, "POST", _action_path(draw, action), headers, multipart(fields, files, boundary),
                       label=f"action:{action}")


def _path_value(draw, variable: str, choices: tuple, state: State, rule: str) -> str:
    if choices:
        return draw(st.sampled_from(choices))
    if variable == "name" and rule.startswith("/organization"):
        pool = state.organizations
    elif variable == "name" and "/run" in rule:
        pool = state.sources or ["missing-source"]
    elif variable == "name":
        pool = state.datasets
    elif variable == "resource_id":
        pool = [r for _, r in state.resources] or ["missing"]
    elif variable == "job_id":
        pool = state.jobs or ["1"]
    elif variable == "code":
        pool = ["id", "en"]
    else:
        pool = ["style.css", "data.csv", "catalog.css"]
    return draw(st.one_of(known(pool), known(pool), hostile_text()))


@st.composite
def page_request(draw, surface: Surface, state: State, rule: str | None = None) -> FuzzRequest:
    """Route ``rule``, else any route of the app, its path filled from known records or hostile text, with
    hostile query and headers."""
    if rule is None:
        rule, methods, choices = draw(st.sampled_from(surface.rules))
    else:
        rule, methods, choices = next(found for found in surface.rules if found[0] == rule)
    values = {}
    if "/resource/" in rule and draw(st.booleans()):
        values["name"], values["resource_id"] = draw(known(state.resources, ("kasus-dbd", "missing")))
    target = rule
    for match in re.finditer(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>", rule):
        variable = match[2]
        value = values.get(variable) or _path_value(draw, variable, choices.get(variable, ()), state, rule)
        safe = "/" if match[1] == "path" else ""
        target = target.replace(match[0], quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe=safe), 1)
    method = draw(st.one_of(st.sampled_from(methods), st.sampled_from(methods), st.sampled_from(ODD_METHODS)))
    names = st.one_of(st.sampled_from(PAGE_PARAMS), hostile_text())
    values_ = st.one_of(known(state.organizations + state.datasets), number_text(), hostile_text())
    params = draw(st.dictionaries(names, values_, max_size=4))
    query = encode_pairs(draw(query_pairs(params)))
    headers, body = draw(optional_headers()), b""
    if method == "POST":
        form = dict(params)
        if draw(st.booleans()):
            form["csrf_token"] = state.csrf_token
        if "login" in rule:
            form["token"] = draw(st.sampled_from(("", "not-a-token", "\x00", "x" * 5000)))
        body = encode_pairs(form.items()).encode()
        headers.append(("Content-Type", draw(st.sampled_from(("application/x-www-form-urlencoded",) * 3
                                                             + CONTENT_TYPES))))
    identity = draw(st.sampled_from(IDENTITIES))
    return FuzzRequest(identity, method, f"{target}?{query}" if query else target, headers, body, label=f"page:{rule}")


READS = (  # (target, label): every representation of what the instance holds, fuzzed writes included
    ("/dataset/{name}", "page:/dataset/<name>"),
    ("/dataset/{name}.{rdf}", "page:/dataset/<name>.<any(ttl, rdf, jsonld):key>"),
    ("/api/3/action/package_show?id={name}", "action:package_show"),
    ("/api/3/action/resource_show?id={resource}", "action:resource_show"),
    ("/dataset/{name}/resource/{resource}/download", "page:/dataset/<name>/resource/<resource_id>/download"),
    ("/dataset/{name}/resource/{resource}/preview", "page:/dataset/<name>/resource/<resource_id>/preview"),
    ("/catalog.{rdf}", "page:/catalog.<any(ttl, rdf, jsonld):key>"),
    ("/feeds/datasets.atom?organization={organization}", "page:/feeds/datasets.atom"),
    ("/feeds/datasets.atom", "page:/feeds/datasets.atom"),
    ("/data.json", "page:/data.json"),
    ("/sitemap.xml", "page:/sitemap.xml"),
    ("/organization/{organization}", "page:/organization/<name>"),
    ("/api/3/action/organization_show?id={organization}&include_datasets=true", "action:organization_show"),
    ("/dataset?q={word}&tags={word}", "page:/dataset"),
    ("/api/3/action/package_search?q={word}&facet.field=[\"tags\",\"res_format\"]", "action:package_search"),
    ("/api/3/action/current_package_list_with_resources", "action:current_package_list_with_resources"),
    ("/", "page:/"),
)


@st.composite
def read_request(draw, state: State) -> FuzzRequest:
    """A well-formed read of a recently written dataset, resource or organization, in one representation."""
    template, label = draw(st.sampled_from(READS))
    name, resource = draw(known(state.resources[-40:], ("kasus-dbd", "missing")))
    if draw(st.booleans()):
        name = draw(known(state.datasets[-40:]))
    values = {"name": name, "resource": resource, "organization": draw(known(state.organizations[-20:])),
              "rdf": draw(st.sampled_from(("ttl", "rdf", "jsonld"))),
              "word": draw(st.sampled_from(("penduduk", "dbd", "kesehatan", "data", "fuzz", "")))}
    target = template.format(**{k: quote_from_bytes(v.encode("utf-8", "surrogatepass"), safe="")
                                for k, v in values.items()})
    headers = draw(st.lists(st.one_of(st.tuples(st.just("Accept"), st.sampled_from(ACCEPTS)),
                                      st.tuples(st.just("Accept-Encoding"), st.just("gzip")),
                                      st.tuples(st.just("Accept-Language"), st.sampled_from(("id", "en")))),
                            max_size=2, unique_by=lambda h: h[0]))
    identity = draw(st.sampled_from(IDENTITIES))
    return FuzzRequest(identity, draw(st.sampled_from(("GET", "GET", "GET", "HEAD"))), target, headers, label=label)


def sweep(surface: Surface) -> list[tuple[str, str]]:
    """One (kind, target) per route and per action, so that a run reaches each at least once."""
    return [("page", rule) for rule, _, _ in surface.rules] + [("action", name) for name in surface.actions]


@st.composite
def request_strategy(draw, surface: Surface, state: State, target: tuple[str, str] | None = None) -> FuzzRequest:
    """One request: a hostile page request, an action with fuzzed parameters or a hostile body, a mutated
    record write, an upload, or a plain read of what the instance holds (to render what the writes stored).
    ``target`` (from ``sweep``) fixes the route or action."""
    if target is not None:
        kind, name = target
        return draw(page_request(surface, state, name) if kind == "page" else action_request(surface, state, name))
    kind = draw(st.sampled_from(("page", "page", "page", "read", "read", "action", "action", "raw", "write", "write",
                                 "upload")))
    if kind == "read":
        return draw(read_request(state))
    if kind == "page":
        return draw(page_request(surface, state))
    if kind == "action":
        return draw(action_request(surface, state))
    if kind == "raw":
        return draw(raw_request(surface))
    if kind == "write":
        return _record_write(draw, surface, state)
    return _upload(draw, surface, state)
