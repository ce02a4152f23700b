"""Languages of the pages: Indonesian by default, English by choice, remembered in a cookie.

Interface strings are written in Indonesian in the templates and code; ``translations/en`` holds
their English. The compiled ``messages.mo`` is committed beside its ``messages.po`` (a test checks
that they agree), so an installed package needs no build step.
"""

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request
from flask_babel import Babel, get_locale

from catalog.config import setting

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

bp = Blueprint("language", __name__)


def default_language() -> str:
    """The configured page language, or Indonesian when the setting names one we do not have."""
    configured = setting(current_app.config, "DEFAULT_LANGUAGE")
    return configured if configured in LANGUAGES else "id"


def select_locale() -> str:
    """The language cookie when it names a known language, else the default."""
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else default_language()


def current_language() -> str:
    """The language code of the page being rendered."""
    return str(get_locale() or "id")


def init_app(app) -> None:
    """Set up Flask-Babel on ``app`` with the catalog's translations and locale choice."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "id")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.get("/language/<code>")
def choose(code: str):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")), code=303)
    response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response
