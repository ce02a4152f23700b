"""The harvest runner: everything around a harvester's ``items()`` and ``parse()``.

``run_harvest(catalog, source_name)`` locks the source with a lease, lists and maps its items,
writes new and changed datasets in batches (each batch one transaction, every dataset with its
revision and provenance), and withdraws datasets that vanished, only after a complete listing and
only within the source's withdraw limit. The job row is finished last, so a killed run leaves a
``running`` job that the next run marks ``interrupted`` before doing the work again.

The lock is a lease in the source's row that expires by itself. It names its owner as
``host:pid:token``; another run refuses while the lease is live, unless the owner is a process on
this host that no longer exists (killed), whose lease is then taken over at once.
"""

import datetime as dt
import hashlib
import json
import os
import socket
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update

import harvesters
from catalog.config import setting
from catalog import schemas
from catalog.errors import CatalogError, ConflictError, ValidationError
from catalog.store import Store, isoformat, new_id, now
from catalog.tables import harvest_jobs, harvest_sources
from harvesters import HarvestError, RecordError
from harvesters.http import HarvestClient, NotModified


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
    """Holds, renews and releases one source's lease.

    ``clock`` (``now`` by default) tells when to renew; the lease's expiry in the store is always
    set from the real time.
    """

    def __init__(self, store: Store, source: dict, seconds: float, clock=now):
        self.store = store
        self.source = source
        self.seconds = seconds
        self.clock = clock
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
        self.renewed = self.clock()

    def renew(self) -> None:
        """Extend the lease when a third of it has passed since it was taken or last renewed.

        Cheap when nothing is due, so the runner calls it after every item, whatever became of it.
        """
        if self.clock() - self.renewed < dt.timedelta(seconds=self.seconds / 3):
            return
        with self.store.writing() as tx:
            if not tx.take_lease(self.source["id"], self.owner, self.seconds):
                raise SourceLocked(f"Lost the lock on source {self.source['name']} to another run")
        self.renewed = self.clock()

    def release(self) -> None:
        with self.store.writing() as tx:
            tx.release_lease(self.source["id"], self.owner)


def _interrupt_stale_jobs(tx, source_id: str) -> None:
    """Jobs still 'running' when their source's lease is free were killed: say so."""
    stale = select(harvest_jobs.c.id).where(harvest_jobs.c.source_id == source_id, harvest_jobs.c.status == "running")
    for (job_id,) in tx.conn.execute(stale).all():
        tx.finish_job(job_id, status="interrupted", counts={}, message="The run ended without finishing (killed?)")


COUNTS = ("added", "updated", "unchanged", "withdrawn", "failed")


@dataclass
class HarvestReport:
    """What one harvest did (or, for a dry run, would do)."""

    job_id: str
    source: str
    dry_run: bool
    status: str = "running"
    message: str | None = None
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    errors: list = field(default_factory=list)
    planned: dict = field(default_factory=lambda: {"added": [], "updated": [], "withdrawn": []})

    def as_dict(self) -> dict:
        return {"job_id": self.job_id, "source": self.source, "dry_run": self.dry_run, "status": self.status,
                "message": self.message, "counts": self.counts, "errors": self.errors}


def content_hash(data: dict) -> str:
    """A digest of a mapped dataset that changes exactly when its content does."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def withdraw_limit(catalog, source: dict) -> float:
    """The largest share of the source one run may withdraw: the source's config, else the setting."""
    configured = (source.get("config") or {}).get("withdraw_limit")
    return float(configured if configured is not None else setting(catalog.config, "HARVEST_WITHDRAW_LIMIT"))


