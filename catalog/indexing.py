"""Keeps the search index in step with the store: the outbox, drift checks and full rebuilds.

Several processes (web app, CLI harvest, scheduler) may write the store at once, but only the one
holding the index lock writes the index; the others leave the outbox for it or for later.
"""

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from catalog.errors import CatalogError
from catalog.search import SearchBackend
from catalog.store import Store

log = logging.getLogger(__name__)


def searchable(record: dict | None) -> bool:
    """True when a record may appear in public search results."""
    return bool(record) and record.get("state") == "active" and not record.get("private")


@contextmanager
def index_lock(path: Path | str | None, *, wait: bool = False) -> Iterator[bool]:
    """Hold the index writer lock at ``path``; yields False when another process holds it (unless ``wait``)."""
    if path is None:
        yield True
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(handle)


def drain_outbox(store: Store, backend: SearchBackend, *, batch: int = 5000, progress=None, lock=None) -> int:
    """Index every dataset the outbox names, one backend batch (one index commit) at a time; returns how many.

    Batches are large because each costs the engine a commit: a harvest's thousands of new datasets
    are indexed once, at its end, in a few of them.

    Entries are removed only after their batch reached the index, so a crash re-indexes
    them next time instead of losing them. Without the lock nothing is done.
    """
    handled = 0
    with index_lock(lock) as held:
        while held:
            with store.reading() as tx:
                entries = tx.outbox_batch(batch)
                records = tx.datasets_by_ids({dataset_id for _, dataset_id in entries})
            if not entries:
                break
            _apply(store, backend, {d for _, d in entries}, records)
            with store.writing() as tx:
                tx.outbox_done(entry_id for entry_id, _ in entries)
            handled += len(entries)
            if progress:
                progress(len(entries))
    return handled


def _apply(store: Store, backend: SearchBackend, ids: set[str], records: dict[str, dict]) -> None:
    """Index the searchable ``records`` and remove the rest of ``ids`` from the index.

    ``records`` holds only sound records (the store screens them). Should the engine still refuse
    a batch for a reason of its own, each record is tried alone and those it refuses are quarantined,
    so one record can never hold up the outbox; an engine that is down (SearchUnavailable) is not that.
    """
    live = [r for r in records.values() if searchable(r)]
    if live:
        try:
            backend.index(live)
        except CatalogError:
            raise
        except Exception:
            refused = _index_each(backend, live)
            store.quarantine(refused)
            live = [r for r in live if r["id"] not in {dataset_id for dataset_id, _, _ in refused}]
    gone = sorted(ids - {r["id"] for r in live})
    if gone:
        backend.delete(gone)


def _index_each(backend: SearchBackend, records: list[dict]) -> list[tuple[str, str, list[str]]]:
    refused = []
    for record in records:
        try:
            backend.index([record])
        except CatalogError:
            raise
        except Exception as error:
            log.exception("search index refused dataset %s", record["id"])
            refused.append((record["id"], record["name"], [f"(record): the search index refused it: "
                                                          f"{error.__class__.__name__}"]))
    return refused


@dataclass
class Drift:
    """What a check found between store and index (and fixed, when asked): dataset ids per kind."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    fixed: bool = False

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)

    def summary(self) -> str:
        verb = "fixed" if self.fixed else "found"
        if not self.total:
            return "Search index matches the store."
        return (f"Search index drift {verb}: {len(self.missing)} missing, {len(self.stale)} out of date, "
                f"{len(self.extra)} that should not be there.")


def check(store: Store, backend: SearchBackend, *, fix: bool = True, lock=None, batch: int = 500) -> Drift:
    """Compare the store's searchable datasets with the index; re-index or delete what differs.

    Fixing needs the index lock; when another process holds it (a rebuild), the drift is only reported.
    """
    inventory = backend.inventory()
    if inventory is None:
        return Drift()
    with store.reading() as tx:
        expected = tx.searchable_stamps()
    drift = Drift(
        missing=sorted(set(expected) - set(inventory)),
        stale=sorted(i for i, stamp in expected.items() if i in inventory and inventory[i] != stamp),
        extra=sorted(set(inventory) - set(expected)),
    )
    if not fix or not drift.total:
        return drift
    with index_lock(lock) as held:
        if not held:
            return drift
        todo = drift.missing + drift.stale + drift.extra
        for start in range(0, len(todo), batch):
            ids = set(todo[start:start + batch])
            with store.reading() as tx:
                records = tx.datasets_by_ids(ids)
            _apply(store, backend, ids, records)
    drift.fixed = True
    return drift


def rebuild(store: Store, backend: SearchBackend, *, progress=None, lock=None, batch: int = 1000) -> int:
    """Recreate the whole index from the store; searches see the old index until it is done."""
    with index_lock(lock, wait=True):
        with store.reading() as tx:
            def batches():
                for part in tx.searchable_datasets(batch):
                    yield part
                    if progress:
                        progress(len(part))

            count = backend.replace_all(batches())
    drain_outbox(store, backend, lock=lock)
    return count
