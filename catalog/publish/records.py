"""What the catalog publishes: active, public datasets with sound records, read from the store page by page."""

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import func, select

from catalog.errors import BadRequest
from catalog.tables import datasets, organizations

BATCH = 500


def parse_since(value: str | None) -> dt.datetime | None:
    """A ``modified_since`` parameter (ISO date or date-time) as naive UTC; BadRequest when unreadable."""
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"modified_since: not an ISO 8601 date or date-time: {value!r}") from None
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def _filters(since: dt.datetime | None, organization: str | None) -> list:
    conditions = [datasets.c.state == "active", datasets.c.private.is_(False)]
    if since is not None:
        conditions.append(datasets.c.modified >= since)
    if organization:
        owner = select(organizations.c.id).where(organizations.c.name == organization).scalar_subquery()
        conditions.append(datasets.c.organization_id == owner)
    return conditions


def count(catalog, since=None, organization=None) -> int:
    """How many published datasets match."""
    query = select(func.count()).select_from(datasets).where(*_filters(since, organization))
    with catalog.store.reading() as tx:
        return tx.conn.execute(query).scalar_one()




def page(catalog, number: int, per_page: int, since=None, organization=None, newest_first=False) -> list[dict]:
    """One page (1-based) of published datasets, in id order, or most recently updated first.

    "Updated" is the publisher's ``modified`` date, or the catalog's record time for a dataset without one.
    """
    order = (datasets.c.updated.desc().nulls_last(), datasets.c.id) if newest_first else (datasets.c.id,)
    query = (select(datasets.c.id, datasets.c.data).where(*_filters(since, organization)).order_by(*order)
             .limit(per_page).offset((number - 1) * per_page))
    with catalog.store.reading() as tx:
        return list(tx.screened(tx.conn.execute(query)))


def every(catalog, since=None, organization=None) -> Iterator[dict]:
    """Every published dataset, fetched in batches by id (a short read transaction per batch)."""
    last = ""
    while True:
        query = (select(datasets.c.id, datasets.c.data).where(*_filters(since, organization), datasets.c.id > last)
                 .order_by(datasets.c.id).limit(BATCH))
        with catalog.store.reading() as tx:
            rows = tx.conn.execute(query).all()
            sound = list(tx.screened(rows))
        if not rows:
            return
        yield from sound
        last = rows[-1].id


def organizations_by_name(catalog) -> dict[str, dict]:
    """Active organizations keyed by name (for default publishers)."""
    return {o["name"]: o for o in catalog.list_organizations()}
