"""Accounts, organization roles and API tokens: who the caller is and what they may do.

Tokens are 256-bit random strings shown once; the store keeps only their SHA-256, so a leaked
database does not leak usable tokens. A token may expire and may be revoked.

A person signs in to a browser session with a token. The session's id is another 256-bit random
string, sent only in the cookie; the store keeps its SHA-256, the user, the token it began with
and an expiry, so neither a copied database nor the cookie signing key can make a session. A
session lives while its token is live and its user active; revoking any token of a user, or
signing out, ends every session of that user.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from catalog.errors import NotFound, ValidationError
from catalog.schemas import validate
from catalog.store import Store, new_id, now

ROLES = ("admin", "editor", "member")
TOKEN_PREFIX = "cat_"


@dataclass(frozen=True)
class User:
    """The caller: an account with its sysadmin flag and its role in each organization (by id)."""

    id: str
    name: str
    sysadmin: bool = False
    roles: tuple[tuple[str, str], ...] = ()

    def role_in(self, organization_id: str) -> str | None:
        """The user's role (admin, editor, member) in the organization, or None."""
        return dict(self.roles).get(organization_id)

    @property
    def actor(self) -> str:
        """How revisions name this user."""
        return f"user:{self.name}"


def hash_token(token: str) -> str:
    """The stored form of a token (and of a session id)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class Accounts:
    """Users, their roles in organizations, and their API tokens."""

    def __init__(self, store: Store):
        self.store = store

    def add_user(self, name: str, *, sysadmin: bool = False, email: str | None = None, fullname=None) -> dict:
        """Create a user; the name follows the same rules as dataset names."""
        errors = validate({"name": name, "title": name}, "organization")
        if "name" in errors:
            raise ValidationError({"name": errors["name"]})
        with self.store.writing() as tx:
            if tx.user_row(name) is not None:
                raise ValidationError({"name": ["That login name is not available."]})
            user_id = new_id()
            tx.insert_user(id=user_id, name=name, email=email, fullname=fullname, sysadmin=sysadmin)
        return {"id": user_id, "name": name, "sysadmin": sysadmin, "email": email}

    def list_users(self) -> list[dict]:
        """Every user with their roles as {organization name: role}."""
        with self.store.reading() as tx:
            result = []
            for row in tx.list_users():
                roles = {tx.organization_row(org_id).name: role for org_id, role in tx.roles_of(row.id)}
                result.append({"id": row.id, "name": row.name, "email": row.email, "sysadmin": row.sysadmin,
                               "state": row.state, "roles": roles})
            return result

    def set_member(self, organization: str, user: str, role: str) -> None:
        """Give ``user`` the ``role`` in ``organization`` (each by id or name)."""
        if role not in ROLES:
            raise ValidationError({"role": [f"Role must be one of {', '.join(ROLES)}"]})
        with self.store.writing() as tx:
            org_row, user_row = tx.organization_row(organization), tx.user_row(user)
            if org_row is None:
                raise NotFound(f"Organization not found: {organization}")
            if user_row is None:
                raise NotFound(f"User not found: {user}")
            tx.set_member(org_row.id, user_row.id, role)

    def members(self, organization_id: str) -> list[tuple[str, str]]:
        """The organization's (user name, role) pairs."""
        with self.store.reading() as tx:
            return tx.list_members(organization_id)

    def create_token(self, user: str, *, days: int | None = None, name: str | None = None) -> tuple[str, str]:
        """A new token for ``user`` as (token id, token); the token itself is never stored."""
        if days is not None and days < 1:
            raise ValidationError({"expires": ["Must be at least 1 day"]})
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = now() + dt.timedelta(days=days) if days else None
        with self.store.writing() as tx:
            row = tx.user_row(user)
            if row is None:
                raise NotFound(f"User not found: {user}")
            token_id = new_id()
            tx.insert_token(id=token_id, user_id=row.id, name=name, token_hash=hash_token(token), expires=expires)
        return token_id, token

    def revoke_token(self, token_id: str) -> None:
        """Revoke a token by its id and end every session of its user; NotFound without such a live token."""
        with self.store.writing() as tx:
            if not tx.revoke_token(token_id):
                raise NotFound(f"No live token with id {token_id}")
            tx.delete_sessions_of_token_owner(token_id)

    def _live_token(self, tx, token: str):
        """The row of a live token (its user active, not revoked, not expired), or None."""
        if not token or len(token) > 200:
            return None
        row = tx.token_row(hash_token(token))
        if row is None or row.revoked is not None or row.user_state != "active":
            return None
        if row.expires is not None and row.expires <= now():
            return None
        return row

    def user_for_token(self, token: str) -> User | None:
        """The user a live token belongs to, or None for an unknown, revoked or expired token."""
        with self.store.reading() as tx:
            row = self._live_token(tx, token)
            if row is None:
                return None
            roles = tuple(sorted(tx.roles_of(row.user_id)))
        if row.last_used is None or now() - row.last_used > dt.timedelta(hours=1):
            with self.store.writing() as tx:
                tx.touch_token(row.id)
        return User(id=row.user_id, name=row.user_name, sysadmin=bool(row.sysadmin), roles=roles)

    def start_session(self, token: str, *, seconds: float) -> tuple[str, User] | None:
        """Sign in with a live token: (the new session's id, its user), or None for a token that is not live.

        The id goes to the cookie only; the store keeps its hash for ``seconds``.
        """
        session_id = secrets.token_urlsafe(32)
        with self.store.writing() as tx:
            row = self._live_token(tx, token)
            if row is None:
                return None
            tx.delete_expired_sessions()
            tx.insert_session(id_hash=hash_token(session_id), user_id=row.user_id, token_id=row.id,
                              expires=now() + dt.timedelta(seconds=seconds))
            roles = tuple(sorted(tx.roles_of(row.user_id)))
        return session_id, User(id=row.user_id, name=row.user_name, sysadmin=bool(row.sysadmin), roles=roles)

    def session_user(self, session_id: str) -> User | None:
        """The user of a live session, or None for an unknown, expired or ended one (or one whose token died)."""
        if not session_id or not isinstance(session_id, str) or len(session_id) > 200:
            return None
        with self.store.reading() as tx:
            row = tx.live_session(hash_token(session_id))
            if row is None:
                return None
            roles = tuple(sorted(tx.roles_of(row.user_id)))
        return User(id=row.user_id, name=row.name, sysadmin=bool(row.sysadmin), roles=roles)

    def end_sessions(self, user_id: str) -> int:
        """Sign a user out everywhere: end every session of theirs; returns how many ended."""
        with self.store.writing() as tx:
            return tx.delete_sessions(user_id)
