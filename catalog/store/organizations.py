"""Organization rows: agencies that own datasets and harvest sources."""

from sqlalchemy import func, insert, select, update

from catalog.store.common import now, row_by_key
from catalog.tables import datasets, organizations


class OrganizationQueries:
    """Queries on organizations."""

    def organization_row(self, key: str, *, for_update: bool = False):
        """The organization row with id or name ``key``, or None."""
        return row_by_key(self.conn, organizations, key, for_update=for_update)


    def get_organization(self, key: str) -> dict | None:
        """The stored record of the organization with id or name ``key``, or None."""
        row = self.organization_row(key)
        return dict(row.data) if row else None

    def insert_organization(self, record: dict) -> None:
        """Store a new organization."""
        stamp = now()
        self.conn.execute(
            insert(organizations).values(
                id=record["id"], name=record["name"], title=record["title"], state=record["state"],
                data=record, created=stamp, modified=stamp,
            )
        )

    def update_organization(self, record: dict) -> None:
        """Replace the stored organization with ``record`` (same id and name)."""
        self.conn.execute(
            update(organizations)
            .where(organizations.c.id == record["id"])
            .values(title=record["title"], state=record["state"], data=record, modified=now())
        )

    def list_organizations(self, *, states=("active",)) -> list[dict]:
        """Organizations in the given states, by name."""
        query = select(organizations.c.data).where(organizations.c.state.in_(list(states)))
        return [dict(row.data) for row in self.conn.execute(query.order_by(organizations.c.name))]

    def organization_dataset_counts(self) -> dict[str, int]:
        """Number of active public datasets per organization id."""
        query = (
            select(datasets.c.organization_id, func.count())
            .where(datasets.c.state == "active", datasets.c.private.is_(False))
            .group_by(datasets.c.organization_id)
        )
        return dict(self.conn.execute(query).all())
