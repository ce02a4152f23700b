"""Small helpers shared by the store's query modules."""

import datetime as dt
import uuid

from sqlalchemy import select

from catalog.schemas import bad_character


def now() -> dt.datetime:
    """The current time as naive UTC, the way the store keeps every timestamp."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id() -> str:
    """A fresh record id."""
    return str(uuid.uuid4())


def isoformat(value: dt.datetime | None) -> str | None:
    """A stored timestamp as CKAN writes it: naive ISO 8601 with microseconds."""
    return value.isoformat(timespec="microseconds") if value else None


def looks_like_id(key: str) -> bool:
    """True when ``key`` has the shape of a record id rather than a name."""
    try:
        return str(uuid.UUID(key)) == key
    except (ValueError, AttributeError, TypeError):
        return False


def can_name_a_row(key) -> bool:
    """False for a key no stored record can have: not text, or text the store refuses (a NUL, another
    control character, a lone surrogate). Such a key must find nothing rather than reach the driver,
    which cannot send it (PostgreSQL refuses NUL, neither driver encodes a lone surrogate)."""
    return isinstance(key, str) and bad_character(key) is None


def row_by_key(conn, table, key: str, *, for_update: bool = False):
    """The row of ``table`` whose id (when ``key`` looks like one) or name is ``key``, or None."""
    if not can_name_a_row(key):
        return None
    column = table.c.id if looks_like_id(key) else table.c.name
    query = select(table).where(column == key)
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).first()


def updated_key(record: dict) -> str | None:
    """When the dataset was last updated, as sortable ISO text: the publisher's ``modified`` as
    written, else the catalog's ``metadata_modified``; None when neither is usable text."""
    for field in ("modified", "metadata_modified"):
        value = record.get(field)
        if isinstance(value, str) and 4 <= len(value) <= 40 and value.isascii() and value.isprintable():
            return value
    return None
