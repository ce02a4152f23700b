"""The action registry: plain functions ``name(ctx, params) -> result`` registered with ``@action``.

The docstring of each action is its user-facing documentation: the first paragraph says what it
does, ``:param NAME: text`` and ``:type NAME: string|integer|boolean|list|dict`` lines describe
its parameters. The registry drives dispatch, ``help_show``, the OpenAPI description and the docs page.
"""

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from catalog.accounts import User
from catalog.errors import BadRequest, ValidationError
from catalog.schemas import bad_character

PARAM_LINE = re.compile(r"^\s*:param ([\w.]+):\s*(.*)$")
TYPE_LINE = re.compile(r"^\s*:type ([\w.]+):\s*(.*)$")


@dataclass(frozen=True)
class Context:
    """What an action may use: the catalog, the caller (None when anonymous), and uploaded files."""

    catalog: object
    user: User | None = None
    files: tuple = ()


@dataclass(frozen=True)
class Param:
    """One documented parameter of an action."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Action:
    """A registered action: its function, whether it only reads, and its parsed documentation."""

    name: str
    function: Callable
    read_only: bool
    entity: str
    summary: str
    doc: str
    params: tuple[Param, ...] = field(default=())
    result: str = "object"


ACTIONS: dict[str, Action] = {}


def _parse_doc(doc: str) -> tuple[str, tuple[Param, ...]]:
    lines = inspect.cleandoc(doc or "").splitlines()
    descriptions, types = {}, {}
    for line in lines:
        if match := PARAM_LINE.match(line):
            descriptions[match[1]] = match[2].strip()
        elif match := TYPE_LINE.match(line):
            types[match[1]] = match[2].strip()
    summary = " ".join(line.strip() for line in lines if line.strip() and not line.lstrip().startswith(":"))
    params = tuple(Param(n, types.get(n, "string"), d) for n, d in descriptions.items())
    return summary, params


def action(name: str, *, read_only: bool = False, result: str = "object"):
    """Register ``function`` as the action ``name``; ``result`` names its result's schema."""

    def register(function):
        summary, params = _parse_doc(function.__doc__)
        entity = function.__module__.rsplit(".", 1)[-1]
        ACTIONS[name] = Action(
            name, function, read_only, entity, summary, inspect.cleandoc(function.__doc__ or ""), params, result
        )
        return function

    return register


# -- parameter helpers ---------------------------------------------------------------------------


def required(params: dict, name: str):
    """The parameter ``name``, or a Validation Error naming it when it is missing or empty."""
    value = params.get(name)
    if value in (None, "", [], {}):
        raise ValidationError({name: ["Missing value"]})
    return value


def as_int(params: dict, name: str, default: int | None = None, *, minimum: int = 0, maximum: int | None = None):
    """An integer parameter within bounds; a Validation Error naming it otherwise."""
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
        if isinstance(value, (bool, float)) or (isinstance(value, str) and not value.strip().lstrip("-").isdigit()):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise ValidationError({name: ["Invalid integer"]}) from None
    if number < minimum or (maximum is not None and number > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValidationError({name: [f"Must be {bound}"]})
    return number


def as_bool(params: dict, name: str, default: bool = False) -> bool:
    """A boolean parameter given as JSON true/false or the strings true/false/1/0/yes/no."""
    value = params.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise ValidationError({name: ["Invalid boolean"]})


def as_text(params: dict, name: str, default: str = "") -> str:
    """A string parameter; a Validation Error when another JSON type was sent, a Bad Request when it holds
    text nothing stored can hold (a lone surrogate, a control character), so no lookup ever sees it."""
    value = params.get(name, default)
    if value is None:
        return default
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValidationError({name: ["Must be a string"]})
    problem = bad_character(str(value))
    if problem:
        raise BadRequest(f"Bad request - {name}: {problem}")
    return str(value)


def as_list(params: dict, name: str) -> list:
    """A list parameter given as a JSON list or, in a query string, as a JSON-encoded list."""
    value = params.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.startswith("[") else [value]
        except ValueError:
            raise ValidationError({name: ["Invalid JSON list"]}) from None
    if not isinstance(value, list):
        raise ValidationError({name: ["Must be a list"]})
    return value
