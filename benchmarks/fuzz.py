"""Mutation fuzzing at scale: COUNT broken variants per protocol, each harvested like the CI sample.

    python -m benchmarks.fuzz [--count 10000] [--seed 20261204] [--protocols ckan,datajson,...]

Each variant (``tests/mutation.py``) is served on a loopback HTTP server and harvested through the
real runner and harvester next to a healthy control source, in the loop ``catalog harvest run --all``
uses (``tests/fuzzing.py``), on a SQLite instance in a temporary folder (a fresh one every
``--per-instance`` variants, so the store stays small); ``--jobs`` protocols run at once, one process
each, and the figures are written as each protocol finishes. Writes per protocol: documents, uncaught
exceptions, jobs left running, other broken properties, statuses and seconds to docs/performance.md.
The figures are written even when a property broke, and the command then exits with status 1.
"""

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from benchmarks.report import table, write_section
from catalog import config as settings
from catalog.service import Catalog
from tests.builders import make_organization
from tests.contracts.harvester import POLICY
from tests.fuzzing import Findings, Fuzzer, FuzzSite
from tests.mutation import PROTOCOLS, Mutator

SEED = 20261204


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fuzz(protocol: str, count: int, seed: int, per_instance: int) -> tuple[str, Findings, float]:
    """Harvest ``count`` variants of ``protocol``; returns the protocol, what was found and the seconds it took."""
    combined = Findings()
    started = time.perf_counter()
    mutator = Mutator(seed)
    site = FuzzSite()
    logging.disable(logging.CRITICAL)  # every broken record logs; the figures are what counts here
    try:
        for start in range(0, count, per_instance):
            home = tempfile.mkdtemp(prefix="catalog-fuzz-")
            catalog = Catalog.open(settings.load({"HOME": home}, environ={}))
            try:
                catalog.init()
                catalog.config.update(POLICY)
                organization = catalog.create_organization(make_organization(), actor="fuzz")
                fuzzer = Fuzzer(catalog, site, organization["name"])
                for variant in mutator.variants(protocol, min(per_instance, count - start), start=start):
                    fuzzer.run(variant)
                found = fuzzer.findings
                combined.documents[protocol] += found.documents[protocol]
                combined.uncaught[protocol] += found.uncaught[protocol]
                combined.left_running[protocol] += found.left_running[protocol]
                combined.problems += found.problems
                for status, number in found.statuses[protocol].items():
                    combined.statuses[protocol][status] = combined.statuses[protocol].get(status, 0) + number
            finally:
                catalog.close()
                shutil.rmtree(home, ignore_errors=True)
            done = min(start + per_instance, count)
            print(f"{protocol}: {done:,} of {count:,} in {time.perf_counter() - started:,.0f} s", file=sys.stderr,
                  flush=True)
    finally:
        site.close()
    return protocol, combined, time.perf_counter() - started


def _report(args, results: dict, pending: list[str], load_before: float) -> tuple[str, list]:
    """The section's text for the protocols finished so far, and every broken property they found."""
    rows, problems = [], []
    for protocol, (found, seconds) in results.items():
        statuses = ", ".join(f"{s} {n:,}" for s, n in sorted(found.statuses[protocol].items()))
        rows.append([protocol, f"{found.documents[protocol]:,}", found.uncaught[protocol],
                     found.left_running[protocol], len(found.problems), statuses, f"{seconds:,.0f}"])
        problems += found.problems
    body = (
        f"`python -m benchmarks.fuzz --count {args.count}` (seed {args.seed}, commit {_commit()}, {args.jobs} "
        "processes): broken variants of the real-world documents in `../shared/realworld/` and of the demo's "
        "sources, each served on loopback and harvested by the real runner beside a healthy source in the "
        f"`harvest run --all` loop, on SQLite. Load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} "
        f"at the last protocol's end, on {os.cpu_count()} cores.\n\n"
        + table(["protocol", "documents", "uncaught exceptions", "jobs left running", "broken properties (all)",
                 "job statuses", "seconds"], rows)
        + "\n\nA failed job is the expected outcome for a document that cannot be read at all (truncated, "
        "flipped bytes, an error page); every other broken record fails alone and the rest is imported.\n"
    )
    if pending:
        body += f"\nNot finished when this was written: {', '.join(pending)}.\n"
    if problems:
        body += "\nFirst broken properties:\n\n" + "\n".join(f"- {p}" for p in problems[:10]) + "\n"
    return body, problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="variants per protocol (default 10,000)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"mutator seed (default {SEED})")
    parser.add_argument("--protocols", default=",".join(PROTOCOLS), help="comma-separated protocols")
    parser.add_argument("--per-instance", type=int, default=500, help="variants per fresh catalog instance")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="protocols fuzzed at once (processes)")
    args = parser.parse_args(argv)
    protocols = [p for p in args.protocols.split(",") if p]
    load_before = os.getloadavg()[0]
    results, problems = {}, []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        running = [pool.submit(fuzz, p, args.count, args.seed, args.per_instance) for p in protocols]
        for future in as_completed(running):
            protocol, found, seconds = future.result()
            results[protocol] = (found, seconds)
            # written after every protocol, so a run stopped early still leaves the figures it measured
            body, problems = _report(args, results, [p for p in protocols if p not in results], load_before)
            write_section("fuzz", "Harvest mutation fuzzing", body)
    print(body)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
