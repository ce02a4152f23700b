"""The source lock: a lease in the source's row that expires by itself.

A lease names its owner as ``host:pid:token``. Another run refuses while the lease is live,
unless the owner is a process on this host that no longer exists (killed), whose lease is then
taken over at once instead of waiting for it to expire.
"""

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import select, update

from catalog.errors import ConflictError
from catalog.store import Store, now
from catalog.tables import harvest_jobs, harvest_sources


class SourceLocked(ConflictError):
    """Another harvest of the same source holds its lease."""


def new_owner() -> str:
    """A lease owner name unique to this run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(owner: str | None) -> bool:
    """True when ``owner`` names a process on this host that has ended."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Lease:
    """Holds, renews and releases one source's lease."""

    def __init__(self, store: Store, source: dict, seconds: float):
        self.store = store
        self.source = source
        self.seconds = seconds
        self.owner = new_owner()
        self.renewed = None

    def acquire(self) -> None:
        """Take the lease, or raise SourceLocked naming the holder; marks a dead run's job interrupted."""
        with self.store.writing() as tx:
            if not tx.take_lease(self.source["id"], self.owner, self.seconds):
                row = tx.source_row(self.source["id"])
                if not _dead_here(row.lease_owner):
                    raise SourceLocked(
                        f"Source {self.source['name']} is being harvested by {row.lease_owner} "
                        f"(lock held until {row.lease_expires:%Y-%m-%d %H:%M:%S} UTC); try again later"
                    )
                tx.conn.execute(update(harvest_sources).where(harvest_sources.c.id == self.source["id"])
                                .values(lease_owner=None))
                tx.take_lease(self.source["id"], self.owner, self.seconds)
            _interrupt_stale_jobs(tx, self.source["id"])
        self.renewed = now()

    def renew(self) -> None:
        """Extend the lease when a third of it has passed."""
        if now() - self.renewed < dt.timedelta(seconds=self.seconds / 3):
            return
        with self.store.writing() as tx:
            if not tx.take_lease(self.source["id"], self.owner, self.seconds):
                raise SourceLocked(f"Lost the lock on source {self.source['name']} to another run")
        self.renewed = now()

    def release(self) -> None:
        with self.store.writing() as tx:
            tx.release_lease(self.source["id"], self.owner)


def _interrupt_stale_jobs(tx, source_id: str) -> None:
    """Jobs still 'running' when their source's lease is free were killed: say so."""
    stale = select(harvest_jobs.c.id).where(
        harvest_jobs.c.source_id == source_id, harvest_jobs.c.status == "running", harvest_jobs.c.dry_run.is_(False)
    )
    for (job_id,) in tx.conn.execute(stale).all():
        tx.finish_job(job_id, status="interrupted", counts={}, message="The run ended without finishing (killed?)")
