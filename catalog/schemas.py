"""The metadata schemas in ``metadata_schemas/``: loading, and validation with every error by field path."""

import datetime as dt
import json
import re
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import fastjsonschema
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


# A plain URL (lower-case scheme, a host of letters, digits, dots and dashes, an optional port, no
# white space): accepted without parsing. Everything else takes the full check below.
_PLAIN_URL = re.compile(r"(?:https?|ftp)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\s]*)?\Z")


@formats.checks("web-url")
def _is_web_url(value):
    if not isinstance(value, str):
        return True
    if _PLAIN_URL.match(value):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in {"http", "https", "ftp"} and bool(parts.hostname) and not re.search(r"\s", value)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@formats.checks("email")
def _is_email(value):
    return not isinstance(value, str) or bool(_EMAIL.match(value))


FORMAT_LABELS = {
    "date": "a date written YYYY-MM-DD",
    "date-or-date-time": "a date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ss)",
    "web-url": "an absolute http, https or ftp URL",
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
def registry() -> Registry:
    """A referencing registry holding every schema file under its ``$id``."""
    docs = _documents().values()
    return Registry().with_resources((doc["$id"], Resource.from_contents(doc)) for doc in docs)


@cache
def validator(kind: str) -> Draft202012Validator:
    """A validator for one entity kind, with the catalog's format checks switched on."""
    return Draft202012Validator(_compile(load(kind), kind), registry=registry(), format_checker=formats)


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
    schema = {**_compile(load(kind), kind), "$schema": "http://json-schema.org/draft-07/schema#"}
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


def escape_bad_characters(text: str) -> str:
    """``text`` with every character that cannot be stored written as its escape (``\\udcff``, ``\\x00``)."""
    return _BAD_CHAR.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def text_errors(doc, path=()):
    """Yield (dotted path, message) for every string in ``doc`` (keys included) that cannot be stored.

    One check for every write path (API, forms, harvest, CLI), run before anything hashes, encodes
    or indexes the record, so such text is refused by field instead of failing later as a crash.
    """
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
