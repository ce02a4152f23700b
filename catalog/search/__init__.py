"""The search seam: one small protocol, a backend-neutral query, and backend selection by name.

Backends receive dataset records to index and ``Query`` objects to answer; they return ids and
facet counts only. The store stays the source of truth: the service loads the records for the ids.
"""

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from catalog.config import setting
from catalog.errors import CatalogError


@dataclass(frozen=True)
class Term:
    """One word in ``field`` ("text" means every text field); ``prefix`` for a trailing ``*``."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must follow each other in one field."""

    field: str
    value: str


@dataclass(frozen=True)
class Range:
    """An inclusive range on a date field; bounds are ISO 8601 UTC strings, None is open."""

    field: str
    low: str | None
    high: str | None


@dataclass(frozen=True)
class All:
    """Every document (``*:*``)."""


@dataclass(frozen=True)
class And:
    """Every item must match."""

    items: tuple


@dataclass(frozen=True)
class Or:
    """At least one item must match."""

    items: tuple


@dataclass(frozen=True)
class Not:
    """The item must not match."""

    item: object


Node = Term | Phrase | Range | All | And | Or | Not

DEFAULT_SORT = (("score", "desc"), ("metadata_modified", "desc"))


@dataclass(frozen=True)
class Query:
    """A parsed search, the same for every backend.

    ``match`` is the parsed ``q`` (ranked); ``where`` the parts of ``fq`` that are not facet
    selections; ``filters`` the facet selections (field -> values: OR within a field, AND across
    fields); ``bbox`` is (west, south, east, north) in degrees. Facet counts for a field are
    computed with that field's own selection lifted.
    """

    text: str = ""
    match: Node | None = None
    where: Node | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    sort: tuple[tuple[str, str], ...] = DEFAULT_SORT
    rows: int = 10
    start: int = 0
    facet_fields: tuple[str, ...] = ()
    facet_limit: int = 50
    facet_mincount: int = 1


@dataclass
class Results:
    """What a backend answers: the total count, the ids of one page in order, and facet counts."""

    count: int
    ids: list[str]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


@runtime_checkable
class SearchBackend(Protocol):
    """What every search backend does. Implementations must pass ``tests/contracts/search.py``."""

    def index(self, datasets: list[dict]) -> None:
        """Add or replace these dataset records in the index, as one batch.

        Must be idempotent: indexing the same record twice leaves one document. Must not
        index withdrawn or private records; the caller passes only what may be found.
        """

    def delete(self, ids: list[str]) -> None:
        """Remove these dataset ids from the index; ids that are not there are ignored."""

    def search(self, query: Query) -> Results:
        """Answer a query. Raise SearchQueryError for what the backend cannot do, SearchUnavailable when down."""

    def clear(self) -> None:
        """Remove every document."""

    def replace_all(self, batches: Iterable[list[dict]]) -> int:
        """Replace the whole index with the records in ``batches``; returns how many were indexed.

        Searches must keep seeing the old index until the new one is complete (a single commit,
        or a new versioned index swapped in behind an alias).
        """

    def inventory(self) -> dict[str, str] | None:
        """Every indexed id with the ``metadata_modified`` it was indexed at (for drift checks).

        None means the backend keeps nothing to compare (the null backend).
        """

    def close(self) -> None:
        """Release files, connections and threads."""


class NullBackend:
    """Indexes nothing and finds nothing: for tools that only read and write the store."""

    name = "null"

    @classmethod
    def from_config(cls, config: dict) -> "NullBackend":
        return cls()

    def index(self, datasets):
        pass

    def delete(self, ids):
        pass

    def search(self, query):
        return Results(count=0, ids=[], facets={f: [] for f in query.facet_fields})

    def clear(self):
        pass

    def replace_all(self, batches):
        return sum(len(b) for b in batches)

    def inventory(self):
        return None

    def close(self):
        pass


BACKENDS = {
    "null": "catalog.search:NullBackend",
    "embedded": "catalog.search.embedded:EmbeddedBackend",
    "elasticsearch": "catalog.search.elastic:ElasticBackend",
}


def open_backend(config: dict) -> SearchBackend:
    """The backend named by ``SEARCH_BACKEND``, built from its own settings."""
    name = setting(config, "SEARCH_BACKEND")
    try:
        module, _, attribute = BACKENDS[name].partition(":")
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise CatalogError(f"Unknown SEARCH_BACKEND {name!r}; known backends: {known}") from None
    return getattr(importlib.import_module(module), attribute).from_config(config)
