"""Running one scheduled harvest, in the scheduler's own thread or in a queue worker.

The harvest itself is the runner's (``HARVEST_RUNNER``, a ``module:function`` called as
``run(catalog, source_name)``, returning the job as a dict or as an object with ``as_dict()``); it
takes the source's lease, records the job and its per-record errors, and releases the lease.
"""

import importlib
import logging

from catalog import config as settings
from catalog.errors import CatalogError, NotFound
from catalog.scheduler import events
from catalog.store import new_id, now


def load_runner(config: dict):
    """The function that ``HARVEST_RUNNER`` names."""
    target = config["HARVEST_RUNNER"]
    module_name, _, function = target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), function or "run_harvest")
    except (ImportError, AttributeError) as error:
        raise CatalogError(f"HARVEST_RUNNER {target!r} cannot be loaded: {error}") from None


def run_scheduled(catalog, source_id: str, name: str | None = None) -> dict | None:
    """Harvest one source now, as the scheduler; returns the runner's job, or None when it refused or could not start.

    A failure before the runner starts (the store, a vanished source, a runner that cannot be loaded)
    is logged as ``job.not_started`` with its cause and, where the source exists, kept as a failed job.
    ``name`` is the source's name as the dispatcher knew it, for the log when the store cannot say.
    """
    try:
        with catalog.store.writing() as tx:
            row = tx.source_row(source_id)
            if row is None:
                raise NotFound(f"Harvest source {source_id} not found")
            name = row.name
            tx.save_schedule(source_id, pending_since=None)
        runner = load_runner(catalog.config)
    except Exception as error:
        _not_started(catalog, source_id, name, error)
        return None
    events.emit("job.start", source=row.name)
    try:
        job = _as_job(runner(catalog, row.name))
    except CatalogError as error:
        events.emit("job.refused", source=row.name, reason=error.message)
        return None
    except Exception as error:  # the runner failed outside its own job bookkeeping: log it, keep scheduling
        events.emit("job.crashed", logging.ERROR, source=row.name, error=f"{error.__class__.__name__}: {error}")
        raise
    events.emit("job.end", source=row.name, job=job.get("id"), status=job.get("status"),
                **{f"count_{k}": v for k, v in sorted((job.get("counts") or {}).items())})
    return job


def _not_started(catalog, source_id: str, name: str | None, error: Exception) -> None:
    """Log why a due harvest did not start and, when its source still exists, record a failed job saying so."""
    cause = _cause(error)
    events.emit("job.not_started", logging.ERROR, source=name or source_id, error=cause)
    if isinstance(error, NotFound):
        return
    stamp = now()
    try:
        with catalog.store.writing() as tx:
            if tx.source_row(source_id) is None:
                return
            tx.insert_job({"id": new_id(), "source_id": source_id, "status": "failed", "dry_run": False,
                           "created": stamp, "finished": stamp, "counts": {},
                           "message": f"The scheduled harvest did not start: {cause}"})
    except Exception as again:  # the store itself failing is the likeliest cause: say the job could not be kept
        events.emit("job.unrecorded", logging.ERROR, source=name or source_id,
                    error=_cause(again))


def _cause(error: Exception) -> str:
    """What went wrong, in one line: a catalog error's message, or the exception class with the driver's own words."""
    if isinstance(error, CatalogError):
        return error.message
    return f"{error.__class__.__name__}: {getattr(error, 'orig', None) or error}"


def _as_job(result) -> dict:
    """The runner's result as a job dict with ``id``, ``status``, ``counts`` and ``message``."""
    job = dict(result.as_dict() if hasattr(result, "as_dict") else result)
    job.setdefault("id", job.get("job_id"))
    return job


def run_queued(source_id: str, name: str | None = None) -> dict | None:
    """The entry point of a queued job: a worker's own settings, a fresh catalog, one harvest."""
    from catalog.service import Catalog

    events.configure()
    catalog = Catalog.open(settings.load())
    try:
        return run_scheduled(catalog, source_id, name)
    finally:
        catalog.close()
