"""A harvest runner for the scheduler's tests, with the runner's contract: lease, job row, errors.

It reads a data.json document from a loopback server, counts its datasets (one error row per
dataset without a title), and keeps its lease alive with a heartbeat, the way the catalog's runner
does, so a killed process leaves a lease that lapses after ``CATALOG_TEST_LEASE_SECONDS``.
"""

import datetime as dt
import os
import socket
import threading

import httpx
from sqlalchemy import insert, or_, update

from catalog.errors import ConflictError, NotFound
from catalog.store import new_id, now
from catalog.tables import harvest_errors, harvest_jobs, harvest_sources


def _lease_seconds() -> float:
    return float(os.environ.get("CATALOG_TEST_LEASE_SECONDS", "30"))


def _take_lease(catalog, source_id: str, owner: str) -> bool:
    with catalog.store.writing() as tx:
        free = or_(harvest_sources.c.lease_owner.is_(None), harvest_sources.c.lease_expires <= now())
        result = tx.conn.execute(
            update(harvest_sources).where(harvest_sources.c.id == source_id, free)
            .values(lease_owner=owner, lease_expires=now() + dt.timedelta(seconds=_lease_seconds()))
        )
        return result.rowcount == 1


def _heartbeat(catalog, source_id: str, owner: str, done: threading.Event) -> None:
    while not done.wait(_lease_seconds() / 3):
        with catalog.store.writing() as tx:
            tx.conn.execute(
                update(harvest_sources).where(harvest_sources.c.id == source_id, harvest_sources.c.lease_owner == owner)
                .values(lease_expires=now() + dt.timedelta(seconds=_lease_seconds()))
            )


def _finish(catalog, source_id, job_id, owner, status, counts, message, errors) -> None:
    with catalog.store.writing() as tx:
        tx.conn.execute(update(harvest_jobs).where(harvest_jobs.c.id == job_id, harvest_jobs.c.status == "running")
                        .values(status=status, counts=counts, message=message, finished=now()))
        for remote_id, path, text in errors:
            tx.conn.execute(insert(harvest_errors).values(job_id=job_id, remote_id=remote_id, path=path, message=text))
        tx.conn.execute(update(harvest_sources).where(harvest_sources.c.id == source_id,
                                                      harvest_sources.c.lease_owner == owner)
                        .values(lease_owner=None, lease_expires=None))


def run_source(catalog, source_name: str, *, actor: str) -> dict:
    """Harvest ``source_name`` once and return its job."""
    with catalog.store.reading() as tx:
        source = tx.source_row(source_name)
    if source is None:
        raise NotFound(f"Harvest source {source_name!r} not found")
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    if not _take_lease(catalog, source.id, owner):
        raise ConflictError(f"Harvest source {source_name} is already being harvested")
    job = {"id": new_id(), "source_id": source.id, "status": "running", "dry_run": False, "counts": {},
           "created": now(), "started": now(), "message": None}
    with catalog.store.writing() as tx:
        tx.conn.execute(insert(harvest_jobs).values(**job))
    done = threading.Event()
    threading.Thread(target=_heartbeat, args=(catalog, source.id, owner, done), daemon=True).start()
    try:
        response = httpx.get(source.url, timeout=60)
        response.raise_for_status()
        datasets = response.json()["dataset"]
        errors = [(d.get("identifier"), "title", "title is required") for d in datasets if not d.get("title")]
        counts = {"seen": len(datasets), "added": len(datasets) - len(errors), "failed": len(errors)}
        job.update(status="finished", counts=counts)
    except (httpx.HTTPError, ValueError, KeyError) as error:
        errors = []
        job.update(status="failed", message=f"{source.url}: {error.__class__.__name__}")
    finally:
        done.set()
    _finish(catalog, source.id, job["id"], owner, job["status"], job["counts"], job["message"], errors)
    return job
