"""Scheduler state per harvest source, and the reads of harvest jobs that the operator's view needs."""

from sqlalchemy import and_, func, insert, or_, select, update

from catalog.store.common import can_name_a_row, now
from catalog.tables import datasets, harvest_errors, harvest_jobs, harvest_schedules, harvest_sources, organizations

RUNNING = "running"


class ScheduleQueries:
    """Queries on ``harvest_schedules`` and read-only views of jobs for scheduling and health."""

    def schedule_rows(self) -> list[dict]:
        """Every active source with its scheduler state (None where it has none yet), by name."""
        query = (
            select(harvest_sources.c.id, harvest_sources.c.name, harvest_sources.c.schedule,
                   harvest_sources.c.lease_owner, harvest_sources.c.lease_expires,
                   harvest_schedules.c.schedule.label("planned_schedule"), harvest_schedules.c.next_run,
                   harvest_schedules.c.pending_since, harvest_schedules.c.last_dispatched,
                   harvest_schedules.c.alerted_streak)
            .select_from(harvest_sources.outerjoin(harvest_schedules))
            .where(harvest_sources.c.state == "active")
            .order_by(harvest_sources.c.name)
        )
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def save_schedule(self, source_id: str, **values) -> None:
        """Insert or update the scheduler state of one source."""
        found = self.conn.execute(
            select(harvest_schedules.c.source_id).where(harvest_schedules.c.source_id == source_id)
        ).first()
        if found:
            self.conn.execute(update(harvest_schedules).where(harvest_schedules.c.source_id == source_id).values(**values))
        else:
            self.conn.execute(insert(harvest_schedules).values(source_id=source_id, alerted_streak=0, **values))

    def lease_is_held(self, source_id: str) -> bool:
        """True while some process holds the source's unexpired lease."""
        query = select(harvest_sources.c.id).where(
            harvest_sources.c.id == source_id,
            harvest_sources.c.lease_owner.is_not(None),
            harvest_sources.c.lease_expires > now(),
        )
        return self.conn.execute(query).first() is not None

    def expire_lease(self, source_id: str) -> None:
        """Let the source's lease lapse now, whoever holds it."""
        self.conn.execute(update(harvest_sources).where(harvest_sources.c.id == source_id).values(lease_expires=now()))

    def recent_jobs(self, source_id: str, limit: int = 20) -> list[dict]:
        """The source's newest jobs first."""
        query = (select(harvest_jobs).where(harvest_jobs.c.source_id == source_id)
                 .order_by(harvest_jobs.c.created.desc()).limit(limit))
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def job_with_errors(self, job_id: str) -> dict | None:
        """One job with its source's name and every per-record error, or None."""
        if not can_name_a_row(job_id):
            return None
        query = (select(harvest_jobs, harvest_sources.c.name.label("source_name"))
                 .join(harvest_sources).where(harvest_jobs.c.id == job_id))
        row = self.conn.execute(query).first()
        if row is None:
            return None
        errors = self.conn.execute(
            select(harvest_errors.c.remote_id, harvest_errors.c.path, harvest_errors.c.message)
            .where(harvest_errors.c.job_id == job_id).order_by(harvest_errors.c.id)
        )
        return {**row._mapping, "errors": [dict(e._mapping) for e in errors]}

    def orphaned_jobs(self) -> list[dict]:
        """Running jobs whose source lease has lapsed or been freed: their process is gone."""
        lapsed = or_(harvest_sources.c.lease_owner.is_(None), harvest_sources.c.lease_expires.is_(None),
                     harvest_sources.c.lease_expires <= now())
        query = (select(harvest_jobs.c.id, harvest_jobs.c.source_id, harvest_sources.c.name)
                 .join(harvest_sources).where(and_(harvest_jobs.c.status == RUNNING, lapsed)))
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def running_job_id(self, source_id: str) -> str | None:
        """The source's running job, if any."""
        query = select(harvest_jobs.c.id).where(harvest_jobs.c.source_id == source_id, harvest_jobs.c.status == RUNNING)
        return self.conn.execute(query).scalar()

    def close_job(self, job_id: str, status: str, message: str) -> bool:
        """Mark a running job ``status`` with ``message``; False if it was no longer running."""
        result = self.conn.execute(
            update(harvest_jobs).where(harvest_jobs.c.id == job_id, harvest_jobs.c.status == RUNNING)
            .values(status=status, message=message, finished=now())
        )
        return result.rowcount == 1

    def jobs_by_status(self) -> dict[str, int]:
        """How many jobs there are in each status."""
        query = select(harvest_jobs.c.status, func.count()).group_by(harvest_jobs.c.status)
        return {status: count for status, count in self.conn.execute(query)}

    def datasets_by_organization(self) -> dict[str, int]:
        """How many active datasets each organization (by name) publishes."""
        query = (select(organizations.c.name, func.count(datasets.c.id))
                 .select_from(organizations.outerjoin(datasets, and_(datasets.c.organization_id == organizations.c.id,
                                                                     datasets.c.state == "active")))
                 .group_by(organizations.c.name).order_by(organizations.c.name))
        return {name: count for name, count in self.conn.execute(query)}
