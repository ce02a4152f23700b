"""``catalog init`` and ``catalog serve``."""

import click

from catalog.cli import pass_state


@click.command()
@pass_state
def init(state):
    """Create the instance, or migrate it to this version: database and search index."""
    drift = state.catalog.init()
    if drift.total:
        click.echo(drift.summary())
    click.echo(f"Instance ready in {state.config['HOME']} (database: {_safe_url(state.config['DATABASE_URL'])})")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@pass_state
def serve(state, host, port):
    """Run the web app and APIs (a development server; use gunicorn in production)."""
    from werkzeug.serving import run_simple

    from catalog.app import create_app

    state.catalog.init()
    app = create_app({"HOME": state.config["HOME"]})
    click.echo(f"Serving {state.config['SITE_TITLE']} on http://{host}:{port}/")
    run_simple(host, port, app, threaded=True)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


COMMANDS = [init, serve]
