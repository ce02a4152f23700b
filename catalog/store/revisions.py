"""The revision log: every create, update and withdrawal of a record, with its actor and full content."""

from sqlalchemy import func, insert, select

from catalog.store.common import isoformat, now
from catalog.tables import revisions


class RevisionQueries:
    """Queries on the revision log."""

    def add_revision(self, entity_type: str, entity_id: str, action: str, actor: str, record: dict) -> int:
        """Append a revision of ``record`` and return its number (1 for the first)."""
        latest = self.conn.execute(
            select(func.max(revisions.c.revision)).where(
                revisions.c.entity_type == entity_type, revisions.c.entity_id == entity_id
            )
        ).scalar()
        number = (latest or 0) + 1
        self.conn.execute(
            insert(revisions).values(
                entity_type=entity_type, entity_id=entity_id, revision=number, action=action,
                actor=actor, created=now(), data=record,
            )
        )
        return number

    def latest_revisions(self, entity_type: str, entity_ids: list[str]) -> dict[str, int]:
        """The newest revision number of each of the records that have one, keyed by id."""
        latest = {}
        for start in range(0, len(entity_ids), 500):
            query = (
                select(revisions.c.entity_id, func.max(revisions.c.revision))
                .where(revisions.c.entity_type == entity_type,
                       revisions.c.entity_id.in_(entity_ids[start:start + 500]))
                .group_by(revisions.c.entity_id)
            )
            latest.update((entity_id, number) for entity_id, number in self.conn.execute(query))
        return latest

    def add_revisions(self, entity_type: str, entries: list[tuple[str, int, str, dict]], actor: str) -> None:
        """Append many revisions in one statement: ``(entity id, number, action, record)`` each."""
        stamp = now()
        if entries:
            self.conn.execute(insert(revisions), [
                {"entity_type": entity_type, "entity_id": entity_id, "revision": number, "action": action,
                 "actor": actor, "created": stamp, "data": record}
                for entity_id, number, action, record in entries
            ])

    def list_revisions(self, entity_type: str, entity_id: str) -> list[dict]:
        """Every revision of a record, oldest first, without the record content."""
        query = (
            select(revisions.c.revision, revisions.c.action, revisions.c.actor, revisions.c.created)
            .where(revisions.c.entity_type == entity_type, revisions.c.entity_id == entity_id)
            .order_by(revisions.c.revision)
        )
        return [
            {"revision": r.revision, "action": r.action, "actor": r.actor, "created": isoformat(r.created)}
            for r in self.conn.execute(query)
        ]

    def get_revision(self, entity_type: str, entity_id: str, number: int) -> dict | None:
        """One revision with its full record under ``data``, or None."""
        row = self.conn.execute(
            select(revisions).where(
                revisions.c.entity_type == entity_type,
                revisions.c.entity_id == entity_id,
                revisions.c.revision == number,
            )
        ).first()
        if row is None:
            return None
        return {
            "revision": row.revision, "action": row.action, "actor": row.actor,
            "created": isoformat(row.created), "data": dict(row.data),
        }
