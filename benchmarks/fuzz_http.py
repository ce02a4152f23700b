"""Fuzzed requests against a served instance: how many answered 5xx, carried a traceback or went unanswered.

``python -m benchmarks.fuzz_http [--count 10000] [--seed N] [--database-url URL] [--setting NAME=VALUE ...]``
builds a temporary instance populated as the fuzz test's (tests/fuzz_run.py), serves it with werkzeug's
threaded server on 127.0.0.1, sends the seeded hostile requests one at a time through a real socket,
prints each distinct failure with a request that reproduces it, and writes the figures to
docs/performance.md. ``--setting`` overrides a declared setting of the served instance (for example
to raise a rate limit, so that the run measures failures rather than throttling; 429 counts as an
answer, not a failure). Exit status 1 when any request failed.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import table, write_section

ROOT = Path(__file__).resolve().parent.parent


def _commit() -> str:
    """The checked-out commit, marked when the tree has uncommitted changes to code."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    changed = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines()
               if not line.endswith("docs/performance.md")]
    return (git("rev-parse", "--short", "HEAD") or "unknown") + (" with uncommitted changes" if changed else "")


def _overrides(pairs: list[str]) -> dict:
    from catalog import config as settings

    found = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in settings.DEFAULTS:
            raise SystemExit(f"--setting {pair}: {name} is not a declared setting")
        found.update(settings.from_env({f"{settings.ENV_PREFIX}{name}": value}))
    return found


def run(count: int, seed: int, database_url: str, overrides: dict):
    """Serve a fresh instance and fuzz it; returns the Report."""
    from catalog import config as settings
    from catalog.app import create_app
    from tests.fuzz_run import FUZZ_SETTINGS, Fuzzer, populate
    from tests.loopback import serve

    with tempfile.TemporaryDirectory() as home:
        config = settings.load({"HOME": home, "DATABASE_URL": database_url, **FUZZ_SETTINGS, **overrides},
                               environ={})
        app = create_app(config)
        catalog = app.extensions["catalog"]
        catalog.init()
        tokens, state = populate(catalog)
        try:
            with serve(app) as base_url:
                return Fuzzer(base_url, app, tokens, state).run(count, seed)
        finally:
            catalog.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="Requests to send.")
    parser.add_argument("--seed", type=int, default=None, help="Seed of the run (default: a random one, printed).")
    parser.add_argument("--database-url", default="", help="An empty database to use instead of SQLite.")
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="A setting of the served instance (repeatable).")
    options = parser.parse_args(argv)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    overrides = _overrides(options.setting)
    load_before = os.getloadavg()[0]
    report = run(options.count, seed, options.database_url, overrides)
    load_after = os.getloadavg()[0]
    print(report.summary(examples=2))
    database = "PostgreSQL" if options.database_url.startswith("postgresql") else "SQLite"
    rows = [[f"{report.requests:,}", report.server_errors, report.count("traceback"), report.count("no answer"),
             report.count("malformed"), report.count("logged error"), report.count("stopped serving"),
             report.statuses.get(429, 0), f"{report.seconds:.0f}", f"{report.requests / report.seconds:.0f}", seed]]
    body = (
        f"Commit {_commit()}; {database} instance with two agencies, five datasets, a harvest source and five "
        f"accounts, served by werkzeug's threaded server on 127.0.0.1; requests sent one at a time, drawn by "
        f"hypothesis (tests/fuzz_requests.py) as anonymous, agency editors, a sysadmin token, an admin session and "
        f"a bad token ({', '.join(f'{k} {v:,}' for k, v in sorted(report.identities.items()))}); "
        f"load average {load_before:.1f} before and {load_after:.1f} after, on {os.cpu_count()} cores."
        + (f" Settings: {', '.join(options.setting)}." if options.setting else "") + "\n\n"
        + table(["requests", "5xx", "tracebacks", "unanswered", "malformed bodies", "errors logged behind a 4xx",
                 "health failures", "429", "seconds", "requests/s", "seed"], rows)
        + "\n\nStatuses: " + ", ".join(f"{status} × {n:,}" for status, n in sorted(
            report.statuses.items(), key=lambda item: (item[0] is None, item[0] or 0))) + "."
    )
    groups = sorted(report.groups().items(), key=lambda item: -len(item[1]))
    if groups:
        body += "\n\nFailures, most frequent first:\n\n" + "\n".join(
            f"- {len(found)} × {kind} {status or ''} at `{label}`: {detail[:200]}"
            for (kind, label, status, detail), found in groups[:15])
    write_section("fuzz_http", "HTTP fuzzing (`python -m benchmarks.fuzz_http --count 10000`)", body)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
