"""``catalog harvest``: run harvests now and read the job history."""

import json
import time

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from catalog.cli import pass_state
from catalog.errors import CatalogError
from catalog.harvest import OUTCOMES, HarvestReport, describe, run_harvest

NOT_RUN = "not run"


@click.group("harvest")
def harvest():
    """Harvest sources and show job history."""


def progress_bar(console=None) -> Progress:
    """A progress display showing items done, items per second and errors for each source."""
    return Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.completed:>7,.0f} items"), TextColumn("{task.fields[rate]:>7,.0f}/s"),
        TextColumn("[red]{task.fields[errors]} errors"), TimeElapsedColumn(),
        console=console or Console(stderr=True), transient=False,
    )


def harvest_with_progress(catalog, names, *, dry_run=False, progress=None) -> list:
    """Run each named source with a progress line; returns the reports.

    A source that cannot run at all (locked by another run, removed, the store unreachable) gets a
    report of status ``not run`` saying why, and the next source runs all the same.
    """
    reports = []
    with progress or progress_bar() as bar:
        for name in names:
            task = bar.add_task(name, total=None, rate=0, errors=0)
            started = time.monotonic()

            def advance(done, errors, task=task, started=started):
                if done % 50 == 0 or errors:
                    rate = done / max(time.monotonic() - started, 1e-6)
                    bar.update(task, completed=done, rate=rate, errors=errors)

            try:
                report = run_harvest(catalog, name, dry_run=dry_run, progress=advance)
            except Exception as error:  # whatever stops one source, the others still run
                message = error.message if isinstance(error, CatalogError) else describe(error)
                report = HarvestReport(job_id=None, source=name, dry_run=dry_run, status=NOT_RUN, message=message)
            done = sum(report.counts[k] for k in OUTCOMES)
            bar.update(task, completed=done, total=done or 1, errors=report.counts["failed"],
                       rate=done / max(time.monotonic() - started, 1e-6))
            reports.append(report)
    return reports


def summary(report) -> str:
    """One line per job: status and counts; a job that did not finish says why on the same line."""
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    line = f"{report.source}: {report.status}{' (dry run)' if report.dry_run else ''}"
    if report.status == NOT_RUN:
        return f"{line}: {report.message}"
    if report.status != "finished":
        return f"{line}: {report.message or 'no reason given'} ({counts})"
    return f"{line}: {counts}\n  {report.message}" if report.message else f"{line}: {counts}"


def report_lines(report: dict, indent: str = "  ", limit: int = 10) -> list[str]:
    """A job's errors and warnings, one line per kind: how many records, which field, what, examples."""
    lines = []
    for kind, label in (("errors", "error"), ("warnings", "warning")):
        groups = report.get(kind) or []
        for group in groups[:limit]:
            examples = f" (e.g. {', '.join(group['examples'])})" if group["examples"] else ""
            records = f"{group['count']} record{'s' if group['count'] != 1 else ''}"
            lines.append(f"{indent}{label}: {records}: {group['path'] or '-'}: {group['message']}{examples}")
        if len(groups) > limit:
            lines.append(f"{indent}… and {len(groups) - limit} more kinds of {kind}")
    return lines


@harvest.command("run")
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Harvest every active source.")
@click.option("--dry-run", is_flag=True, help="Show what would be added, updated and withdrawn; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@pass_state
def run(state, names, all_, dry_run, as_json):
    """Harvest the sources NAMES (or --all) now; a source that fails never stops the others."""
    if all_:
        names = [s["name"] for s in state.catalog.list_sources()]
    if not names:
        raise click.UsageError("Name at least one source, or use --all")
    reports = harvest_with_progress(state.catalog, names, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False))
    for report in reports if not as_json else []:
        click.echo(summary(report))
        for line in report_lines(report.as_dict()["report"]):
            click.echo(line)
        if dry_run:
            for kind, ids in report.planned.items():
                for remote_id in ids:
                    click.echo(f"  would be {kind}: {remote_id}")
    if any(r.status != "finished" for r in reports):
        raise SystemExit(1)


@harvest.command("jobs")
@click.argument("name", required=False)
@click.option("--limit", default=20, show_default=True, help="How many jobs to show.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON, with the report and every per-record error and warning.")
@pass_state
def jobs(state, name, limit, as_json):
    """Job history (of source NAME, or of all), newest first, with each job's errors and warnings by kind."""
    found = state.catalog.harvest_jobs(name, limit=limit, entries=as_json)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for job in found:
        counts = " ".join(f"{k}={v}" for k, v in job["counts"].items())
        click.echo(f"{job['started'] or job['created']}  {job['source']:<24} {job['status']:<11}"
                   f"{' dry-run' if job['dry_run'] else ''} {counts}")
        if job["message"]:
            click.echo(f"    {job['message']}")
        for line in report_lines(job["report"], indent="    "):
            click.echo(line)


COMMANDS = [harvest]
