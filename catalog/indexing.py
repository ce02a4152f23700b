"""Keeps the search index in step with the store by draining the outbox in batches."""

from catalog.search import SearchBackend
from catalog.store import Store


def searchable(record: dict | None) -> bool:
    """True when a record may appear in public search results."""
    return bool(record) and record.get("state") == "active" and not record.get("private")


def drain_outbox(store: Store, backend: SearchBackend, *, batch: int = 500, progress=None) -> int:
    """Index every dataset the outbox names, one backend batch at a time; returns how many entries.

    Entries are removed only after their batch reached the index, so a crash re-indexes
    them next time instead of losing them.
    """
    handled = 0
    while True:
        with store.reading() as tx:
            entries = tx.outbox_batch(batch)
            records = tx.datasets_by_ids({dataset_id for _, dataset_id in entries})
        if not entries:
            return handled
        live = [r for r in records.values() if searchable(r)]
        gone = sorted({d for _, d in entries} - {r["id"] for r in live})
        if live:
            backend.index(live)
        if gone:
            backend.delete(gone)
        with store.writing() as tx:
            tx.outbox_done(entry_id for entry_id, _ in entries)
        handled += len(entries)
        if progress:
            progress(len(entries))
