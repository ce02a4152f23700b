"""DCAT benchmarks: streaming the catalog as Turtle, and harvesting a big DCAT Turtle document.

    python -m benchmarks.dcat [--export N] [--harvest N] [--no-write]

1. Export: N generated dataset records (default 100,000) mapped to DCAT-AP 3 and streamed as Turtle
   to a byte-counting sink, in a fresh process (peak RSS is that process's). Baseline in the same run:
   the same records merely serialised as JSON lines. Targets: >= 5,000 datasets/s, peak RSS < 300 MB.
2. Harvest: a DCAT-AP 3 Turtle document of N datasets (default 10,000) served on 127.0.0.1; the DCAT
   harvester lists, checks against the DCAT-AP rules and maps every dataset (and again without the check). Baselines in the same run: rdflib and pyoxigraph merely parsing
   the same file. Target: >= 1,000 datasets/s end to end.
"""

import argparse
import json
import multiprocessing
import os
import resource
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor

from benchmarks.report import table, write_section

SITE_URL = "https://data.malangkota.go.id"


class Sink:
    """A binary file that only counts what is written."""

    def __init__(self):
        self.size = 0

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def records(count: int):
    """``count`` realistic dataset records, generated one at a time."""
    from tests.builders import make_dataset

    for n in range(count):
        record = make_dataset(id=str(uuid.UUID(int=n + 1)), name=f"dataset-{n}",
                              identifier=f"{SITE_URL}/dataset/d-{n}")
        for i, resource_ in enumerate(record["resources"]):
            resource_["id"] = str(uuid.UUID(int=10**9 + n * 10 + i))
        yield record


def _site():
    from catalog import schemas
    from catalog.dcat import Site

    return Site(url=SITE_URL, regions=schemas.region_names())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(count: int) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, bytes) of streaming ``count`` records as Turtle."""
    from catalog.dcat.documents import stream_catalog

    sink, start = Sink(), time.perf_counter()
    stream_catalog(records(count), _site(), "ttl", sink)
    return time.perf_counter() - start, _peak_mb(), sink.size


def run_json_floor(count: int) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, bytes) of writing the same records as JSON lines."""
    sink, start = Sink(), time.perf_counter()
    for record in records(count):
        sink.write(json.dumps(record).encode())
    return time.perf_counter() - start, _peak_mb(), sink.size


def make_document(count: int) -> bytes:
    """A DCAT-AP 3 Turtle catalog of ``count`` datasets."""
    import io

    from catalog.dcat.documents import stream_catalog

    output = io.BytesIO()
    stream_catalog(records(count), _site(), "ttl", output)
    return output.getvalue()


def run_rdflib_parse(path: str) -> tuple[float, float, int]:
    from rdflib import Graph

    start = time.perf_counter()
    graph = Graph().parse(path, format="turtle")
    return time.perf_counter() - start, _peak_mb(), len(graph)


def run_oxigraph_parse(path: str) -> tuple[float, float, int]:
    from pyoxigraph import RdfFormat, parse

    start = time.perf_counter()
    triples = sum(1 for _ in parse(path=path, format=RdfFormat.TURTLE))
    return time.perf_counter() - start, _peak_mb(), triples


def run_harvest(path: str, check: bool = True) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, datasets) of the DCAT harvester listing, checking (unless ``check`` is
    false) and mapping a served document."""
    import httpx
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Response

    from harvesters.dcat import DcatHarvester

    body = open(path, "rb").read()
    server = make_server("127.0.0.1", 0, lambda env, start: Response(body, content_type="text/turtle")(env, start))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpx.Client(timeout=60) as client:
            harvester = DcatHarvester({"url": f"http://127.0.0.1:{server.server_port}/catalog.ttl",
                                       "organization": "dinkes", "config": {"check_rules": check}}, client)
            start = time.perf_counter()
            done = sum(1 for item in harvester.items() if harvester.parse(item))
            seconds = time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()
    return seconds, _peak_mb(), done


def isolated(function, *args):
    """Run ``function`` in a fresh process so its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=int, default=100_000, help="datasets to export (default 100,000)")
    parser.add_argument("--harvest", type=int, default=10_000, help="datasets in the harvested document")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0]
    export = isolated(run_export, args.export)
    floor = isolated(run_json_floor, args.export)
    print(f"export: {export}, json floor: {floor}")
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".ttl") as handle:
        handle.write(make_document(args.harvest))
        handle.flush()
        size_mb = handle.tell() / 2**20
        rdflib_parse = isolated(run_rdflib_parse, handle.name)
        oxigraph_parse = isolated(run_oxigraph_parse, handle.name)
        harvest = isolated(run_harvest, handle.name)
        unchecked = isolated(run_harvest, handle.name, False)
    print(f"rdflib: {rdflib_parse}, pyoxigraph: {oxigraph_parse}, harvest: {harvest}, unchecked: {unchecked}")

    n, h = args.export, args.harvest
    body = table(["Export, Turtle streamed", "datasets", "seconds", "datasets/s", "peak RSS (MB)", "target"], [
        ["catalog export (map + streaming Turtle writer)", n, f"{export[0]:.1f}", f"{n / export[0]:,.0f}",
         f"{export[1]:.0f}", ">= 5,000/s, < 300 MB"],
        ["baseline: same records as JSON lines", n, f"{floor[0]:.1f}", f"{n / floor[0]:,.0f}", f"{floor[1]:.0f}", ""],
    ])
    body += f"\n\nTurtle written: {export[2] / 2**20:,.0f} MB; export takes {export[0] / floor[0]:.1f}x the JSON floor.\n\n"
    body += table(["Harvest, DCAT Turtle document", "datasets", "seconds", "datasets/s", "peak RSS (MB)", "target"], [
        ["DCAT harvester: fetch + parse + DCAT-AP rules check + map every dataset", h, f"{harvest[0]:.1f}",
         f"{h / harvest[0]:,.0f}", f"{harvest[1]:.0f}", ">= 1,000/s"],
        ["the same with the rules check off (check_rules: false)", h, f"{unchecked[0]:.1f}",
         f"{h / unchecked[0]:,.0f}", f"{unchecked[1]:.0f}", ""],
        ["baseline: rdflib only parsing the file", h, f"{rdflib_parse[0]:.1f}", f"{h / rdflib_parse[0]:,.0f}",
         f"{rdflib_parse[1]:.0f}", ""],
        ["reference: pyoxigraph only parsing the file", h, f"{oxigraph_parse[0]:.2f}", f"{h / oxigraph_parse[0]:,.0f}",
         f"{oxigraph_parse[1]:.0f}", ""],
    ])
    body += (f"\n\nDocument: {size_mb:.0f} MB, {rdflib_parse[2]:,} triples. The whole harvest takes "
             f"{harvest[0] / rdflib_parse[0]:.2f}x the time rdflib needs merely to parse the file. "
             f"The machine's {os.cpu_count()} cores were shared with other work during the run "
             f"(load average {load:.1f} when it started).")
    verdicts = [("export rate", n / export[0] >= 5000), ("export peak RSS", export[1] < 300),
                ("harvest rate", h / harvest[0] >= 1000)]
    body += "\n\nTargets: " + "; ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in verdicts) + "."
    print(body)
    if not args.no_write:
        write_section("dcat", "DCAT export and harvest", body)


if __name__ == "__main__":
    main()
