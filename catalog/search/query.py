"""CKAN ``package_search`` parameters -> one backend-neutral ``Query``; everything else is refused.

The supported subset of the Lucene syntax CKAN exposes: words, ``"quoted phrases"``, ``AND`` /
``OR`` / ``NOT`` / ``-word`` / ``+word``, parentheses, ``field:value``, ``field:"quoted value"``,
``field:(a OR b)``, ranges ``field:[X TO Y]`` with ``*`` and ``NOW[-N(DAYS|HOURS|...)]``, and a
trailing ``*`` wildcard. Juxtaposed clauses must all match. Backends receive only the tree.
"""

import datetime as dt
import json
import re

from catalog.errors import SearchQueryError
from catalog.search import DEFAULT_SORT, All, And, Node, Not, Or, Phrase, Query, Range, Term

TEXT_FIELDS = {"text", "title", "notes"}
KEYWORD_FIELDS = {
    "id", "name", "identifier", "organization", "groups", "tags", "res_format", "license_id",
    "frequency", "spatial", "region", "theme", "language", "access_level",
}
DATE_FIELDS = {"metadata_modified", "metadata_created", "issued", "modified", "temporal_start", "temporal_end"}
FIELDS = TEXT_FIELDS | KEYWORD_FIELDS | DATE_FIELDS
FACETS = ("organization", "tags", "res_format", "license_id", "groups", "frequency", "region", "theme")
SORT_FIELDS = {"score", "metadata_modified", "metadata_created", "modified", "title_string", "name"}
PARAMS = {
    "q", "fq", "fq_list", "sort", "rows", "start", "facet", "facet.field", "facet.limit", "facet.mincount",
    "ext_bbox", "include_private", "include_drafts", "include_deleted",
}
MAX_ROWS = 1000
MAX_START = 100_000
MAX_LENGTH = 2000
MAX_DEPTH = 20

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<open>\() | (?P<close>\)) |
      (?P<phrase>"(?:[^"\\]|\\.)*") |
      (?P<range>[\[{][^\]}]*[\]}]) |
      (?P<word>(?:[^\s()"\[\]{}\\]|\\.)+)
    )""",
    re.X,
)
_UNIT_DELTAS = {"SECOND": "seconds", "MINUTE": "minutes", "HOUR": "hours", "DAY": "days", "WEEK": "weeks"}
_NOW = re.compile(r"^NOW(?:([+-])(\d{1,5})(SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|YEAR)S?)?(?:/DAYS?)?$")


def parse(params: dict, now: dt.datetime | None = None) -> Query:
    """The ``Query`` for CKAN ``package_search`` parameters; SearchQueryError names what is wrong."""
    unknown = sorted(set(params) - PARAMS)
    if unknown:
        raise SearchQueryError(f"Unknown search parameter: {', '.join(unknown)}")
    now = now or dt.datetime.now(dt.UTC)
    q = _text(params, "q")
    match = None if q.strip() in {"", "*:*"} else _Parser(q, "q", now).parse()
    clauses = [_text(params, "fq")] + _fq_list(params.get("fq_list"))
    filters: dict[str, list[str]] = {}
    where: list[Node] = []
    for number, fq in enumerate(c for c in clauses if c.strip()):
        node = _Parser(fq, "fq" if number == 0 else "fq_list", now).parse()
        _split_filters(node, filters, where)
    return Query(
        text=q,
        match=match,
        where=None if not where else where[0] if len(where) == 1 else And(tuple(where)),
        filters=tuple((f, tuple(dict.fromkeys(v))) for f, v in sorted(filters.items())),
        bbox=_bbox(params.get("ext_bbox")),
        sort=_sort(params.get("sort")),
        rows=min(_integer(params, "rows", 10, 0), MAX_ROWS),
        start=_integer(params, "start", 0, 0, MAX_START),
        facet_fields=_facet_fields(params.get("facet.field")),
        facet_limit=_integer(params, "facet.limit", 50, -1),
        facet_mincount=_integer(params, "facet.mincount", 1, 0),
    )


def _text(params: dict, name: str) -> str:
    value = params.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SearchQueryError(f"Parameter {name} must be a string")
    if len(value) > MAX_LENGTH:
        raise SearchQueryError(f"Parameter {name} is longer than {MAX_LENGTH} characters")
    return value


def _fq_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SearchQueryError("Parameter fq_list must be a list of strings")
    return [_text({"fq_list": v}, "fq_list") for v in value]


def _integer(params: dict, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SearchQueryError(f"Parameter {name} must be an integer, not {str(raw)[:40]!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SearchQueryError(f"Parameter {name} must be {bound}")
    return value


def _facet_fields(raw) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise SearchQueryError('Parameter facet.field must be a JSON list such as ["tags"]') from None
    if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
        raise SearchQueryError("Parameter facet.field must be a list of field names")
    bad = [f for f in raw if f not in FACETS]
    if bad:
        raise SearchQueryError(f"Cannot facet on {', '.join(map(repr, bad))}; facets: {', '.join(FACETS)}")
    return tuple(dict.fromkeys(raw))


def _sort(raw) -> tuple[tuple[str, str], ...]:
    if raw is None or not str(raw).strip():
        return DEFAULT_SORT
    if not isinstance(raw, str):
        raise SearchQueryError("Parameter sort must be a string")
    keys = []
    for part in raw.split(","):
        words = part.split()
        if len(words) != 2 or words[0] not in SORT_FIELDS or words[1].lower() not in {"asc", "desc"}:
            raise SearchQueryError(f"Cannot sort by {part.strip()[:60]!r}; use a field of "
                                   f"{', '.join(sorted(SORT_FIELDS))} with asc or desc")
        keys.append((words[0], words[1].lower()))
    return tuple(keys)


def _bbox(raw) -> tuple[float, float, float, float] | None:
    if raw is None or raw == "":
        return None
    try:
        west, south, east, north = (float(v) for v in str(raw).split(","))
    except ValueError:
        raise SearchQueryError("Parameter ext_bbox must be four numbers: west,south,east,north") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise SearchQueryError("Parameter ext_bbox is out of range (west<=east in -180..180, south<=north in -90..90)")
    return west, south, east, north


def _split_filters(node: Node, filters: dict, where: list) -> None:
    """Facet selections (a facet field's values, alone or OR-ed) go to ``filters``; the rest to ``where``."""
    for item in node.items if isinstance(node, And) else (node,):
        values = _facet_selection(item)
        if values:
            field, found = values
            filters.setdefault(field, []).extend(found)
        else:
            where.append(item)


def _facet_selection(node: Node):
    items = node.items if isinstance(node, Or) else (node,)
    fields = {getattr(i, "field", None) for i in items}
    if len(fields) != 1 or not all(isinstance(i, (Term, Phrase)) and not getattr(i, "prefix", False) for i in items):
        return None
    field = fields.pop()
    return (field, [i.value for i in items]) if field in FACETS else None


class _Parser:
    """A recursive-descent parser over one parameter; errors name the parameter and the token."""

    def __init__(self, source: str, name: str, now: dt.datetime):
        self.name = name
        self.now = now
        self.tokens = self._tokenize(source)
        self.pos = 0
        self.depth = 0

    def _tokenize(self, source: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        while pos < len(source):
            if source[pos:].strip() == "":
                break
            found = _TOKEN.match(source, pos)
            if not found or found.end() == pos:
                raise self.error(f"cannot read {source[pos:].strip()[:40]!r}")
            tokens.append((found.lastgroup, found.group(found.lastgroup)))
            pos = found.end()
        return tokens

    def error(self, what: str) -> SearchQueryError:
        return SearchQueryError(f"Cannot understand {self.name}: {what}")

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def parse(self) -> Node:
        node = self.parse_or()
        if self.pos < len(self.tokens):
            raise self.error(f"unexpected {self.tokens[self.pos][1][:40]!r}")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek() in {("word", "OR"), ("word", "||")}:
            self.pos += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while True:
            kind, value = self.peek()
            if kind is None or kind == "close" or value in {"OR", "||"}:
                break
            if value in {"AND", "&&"}:
                self.pos += 1
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node:
        kind, value = self.peek()
        if kind is None:
            raise self.error("the query ends where a word was expected")
        if value in {"NOT", "!"}:
            self.pos += 1
            return Not(self.parse_unary())
        if kind == "word" and value[0] in "+-!" and len(value) > 1:
            self.tokens[self.pos] = ("word", value[1:])
            node = self.parse_unary()
            return node if value[0] == "+" else Not(node)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        kind, value = self.peek()
        if kind == "open":
            return self.group(lambda: self.parse_or())
        if kind in {"close", "range"} or value in {"AND", "OR", "&&", "||"}:
            raise self.error(f"unexpected {value[:40]!r}")
        self.pos += 1
        if kind == "phrase":
            return self.phrase("text", value)
        field, sep, rest = _split_field(value)
        if not sep:
            return self.word("text", value)
        if field == "*" and rest == "*":
            return All()
        if field not in FIELDS:
            raise self.error(f"unknown field {field!r}; fields: {', '.join(sorted(FIELDS))}")
        if rest:
            return self.word(field, rest)
        return self.field_value(field)

    def group(self, inner) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("too many nested parentheses")
        self.pos += 1
        node = inner()
        if self.peek()[0] != "close":
            raise self.error("a '(' is not closed")
        self.pos += 1
        self.depth -= 1
        return node

    def field_value(self, field: str) -> Node:
        kind, value = self.peek()
        if kind == "phrase":
            self.pos += 1
            return self.phrase(field, value)
        if kind == "range":
            self.pos += 1
            return self.range(field, value)
        if kind == "open":
            return self.group(lambda: self.values(field))
        raise self.error(f"no value after {field}:")

    def values(self, field: str) -> Node:
        items = []
        while self.peek()[0] not in {None, "close"}:
            kind, value = self.peek()
            self.pos += 1
            if value in {"OR", "||"}:
                continue
            if kind not in {"word", "phrase"}:
                raise self.error(f"unexpected {value[:40]!r} in {field}:( )")
            items.append(self.phrase(field, value) if kind == "phrase" else self.word(field, value))
        if not items:
            raise self.error(f"no value in {field}:( )")
        return items[0] if len(items) == 1 else Or(tuple(items))

    def word(self, field: str, raw: str) -> Node:
        prefix = raw.endswith("*") and not raw.endswith("\\*")
        body = raw[:-1] if prefix else raw
        bare = re.sub(r"\\.", "", body, flags=re.S)
        if any(c in bare for c in "*?:"):
            raise self.error(f"only a trailing * wildcard is supported, not {raw[:40]!r}")
        if any(c in bare for c in "~^"):
            raise self.error(f"fuzzy (~) and boost (^) syntax is not supported: {raw[:40]!r}")
        text = _unescape(body)
        if not text:
            raise self.error(f"empty value in {raw[:40]!r}")
        if field in DATE_FIELDS:
            if prefix:
                raise self.error(f"no wildcard on the date field {field}")
            moment = self.moment(text)
            return Range(field, moment, moment)
        if prefix and field not in TEXT_FIELDS | {"tags", "name"}:
            raise self.error(f"no wildcard on the field {field}")
        return Term(field, text, prefix)

    def phrase(self, field: str, raw: str) -> Node:
        text = _unescape(raw[1:-1]).strip()
        if not text:
            raise self.error("empty quoted phrase")
        if field in DATE_FIELDS:
            moment = self.moment(text)
            return Range(field, moment, moment)
        return Term(field, text) if field in KEYWORD_FIELDS else Phrase(field, text)

    def range(self, field: str, raw: str) -> Node:
        if field not in DATE_FIELDS:
            raise self.error(f"ranges work on date fields ({', '.join(sorted(DATE_FIELDS))}), not {field}")
        if raw[0] != "[" or raw[-1] != "]":
            raise self.error("only inclusive ranges [X TO Y] are supported")
        parts = raw[1:-1].split()
        if len(parts) != 3 or parts[1] != "TO":
            raise self.error(f"a range must read [X TO Y], not {raw[:60]!r}")
        low, high = (None if p == "*" else self.moment(p) for p in (parts[0], parts[2]))
        return Range(field, low, high)

    def moment(self, text: str) -> str:
        """An ISO 8601 UTC timestamp for a date, date-time or NOW expression."""
        found = _NOW.match(text)
        if found:
            return _isoformat(_shift(self.now, *found.groups()))
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.error(f"not a date: {text[:40]!r}") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return _isoformat(value)


def _shift(now: dt.datetime, sign, amount, unit) -> dt.datetime:
    if not sign:
        return now
    number = int(amount) * (1 if sign == "+" else -1)
    try:
        if unit in _UNIT_DELTAS:
            return now + dt.timedelta(**{_UNIT_DELTAS[unit]: number})
        months = now.month - 1 + number * (12 if unit == "YEAR" else 1)
        return now.replace(year=now.year + months // 12, month=months % 12 + 1, day=min(now.day, 28))
    except (OverflowError, ValueError):
        raise SearchQueryError(f"Date arithmetic out of range: NOW{sign}{amount}{unit}") from None


def _isoformat(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _split_field(word: str) -> tuple[str, str, str]:
    """``field:rest`` split at the first colon after a field-like name; ("", "", word) otherwise."""
    found = re.match(r"^([A-Za-z_*][\w.]*):(.*)$", word, re.S)
    return (found.group(1), ":", found.group(2)) if found else ("", "", word)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.S)
