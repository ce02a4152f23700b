"""``catalog export``: the whole catalog to stdout as DCAT-AP 3 (Turtle, RDF/XML, JSON-LD) or DCAT-US data.json."""

import sys
from contextlib import contextmanager

import click

from catalog.cli import pass_state


def _reporter(counts: dict):
    def report(record: dict, problems: list[str]) -> None:
        counts["left_out"] += 1
        click.echo(f"left out {record.get('name')}: {'; '.join(problems)}", err=True)
    return report


def _progress(records, total: int):
    """Show a progress bar on stderr while records stream to stdout."""
    from rich.progress import Progress

    with Progress(console=_stderr_console(), transient=True) as progress:
        task = progress.add_task("exporting", total=total)
        for record in records:
            yield record
            progress.advance(task)


@contextmanager
def _reader_may_stop():
    """End quietly when the reader of stdout goes away (``catalog export dcat | head``)."""
    try:
        yield
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(0) from None


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _site(config: dict, site):
    """``site``, after saying on stderr which base URL links use when SITE_URL is not set (there is no request)."""
    if not config.get("SITE_URL"):
        click.echo(f"SITE_URL is not set: links in this export start with {site.url} "
                   "(set CATALOG_SITE_URL to the catalog's public address)", err=True)
    return site


@click.group("export")
def export():
    """Write the whole catalog to stdout."""


@export.command("dcat")
@click.option("--format", "fmt", type=click.Choice(["ttl", "turtle", "xml", "rdf", "jsonld"]), default="ttl",
              show_default=True, help="RDF serialisation.")
@pass_state
def dcat(state, fmt):
    """Every published dataset as DCAT-AP 3, streamed (records that cannot conform are listed on stderr)."""
    from catalog.dcat import site_from_config
    from catalog.dcat.documents import stream_catalog
    from catalog.dcat.graph import format_key
    from catalog.publish import records

    catalog = state.catalog
    counts = {"left_out": 0}
    site = _site(state.config, site_from_config(state.config, records.organizations_by_name(catalog)))
    stream = _progress(records.every(catalog), records.count(catalog))
    with _reader_may_stop():
        stream_catalog(stream, site, format_key(fmt), sys.stdout.buffer, on_problem=_reporter(counts))
        sys.stdout.buffer.flush()
    if counts["left_out"]:
        click.echo(f"{counts['left_out']} dataset(s) left out: they cannot be published as conformant DCAT-AP", err=True)


@export.command("datajson")
@pass_state
def datajson(state):
    """Every published dataset as a DCAT-US 1.1 data.json catalog, streamed."""
    from catalog.dcat import site_from_config
    from catalog.publish import datajson as mapping
    from catalog.publish import records

    catalog = state.catalog
    counts = {"left_out": 0}
    site = _site(state.config, site_from_config(state.config, records.organizations_by_name(catalog)))
    stream = _progress(records.every(catalog), records.count(catalog))
    with _reader_may_stop():
        for chunk in mapping.chunks(stream, site, on_problem=_reporter(counts)):
            sys.stdout.write(chunk)
        sys.stdout.flush()
    if counts["left_out"]:
        click.echo(f"{counts['left_out']} dataset(s) left out of data.json", err=True)


COMMANDS = [export]
