"""``catalog org``: organizations (the city's agencies)."""

import json

import click

from catalog.cli import pass_state


@click.group("org")
def org():
    """Manage organizations (agencies that own datasets)."""


@org.command("add")
@click.argument("name")
@click.option("--title", required=True, help="Full name, e.g. 'Dinas Kesehatan'.")
@click.option("--description", help="What the agency does.")
@click.option("--url", help="The agency's website.")
@click.option("--email", help="The agency's public e-mail address.")
@pass_state
def add(state, name, title, description, url, email):
    """Register an organization NAME (a URL slug such as dinkes)."""
    data = {"name": name, "title": title, "description": description, "url": url, "email": email}
    record = state.catalog.create_organization(data, actor="cli")
    click.echo(f"Added organization {record['name']} ({record['id']})")


@org.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def list_(state, as_json):
    """List organizations."""
    records = state.catalog.list_organizations()
    if as_json:
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    for record in records:
        click.echo(f"{record['name']:<30} {record['title']}")


COMMANDS = [org]
