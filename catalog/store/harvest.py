"""Harvest sources and the jobs run on them."""

import datetime as dt

from sqlalchemy import func, insert, or_, select, update

from catalog.store.common import isoformat, now, row_by_key
from catalog.tables import datasets, harvest_errors, harvest_jobs, harvest_sources, harvest_warnings

# Per-record entries a job keeps, by kind.
ENTRY_TABLES = {"errors": harvest_errors, "warnings": harvest_warnings}


class HarvestQueries:
    """Queries on harvest sources and jobs."""

    def source_row(self, key: str, *, for_update: bool = False):
        """The harvest source with id or name ``key``, or None."""
        return row_by_key(self.conn, harvest_sources, key, for_update=for_update)

    def insert_source(self, record: dict, *, organization_id: str) -> None:
        """Store a new harvest source."""
        stamp = now()
        self.conn.execute(
            insert(harvest_sources).values(
                id=record["id"], name=record["name"], type=record["type"], url=record["url"],
                organization_id=organization_id, schedule=record.get("schedule"), state=record["state"],
                data=record, created=stamp, modified=stamp,
            )
        )

    def update_source(self, record: dict) -> None:
        """Replace the stored harvest source with ``record`` (same id)."""
        self.conn.execute(
            update(harvest_sources)
            .where(harvest_sources.c.id == record["id"])
            .values(
                type=record["type"], url=record["url"], schedule=record.get("schedule"),
                state=record["state"], data=record, modified=now(),
            )
        )

    def list_sources(self, *, states=("active",)) -> list[dict]:
        """Harvest sources in the given states, by name."""
        query = select(harvest_sources.c.data).where(harvest_sources.c.state.in_(list(states)))
        return [dict(row.data) for row in self.conn.execute(query.order_by(harvest_sources.c.name))]

    def take_lease(self, source_id: str, owner: str, seconds: float) -> bool:
        """Lock the source for ``owner`` until now + ``seconds``, unless another owner holds a live lease."""
        stamp = now()
        free = or_(
            harvest_sources.c.lease_owner.is_(None),
            harvest_sources.c.lease_expires < stamp,
            harvest_sources.c.lease_owner == owner,
        )
        result = self.conn.execute(
            update(harvest_sources)
            .where(harvest_sources.c.id == source_id, free)
            .values(lease_owner=owner, lease_expires=stamp + dt.timedelta(seconds=seconds))
        )
        return result.rowcount == 1

    def release_lease(self, source_id: str, owner: str) -> None:
        """Give up ``owner``'s lock on the source."""
        self.conn.execute(
            update(harvest_sources)
            .where(harvest_sources.c.id == source_id, harvest_sources.c.lease_owner == owner)
            .values(lease_owner=None, lease_expires=None)
        )

    def source_datasets(self, source_id: str) -> dict[str, tuple]:
        """Every dataset harvested from the source: remote id -> (dataset id, content hash, state)."""
        query = select(datasets.c.remote_id, datasets.c.id, datasets.c.content_hash, datasets.c.state).where(
            datasets.c.source_id == source_id
        )
        return {row.remote_id: (row.id, row.content_hash, row.state) for row in self.conn.execute(query)}

    def insert_job(self, job: dict) -> None:
        """Store a new harvest job."""
        self.conn.execute(insert(harvest_jobs).values(**job))

    def finish_job(self, job_id: str, *, status: str, counts: dict, message: str | None) -> bool:
        """Mark a running job finished with its outcome; False (and nothing changed) when it no longer runs.

        A job that the scheduler closed meanwhile (expired, abandoned) keeps the status it was given.
        """
        result = self.conn.execute(
            update(harvest_jobs)
            .where(harvest_jobs.c.id == job_id, harvest_jobs.c.status == "running")
            .values(status=status, counts=counts, message=message, finished=now())
        )
        return result.rowcount == 1

    def set_job_counts(self, job_id: str, counts: dict) -> None:
        """Record what a job did, whatever its status."""
        self.conn.execute(update(harvest_jobs).where(harvest_jobs.c.id == job_id).values(counts=counts))

    def job_outcome(self, job_id: str) -> tuple[str, str | None]:
        """A job's status and message."""
        row = self.conn.execute(select(harvest_jobs.c.status, harvest_jobs.c.message)
                                .where(harvest_jobs.c.id == job_id)).one()
        return row.status, row.message

    def add_job_errors(self, job_id: str, errors: list[dict]) -> None:
        """Record per-record errors of a job: dicts with remote_id, path and message."""
        if errors:
            self.conn.execute(insert(harvest_errors), [{"job_id": job_id, **e} for e in errors])

    def add_job_warnings(self, job_id: str, warnings: list[dict]) -> None:
        """Record per-record warnings of a job: dicts with remote_id, path and message."""
        if warnings:
            self.conn.execute(insert(harvest_warnings), [{"job_id": job_id, **w} for w in warnings])

    def list_jobs(self, source_id: str | None = None, limit: int = 50) -> list[dict]:
        """The newest jobs (of one source, or of all), newest first, with their source's name."""
        query = (
            select(harvest_jobs, harvest_sources.c.name.label("source"))
            .join(harvest_sources, harvest_sources.c.id == harvest_jobs.c.source_id)
            .order_by(harvest_jobs.c.created.desc(), harvest_jobs.c.id)
            .limit(limit)
        )
        if source_id:
            query = query.where(harvest_jobs.c.source_id == source_id)
        return [_job(row) for row in self.conn.execute(query)]

    def get_job(self, job_id: str) -> dict | None:
        """One job with its source's name, or None."""
        query = (select(harvest_jobs, harvest_sources.c.name.label("source"))
                 .join(harvest_sources, harvest_sources.c.id == harvest_jobs.c.source_id)
                 .where(harvest_jobs.c.id == job_id))
        row = self.conn.execute(query).first()
        return _job(row) if row else None

    def job_errors(self, job_id: str) -> list[dict]:
        """The per-record errors of a job, in the order they happened."""
        return self.job_entries(job_id, "errors")

    def job_entries(self, job_id: str, kind: str) -> list[dict]:
        """A job's per-record ``errors`` or ``warnings``, in the order they happened."""
        table = ENTRY_TABLES[kind]
        query = select(table).where(table.c.job_id == job_id).order_by(table.c.id)
        return [{"remote_id": r.remote_id, "path": r.path, "message": r.message} for r in self.conn.execute(query)]

    def job_report(self, job_id: str, kind: str, examples: int = 3) -> list[dict]:
        """A job's ``errors`` or ``warnings`` grouped by (path, message), most frequent first.

        Each group: ``path``, ``message``, ``count`` (entries) and ``examples`` (the remote ids of
        its first ``examples`` entries). Counted in the database, so a job of 100,000 errors costs
        one query returning a few rows per group.
        """
        table = ENTRY_TABLES[kind]
        same = (table.c.path, table.c.message)
        ranked = select(
            table.c.path, table.c.message, table.c.remote_id,
            func.count().over(partition_by=same).label("count"),
            func.min(table.c.id).over(partition_by=same).label("first"),
            func.row_number().over(partition_by=same, order_by=table.c.id).label("rank"),
        ).where(table.c.job_id == job_id).subquery()
        query = (select(ranked).where(ranked.c.rank <= examples)
                 .order_by(ranked.c["count"].desc(), ranked.c.first, ranked.c.rank))
        groups: dict[int, dict] = {}
        for row in self.conn.execute(query):
            group = groups.setdefault(row.first, {"path": row.path, "message": row.message, "count": row.count,
                                                  "examples": []})
            if row.remote_id is not None:
                group["examples"].append(row.remote_id)
        return list(groups.values())


def _job(row) -> dict:
    return {
        "id": row.id, "source": row.source, "status": row.status, "dry_run": row.dry_run,
        "created": isoformat(row.created), "started": isoformat(row.started), "finished": isoformat(row.finished),
        "counts": dict(row.counts or {}), "message": row.message,
    }
