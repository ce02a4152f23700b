"""``/healthz``: whether the store is reachable and migrated, how far the index lags, and which datasets
are quarantined (their stored record cannot be served; the catalog keeps serving everything else)."""

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
                report["quarantine"] = _quarantine(tx)
                if report["quarantine"]["count"]:
                    report["status"] = "degraded"
    except SQLAlchemyError as error:
        current_app.logger.error("health check: database unreachable: %s", error)
        report["database"] = "unreachable"
    if report["database"] != "ok":
        report["status"] = "error"
        return jsonify(report), 503
    return jsonify(report)


QUARANTINE_LISTED = 20


def _quarantine(tx) -> dict:
    """How many datasets are quarantined, and the most recent of them with their problems."""
    listed = [{"id": e["dataset_id"], "name": e["name"], "problems": e["problems"], "found": e["found"].isoformat()}
              for e in tx.quarantined(limit=QUARANTINE_LISTED)]
    return {"count": tx.quarantine_size(), "datasets": listed}
