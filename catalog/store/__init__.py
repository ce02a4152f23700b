"""Persistence on SQLAlchemy Core: the source of truth, with every revision of every record.

Use ``store.reading()`` or ``store.writing()`` to get a transaction object with the queries of
each entity (datasets, organizations, revisions, accounts and their sessions, harvest sources and jobs,
downloads).
A writing transaction holds the write lock from its start on SQLite and row locks on
PostgreSQL, so concurrent read-modify-write cycles never lose an update.
"""

from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine

from catalog import db
from catalog.config import setting
from catalog.store.accounts import AccountQueries
from catalog.store.common import isoformat, new_id, now
from catalog.store.datasets import DatasetQueries
from catalog.store.downloads import DownloadQueries
from catalog.store.harvest import HarvestQueries
from catalog.store.organizations import OrganizationQueries
from catalog.store.revisions import RevisionQueries
from catalog.store.schedules import ScheduleQueries
from catalog.store.sessions import SessionQueries

__all__ = ["Store", "StoreTx", "isoformat", "new_id", "now"]


class StoreTx(
    DatasetQueries, OrganizationQueries, RevisionQueries, AccountQueries, HarvestQueries, DownloadQueries,
    ScheduleQueries, SessionQueries,
):
    """One transaction: every query of every entity, on one connection."""

    def __init__(self, connection: Connection, writing: bool):
        self.conn = connection
        self.writing = writing


class Store:
    """The database: opens transactions and runs migrations."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def from_config(cls, config: dict) -> "Store":
        """A store on ``DATABASE_URL``."""
        return cls(db.open_engine(config["DATABASE_URL"], setting(config, "SQLITE_BUSY_TIMEOUT")))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Create the tables or bring them to the newest migration."""
        db.migrate(self.engine)

    def is_current(self) -> bool:
        """True when the database is at the newest migration."""
        return db.current_revision(self.engine) == db.head_revision()

    @contextmanager
    def reading(self):
        """A read-only transaction."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield StoreTx(conn, writing=False)

    @contextmanager
    def writing(self):
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.connect().execution_options(**{db.WRITE: True}) as conn:
            with conn.begin():
                yield StoreTx(conn, writing=True)

    def close(self) -> None:
        self.engine.dispose()
