"""Who may use the operator's view: sysadmins, by API token (Authorization header) or a signed-in session.

Signing in with a token starts a server-side session (``Accounts.start_session``): the cookie
carries only that session's random id, never the token or its hash, and every request checks
that the session is still live (not expired, not ended, its token not revoked, its user an
active sysadmin). The cookie is ``HttpOnly``, ``SameSite=Lax`` and ``Secure`` whenever the request
came over HTTPS (directly or, with ``TRUSTED_PROXIES``, through the proxy). Every form carries a
CSRF token kept in the same signed cookie.
"""

import hmac
import secrets

from flask import abort, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

from catalog.api.http import presented_token
from catalog.config import setting

SESSION_KEY = "admin_session"
CSRF_KEY = "admin_csrf"


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` exactly when the request is HTTPS and ``SameSite=Lax`` unless set otherwise."""

    def get_cookie_secure(self, app) -> bool:
        return request.is_secure if has_request_context() else bool(app.config.get("SESSION_COOKIE_SECURE"))

    def get_cookie_samesite(self, app) -> str:
        return app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"


def init_app(app) -> None:
    """Give ``app`` the session cookie's policy."""
    app.session_interface = CookieSessions()
    app.config["SESSION_COOKIE_HTTPONLY"] = True


def _accounts():
    return current_app.extensions["catalog"].accounts


def current_admin() -> tuple[str | None, bool]:
    """(sysadmin name or None, whether the request came with a header token rather than a cookie)."""
    token = presented_token()
    if token:
        user = _accounts().user_for_token(token)
        return (user.name if user and user.sysadmin else None), True
    user = session_user()
    return (user.name if user and user.sysadmin else None), False


def session_user():
    """The user of this browser's live session, or None."""
    session_id = session.get(SESSION_KEY)
    return _accounts().session_user(session_id) if isinstance(session_id, str) else None


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_KEY]


def check_csrf() -> None:
    """Refuse a form POST whose CSRF token does not match the session's (403)."""
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, "The form has expired or did not come from this site; reload the page and try again.")


def log_in(token: str) -> str | None:
    """Start a session for a sysadmin's token; returns the sysadmin's name, or None for any other token."""
    accounts = _accounts()
    user = accounts.user_for_token(token.strip())
    if user is None or not user.sysadmin:
        return None
    started = accounts.start_session(token.strip(), seconds=setting(current_app.config, "SESSION_LIFETIME"))
    if started is None:
        return None
    session.clear()
    session[SESSION_KEY] = started[0]
    csrf_token()
    return user.name


def log_out() -> None:
    """End every session of this browser's user (copies of the cookie included) and clear the cookie."""
    user = session_user()
    if user is not None:
        _accounts().end_sessions(user.id)
    session.clear()
