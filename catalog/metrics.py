"""``/metrics``: harvest jobs by status, datasets by agency and each source's health, in Prometheus text format."""

from flask import Blueprint, Response, current_app

from catalog.scheduler.health import source_health
from catalog.store.common import now

bp = Blueprint("metrics", __name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, help_text: str, samples: list[tuple[dict, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for labels, value in samples:
        rendered = ",".join(f'{key}="{_label(val)}"' for key, val in labels.items())
        lines.append(f"{name}{{{rendered}}} {value:g}" if rendered else f"{name} {value:g}")
    return lines


def render(catalog) -> str:
    """The whole exposition, one family after another."""
    with catalog.store.reading() as tx:
        jobs = tx.jobs_by_status()
        by_org = tx.datasets_by_organization()
    health = source_health(catalog)
    moment = now()
    lines = []
    lines += _family("catalog_harvest_jobs", "Harvest jobs by status.",
                     [({"status": status}, count) for status, count in sorted(jobs.items())])
    lines += _family("catalog_datasets", "Active datasets by organization.",
                     [({"organization": name}, count) for name, count in by_org.items()])
    lines += _family("catalog_source_last_success_age_seconds",
                     "Seconds since the source's last successful harvest (absent if it never succeeded).",
                     [({"source": h["name"]}, (moment - h["last_success"]).total_seconds())
                      for h in health if h["last_success"]])
    lines += _family("catalog_source_failure_streak", "Failed harvests in a row, newest first.",
                     [({"source": h["name"]}, h["failure_streak"]) for h in health])
    lines += _family("catalog_source_alerting", "1 while the source's failure streak is at the alert threshold.",
                     [({"source": h["name"]}, int(h["alerting"])) for h in health])
    return "\n".join(lines) + "\n"


@bp.get("/metrics")
def metrics():
    return Response(render(current_app.extensions["catalog"]), content_type=CONTENT_TYPE)
