"""Running one scheduled harvest, in the scheduler's own thread or in a queue worker.

The harvest itself is the runner's (``HARVEST_RUNNER``, a ``module:function`` called as
``run(catalog, source_name)``, returning the job as a dict or as an object with ``as_dict()``); it
takes the source's lease, records the job and its per-record errors, and releases the lease.
"""

import importlib

from catalog import config as settings
from catalog.errors import CatalogError, NotFound
from catalog.scheduler import events


def load_runner(config: dict):
    """The function that ``HARVEST_RUNNER`` names."""
    target = config["HARVEST_RUNNER"]
    module_name, _, function = target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), function or "run_harvest")
    except (ImportError, AttributeError) as error:
        raise CatalogError(f"HARVEST_RUNNER {target!r} cannot be loaded: {error}") from None


def run_scheduled(catalog, source_id: str) -> dict | None:
    """Harvest one source now, as the scheduler; returns the runner's job, or None when it refused."""
    with catalog.store.writing() as tx:
        row = tx.source_row(source_id)
        if row is None:
            raise NotFound(f"Harvest source {source_id} not found")
        tx.save_schedule(source_id, pending_since=None)
    runner = load_runner(catalog.config)
    events.emit("job.start", source=row.name)
    try:
        job = _as_job(runner(catalog, row.name))
    except CatalogError as error:
        events.emit("job.refused", source=row.name, reason=error.message)
        return None
    except Exception as error:  # the runner failed outside its own job bookkeeping: log it, keep scheduling
        events.emit("job.crashed", source=row.name, error=f"{error.__class__.__name__}: {error}")
        raise
    events.emit("job.end", source=row.name, job=job.get("id"), status=job.get("status"),
                **{f"count_{k}": v for k, v in sorted((job.get("counts") or {}).items())})
    return job


def _as_job(result) -> dict:
    """The runner's result as a job dict with ``id``, ``status``, ``counts`` and ``message``."""
    job = dict(result.as_dict() if hasattr(result, "as_dict") else result)
    job.setdefault("id", job.get("job_id"))
    return job


def run_queued(source_id: str) -> dict | None:
    """The entry point of a queued job: a worker's own settings, a fresh catalog, one harvest."""
    from catalog.service import Catalog

    events.configure()
    catalog = Catalog.open(settings.load())
    try:
        return run_scheduled(catalog, source_id)
    finally:
        catalog.close()
