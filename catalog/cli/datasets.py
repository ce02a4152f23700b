"""``catalog dataset``: check, create, show and withdraw dataset records."""

import json

import click

from catalog import schemas
from catalog.cli import pass_state


def _read_json(path: str):
    try:
        with click.open_file(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror}")


@click.group("dataset")
def dataset():
    """Check and manage dataset records."""


@dataset.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def validate(file):
    """Check FILE (one dataset record, or a JSON list of them) against the dataset schema.

    Prints every error with its field path; exits with status 1 when any record is invalid.
    """
    doc = _read_json(file)
    records = doc if isinstance(doc, list) else [doc]
    invalid = 0
    for number, record in enumerate(records):
        errors = schemas.validate(record, "dataset")
        prefix = f"[{number}]." if isinstance(doc, list) else ""
        label = record.get("name") if isinstance(record, dict) else None
        if errors:
            invalid += 1
            click.echo(f"{file}{f' record {number}' if isinstance(doc, list) else ''}"
                       f"{f' ({label})' if label else ''}: {sum(map(len, errors.values()))} error(s)")
            for path, messages in errors.items():
                for message in messages:
                    click.echo(f"  {prefix}{path}: {message}")
    if invalid:
        raise SystemExit(1)
    click.echo(f"{file}: {len(records)} valid record(s)")


@dataset.command("create")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@pass_state
def create(state, file):
    """Add the dataset record in FILE (JSON)."""
    record = state.catalog.create_dataset(_read_json(file), actor="cli")
    click.echo(f"Created dataset {record['name']} ({record['id']})")


@dataset.command("update")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@pass_state
def update(state, name, file):
    """Replace dataset NAME with the record in FILE (JSON); the old version stays in its history."""
    record = state.catalog.update_dataset(name, _read_json(file), actor="cli")
    click.echo(f"Updated dataset {record['name']}")


@dataset.command("show")
@click.argument("name")
@click.option("--revision", type=int, help="Show this earlier revision instead of the current record.")
@pass_state
def show(state, name, revision):
    """Print a dataset record as JSON."""
    if revision:
        record = state.catalog.dataset_revision(name, revision)
    else:
        record = state.catalog.get_dataset(name)
    click.echo(json.dumps(record, indent=2, ensure_ascii=False))


@dataset.command("history")
@click.argument("name")
@pass_state
def history(state, name):
    """List a dataset's revisions: number, time, action and who made it."""
    for rev in state.catalog.dataset_revisions(name):
        click.echo(f"{rev['revision']:>4}  {rev['created']}  {rev['action']:<9} {rev['actor']}")


@dataset.command("diff")
@click.argument("name")
@click.argument("old", type=int)
@click.argument("new", type=int, required=False)
@pass_state
def diff(state, name, old, new):
    """Show what changed in a dataset between revision OLD and NEW (default: the latest)."""
    changes = state.catalog.dataset_diff(name, old, new)
    if not changes:
        click.echo("No changes.")
    for change in changes:
        click.echo(f"{change['path']}:")
        if change["old"] is not None:
            click.echo(f"  - {json.dumps(change['old'], ensure_ascii=False)}")
        if change["new"] is not None:
            click.echo(f"  + {json.dumps(change['new'], ensure_ascii=False)}")


@dataset.command("withdraw")
@click.argument("name")
@pass_state
def withdraw(state, name):
    """Withdraw a dataset: it stays in the store with its history but is no longer published."""
    record = state.catalog.withdraw_dataset(name, actor="cli")
    click.echo(f"Withdrew dataset {record['name']}")


COMMANDS = [dataset]
