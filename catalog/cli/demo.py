"""``catalog demo``: fill the catalog with Kota Malang's agencies by harvesting them, then serve it."""

import click

from catalog.cli import pass_state


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Harvest and stop, without starting the web server.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to serve the catalog on.")
@pass_state
def demo(state, no_serve, port):
    """Harvest the bundled demo agencies of Kota Malang (CKAN, data.json, DCAT), then serve the catalog."""
    import harvesters
    from catalog.cli.harvest import harvest_with_progress, summary
    from catalog.demo import DemoSources, prepare

    catalog = state.catalog
    with DemoSources() as sources:
        names, skipped = prepare(catalog, sources, set(harvesters.registry()))
        if skipped:
            click.echo(f"No 'dcat' harvester installed: skipping the DCAT sources of {', '.join(skipped)}")
        click.echo(f"Harvesting {len(names)} agencies from {sources.base}")
        reports = harvest_with_progress(catalog, names)
    for report in reports:
        click.echo(summary(report))
    with catalog.store.reading() as tx:
        click.echo(f"The catalog holds {tx.count_datasets()} datasets of {len(catalog.list_organizations())} agencies")
    if not no_serve:
        from catalog.cli.instance import serve

        click.get_current_context().invoke(serve, host="127.0.0.1", port=port)


COMMANDS = [demo]
