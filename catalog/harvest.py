"""The harvest runner: everything around a harvester's ``items()`` and ``parse()``.

``run_harvest(catalog, source_name)`` locks the source with a lease, lists and maps its items,
writes new and changed datasets in batches (each batch one transaction, every dataset with its
revision and provenance), and withdraws datasets that vanished, only after a complete listing and
only within the source's withdraw limit. The job row is finished last, so a killed run leaves a
``running`` job that the next run marks ``interrupted`` before doing the work again.

Nothing a source or a record does escapes a run. Each record goes through the same steps (map,
text check, hash, validate, write); an exception at any step fails that record alone, with its
field path when one is known. Whatever else a run raises ends its job as ``failed`` with the
exception's class and message, logged, with the lease released, so the caller goes on with the
next source. A harvester's ``warnings`` (unmappable values kept as extras, a source standard's
own requirements) are kept with the dataset's provenance and on the job, apart from the errors.

The lock is a lease in the source's row that expires by itself. It names its owner as
``host:pid:token``; another run refuses while the lease is live, unless the owner is a process on
this host that no longer exists (killed), whose lease is then taken over at once.
"""

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError

import harvesters
from catalog import schemas
from catalog.config import setting
from catalog import schemas
from catalog.errors import CatalogError, ConflictError, ValidationError
from catalog.store import Store, isoformat, new_id, now
from catalog.tables import harvest_jobs, harvest_sources
from harvesters import HarvestError, RecordError
from harvesters.http import HarvestClient, NotModified

log = logging.getLogger(__name__)

# Longest remote id the store keeps (datasets.remote_id), and the most of any message a job stores.
MAX_REMOTE_ID = 500
MAX_MESSAGE = 2000
# Store failures that no single record causes: they fail the source, not a record.
STORE_DOWN = (OperationalError, InterfaceError)


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


COUNTS = ("added", "updated", "unchanged", "withdrawn", "failed", "warned")
# Counts of what became of each item; ``warned`` counts records that also carry warnings.
OUTCOMES = ("added", "updated", "unchanged", "withdrawn", "failed")


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
    warnings: list = field(default_factory=list)
    planned: dict = field(default_factory=lambda: {"added": [], "updated": [], "withdrawn": []})

    def as_dict(self) -> dict:
        return {"job_id": self.job_id, "source": self.source, "dry_run": self.dry_run, "status": self.status,
                "message": self.message, "counts": self.counts, "errors": self.errors, "warnings": self.warnings,
                "report": {"errors": group(self.errors), "warnings": group(self.warnings)}}


def group(entries: list[dict], examples: int = 3) -> list[dict]:
    """Entries ({remote_id, path, message}) grouped by (path, message), most frequent first.

    Each group says how many entries it holds and names the remote ids of its first ``examples``
    (the store's ``job_report`` groups stored jobs the same way).
    """
    groups: dict[tuple, dict] = {}
    for entry in entries:
        found = groups.setdefault((entry.get("path"), entry["message"]), {
            "path": entry.get("path"), "message": entry["message"], "count": 0, "examples": []})
        found["count"] += 1
        if found["count"] <= examples and entry.get("remote_id") is not None:
            found["examples"].append(entry["remote_id"])
    return sorted(groups.values(), key=lambda g: -g["count"])  # stable: ties keep the order they happened in


def printable(text, limit: int | None = MAX_MESSAGE) -> str:
    """``text`` as storable, readable text: characters no store takes shown as escapes, cut at ``limit``."""
    text = text if isinstance(text, str) else repr(text)
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return text if schemas.bad_character(text) is None else schemas.escape_bad_characters(text)


def _printable_tree(value):
    """A copy of JSON-shaped ``value`` whose strings (keys included) are all storable."""
    if isinstance(value, str):
        return printable(value, None)
    if isinstance(value, dict):
        return {printable(str(k), None): _printable_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable_tree(v) for v in value]
    return value


def describe(error: BaseException) -> str:
    """An exception as one line: its class and message."""
    message = str(error)
    return printable(f"{error.__class__.__name__}: {message}" if message else error.__class__.__name__)


def content_hash(data: dict) -> str:
    """A digest of a mapped dataset that changes exactly when its content does."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def withdraw_limit(catalog, source: dict) -> float:
    """The largest share of the source one run may withdraw: the source's config, else the setting."""
    configured = (source.get("config") or {}).get("withdraw_limit")
    return float(configured if configured is not None else setting(catalog.config, "HARVEST_WITHDRAW_LIMIT"))


