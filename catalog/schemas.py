"""The metadata schemas in ``metadata_schemas/``: loading, and validation with every error by field path."""

import datetime as dt
import json
import re
from functools import cache
from importlib import resources
from urllib.parse import quote

import fastjsonschema
import idna
import jsonschema_rs
import rfc3986
import rfc3986.abnf_regexp
import rfc3986.exceptions
import rfc3986.validators
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

KINDS = ("dataset", "resource", "organization", "harvest_source")
FILES = (*KINDS, "defs", "region")

formats = FormatChecker(formats=())


@formats.checks("date", raises=ValueError)
def _is_date(value):
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value)) and len(value) == 10


@formats.checks("date-or-date-time", raises=ValueError)
def _is_date_or_datetime(value):
    if not isinstance(value, str):
        return True
    if len(value) == 10:
        return bool(dt.date.fromisoformat(value))
    if "T" not in value:
        return False
    return bool(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))


# A plain URL (lower-case scheme, a host of letters, digits, dots and dashes, a short port, and only
# characters RFC 3986 allows unencoded): accepted without parsing. Everything else takes the full check.
_URI_CHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_PLAIN_URL = re.compile(
    rf"(?:https?|ftp)://[A-Za-z0-9.-]+(?::[0-9]{{1,4}})?(?:/(?:{_URI_CHAR}|/)*)?(?:\?(?:{_URI_CHAR}|[/?])*)?"
    rf"(?:#(?:{_URI_CHAR}|[/?])*)?\Z"
)
_WEB_URL = (
    rfc3986.validators.Validator()
    .require_presence_of("scheme", "host")
    .allow_schemes("http", "https", "ftp")
    .check_validity_of("scheme", "userinfo", "host", "port", "path", "query", "fragment")
)
# Characters real feeds leave unencoded in a path, query or fragment that have one safe reading: white
# space inside the URL, non-ASCII letters, a '%' that starts no escape, and the delimiters RFC 3986
# reserves for other places. '"', '<', '>' and '\\' are not among them: those are refused.
_UNENCODED = re.compile(r"[^\x21-\x7e]|[\[\]{}|^`]|%(?![0-9A-Fa-f]{2})")
_URL_PARTS = re.compile(rfc3986.abnf_regexp.URL_PARSING_RE)


def _rfc3986_url(value: str) -> bool:
    """True when ``value`` is an absolute http, https or ftp URL exactly as RFC 3986 writes one."""
    if _PLAIN_URL.match(value):
        return True
    if bad_character(value):  # text_errors names the character; rfc3986 cannot even encode a lone surrogate
        return False
    uri = rfc3986.uri_reference(value)
    if uri.unsplit() != value or not uri.host:  # the library had to encode something: not valid as given
        return False
    try:
        _WEB_URL.validate(uri)
    except rfc3986.exceptions.RFC3986Exception:
        return False
    return True


def encode_url(value):
    """``value`` with what real feeds leave unencoded percent-encoded (spaces, non-ASCII, stray '%'),
    an internationalised host in its ASCII (IDNA) form, a lower-case scheme and no white space around it.

    The one place such URLs are repaired: every write path stores this form, and validation judges
    it, so a URL is either stored as a valid RFC 3986 URL or refused with its field path.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if _PLAIN_URL.match(text):
        return text
    parts = _URL_PARTS.match(text)
    if parts is None or not parts["scheme"] or parts["authority"] is None:
        return text
    authority = parts["authority"]
    try:
        if not authority.isascii():
            userinfo, at, hostport = authority.rpartition("@")
            host, colon, port = hostport.partition(":")
            authority = f"{userinfo}{at}{idna.encode(host, uts46=True).decode('ascii')}{colon}{port}"

        def encode(part: str, extra: str = "") -> str:
            pattern = _UNENCODED if not extra else re.compile(f"{_UNENCODED.pattern}|[{re.escape(extra)}]")
            return pattern.sub(lambda found: quote(found.group(), safe=""), part)

        rebuilt = f"{parts['scheme'].lower()}://{authority}{encode(parts['path'])}"
        if parts["query"] is not None:
            rebuilt += "?" + encode(parts["query"])
        if parts["fragment"] is not None:
            rebuilt += "#" + encode(parts["fragment"], "#")
    except (idna.IDNAError, UnicodeError):
        return text
    return rebuilt


@formats.checks("web-url")
def _is_web_url(value):
    return not isinstance(value, str) or _rfc3986_url(encode_url(value))


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@formats.checks("email")
def _is_email(value):
    return not isinstance(value, str) or bool(_EMAIL.match(value))


FORMAT_LABELS = {
    "date": "a date written YYYY-MM-DD",
    "date-or-date-time": "a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ss)",
    "web-url": "an absolute http, https or ftp URL as RFC 3986 writes it (\" < > \\ percent-encoded)",
    "email": "an e-mail address",
}


def load(name: str) -> dict:
    """One schema file's JSON, by file stem (e.g. ``dataset``, ``defs``)."""
    return _documents()[name]


