"""User accounts and organization membership."""

from sqlalchemy import insert, select

from catalog.store.common import now, row_by_key
from catalog.tables import members, users


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
