"""Writes one benchmark's figures into its own section of docs/performance.md, with machine and date."""

import datetime as dt
import os
import platform
import re
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def machine() -> str:
    """A one-line description of this machine: CPU model, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory_text = f", {memory:.0f} GiB"
    except (ValueError, OSError):
        memory_text = ""
    return f"{cpu}, {os.cpu_count()} cores{memory_text}, Python {platform.python_version()}"


def write_section(name: str, title: str, body: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace (or append) the section ``name`` of docs/performance.md with ``body`` under ``title``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- begin {name} -->\n## {title}\n\n"
        f"Measured {stamp} on {machine()}.\n\n{body.strip()}\n<!-- end {name} -->"
    )
    text = path.read_text("utf-8") if path.exists() else "# Performance\n"
    pattern = re.compile(rf"<!-- begin {re.escape(name)} -->.*?<!-- end {re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else f"{text.rstrip()}\n\n{section}\n"
    path.write_text(text if text.endswith("\n") else text + "\n", "utf-8")


def table(header: list[str], rows: list[list]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
