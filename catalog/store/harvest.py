"""Harvest sources and the jobs run on them."""

from sqlalchemy import insert, select, update

from catalog.store.common import now, row_by_key
from catalog.tables import harvest_sources


class HarvestQueries:
    """Queries on harvest sources and jobs."""

    def source_row(self, key: str, *, for_update: bool = False):
        """The harvest source with id or name ``key``, or None."""
        return row_by_key(self.conn, harvest_sources, key, for_update=for_update)


    def insert_source(self, record: dict, *, organization_id: str) -> None:
        """Store a new harvest source."""
        stamp = now()
        self.conn.execute(
            insert(harvest_sources).values(
                id=record["id"], name=record["name"], type=record["type"], url=record["url"],
                organization_id=organization_id, schedule=record.get("schedule"), state=record["state"],
                data=record, created=stamp, modified=stamp,
            )
        )

    def update_source(self, record: dict) -> None:
        """Replace the stored harvest source with ``record`` (same id)."""
        self.conn.execute(
            update(harvest_sources)
            .where(harvest_sources.c.id == record["id"])
            .values(
                type=record["type"], url=record["url"], schedule=record.get("schedule"),
                state=record["state"], data=record, modified=now(),
            )
        )

    def list_sources(self, *, states=("active",)) -> list[dict]:
        """Harvest sources in the given states, by name."""
        query = select(harvest_sources.c.data).where(harvest_sources.c.state.in_(list(states)))
        return [dict(row.data) for row in self.conn.execute(query.order_by(harvest_sources.c.name))]
