"""Declared settings: each has a name, a default that works on one machine, and one line of help.

Load order: defaults, then ``config.py`` in the instance folder, then ``CATALOG_<NAME>``
environment variables, then explicit overrides (tests pass these).
"""

import os
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "CATALOG_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = [
    Setting("HOME", "instance", "Instance folder: the SQLite database, search index, uploads and config.py."),
    Setting("DATABASE_URL", "", "SQLAlchemy URL of the store; empty means SQLite at HOME/catalog.db."),
    Setting("SQLITE_BUSY_TIMEOUT", 30.0, "Seconds a SQLite writer waits for another writer before giving up."),
    Setting("SEARCH_BACKEND", "embedded", "Search backend by name: embedded (no server, the default), elasticsearch or null (no search)."),
    Setting("SEARCH_URL", "", "Elasticsearch URL; setting it selects the elasticsearch backend."),
    Setting("SEARCH_INDEX", "catalog-datasets", "Elasticsearch alias for the datasets index; each rebuild creates a versioned index behind it."),
    Setting("SEARCH_TIMEOUT", 10.0, "Seconds an Elasticsearch request may take before the search counts as unavailable."),
    Setting("SEARCH_SYNONYMS", "", "Path of the synonyms file for search; empty means the shipped catalog/search/synonyms.txt, none means no synonyms."),
    Setting("SEARCH_STEMMER", "light", "Word stemming for the embedded backend: light (strip -nya), snowball (Indonesian Snowball) or none."),
    Setting("SITE_URL", "", "Public base URL of absolute links and of new datasets' IRIs; empty means each request's own address (http://127.0.0.1:5000 where there is no request: CLI exports, harvests)."),
    Setting("TRUSTED_PROXIES", 0, "Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port/-Prefix headers are believed; 0 believes none."),
    Setting("SITE_TITLE", "Portal Satu Data Kota Malang", "Name of the catalog shown on pages and in feeds."),
    Setting("DEFAULT_LANGUAGE", "id", "Language of `title` and `notes` and of the pages by default."),
    Setting("HARVEST_CONNECT_TIMEOUT", 10.0, "Seconds a harvest request may take to connect."),
    Setting("HARVEST_READ_TIMEOUT", 30.0, "Seconds a harvest request may wait for the next bytes."),
    Setting("HARVEST_DEADLINE", 120.0, "Seconds one harvest request may take in total, however the bytes trickle in."),
    Setting("HARVEST_MAX_BYTES", 50_000_000, "Largest response body a harvester accepts, in bytes."),
    Setting("HARVEST_RETRIES", 3, "Retries of a harvest request answered with 429 or 5xx."),
    Setting("HARVEST_BACKOFF", 1.0, "Seconds before the first retry; doubled on each further one."),
    Setting("HARVEST_MAX_RETRY_AFTER", 60.0, "Longest Retry-After wait (seconds) a harvester honours."),
    Setting("HARVEST_USER_AGENT", "", "User-Agent of harvest requests; empty means open-city-catalog/VERSION (+SITE_URL when it is set)."),
    Setting("HARVEST_WITHDRAW_LIMIT", 0.2, "Largest share of a source's datasets one harvest may withdraw (a source's config withdraw_limit overrides it)."),
    Setting("HARVEST_LEASE_SECONDS", 900, "Seconds a harvest's source lock lasts without renewal; a killed run's lock expires after it."),
    Setting("HARVEST_BATCH_SIZE", 200, "Datasets written per transaction during a harvest."),
    Setting("SECRET_KEY", "", "Key that signs cookies (never enough to make a session); empty means one generated and kept in HOME."),
    Setting("SESSION_LIFETIME", 28800, "Seconds a sign-in to /admin lasts before the person must sign in again."),
    Setting("RATE_LIMIT_WRITE", "60/minute", "Writes (API actions that change data, form posts) allowed per address and per token; empty means no limit."),
    Setting("RATE_LIMIT_SEARCH", "120/minute", "Searches (package_search and the like, the search pages) allowed per address and per token; empty means no limit."),
    Setting("RATE_LIMIT_SIGN_IN", "10/minute", "Sign-in attempts allowed per address; empty means no limit."),
    Setting("API_MAX_BODY", 1048576, "Largest JSON or form body the Action API accepts, in bytes."),
    Setting("UPLOAD_MAX_SIZE", 52428800, "Largest resource file accepted by upload, in bytes."),
    Setting("PREVIEW_MAX_BYTES", 5_000_000, "Largest CSV or XLSX file (bytes) that a resource preview fetches."),
    Setting("PREVIEW_TIMEOUT", 10.0, "Seconds a resource preview may spend fetching its file."),
    Setting("PREVIEW_ALLOWED_HOSTS", "", "Comma-separated host:port pairs on loopback or private networks that previews may fetch from (a bare host means ports 80 and 443)."),
    Setting("QUEUE_URL", "", "Redis URL (redis://host:6379/0) of the harvest job queue; empty runs jobs in the scheduler."),
    Setting("HARVEST_RUNNER", "catalog.harvest:run_harvest", "module:function that runs one harvest of a source."),
    Setting("SCHEDULER_TICK", 5.0, "Seconds between two checks of the scheduler for due sources."),
    Setting("SCHEDULER_JITTER", 900.0, "Largest per-source delay in seconds added to schedules (at most a tenth of the interval)."),
    Setting("SCHEDULER_TIMEZONE", "Asia/Jakarta", "Time zone in which cron fields and schedule words are read."),
    Setting("SCHEDULER_STOP_GRACE", 30.0, "Seconds a stopping scheduler lets a running job finish before abandoning it."),
    Setting("SCHEDULER_PENDING_TIMEOUT", 3600.0, "Seconds a queued job may wait for a worker before it is queued again."),
    Setting("ALERT_FAILURE_STREAK", 2, "Failed runs in a row after which a source is shown as alerting."),
    Setting("ALERT_WEBHOOK_URL", "", "URL that receives a JSON POST when a source starts alerting; empty sends none."),
]