def run_harvest(catalog, source_name: str, *, dry_run: bool = False, progress=None) -> HarvestReport:
    """Harvest one source now. ``progress(done, errors)`` is called after every item.

    Raises SourceLocked when another run holds the source, and CatalogError when the source does not
    exist or was removed; once its job is recorded, whatever else happens ends up in the report (a
    run stopped by KeyboardInterrupt or SystemExit marks its job ``interrupted`` and re-raises).
    """
    source = catalog.get_source(source_name)
    if source["state"] != "active":
        raise CatalogError(f"Harvest source {source_name} was removed")
    lease = Lease(catalog.store, source, setting(catalog.config, "HARVEST_LEASE_SECONDS"))
    lease.acquire()
    report = HarvestReport(job_id=new_id(), source=source["name"], dry_run=dry_run)
    auto_index, catalog.auto_index = catalog.auto_index, False
    try:
        with catalog.store.writing() as tx:
            last = _last_success(tx, source["id"])
            tx.insert_job({"id": report.job_id, "source_id": source["id"], "status": "running", "dry_run": dry_run,
                           "created": now(), "started": now(), "counts": report.counts})
        try:
            _Run(catalog, source, report, lease, progress).execute(last)
        except Exception as error:  # a bug or a resource limit outside the run's own handling
            log.error("Harvest of %s failed: %s", source["name"], describe(error), exc_info=error)
            report.status, report.message = "failed", describe(error)
        except BaseException as error:  # the process is being stopped: say so, then let it stop
            report.status, report.message = "interrupted", f"The run was stopped ({error.__class__.__name__})"
            _finish(catalog, report)
            raise
        _finish(catalog, report)
    finally:
        catalog.auto_index = auto_index
        _release(lease)
    if not dry_run:
        _sync_index(catalog, source["name"])
    return report


def _release(lease: Lease) -> None:
    """Give the lease back; if the store cannot be reached, the lease expires by itself."""
    try:
        lease.release()
    except Exception as error:
        log.error("Could not release the lease on %s (it expires by itself): %s", lease.source["name"],
                  describe(error))


def _sync_index(catalog, source_name: str) -> None:
    """Index what the run wrote; on failure the outbox still lists it for the next sync."""
    try:
        catalog.sync_index()
    except Exception as error:
        log.error("Indexing after the harvest of %s failed (the outbox keeps what to index): %s", source_name,
                  describe(error), exc_info=error)


def _finish(catalog, report: HarvestReport) -> None:
    """Record the job's outcome, unless the job was closed meanwhile (expired or abandoned by the scheduler).

    In that case the job keeps its status and message, gains the run's counts, and the report takes
    the stored status and message. If the outcome cannot be stored with its per-record entries, the
    job is still closed as ``failed`` with the reason, so it never stays ``running``.
    """
    try:
        with catalog.store.writing() as tx:
            tx.add_job_errors(report.job_id, report.errors)
            tx.add_job_warnings(report.job_id, report.warnings)
            if tx.finish_job(report.job_id, status=report.status, counts=report.counts, message=report.message):
                return
            tx.set_job_counts(report.job_id, report.counts)
            report.status, report.message = tx.job_outcome(report.job_id)
        return
    except Exception as error:
        log.error("Could not record the outcome of harvest job %s: %s", report.job_id, describe(error),
                  exc_info=error)
        report.message = printable(f"The job's outcome could not be stored: {describe(error)}"
                                   f" (the run itself ended {report.status}: {report.message or 'no message'})")
        report.status = "failed"
    try:
        with catalog.store.writing() as tx:
            tx.finish_job(report.job_id, status=report.status, counts=report.counts, message=report.message)
    except Exception as error:
        log.error("Could not close harvest job %s; the scheduler's reaper or the next run will: %s",
                  report.job_id, describe(error))


def _last_success(tx, source_id: str) -> str | None:
    """When the last complete, error-free run started: the base of an incremental run."""
    for job in tx.list_jobs(source_id, limit=20):
        if not job["dry_run"]:
            clean = job["status"] == "finished" and not job["counts"].get("failed")
            return job["started"] if clean else None
    return None


