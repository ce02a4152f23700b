"""``catalog index rebuild`` and ``catalog index check``: the search index is derived from the store."""

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from catalog.cli import pass_state


@click.group()
def index():
    """Keep the search index in step with the store."""


@index.command()
@pass_state
def rebuild(state):
    """Recreate the search index from every active, public dataset in the store."""
    catalog = state.catalog
    with catalog.store.reading() as tx:
        total = tx.count_datasets()
    columns = (TextColumn("Indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("index", total=total)
        count = catalog.rebuild_index(progress=lambda n: progress.advance(task, n))
    click.echo(f"Indexed {count} datasets with the {catalog.backend.name} backend.")


@index.command()
@click.option("--dry-run", is_flag=True, help="Report drift without fixing it.")
@pass_state
def check(state, dry_run):
    """Compare the store with the search index and fix what differs (re-index or delete)."""
    drift = state.catalog.check_index(fix=not dry_run)
    click.echo(drift.summary())
    for label, ids in (("missing", drift.missing), ("out of date", drift.stale), ("extra", drift.extra)):
        if ids:
            shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
            click.echo(f"  {label}: {shown}")


COMMANDS = [index]