def run_harvest(catalog, source_name: str, *, dry_run: bool = False, progress=None) -> HarvestReport:
    """Harvest one source now. ``progress(done, errors)`` is called after every item.

    Raises SourceLocked when another run holds the source; every other failure ends up in the report.
    """
    source = catalog.get_source(source_name)
    if source["state"] != "active":
        raise CatalogError(f"Harvest source {source_name} was removed")
    try:
        harvester_class = harvesters.get(source["type"])
    except HarvestError as error:
        raise CatalogError(str(error)) from None
    lease = Lease(catalog.store, source, setting(catalog.config, "HARVEST_LEASE_SECONDS"))
    lease.acquire()
    report = HarvestReport(job_id=new_id(), source=source["name"], dry_run=dry_run)
    auto_index, catalog.auto_index = catalog.auto_index, False
    try:
        with catalog.store.writing() as tx:
            last = _last_success(tx, source["id"])
            tx.insert_job({"id": report.job_id, "source_id": source["id"], "status": "running", "dry_run": dry_run,
                           "created": now(), "started": now(), "counts": report.counts})
        _Run(catalog, source, report, lease, progress).execute(harvester_class, last)
        _finish(catalog, report)
    finally:
        catalog.auto_index = auto_index
        lease.release()
    if not dry_run:
        catalog.sync_index()
    return report


def _finish(catalog, report: HarvestReport) -> None:
    """Record the job's outcome, unless the job was closed meanwhile (expired or abandoned by the scheduler).

    In that case the job keeps its status and message, gains the run's counts, and the report takes
    the stored status and message.
    """
    with catalog.store.writing() as tx:
        tx.add_job_errors(report.job_id, report.errors)
        if tx.finish_job(report.job_id, status=report.status, counts=report.counts, message=report.message):
            return
        tx.set_job_counts(report.job_id, report.counts)
        report.status, report.message = tx.job_outcome(report.job_id)


def _last_success(tx, source_id: str) -> str | None:
    """When the last complete, error-free run started: the base of an incremental run."""
    for job in tx.list_jobs(source_id, limit=20):
        if not job["dry_run"]:
            clean = job["status"] == "finished" and not job["counts"].get("failed")
            return job["started"] if clean else None
    return None