DEFAULTS = {s.name: s.default for s in SETTINGS}


def setting(config, name: str) -> Any:
    """The value of declared setting ``name`` in ``config``, or its declared default when absent."""
    return config.get(name, DEFAULTS[name])


def _coerce(name: str, raw: str) -> Any:
    default = DEFAULTS.get(name)
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def from_env(environ=None) -> dict:
    """Settings given as ``CATALOG_<NAME>`` environment variables, typed like their defaults."""
    environ = os.environ if environ is None else environ
    found = {}
    for key, raw in environ.items():
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX):] in DEFAULTS:
            name = key[len(ENV_PREFIX):]
            found[name] = _coerce(name, raw)
    return found


def from_instance_file(home: Path) -> dict:
    """UPPER_CASE names assigned in HOME/config.py, if that file exists."""
    path = Path(home) / "config.py"
    if not path.is_file():
        return {}
    values = runpy.run_path(str(path))
    return {k: v for k, v in values.items() if k.isupper()}


def load(overrides: dict | None = None, environ=None) -> dict:
    """The effective settings as a plain dict, with HOME made absolute and DATABASE_URL filled in."""
    overrides = dict(overrides or {})
    env = from_env(environ)
    home = Path(overrides.get("HOME") or env.get("HOME") or DEFAULTS["HOME"]).resolve()
    config = dict(DEFAULTS)
    config.update(from_instance_file(home))
    config.update(env)
    config.update(overrides)
    config["HOME"] = str(home)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{home / 'catalog.db'}"
    if config["SEARCH_URL"] and config["SEARCH_BACKEND"] in {"null", "embedded"}:
        config["SEARCH_BACKEND"] = "elasticsearch"
    return config


def secret_key(config: dict) -> str:
    """SECRET_KEY, or a random key created once and kept in HOME/secret_key."""
    if config.get("SECRET_KEY"):
        return config["SECRET_KEY"]
    path = Path(config["HOME"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
