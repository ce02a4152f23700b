"""``/admin``: the operator's view of every harvest source's health, its jobs, "run now", and the quarantine."""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from catalog.admin import auth
from catalog.errors import NotFound
from catalog.scheduler.core import Scheduler
from catalog.scheduler.health import source_health

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def sysadmin_required(view):
    """Let sysadmins through; send others to the login page (or 403 for a token that is not a sysadmin's)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        name, by_header = auth.current_admin()
        if name is None:
            if by_header:
                abort(403, "This token does not belong to a sysadmin.")
            return redirect(url_for("admin.login"))
        if request.method == "POST" and not by_header:
            auth.check_csrf()
        g.admin = name
        return view(*args, **kwargs)

    return wrapper


@bp.record_once
def _session_policy(state):
    auth.init_app(state.app)


@bp.after_request
def _secure(response):
    response.headers.update(SECURITY_HEADERS)
    return response


@bp.app_context_processor
def _csrf():
    return {"csrf_token": auth.csrf_token}


@bp.get("/")
@sysadmin_required
def sources():
    catalog = current_app.extensions["catalog"]
    rows = source_health(catalog)
    alerting = [row for row in rows if row["alerting"]]
    with catalog.store.reading() as tx:
        quarantined = tx.quarantine_size()
    return render_template("admin/sources.html", rows=rows, alerting=alerting, quarantined=quarantined,
                           threshold=catalog.config["ALERT_FAILURE_STREAK"])


@bp.get("/quarantine")
@sysadmin_required
def quarantine():
    """Datasets whose stored record cannot be served, with every problem found, newest first."""
    with current_app.extensions["catalog"].store.reading() as tx:
        entries = tx.quarantined()
    return render_template("admin/quarantine.html", entries=entries)


@bp.post("/source/<name>/run")
@sysadmin_required
def run_now(name):
    catalog = current_app.extensions["catalog"]
    try:
        Scheduler(catalog, dispatcher=None).request_run(name)
    except NotFound:
        abort(404, f"No harvest source {name}")
    flash(f"{name} will start on the scheduler's next check.")
    return redirect(url_for("admin.sources"))


ENTRIES_SHOWN = 500


@bp.get("/job/<job_id>")
@sysadmin_required
def job(job_id):
    try:
        found = current_app.extensions["catalog"].harvest_job(job_id)
    except NotFound:
        abort(404, f"No harvest job {job_id}")
    return render_template("admin/job.html", job=found, limit=ENTRIES_SHOWN)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        auth.check_csrf()
        if auth.log_in(request.form.get("token", "")):
            return redirect(url_for("admin.sources"))
        flash("That token is not a live sysadmin token.")
        return render_template("admin/login.html"), 403
    return render_template("admin/login.html")


@bp.post("/logout")
def logout():
    auth.check_csrf()
    auth.log_out()
    return redirect(url_for("admin.login"))
