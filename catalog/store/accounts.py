"""User accounts, organization membership and API tokens (kept as hashes)."""

from sqlalchemy import insert, select, update

from catalog.store.common import now, row_by_key
from catalog.tables import api_tokens, members, users


class AccountQueries:
    """Queries on users and their roles in organizations."""

    def user_row(self, key: str):
        """The user with id or name ``key``, or None."""
        return row_by_key(self.conn, users, key)

    def insert_user(self, *, id: str, name: str, fullname=None, email=None, sysadmin=False, password_hash=None):
        """Store a new active user."""
        self.conn.execute(
            insert(users).values(
                id=id, name=name, fullname=fullname, email=email, sysadmin=sysadmin,
                password_hash=password_hash, state="active", created=now(),
            )
        )

    def set_member(self, organization_id: str, user_id: str, role: str) -> None:
        """Give a user a role (admin, editor, member) in an organization, replacing any earlier one."""
        self.conn.execute(
            members.delete().where(members.c.organization_id == organization_id, members.c.user_id == user_id)
        )
        self.conn.execute(
            insert(members).values(organization_id=organization_id, user_id=user_id, role=role, created=now())
        )

    def member_role(self, organization_id: str, user_id: str) -> str | None:
        """The user's role in the organization, or None."""
        query = select(members.c.role).where(members.c.organization_id == organization_id, members.c.user_id == user_id)
        return self.conn.execute(query).scalar()

    def list_users(self) -> list:
        """Every user row, by name."""
        return self.conn.execute(select(users).order_by(users.c.name)).all()

    def roles_of(self, user_id: str) -> list[tuple[str, str]]:
        """The user's (organization id, role) pairs."""
        query = select(members.c.organization_id, members.c.role).where(members.c.user_id == user_id)
        return [tuple(row) for row in self.conn.execute(query)]

    def list_members(self, organization_id: str) -> list[tuple[str, str]]:
        """The organization's (user name, role) pairs, by name."""
        query = (
            select(users.c.name, members.c.role)
            .join(members, members.c.user_id == users.c.id)
            .where(members.c.organization_id == organization_id)
            .order_by(users.c.name)
        )
        return [tuple(row) for row in self.conn.execute(query)]

    def insert_token(self, *, id: str, user_id: str, name, token_hash: str, expires) -> None:
        """Store a new API token by its hash."""
        self.conn.execute(
            insert(api_tokens).values(
                id=id, user_id=user_id, name=name, token_hash=token_hash, created=now(), expires=expires,
            )
        )

    def token_row(self, token_hash: str):
        """The token with this hash joined with its user's name and sysadmin flag, or None."""
        query = (
            select(api_tokens, users.c.name.label("user_name"), users.c.sysadmin, users.c.state.label("user_state"))
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_hash)
        )
        return self.conn.execute(query).first()

    def list_tokens(self, user_id: str) -> list:
        """The user's tokens, newest first (hashes included; never show them)."""
        query = select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.created.desc())
        return self.conn.execute(query).all()

    def revoke_token(self, token_id: str) -> bool:
        """Mark a token revoked; False when no such live token exists."""
        result = self.conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked.is_(None))
            .values(revoked=now())
        )
        return result.rowcount == 1

    def touch_token(self, token_id: str) -> None:
        """Record that the token was just used."""
        self.conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used=now()))
