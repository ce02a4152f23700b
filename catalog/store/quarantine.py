"""The quarantine: datasets whose stored record no reader is given, with the reasons, until a write replaces them."""

from collections.abc import Iterable, Iterator

from sqlalchemy import delete, func, insert, select

from catalog import soundness
from catalog.schemas import bad_character
from catalog.store.common import now
from catalog.tables import quarantine


class QuarantineQueries:
    """Screening of stored dataset records, and the quarantine table."""

    def screened(self, rows: Iterable) -> Iterator[dict]:
        """The sound records among ``rows`` of (dataset id, stored data), as dicts; the others are noted
        in ``self.set_aside`` (reported and quarantined when the transaction ends) and skipped."""
        for dataset_id, data in rows:
            found = soundness.problems(data)
            if found:
                name = data.get("name") if isinstance(data, dict) and isinstance(data.get("name"), str) else None
                name = name if name and bad_character(name) is None else None
                self.set_aside.append((dataset_id, name, found))
            else:
                yield dict(data)

    def sound(self, dataset_id: str, data) -> dict | None:
        """``data`` as a dict when the record is sound, else None (and noted as ``screened`` does)."""
        return next(self.screened([(dataset_id, data)]), None)

    def quarantine_add(self, entries: list[tuple[str, str | None, list[str]]]) -> None:
        """Record (or refresh) quarantined datasets: (dataset id, name, problems)."""
        ids = [dataset_id for dataset_id, _, _ in entries]
        self.conn.execute(delete(quarantine).where(quarantine.c.dataset_id.in_(ids)))
        stamp = now()
        rows = {dataset_id: {"dataset_id": dataset_id, "name": (name or "")[:100] or None,
                             "problems": problems[:50], "found": stamp} for dataset_id, name, problems in entries}
        self.conn.execute(insert(quarantine), list(rows.values()))

    def quarantine_release(self, dataset_ids: Iterable[str]) -> None:
        """Forget quarantined datasets that a write has just replaced."""
        ids = list(dataset_ids)
        self.released.extend(ids)
        for start in range(0, len(ids), 500):
            self.conn.execute(delete(quarantine).where(quarantine.c.dataset_id.in_(ids[start:start + 500])))

    def quarantined(self, limit: int | None = None) -> list[dict]:
        """Quarantined datasets, most recently found first: dataset_id, name, problems, found."""
        query = select(quarantine).order_by(quarantine.c.found.desc(), quarantine.c.dataset_id).limit(limit)
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def quarantine_size(self) -> int:
        return self.conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