class _Run:
    """The state of one job while its items stream through."""

    def __init__(self, catalog, source, report, lease, progress):
        self.catalog = catalog
        self.source = source
        self.report = report
        self.lease = lease
        self.progress = progress
        self.batch_size = int(setting(catalog.config, "HARVEST_BATCH_SIZE"))
        self.pending = []
        self.seen = set()
        self.done = 0

    def execute(self, harvester_class, last_success) -> None:
        with self.catalog.store.reading() as tx:
            self.known = tx.source_datasets(self.source["id"])
        cache = self.source.get("http_cache") or {}
        with HarvestClient.from_config(self.catalog.config, self.source["url"], validators=cache) as client:
            active = frozenset(rid for rid, (_, _, state) in self.known.items() if state == "active")
            harvester = harvester_class({**self.source, "last_harvested": last_success, "harvested_ids": active},
                                        client)
            try:
                for item in harvester.items():
                    self._take(harvester, item)
                self._flush()
            except NotModified:
                self._flush()
                self._finish_unchanged()
                return
            except (HarvestError, CatalogError) as error:
                self._flush_quietly()
                self.report.status, self.report.message = "failed", str(error)
                return
            self._withdraw_vanished()
            if not self.report.dry_run and client.validators != cache:
                self.catalog.save_source_cache(self.source["name"], client.validators)

    def _tick(self) -> None:
        self.done += 1
        self.lease.renew()
        if self.progress:
            self.progress(self.done, self.report.counts["failed"])

    def _fail(self, remote_id: str, path: str | None, message: str) -> None:
        self.report.counts["failed"] += 1
        self.report.errors.append({"remote_id": remote_id, "path": path, "message": message})

    def _take(self, harvester, item) -> None:
        remote_id = item.remote_id
        if remote_id in self.seen:
            self._fail(remote_id, None, "The source lists this id more than once; the later copy was skipped")
            return self._tick()
        self.seen.add(remote_id)
        known = self.known.get(remote_id)
        if item.payload is None and known and known[2] == "active":  # the source says: unchanged since the last run
            self.report.counts["unchanged"] += 1
            return self._tick()
        try:
            data = harvester.parse(item)
        except RecordError as error:
            self._fail(remote_id, error.path, error.message)
            return self._tick()
        except Exception as error:  # one broken record must not stop the run
            self._fail(remote_id, None, f"{error.__class__.__name__}: {error}")
            return self._tick()
        unstorable = list(schemas.text_errors(data))
        if unstorable:  # refused by field before hashing or writing, which such text would crash
            path, message = unstorable[0]
            more = f" (and {len(unstorable) - 1} more field(s))" if len(unstorable) > 1 else ""
            self._fail(remote_id, path or None, message + more)
            return self._tick()
        digest = content_hash(data)
        if known and known[1] == digest and known[2] == "active":
            self.report.counts["unchanged"] += 1
            return self._tick()
        kind = "updated" if known else "added"
        # A harvester may add provenance of its own (e.g. DCAT rule violations); the runner's keys win.
        harvest = {**(data.pop("harvest", None) or {}), "source": self.source["name"], "remote_id": remote_id,
                   "job_id": self.report.job_id, "harvested_at": isoformat(now())}
        if item.url:
            harvest["url"] = item.url
        self.pending.append({"data": data, "source": self.source, "remote_id": remote_id,
                             "content_hash": digest, "harvest": harvest, "kind": kind})
        if len(self.pending) >= self.batch_size:
            self._flush()
        self._tick()

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        if self.report.dry_run:
            return self._plan(batch)
        self.lease.renew()
        actor = f"harvest:{self.report.job_id}"
        try:
            self.catalog.write_harvested(batch, actor)
            written = batch
        except ValidationError:
            written = []
            for entry in batch:  # find the broken ones: each alone in its own transaction
                try:
                    self.catalog.write_harvested([entry], actor)
                    written.append(entry)
                except ValidationError as error:
                    for path, messages in error.errors.items():
                        self._fail(entry["remote_id"], path, "; ".join(messages))
        for entry in written:
            self.report.counts[entry["kind"]] += 1

    def _flush_quietly(self) -> None:
        """Keep what was mapped before a source failure: those datasets are complete new versions."""
        try:
            self._flush()
        except CatalogError:
            pass

    def _plan(self, batch) -> None:
        for entry in batch:
            self.report.counts[entry["kind"]] += 1
            self.report.planned[entry["kind"]].append(entry["remote_id"])

    def _finish_unchanged(self) -> None:
        active = [rid for rid, (_, _, state) in self.known.items() if state == "active"]
        self.report.counts["unchanged"] += len(set(active) - self.seen)
        self.report.status, self.report.message = "finished", "The source has not changed since the last run"

    def _withdraw_vanished(self) -> None:
        active = {rid: ids[0] for rid, ids in self.known.items() if ids[2] == "active"}
        vanished = sorted(rid for rid in active if rid not in self.seen)
        limit = withdraw_limit(self.catalog, self.source)
        if active and len(vanished) / len(active) > limit:
            self.report.status = "refused"
            self.report.message = (
                f"Refused to withdraw {len(vanished)} of {len(active)} datasets ({len(vanished) / len(active):.0%}), "
                f"more than the limit of {limit:.0%}; nothing was withdrawn. Check the source, or raise its "
                f"withdraw_limit if the removals are real."
            )
            return
        self.report.status = "finished"
        if self.report.dry_run:
            self.report.planned["withdrawn"] = vanished
            self.report.counts["withdrawn"] = len(vanished)
            return
        for start in range(0, len(vanished), self.batch_size):
            chunk = vanished[start:start + self.batch_size]
            self.catalog.withdraw_harvested([active[rid] for rid in chunk], f"harvest:{self.report.job_id}")
            self.report.counts["withdrawn"] += len(chunk)