class Refused(Exception):
    """One record cannot be taken: ``errors`` maps field paths (None when unknown) to messages."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{path}: {'; '.join(messages)}" for path, messages in errors.items()))
        self.errors = errors


def text_errors(data: dict) -> dict[str, list[str]]:
    """Every string of a mapped record (keys included) that cannot be stored, by path."""
    errors: dict[str, list[str]] = {}
    for path, message in schemas.text_errors(data):
        errors.setdefault(path or "(record)", []).append(message)
    return errors


def check_remote_id(remote_id) -> str:
    """The item's remote id if the store can keep it; Refused otherwise."""
    if not isinstance(remote_id, str) or not remote_id.strip():
        raise Refused({"(remote id)": [f"The source gives this record no usable id ({printable(remote_id, 100)})"]})
    if len(remote_id) > MAX_REMOTE_ID:
        raise Refused({"(remote id)": [f"An id of {len(remote_id):,} characters; at most {MAX_REMOTE_ID} are kept"]})
    problem = schemas.bad_character(remote_id)
    if problem:
        raise Refused({"(remote id)": [problem]})
    return remote_id


def harvester_warnings(found) -> list[dict]:
    """A harvester's warnings as ``[{"path", "message"}]`` with storable text, whatever shape they came in."""
    if not found:
        return []
    warnings = []
    for warning in found if isinstance(found, list) else [found]:
        if isinstance(warning, dict):
            path = warning.get("path")
            warnings.append({"path": None if path is None else printable(str(path), 200),
                             "message": printable(warning.get("message", ""))})
        else:
            warnings.append({"path": None, "message": printable(warning)})
    return warnings


