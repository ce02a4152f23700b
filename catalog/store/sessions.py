"""Sign-in sessions: kept by the hash of their random id, each tied to a user and the token it began with."""

from sqlalchemy import delete, insert, or_, select

from catalog.store.common import now
from catalog.tables import api_tokens, sessions, users


class SessionQueries:
    """Queries on the ``sessions`` table."""

    def insert_session(self, *, id_hash: str, user_id: str, token_id: str, expires) -> None:
        """Store a new session by the hash of its id."""
        self.conn.execute(insert(sessions).values(id_hash=id_hash, user_id=user_id, token_id=token_id,
                                                  created=now(), expires=expires))

    def live_session(self, id_hash: str):
        """The unexpired session with this id hash whose user is active and whose token is live, or None.

        The row carries the user's id, name and sysadmin flag.
        """
        moment = now()
        query = (
            select(sessions.c.user_id, users.c.name, users.c.sysadmin)
            .join(users, users.c.id == sessions.c.user_id)
            .join(api_tokens, api_tokens.c.id == sessions.c.token_id)
            .where(
                sessions.c.id_hash == id_hash, sessions.c.expires > moment, users.c.state == "active",
                api_tokens.c.revoked.is_(None),
                or_(api_tokens.c.expires.is_(None), api_tokens.c.expires > moment),
            )
        )
        return self.conn.execute(query).first()

    def delete_sessions(self, user_id: str) -> int:
        """End every session of a user; returns how many there were."""
        return self.conn.execute(delete(sessions).where(sessions.c.user_id == user_id)).rowcount

    def delete_sessions_of_token_owner(self, token_id: str) -> int:
        """End every session of the user who owns the token; returns how many there were."""
        owner = select(api_tokens.c.user_id).where(api_tokens.c.id == token_id).scalar_subquery()
        return self.conn.execute(delete(sessions).where(sessions.c.user_id == owner)).rowcount

    def delete_expired_sessions(self) -> int:
        """Forget sessions past their expiry; returns how many."""
        return self.conn.execute(delete(sessions).where(sessions.c.expires <= now())).rowcount
