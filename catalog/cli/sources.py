"""``catalog source``: harvest sources (where the agencies publish their metadata)."""

import json

import click

from catalog.cli import pass_state


@click.group("source")
def source():
    """Manage harvest sources."""


@source.command("add")
@click.argument("name")
@click.option("--type", "type_", required=True, help="Source type: ckan, dcat, datajson (installed harvesters).")
@click.option("--url", required=True, help="Where the source lives: a CKAN site, a DCAT document, a data.json file.")
@click.option("--org", required=True, help="Organization that owns every dataset of the source.")
@click.option("--title", help="A readable name of the source.")
@click.option("--schedule", callback=lambda ctx, param, value: _check_schedule(value),
              help="Cron expression or MANUAL, HOURLY, DAILY, WEEKLY, BIWEEKLY, MONTHLY.")
@click.option("--config", "config_json", help='Harvester settings as a JSON object, e.g. \'{"withdraw_limit": 0.5}\'.')
@pass_state
def add(state, name, type_, url, org, title, schedule, config_json):
    """Register a harvest source NAME."""
    import harvesters

    if type_ not in harvesters.registry():
        _unknown_type(type_)
    data = {"name": name, "type": type_, "url": url, "organization": org, "title": title, "schedule": schedule}
    if config_json:
        try:
            data["config"] = json.loads(config_json)
        except ValueError as error:
            raise click.BadParameter(f"not JSON: {error}", param_hint="--config") from None
    record = state.catalog.add_source(data, actor="cli")
    click.echo(f"Added source {record['name']} ({record['type']}, {record['url']}) for {record['organization']}")


def _check_schedule(value):
    from catalog.schedule import ScheduleError, parse

    try:
        parse(value)
    except ScheduleError as error:
        raise click.BadParameter(error.message, param_hint="--schedule") from None
    return value


def _unknown_type(type_: str):
    import harvesters

    known = ", ".join(sorted(harvesters.registry())) or "none"
    raise click.BadParameter(f"no harvester installed for {type_!r}; installed: {known}", param_hint="--type")


@source.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def list_(state, as_json):
    """List active harvest sources with their schedule and next run (UTC)."""
    from catalog.scheduler.core import next_runs

    records = state.catalog.list_sources()
    planned = next_runs(state.catalog)
    for record in records:
        when = planned.get(record["name"])
        record["next_run"] = when.isoformat(timespec="seconds") + "Z" if when else None
    if as_json:
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    for record in records:
        click.echo(f"{record['name']:<28} {record['type']:<9} {record['organization']:<20} "
                   f"{record.get('schedule') or 'MANUAL':<14} {record['next_run'] or '-':<21} {record['url']}")


@source.command("show")
@click.argument("name")
@pass_state
def show(state, name):
    """Show one harvest source and its latest jobs."""
    record = state.catalog.get_source(name)
    with state.catalog.store.reading() as tx:
        jobs = tx.list_jobs(record["id"], limit=5)
    click.echo(json.dumps({**record, "latest_jobs": jobs}, indent=2, ensure_ascii=False))


@source.command("remove")
@click.argument("name")
@pass_state
def remove(state, name):
    """Stop harvesting NAME; its datasets and job history stay."""
    state.catalog.remove_source(name, actor="cli")
    click.echo(f"Removed source {name}; its datasets and job history are kept")


COMMANDS = [source]