def _provenance(found) -> dict:
    """The harvester's own provenance (``dcat_violations``, ``warnings``, …) with storable text."""
    if not isinstance(found, dict):
        return {}
    harvest = _printable_tree(found)
    if "warnings" in harvest:
        harvest["warnings"] = harvester_warnings(harvest["warnings"])
    return harvest


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
        self.harvester = None

    def execute(self, last_success) -> None:
        """List and take every item; a failure of the whole source fails the job and withdraws nothing."""
        try:
            self._execute(last_success)
        except (HarvestError, CatalogError) as error:
            self._source_failed(printable(str(error)))
            log.warning("Harvest of %s failed: %s", self.source["name"], self.report.message)
        except Exception as error:
            self._source_failed(describe(error))
            log.error("Harvest of %s failed: %s", self.source["name"], self.report.message, exc_info=error)
        finally:
            self._document_warnings()

    def _execute(self, last_success) -> None:
        harvester_class = harvesters.get(self.source["type"])
        with self.catalog.store.reading() as tx:
            self.known = tx.source_datasets(self.source["id"])
        cache = self.source.get("http_cache") or {}
        with HarvestClient.from_config(self.catalog.config, self.source["url"], validators=cache) as client:
            active = frozenset(rid for rid, (_, _, state) in self.known.items() if state == "active")
            self.harvester = harvester_class({**self.source, "last_harvested": last_success, "harvested_ids": active},
                                             client)
            try:
                for item in self.harvester.items():
                    self._take(item)
                self._flush()
            except NotModified:
                self._flush()
                self._finish_unchanged()
                return
            self._withdraw_vanished()
            if not self.report.dry_run and client.validators != cache:
                self.catalog.save_source_cache(self.source["name"], client.validators)

    def _source_failed(self, message: str) -> None:
        """End the job as failed, keeping what was mapped before the failure."""
        lost = self._flush_quietly()
        self.report.status, self.report.message = "failed", message
        if lost:
            self.report.message = printable(f"{message}; {lost}")

    def _document_warnings(self) -> None:
        """Warnings about the source as a whole that the harvester gathered (``harvester.warnings``), if any."""
        found = getattr(self.harvester, "warnings", None)
        for warning in harvester_warnings(found if isinstance(found, list) else None):
            self.report.warnings.append({"remote_id": None, **warning})

    def _tick(self) -> None:
        self.done += 1
        self.lease.renew()
        if self.progress:
            self.progress(self.done, self.report.counts["failed"])

    def _fail(self, remote_id: str | None, path: str | None, message: str) -> None:
        self.report.counts["failed"] += 1
        self.report.errors.append({"remote_id": remote_id, "path": None if path is None else printable(path, 200),
                                   "message": printable(message)})

    def _refuse(self, remote_id: str | None, errors: dict) -> None:
        """One failed record with one error entry per path."""
        self.report.counts["failed"] += 1
        for path, messages in errors.items():
            self.report.errors.append({"remote_id": remote_id, "path": None if path is None else printable(path, 200),
                                       "message": printable("; ".join(messages))})

    def _warn(self, remote_id: str, warnings: list[dict]) -> None:
        """Record a taken record's warnings on the job."""
        if warnings:
            self.report.counts["warned"] += 1
            self.report.warnings.extend({"remote_id": remote_id, **w} for w in warnings)

    def _take(self, item) -> None:
        """Take one item through every step; any failure fails this item alone."""
        remote_id = getattr(item, "remote_id", None)
        shown = printable(remote_id, 200) if remote_id is not None else None
        step = "map"
        try:
            check_remote_id(remote_id)
            if remote_id in self.seen:
                raise Refused({None: ["The source lists this id more than once; the later copy was skipped"]})
            self.seen.add(remote_id)
            known = self.known.get(remote_id)
            if item.payload is None and known and known[2] == "active":  # the source says: unchanged since the last run
                self.report.counts["unchanged"] += 1
                return self._tick()
            data = self.harvester.parse(item)
            if not isinstance(data, dict):
                mapped = type(data).__name__
                raise Refused({"(record)": [f"The harvester mapped this record to {mapped}, not a dataset"]})
            step = "text check"
            # A harvester may add provenance of its own (DCAT rule violations, warnings); the runner's keys win.
            had_provenance = "harvest" in data
            harvest = _provenance(data.pop("harvest", None))
            errors = text_errors(data)
            if errors:
                raise Refused(errors)
            step = "hash"
            digest = content_hash({**data, "harvest": harvest} if had_provenance else data)
            warnings = harvest.get("warnings") or []
            if known and known[1] == digest and known[2] == "active":
                self.report.counts["unchanged"] += 1
                self._warn(remote_id, warnings)
                return self._tick()
            step = "validate"
            errors = self.catalog.harvested_errors(data, self.source)
            if errors:
                raise Refused(errors)
        except Refused as refused:
            self._refuse(shown, refused.errors)
            return self._tick()
        except RecordError as error:
            self._fail(shown, error.path, error.message)
            return self._tick()
        except Exception as error:  # one broken record must not stop the run
            log.warning("Record %s of %s failed at the %s step: %s", shown, self.source["name"], step,
                        describe(error), exc_info=error)
            self._fail(shown, None, f"Failed at the {step} step: {describe(error)}")
            return self._tick()
        harvest.update(source=self.source["name"], remote_id=remote_id, job_id=self.report.job_id,
                       harvested_at=isoformat(now()))
        if item.url:
            harvest["url"] = printable(str(item.url), None)
        self.pending.append({"data": data, "source": self.source, "remote_id": remote_id, "content_hash": digest,
                             "harvest": harvest, "kind": "updated" if known else "added", "warnings": warnings,
                             "checked": True})
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
        except STORE_DOWN:
            raise
        except Exception:  # a record the checks let through still failed: find it, each alone
            written = [entry for entry in batch if self._write_alone(entry, actor)]
        for entry in written:
            self.report.counts[entry["kind"]] += 1
            self._warn(entry["remote_id"], entry["warnings"])

    def _write_alone(self, entry: dict, actor: str) -> bool:
        """Write one entry in its own transaction; a failure fails that record only."""
        try:
            self.catalog.write_harvested([entry], actor)
            return True
        except ValidationError as error:
            self._refuse(entry["remote_id"], error.errors)
        except STORE_DOWN:
            raise
        except Exception as error:
            log.warning("Record %s of %s failed at the write step: %s", entry["remote_id"], self.source["name"],
                        describe(error), exc_info=error)
            self._fail(entry["remote_id"], None, f"Failed at the write step: {describe(error)}")
        return False

    def _flush_quietly(self) -> str | None:
        """Keep what was mapped before a source failure: those datasets are complete new versions.

        Returns what was lost when they cannot be written (the failure is logged with its cause).
        """
        count = len(self.pending)
        try:
            self._flush()
        except Exception as error:
            log.error("Harvest of %s: %d datasets mapped before the source failed were not written: %s",
                      self.source["name"], count, describe(error), exc_info=error)
            return f"{count} datasets mapped before that were not written: {describe(error)}"
        return None

    def _plan(self, batch) -> None:
        for entry in batch:
            self.report.counts[entry["kind"]] += 1
            self.report.planned[entry["kind"]].append(entry["remote_id"])
            self._warn(entry["remote_id"], entry["warnings"])

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
