"""The harvester seam: list a source's items, and map one item to one dataset dict.

A harvester does the network I/O and paging in ``items()`` and nothing else; ``parse()`` is pure.
The runner in ``catalog/harvest.py`` owns validation, upserts, provenance, withdrawal and dry runs.

    HarvestError   the whole source failed (HTTP error, timeout, unreadable page): the job fails
    RecordError    one item cannot be mapped: that item fails, the run goes on
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol


class HarvestError(Exception):
    """The source as a whole could not be read; nothing may be withdrawn on this run."""


class RecordError(Exception):
    """One remote item could not be mapped; ``path`` names the offending field when known."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class RemoteItem:
    """One record as listed by a source: its stable id there, the raw payload, and where it was read."""

    remote_id: str
    payload: Any
    url: str | None = None


class Harvester(Protocol):
    """What every harvester provides. Implementations must pass ``tests/contracts/harvester.py``."""

    name: ClassVar[str]

    def __init__(self, source: dict, client) -> None:
        """``source`` is the harvest source record (url, config, ...); ``client`` a HarvestClient (harvesters.http)."""

    def items(self) -> Iterator[RemoteItem]:
        """Yield every item of the source, fetching page by page (never the whole source in memory).

        Raise HarvestError when the listing cannot be completed; the runner then withdraws
        nothing. Must not validate or store anything. An item whose payload is None means
        "unchanged since ``source['last_harvested']``" and may only be yielded for remote ids in
        ``source['harvested_ids']`` (the ids the catalog holds from this source).
        """

    def parse(self, item: RemoteItem) -> dict:
        """Map one item to a dataset dict of ``metadata_schemas/dataset.json``.

        Pure: no network, no store. Raise RecordError naming the field for an unusable item.
        A ``harvest`` object in the result adds provenance of the harvester's own (such as
        ``dcat_violations``); the runner fills in source, remote id, job and time itself.
        """


ENTRY_POINT_GROUP = "catalog.harvesters"


@cache
def registry() -> dict[str, type]:
    """Installed harvesters by name, from the ``catalog.harvesters`` entry points (read once per process)."""
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


def get(name: str) -> type:
    """The harvester class registered as ``name``; HarvestError naming the known ones otherwise."""
    found = registry()
    if name not in found:
        raise HarvestError(f"No harvester for source type {name!r}; known types: {', '.join(sorted(found)) or 'none'}")
    return found[name]
