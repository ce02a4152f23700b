"""Who may use the operator's view: sysadmins, by API token (Authorization header) or a token login.

Tokens are the API's (``catalog.accounts``): only their hash is stored, in ``api_tokens.token_hash``.
A browser session keeps that hash and a CSRF token; every request checks again that the token is live and its user a sysadmin.
"""

import hmac
import secrets

from flask import abort, current_app, request, session
from sqlalchemy import and_, or_, select

from catalog.accounts import hash_token
from catalog.api.http import presented_token
from catalog.store.common import now
from catalog.tables import api_tokens, users

SESSION_KEY = "admin_token_hash"
CSRF_KEY = "admin_csrf"


def sysadmin_for(catalog, hashed: str) -> str | None:
    """The name of the active sysadmin owning the live token with this hash, or None."""
    live = and_(api_tokens.c.token_hash == hashed, api_tokens.c.revoked.is_(None),
                or_(api_tokens.c.expires.is_(None), api_tokens.c.expires > now()))
    query = (select(users.c.name).join(api_tokens, api_tokens.c.user_id == users.c.id)
             .where(live, users.c.sysadmin.is_(True), users.c.state == "active"))
    with catalog.store.reading() as tx:
        return tx.conn.execute(query).scalar()


def current_admin() -> tuple[str | None, bool]:
    """(sysadmin name or None, whether the request came with a header token rather than a cookie)."""
    catalog = current_app.extensions["catalog"]
    token = presented_token()
    if token:
        return sysadmin_for(catalog, hash_token(token)), True
    hashed = session.get(SESSION_KEY)
    return (sysadmin_for(catalog, hashed) if hashed else None), False


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_KEY]


def check_csrf() -> None:
    """Refuse a form POST whose CSRF token does not match the session's (403)."""
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(403, "The form has expired or did not come from this site; reload the page and try again.")


def log_in(token: str) -> str | None:
    """Start a session for a sysadmin's token; returns the sysadmin's name, or None for a bad token."""
    hashed = hash_token(token.strip())
    name = sysadmin_for(current_app.extensions["catalog"], hashed)
    if name:
        session.clear()
        session[SESSION_KEY] = hashed
        csrf_token()
    return name
