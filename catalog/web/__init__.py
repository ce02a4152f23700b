"""Citizen web pages: home, dataset search and pages, resource previews, agencies, error pages.

Server-rendered Jinja with one stylesheet and no script; every asset is served by the app.
"""

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import BadHost, HTTPException

from catalog.config import setting
from catalog.errors import CatalogError
from catalog.web import i18n, limits, security, text

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


def catalog():
    """The catalog of the running app."""
    return current_app.extensions["catalog"]


def _template_helpers() -> dict:
    language = i18n.current_language()
    return {
        "language": language,
        "languages": i18n.LANGUAGES,
        "site_title": setting(current_app.config, "SITE_TITLE"),
        "t": lambda record, field: text.localized(record or {}, field, language),
        "human_size": text.human_size,
        "current_path": request.full_path.rstrip("?") if request else "/",
    }


def _error_page(status: int, message: str):
    titles = {
        400: _("Permintaan tidak dapat dipahami"),
        404: _("Halaman tidak ditemukan"),
        429: _("Terlalu banyak permintaan; coba lagi sebentar lagi"),
        500: _("Terjadi kesalahan pada server"),
        503: _("Layanan sedang tidak tersedia"),
    }
    title = titles.get(status, _("Terjadi kesalahan"))
    if isinstance(request.routing_exception, BadHost):  # no link can be built for a Host that is not a host name
        return Response(f"{status} {title}\n", status=status, mimetype="text/plain")
    return render_template("error.html", status=status, title=title, message=message), status


def _handle_http_error(error: HTTPException):
    if request.path.startswith("/api/") or error.code is None or error.code < 400:
        return error
    message = _("Alamat yang Anda buka tidak ada di katalog ini.") if error.code == 404 else ""
    return _error_page(error.code, message)


@bp.errorhandler(CatalogError)
def _handle_catalog_error(error: CatalogError):
    if error.status == 404:
        return _error_page(404, _("Data yang Anda cari tidak ada atau sudah tidak diterbitkan."))
    return _error_page(error.status, error.message if error.status < 500 else "")


def _handle_too_many(error: RateLimitExceeded):
    page, status = _error_page(429, _("Anda mengirim terlalu banyak permintaan dalam waktu singkat."))
    response = current_app.make_response((page, status))
    response.headers["Retry-After"] = str(limits.retry_after())
    return response


def _handle_server_error(error):
    if request.path.startswith("/api/"):
        return error
    original = getattr(error, "original_exception", None) or error
    current_app.logger.error("page failed: %s %s", request.method, request.path, exc_info=original)
    return _error_page(500, _("Silakan coba lagi nanti."))


def init_app(app) -> None:
    """Register the pages, languages, security headers, rate limits and error pages on ``app``."""
    from catalog.web import datasets, organizations, search  # noqa: F401  (their routes join bp)

    i18n.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    app.context_processor(_template_helpers)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(RateLimitExceeded, _handle_too_many)
    app.register_error_handler(500, _handle_server_error)
    app.register_blueprint(bp)
