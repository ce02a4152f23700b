"""``/healthz``: whether the store is reachable and migrated, and how far the index lags."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from catalog import __version__

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    catalog = current_app.extensions["catalog"]
    report = {"status": "ok", "version": __version__, "search_backend": current_app.config["SEARCH_BACKEND"]}
    try:
        report["database"] = "ok" if catalog.store.is_current() else "not migrated: run `catalog init`"
        if report["database"] == "ok":
            with catalog.store.reading() as tx:
                report["datasets"] = tx.count_datasets()
                report["index_backlog"] = tx.outbox_size()
    except SQLAlchemyError as error:
        current_app.logger.error("health check: database unreachable: %s", error)
        report["database"] = "unreachable"
    if report["database"] != "ok":
        report["status"] = "error"
        return jsonify(report), 503
    return jsonify(report)
