"""Each source's health (last run, counts, failure streak, next run) and the alerts it raises."""

import datetime as dt
import logging

import httpx

from catalog.scheduler import events
from catalog.store.common import now

FAILED = {"failed", "expired", "abandoned", "interrupted", "refused"}
OPEN = {"queued", "running", "pending", "new"}
WEBHOOK_TIMEOUT = 5.0


def failure_streak(jobs: list[dict]) -> int:
    """How many of the newest finished real (not dry-run) jobs failed in a row."""
    streak = 0
    for job in jobs:
        if job.get("dry_run") or job["status"] in OPEN:
            continue
        if job["status"] not in FAILED:
            break
        streak += 1
    return streak


def source_health(catalog) -> list[dict]:
    """One summary per active source, by name: what the operator's view and `scheduler status` show."""
    threshold = catalog.config["ALERT_FAILURE_STREAK"]
    moment = now()
    summaries = []
    with catalog.store.reading() as tx:
        for row in tx.schedule_rows():
            jobs = tx.recent_jobs(row["id"])
            real = [j for j in jobs if not j.get("dry_run")]
            last = real[0] if real else None
            success = next((j for j in real if j["status"] not in FAILED | OPEN), None)
            streak = failure_streak(jobs)
            summaries.append({
                "id": row["id"], "name": row["name"], "schedule": row["schedule"] or "MANUAL",
                "next_run": row["next_run"], "queued": row["pending_since"] is not None,
                "running": bool(row["lease_owner"] and row["lease_expires"] and row["lease_expires"] > moment),
                "last_job": last, "last_success": success["finished"] if success else None,
                "failure_streak": streak, "alerting": streak >= threshold > 0,
                "alerted_streak": row["alerted_streak"] or 0,
            })
    return summaries


def _send_webhook(url: str, payload: dict) -> None:
    """POST ``payload`` to the operator's webhook: bounded in time, no redirects, failures only logged.

    Only a 2xx answer counts as sent; any other status (a 5xx, a redirect, a 4xx) is a failure with that status.
    """
    try:
        response = httpx.post(url, json=payload, timeout=WEBHOOK_TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as error:
        events.emit("alert.failed", logging.ERROR, source=payload["source"],
                    error=f"{error.__class__.__name__}: {error}")
        return
    if response.is_success:
        events.emit("alert.sent", source=payload["source"], status=response.status_code)
    else:
        events.emit("alert.failed", logging.ERROR, source=payload["source"], status=response.status_code,
                    error=f"the webhook answered {response.status_code} {response.reason_phrase}")


def check_alerts(catalog) -> list[str]:
    """Alert once for each source whose failure streak reached the threshold; returns their names."""
    raised = []
    for health in source_health(catalog):
        if health["alerting"] == bool(health["alerted_streak"]):
            continue
        with catalog.store.writing() as tx:
            tx.save_schedule(health["id"], alerted_streak=health["failure_streak"] if health["alerting"] else 0)
        if not health["alerting"]:
            events.emit("alert.cleared", source=health["name"])
            continue
        raised.append(health["name"])
        last = health["last_job"] or {}
        events.emit("alert.raised", level=logging.WARNING, source=health["name"], streak=health["failure_streak"],
                    message=last.get("message"))
        if catalog.config.get("ALERT_WEBHOOK_URL"):
            _send_webhook(catalog.config["ALERT_WEBHOOK_URL"], {
                "source": health["name"], "failure_streak": health["failure_streak"],
                "last_job": last.get("id"), "message": last.get("message"),
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            })
    return raised
