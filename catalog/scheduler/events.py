"""Structured log lines: ``event=NAME key=value ...``, one per line, easy to grep and to parse."""

import logging
import sys
import time

log = logging.getLogger("catalog.scheduler")


def _value(value) -> str:
    text = "" if value is None else str(value)
    if not text or any(c in text for c in ' "=\n\t'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


def line(name: str, **fields) -> str:
    """The log line for event ``name`` with ``fields`` in the given order."""
    return " ".join([f"event={_value(name)}", *(f"{key}={_value(value)}" for key, value in fields.items())])


def emit(name: str, level: int = logging.INFO, **fields) -> None:
    """Log event ``name`` as one key=value line."""
    log.log(level, line(name, **fields))


def configure(stream=None) -> None:
    """Send the scheduler's and workers' events to ``stream`` (stderr) with a UTC timestamp and level."""
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter = logging.Formatter("ts=%(asctime)s level=%(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