@cache
def _documents() -> dict:
    folder = resources.files("metadata_schemas")
    return {name: json.loads((folder / f"{name}.json").read_text("utf-8")) for name in FILES}


def _compile(node, here: str):
    """The validation form of a schema node: ``$ref`` inlined, labelled constants as a plain ``enum``.

    The files keep references and the labelled ``oneOf`` form for people and docs; the validator
    checks the same rules several times faster without reference lookups and with enums.
    Siblings of a ``$ref`` in these files are annotations only, so merging them is exact.
    """
    if isinstance(node, list):
        return [_compile(item, here) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        file, _, pointer = node["$ref"].partition("#")
        target_name = file.removesuffix(".json") if file else here
        target = load(target_name)
        for part in filter(None, pointer.split("/")):
            target = target[part]
        merged = {**_compile(target, target_name), **{k: v for k, v in node.items() if k != "$ref"}}
        merged.pop("$id", None)
        merged.pop("$schema", None)
        return merged
    compiled = {key: _compile(value, here) for key, value in node.items() if key != "$defs"}
    options = node.get("oneOf")
    if isinstance(options, list) and options and all(isinstance(o, dict) and "const" in o for o in options):
        del compiled["oneOf"]
        compiled["enum"] = [o["const"] for o in options]
    return compiled


@cache
def compiled(kind: str) -> dict:
    """The validation form of one kind's schema (see ``_compile``)."""
    return _compile(load(kind), kind)


def with_encoded_urls(doc, kind: str):
    """``doc`` with every field the schema declares a web URL passed through ``encode_url``.

    Every write path stores this form, so unencoded spaces and non-ASCII letters from real feeds
    and forms become valid URLs instead of being refused or dropped later by a writer.
    """
    return _encode_urls(doc, compiled(kind))


def _encode_urls(doc, schema):
    if not isinstance(schema, dict):
        return doc
    if isinstance(doc, str):
        return encode_url(doc) if schema.get("format") == "web-url" else doc
    if isinstance(doc, dict):
        properties, others = schema.get("properties", {}), schema.get("additionalProperties")
        return {key: _encode_urls(value, properties.get(key, others)) for key, value in doc.items()}
    if isinstance(doc, list):
        return [_encode_urls(value, schema.get("items")) for value in doc]
    return doc


@cache
def registry() -> Registry:
    """A referencing registry holding every schema file under its ``$id``."""
    docs = _documents().values()
    return Registry().with_resources((doc["$id"], Resource.from_contents(doc)) for doc in docs)


@cache
def validator(kind: str) -> Draft202012Validator:
    """A validator for one entity kind, with the catalog's format checks switched on."""
    return Draft202012Validator(compiled(kind), registry=registry(), format_checker=formats)


def _accepting(check):
    def accepts(value):
        try:
            return bool(check(value))
        except ValueError:
            return False

    return accepts


@cache
def fast_check(kind: str):
    """A compiled validity check for one kind (fastjsonschema): raises on the first error, ~5x faster.

    The compiled schema uses only draft-07 keywords once references are inlined, and the same
    format functions as the full validator; a test keeps the two verdicts identical.
    """
    schema = {**compiled(kind), "$schema": "http://json-schema.org/draft-07/schema#"}
    checks = {"date": _is_date, "date-or-date-time": _is_date_or_datetime, "web-url": _is_web_url, "email": _is_email}
    return fastjsonschema.compile(schema, formats={name: _accepting(f) for name, f in checks.items()})


def _passes_fast(doc, kind: str) -> bool:
    if kind not in KINDS:
        raise ValueError(f"unknown schema kind {kind!r}; expected one of {', '.join(KINDS)}")
    try:
        fast_check(kind)(doc)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(doc, kind: str) -> dict[str, list[str]]:
    """Every error in ``doc`` as ``{dotted.path: [plain messages]}``, sorted by path; empty when valid.

    Valid records (the common case) pass one compiled check; only invalid ones pay for the full
    validator that collects every error.
    """
    found: dict[str, list[str]] = {}
    for path, message in text_errors(doc):
        found.setdefault(path or "(record)", []).append(message)
    if not _passes_fast(doc, kind):
        for error in validator(kind).iter_errors(doc):
            for path, message in _describe(error):
                found.setdefault(path or "(record)", []).append(message)
    if kind == "dataset" and isinstance(doc, dict):
        for path, message in _dataset_rules(doc):
            found.setdefault(path, []).append(message)
    return {path: sorted(set(found[path])) for path in sorted(found)}


_SHAPE_KEYS = ("type", "required", "properties", "items", "additionalProperties")


def _shape_only(node):
    """A schema node with only what says which JSON types go where (and which fields must be there)."""
    if not isinstance(node, dict):
        return node
    shape = {key: _shape_only(value) for key, value in node.items() if key in _SHAPE_KEYS and key != "properties"}
    if isinstance(node.get("properties"), dict):
        shape["properties"] = {name: _shape_only(value) for name, value in node["properties"].items()}
    if not isinstance(shape.get("additionalProperties", {}), dict):
        del shape["additionalProperties"]
    return shape


@cache
def _shape_check(kind: str) -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(_shape_only(compiled(kind)))


def shape_errors(doc, kind: str) -> list[tuple[str, str]]:
    """Only the errors of ``doc`` that a reader of it would trip on: wrong JSON types and missing
    required fields, as (dotted path, message). Every record a reader is given passes this, so
    the common case is one check of those rules alone by a compiled (Rust) validator, ~2 µs."""
    if _shape_check(kind).is_valid(doc):
        return []
    return [pair for error in validator(kind).iter_errors(doc) if error.validator in ("type", "required")
            for pair in _describe(error)]


# Characters no stored text may hold: C0 controls other than tab, newline and carriage return,
# DEL, lone UTF-16 surrogates (JSON's "\\udcff" escapes), and the two non-characters XML forbids.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def bad_character(text: str) -> str | None:
    """Why ``text`` cannot be stored (the first offending character, named), or None when it can."""
    found = _BAD_CHAR.search(text)
    if found is None:
        return None
    code = ord(found.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"Contains {kind} (U+{code:04X}) at character {found.start() + 1}"


def text_is_clean(doc) -> bool:
    """True when no string in ``doc`` (keys included) holds a character ``bad_character`` names.

    A walk without recursion that skips the pattern for printable text: the cheap common case of
    ``text_errors``, fast enough for every record every reader is given.
    """
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isprintable() and _BAD_CHAR.search(value):
                return False
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and not key.isprintable() and _BAD_CHAR.search(key):
                    return False
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return True


def escape_bad_characters(text: str) -> str:
    """``text`` with every character that cannot be stored written as its escape (``\\udcff``, ``\\x00``)."""
    return _BAD_CHAR.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def text_errors(doc, path=()):
    """Yield (dotted path, message) for every string in ``doc`` (keys included) that cannot be stored.

    One check for every write path (API, forms, harvest, CLI), run before anything hashes, encodes
    or indexes the record, so such text is refused by field instead of failing later as a crash.
    """
    if not path and text_is_clean(doc):
        return
    if isinstance(doc, str):
        problem = bad_character(doc)
        if problem:
            yield _dotted(path), problem
    elif isinstance(doc, dict):
        for key, value in doc.items():
            if isinstance(key, str) and (problem := bad_character(key)):
                yield _dotted(path), f"A key: {problem[0].lower()}{problem[1:]}"
            yield from text_errors(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from text_errors(value, (*path, index))


def _dotted(parts) -> str:
    return ".".join(str(p) for p in parts)


def _describe(error):
    """Yield (path, message) pairs in plain words for one jsonschema error."""
    path = _dotted(error.absolute_path)
    keyword, schema, value = error.validator, error.schema, error.instance
    if keyword == "required":
        missing = set(error.validator_value) - set(value)
        for field in sorted(missing):
            yield _dotted([*error.absolute_path, field]), "Missing value"
    elif keyword == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        for field in sorted(set(value) - allowed):
            yield _dotted([*error.absolute_path, field]), "Unknown field"
    elif keyword == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        yield path, f"Must be of type {wanted}"
    elif keyword == "minLength":
        yield path, "Missing value" if value == "" else f"Must be at least {error.validator_value} characters long"
    elif keyword == "maxLength":
        yield path, f"Must be at most {error.validator_value} characters long"
    elif keyword == "pattern":
        yield path, f"Not in the allowed form: {schema.get('description', 'see the schema')}"
    elif keyword == "not":
        yield path, f"{value!r} is a reserved word"
    elif keyword == "format":
        yield path, f"Must be {FORMAT_LABELS.get(error.validator_value, error.validator_value)}"
    elif keyword == "anyOf" and all(set(o) == {"required"} for o in error.validator_value):
        fields = [f for o in error.validator_value for f in o["required"]]
        yield path, f"Needs at least one of: {', '.join(fields)}"
    elif keyword == "enum":
        yield path, _not_allowed(value, error.validator_value, schema)
    elif keyword == "uniqueItems":
        yield path, "Has the same item twice"
    elif keyword == "minimum":
        yield path, f"Must be at least {error.validator_value}"
    elif keyword == "propertyNames":
        yield path, "Has a key that is not allowed here"
    else:
        yield path, error.message


def _not_allowed(value, options, schema) -> str:
    if len(options) <= 20:
        listed = ", ".join(str(o) for o in options if o is not None)
        return f"{value!r} is not one of the allowed values: {listed}"
    return f"{value!r} is not one of the allowed values of {schema.get('title', 'this field')}"


def _dataset_rules(doc: dict):
    """Rules across fields that JSON Schema cannot state."""
    start, end = doc.get("temporal_start"), doc.get("temporal_end")
    if isinstance(start, str) and isinstance(end, str) and end < start:
        yield "temporal_end", "Must not be before temporal_start"
    tags = doc.get("tags") if isinstance(doc.get("tags"), list) else []
    names = [t.get("name") for t in tags if isinstance(t, dict) and isinstance(t.get("name"), str)]
    if len(names) != len(set(names)):
        yield "tags", "Has the same tag twice"


def region_names() -> dict[str, dict]:
    """Kemendagri region codes of the reference data: ``{code: {"name", "level", "parent"}}``."""
    return {
        entry["const"]: {"name": entry["title"], "level": entry["x-level"], "parent": entry.get("x-parent")}
        for entry in load("region")["oneOf"]
    }


def labels(def_name: str) -> dict[str, str]:
    """The titles of a coded vocabulary in ``defs.json`` (frequency, theme, access_level): ``{code: label}``."""
    return {o["const"]: o["title"] for o in load("defs")["$defs"][def_name]["oneOf"]}
