"""``catalog user``, ``catalog token`` and ``catalog org member``: accounts, API tokens and roles."""

import click

from catalog.accounts import ROLES
from catalog.cli import pass_state
from catalog.cli.organizations import org


@click.group("user")
def user():
    """Manage user accounts."""


@user.command("add")
@click.argument("name")
@click.option("--sysadmin", is_flag=True, help="May do everything, in every organization.")
@click.option("--email", help="The user's e-mail address.")
@pass_state
def user_add(state, name, sysadmin, email):
    """Create the user NAME (then give them a token with `catalog token create NAME`)."""
    record = state.catalog.accounts.add_user(name, sysadmin=sysadmin, email=email)
    kind = "sysadmin" if sysadmin else "user"
    click.echo(f"Added {kind} {record['name']} ({record['id']})")


@user.command("list")
@pass_state
def user_list(state):
    """List users with their roles."""
    for record in state.catalog.accounts.list_users():
        roles = ", ".join(f"{o}:{r}" for o, r in sorted(record["roles"].items()))
        flag = " sysadmin" if record["sysadmin"] else ""
        click.echo(f"{record['name']:<30}{flag} {roles}".rstrip())


@click.group("token")
def token():
    """Manage API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--expires", type=click.IntRange(min=1), help="Days until the token stops working.")
@click.option("--name", help="A label for the token, e.g. the script that uses it.")
@pass_state
def token_create(state, username, expires, name):
    """Create an API token for USERNAME; the token is printed once and never stored in clear."""
    token_id, secret = state.catalog.accounts.create_token(username, days=expires, name=name)
    click.echo(f"Token id: {token_id}", err=True)
    click.echo(secret)


@token.command("revoke")
@click.argument("token_id")
@pass_state
def token_revoke(state, token_id):
    """Revoke the token with TOKEN_ID (as printed by `token create`)."""
    state.catalog.accounts.revoke_token(token_id)
    click.echo(f"Revoked token {token_id}")


@org.group("member")
def member():
    """Manage who may do what in an organization."""


@member.command("add")
@click.argument("organization")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin: everything; editor: datasets; member: read private.")
@pass_state
def member_add(state, organization, username, role):
    """Give USERNAME the ROLE in ORGANIZATION."""
    state.catalog.accounts.set_member(organization, username, role)
    click.echo(f"{username} is now {role} of {organization}")


COMMANDS = [user, token]
