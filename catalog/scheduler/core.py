"""The scheduler: plans each source's next run in the store, starts due harvests, reaps dead jobs.

All state lives in ``harvest_schedules`` and the runner's job rows and leases, so a restarted
scheduler carries on where the last one stopped. A run missed during downtime is due once: after
dispatching, the next run is computed from *now*, never from the missed slot.
"""

import datetime as dt
import logging
import signal
import threading

from catalog import schedule as schedules
from catalog.errors import NotFound
from catalog.scheduler import events
from catalog.scheduler.health import check_alerts

EXPIRED = "expired"
ABANDONED = "abandoned"


class Scheduler:
    """Decides what is due at ``clock.now()`` and hands it to a dispatcher."""

    def __init__(self, catalog, dispatcher, clock=None):
        self.catalog = catalog
        self.config = catalog.config
        self.dispatcher = dispatcher
        self.clock = clock or schedules.Clock()
        self.stopping = threading.Event()

    def schedule_of(self, row: dict) -> schedules.Schedule:
        """The source's parsed schedule with its jitter; an unreadable one counts as MANUAL (and is logged)."""
        try:
            parsed = schedules.parse(row["schedule"], self.config["SCHEDULER_TIMEZONE"])
        except schedules.ScheduleError as error:
            events.emit("schedule.invalid", logging.WARNING, source=row["name"], reason=error.message)
            parsed = schedules.parse(None)
        return parsed.with_jitter(row["id"], self.config["SCHEDULER_JITTER"])

    def plan(self) -> list[dict]:
        """Every active source's state, giving a next run to those new or whose schedule changed."""
        now = self.clock.now()
        with self.catalog.store.reading() as tx:
            rows = tx.schedule_rows()
        stale = [row for row in rows if row["alerted_streak"] is None or row["planned_schedule"] != row["schedule"]]
        if not stale:
            return rows
        with self.catalog.store.writing() as tx:
            for row in stale:
                row["next_run"] = self.schedule_of(row).next_after(now)
                tx.save_schedule(row["id"], schedule=row["schedule"], next_run=row["next_run"])
                events.emit("schedule.planned", source=row["name"], schedule=row["schedule"] or "MANUAL",
                            next_run=_iso(row["next_run"]))
        return rows

    def tick(self) -> list[str]:
        """One pass: reap dead jobs, dispatch every due source once; returns the names dispatched."""
        self.reap()
        now = self.clock.now()
        started = []
        for row in self.plan():
            if row["next_run"] is None or row["next_run"] > now:
                continue
            following = self.schedule_of(row).next_after(now)
            busy = self._busy(row, now)
            with self.catalog.store.writing() as tx:
                if busy:
                    tx.save_schedule(row["id"], next_run=following)
                else:
                    tx.save_schedule(row["id"], next_run=following, pending_since=now, last_dispatched=now)
            if busy:
                events.emit("job.skipped", source=row["name"], reason=busy, next_run=_iso(following))
                continue
            events.emit("job.due", source=row["name"], slot=_iso(row["next_run"]), next_run=_iso(following))
            self.dispatcher.submit(row["id"], row["name"])
            started.append(row["name"])
        check_alerts(self.catalog)
        return started

    def _busy(self, row: dict, now: dt.datetime) -> str | None:
        """Why the source cannot start now (already running or waiting), or None."""
        if row["id"] in self.dispatcher.active():
            return "running_here"
        with self.catalog.store.reading() as tx:
            if tx.lease_is_held(row["id"]):
                return "lease_held"
        timeout = dt.timedelta(seconds=self.config["SCHEDULER_PENDING_TIMEOUT"])
        if row["pending_since"] is not None and now - row["pending_since"] < timeout:
            return "queued"
        return None

    def reap(self) -> list[str]:
        """Mark running jobs whose lease lapsed (their process died) as expired; returns their ids."""
        mine = self.dispatcher.active()
        reaped = []
        with self.catalog.store.writing() as tx:
            for job in tx.orphaned_jobs():
                if job["source_id"] in mine:
                    continue
                if tx.close_job(job["id"], EXPIRED, "The process running this job stopped; its lease expired."):
                    reaped.append(job["id"])
                    events.emit("job.expired", source=job["name"], job=job["id"])
        return reaped

    def request_run(self, source_name: str) -> dict:
        """Make the source due now ("run now"); the next tick starts it."""
        now = self.clock.now()
        with self.catalog.store.writing() as tx:
            row = tx.source_row(source_name)
            if row is None or row.state != "active":
                raise NotFound(f"Harvest source {source_name!r} not found")
            tx.save_schedule(row.id, schedule=row.schedule, next_run=now, pending_since=None)
        events.emit("job.requested", source=row.name)
        return {"source": row.name, "next_run": now}

    def recover(self) -> None:
        """At start in-process: a source dispatched but never started (the last process died) is due again."""
        if self.config.get("QUEUE_URL"):
            return
        with self.catalog.store.writing() as tx:
            for row in tx.schedule_rows():
                if row["pending_since"] is not None:
                    tx.save_schedule(row["id"], next_run=row["pending_since"], pending_since=None)
                    events.emit("job.recovered", source=row["name"], slot=_iso(row["pending_since"]))

    def shutdown(self) -> None:
        """Stop dispatching; let the running job finish within the grace period, else abandon it."""
        abandoned, unstarted = self.dispatcher.stop(self.config["SCHEDULER_STOP_GRACE"])
        with self.catalog.store.writing() as tx:
            for source_id in unstarted:
                tx.save_schedule(source_id, next_run=self.clock.now(), pending_since=None)
            for source_id in abandoned:
                job_id = tx.running_job_id(source_id)
                if job_id and tx.close_job(job_id, ABANDONED, "The scheduler stopped before this job finished."):
                    events.emit("job.abandoned", source=tx.source_row(source_id).name, job=job_id)
                tx.expire_lease(source_id)
        events.emit("scheduler.stopped", abandoned=len(abandoned), unstarted=len(unstarted))

    def run_forever(self) -> None:
        """Tick every ``SCHEDULER_TICK`` seconds until SIGTERM or SIGINT, then shut down cleanly."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        events.emit("scheduler.started", queue="redis" if self.config.get("QUEUE_URL") else "in-process",
                    tick=self.config["SCHEDULER_TICK"])
        self.recover()
        while not self.stopping.is_set():
            try:
                self.tick()
            except Exception as error:  # a database hiccup must not end the service; the next tick retries
                events.emit("scheduler.error", error=f"{error.__class__.__name__}: {error}")
            self.stopping.wait(self.config["SCHEDULER_TICK"])
        self.shutdown()


def next_runs(catalog) -> dict:
    """Each active source's next run by name (planning the new ones), None for manual sources."""
    return {row["name"]: row["next_run"] for row in Scheduler(catalog, dispatcher=None).plan()}


def _iso(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") + "Z" if moment else "never"
