"""Persistence on SQLAlchemy Core: the source of truth, with every revision of every record.

Use ``store.reading()`` or ``store.writing()`` to get a transaction object with the queries of
each entity (datasets, organizations, revisions, accounts and their sessions, harvest sources and jobs,
downloads).
A writing transaction holds the write lock from its start on SQLite and row locks on
PostgreSQL, so concurrent read-modify-write cycles never lose an update.
"""

import logging
import threading
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from catalog import db
from catalog.config import setting
from catalog.store.accounts import AccountQueries
from catalog.store.common import isoformat, new_id, now
from catalog.store.datasets import DatasetQueries
from catalog.store.downloads import DownloadQueries
from catalog.store.harvest import HarvestQueries
from catalog.store.organizations import OrganizationQueries
from catalog.store.quarantine import QuarantineQueries
from catalog.store.revisions import RevisionQueries
from catalog.store.schedules import ScheduleQueries
from catalog.store.sessions import SessionQueries

__all__ = ["Store", "StoreTx", "isoformat", "new_id", "now"]

log = logging.getLogger(__name__)


class StoreTx(
    DatasetQueries, OrganizationQueries, RevisionQueries, AccountQueries, HarvestQueries, DownloadQueries,
    ScheduleQueries, SessionQueries, QuarantineQueries,
):
    """One transaction: every query of every entity, on one connection.

    ``set_aside`` collects the unsound dataset records its reads skipped, ``released`` the
    quarantined datasets its writes replaced; the store deals with both when transactions end.
    """

    def __init__(self, connection: Connection, writing: bool):
        self.conn = connection
        self.writing = writing
        self.set_aside: list[tuple[str, str | None, list[str]]] = []
        self.released: list[str] = []


class Store:
    """The database: opens transactions and runs migrations."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._local = threading.local()  # open transactions of this thread, and unsound records seen in them
        self._reported: set = set()  # (dataset id, problems) already logged and quarantined by this process

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

    def reading(self):
        """A read-only transaction."""
        return self._transaction(writing=False)

    def writing(self):
        """A write transaction: committed when the block ends, rolled back if it raises."""
        return self._transaction(writing=True)

    @contextmanager
    def _transaction(self, writing: bool):
        with self._tracked() as note:
            connection = self.engine.connect()
            if writing:
                connection = connection.execution_options(**{db.WRITE: True})
            with connection as conn, conn.begin():
                tx = StoreTx(conn, writing=writing)
                try:
                    yield tx
                finally:
                    note(tx)

    @contextmanager
    def _tracked(self):
        """Collect what transactions of this thread set aside; quarantine it once the outermost one ended
        (a write nested in an open transaction could wait on that transaction's own lock)."""
        local = self._local
        local.depth = getattr(local, "depth", 0) + 1
        if local.depth == 1:
            local.pending, local.released = [], []

        def note(tx):
            local.pending.extend(tx.set_aside)
            local.released.extend(tx.released)

        try:
            yield note
        finally:
            local.depth -= 1
            if local.depth == 0:
                self._reported = {key for key in self._reported if key[0] not in set(local.released)}
                pending, local.pending = local.pending, []
                if pending:
                    self.quarantine(pending)

    def quarantine(self, entries: list) -> None:
        """Log and record unsound dataset records once per process; never fails the read that found them."""
        fresh = {}
        for dataset_id, name, problems in entries:
            key = (dataset_id, tuple(problems))
            if key not in self._reported:
                fresh[key] = (dataset_id, name, problems)
        if not fresh:
            return
        for dataset_id, name, problems in fresh.values():
            log.warning("dataset %s (%s) set aside in quarantine, its stored record cannot be served: %s",
                        dataset_id, name or "no readable name", "; ".join(problems))
        try:
            with self.writing() as tx:
                tx.quarantine_add(list(fresh.values()))
        except SQLAlchemyError as error:
            log.error("quarantine of %d dataset(s) not recorded: %s", len(fresh), error)
            return
        self._reported.update(fresh)

    def close(self) -> None:
        self.engine.dispose()
