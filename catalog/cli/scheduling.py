"""``catalog scheduler`` (run due harvests, show source health, run one now) and ``catalog worker``."""

import json

import click

from catalog.cli import pass_state
from catalog.errors import NotFound


def _stamp(value) -> str:
    return value.isoformat(timespec="seconds") + "Z" if value else "-"


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return _stamp(value) if hasattr(value, "isoformat") else value


@click.group("scheduler", invoke_without_command=True)
@pass_state
@click.pass_context
def scheduler(ctx, state):
    """Run due harvests on their schedules until stopped (SIGTERM or Ctrl-C); subcommands inspect and act.

    Logs one key=value line per event on stderr. With CATALOG_QUEUE_URL set, due harvests go to
    the Redis queue for `catalog worker` processes; otherwise they run inside this process.
    """
    if ctx.invoked_subcommand is not None:
        return
    from catalog.scheduler import events
    from catalog.scheduler.core import Scheduler
    from catalog.scheduler.dispatch import open_dispatcher

    events.configure()
    catalog = state.catalog
    if not catalog.store.is_current():
        raise click.ClickException("The database is not initialised or not migrated; run `catalog init` first.")
    Scheduler(catalog, open_dispatcher(catalog)).run_forever()


@scheduler.command("once")
@pass_state
def once(state):
    """Start every due harvest once and wait for it here (or queue it, with CATALOG_QUEUE_URL), then exit."""
    from catalog.scheduler import events
    from catalog.scheduler.core import Scheduler
    from catalog.scheduler.dispatch import Inline, open_dispatcher

    events.configure()
    catalog = state.catalog
    dispatcher = open_dispatcher(catalog) if catalog.config.get("QUEUE_URL") else Inline(catalog)
    started = Scheduler(catalog, dispatcher).tick()
    click.echo(f"started {len(started)} harvest(s): {', '.join(started) or '-'}")


@scheduler.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def status(state, as_json):
    """Every source's schedule, next run, last job, failure streak and alert."""
    from catalog.scheduler.core import Scheduler
    from catalog.scheduler.health import source_health

    Scheduler(state.catalog, dispatcher=None).plan()
    rows = source_health(state.catalog)
    if as_json:
        click.echo(json.dumps(_jsonable(rows), indent=2, ensure_ascii=False))
        return
    click.echo(f"{'SOURCE':<24} {'SCHEDULE':<16} {'NEXT RUN':<21} {'LAST':<10} {'STREAK':>6}  ALERT")
    for row in rows:
        last = row["last_job"]["status"] if row["last_job"] else "-"
        if row["running"]:
            last = "running"
        alert = "ALERT" if row["alerting"] else ""
        click.echo(f"{row['name']:<24} {row['schedule']:<16} {_stamp(row['next_run']):<21} {last:<10} "
                   f"{row['failure_streak']:>6}  {alert}")


@scheduler.command("run-now")
@click.argument("names", nargs=-1, required=True)
@pass_state
def run_now(state, names):
    """Make the sources NAMES due now; the running scheduler starts them on its next check."""
    from catalog.scheduler.core import Scheduler

    planner = Scheduler(state.catalog, dispatcher=None)
    for name in names:
        planner.request_run(name)
        click.echo(f"{name}: due now")


@scheduler.command("job")
@click.argument("job_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def job(state, job_id, as_json):
    """One harvest job with its counts and every per-record error."""
    with state.catalog.store.reading() as tx:
        found = tx.job_with_errors(job_id)
    if found is None:
        raise NotFound(f"Harvest job {job_id} not found")
    if as_json:
        click.echo(json.dumps(_jsonable(found), indent=2, ensure_ascii=False))
        return
    click.echo(f"job {found['id']} source={found['source_name']} status={found['status']} "
               f"started={_stamp(found['started'])} finished={_stamp(found['finished'])}")
    click.echo("counts " + " ".join(f"{k}={v}" for k, v in sorted((found["counts"] or {}).items())))
    if found["message"]:
        click.echo(f"message {found['message']}")
    for error in found["errors"]:
        click.echo(f"error remote_id={error['remote_id']} path={error['path']} {error['message']}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more.")
@click.option("--name", help="Worker name shown in Redis (default: host and process id).")
@click.option("--max-jobs", type=click.IntRange(min=1), help="Exit after this many jobs (a supervisor restarts it).")
@pass_state
def worker(state, burst, name, max_jobs):
    """Run queued harvest jobs from CATALOG_QUEUE_URL (Redis) until stopped; SIGTERM finishes the current job."""
    from redis import Redis
    from rq import SimpleWorker

    from catalog.scheduler import events
    from catalog.scheduler.dispatch import QUEUE_NAME

    url = state.config.get("QUEUE_URL")
    if not url:
        raise click.ClickException("CATALOG_QUEUE_URL is not set: without a queue the scheduler runs jobs itself.")
    events.configure()
    connection = Redis.from_url(url)
    events.emit("worker.started", queue=QUEUE_NAME, burst=burst)
    # Jobs run in this process (no fork per job): stopping or killing the worker stops its job too.
    SimpleWorker([QUEUE_NAME], connection=connection, name=name).work(
        burst=burst, max_jobs=max_jobs, logging_level="WARNING")


COMMANDS = [scheduler, worker]
