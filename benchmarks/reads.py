"""Store reads with every record screened: what the soundness check costs readers, against reading the
same rows unscreened in the same run, on SQLite.

    python -m benchmarks.reads [--datasets N] [--rounds N] [--no-write]

N realistic dataset records (default 20,000) are inserted as bare rows. Three readers are timed:
a full scan (``iter_datasets``, as package_list and current_package_list_with_resources read), the
published stream (``records.every``, as data.json and the DCAT export read), and 100-record pages
(``records.page``, as the DCAT catalog and the Atom feed read). The baseline selects the same rows
and turns each into a dict, without the check. Best of ``--rounds`` runs each.
"""

import argparse
import datetime as dt
import logging
import os
import tempfile
import time
import uuid

from sqlalchemy import insert, select

from benchmarks.report import table, write_section
from catalog import config as settings
from catalog.publish import records
from catalog.service import Catalog
from catalog.tables import datasets
from tests.builders import make_dataset, make_organization

PAGE = 100


def _fill(catalog: Catalog, count: int) -> None:
    stamp = dt.datetime(2026, 1, 1)
    with catalog.store.writing() as tx:
        organization_id = tx.organization_row("dinkes").id
        rows = []
        for n in range(count):
            record = make_dataset(name=f"dataset-{n:06d}", title=f"Data ke-{n} Kota Malang é")
            for resource in record["resources"]:
                resource["id"] = str(uuid.uuid4())
            record.update(id=str(uuid.uuid4()), state="active", metadata_created="2026-01-01T00:00:00.000000",
                          metadata_modified="2026-01-01T00:00:00.000000")
            rows.append({"id": record["id"], "name": record["name"], "organization_id": organization_id,
                         "state": "active", "private": False, "revision": 1, "data": record, "created": stamp,
                         "modified": stamp})
        for start in range(0, len(rows), 1000):
            tx.conn.execute(insert(datasets), rows[start:start + 1000])


def _unscreened_scan(catalog: Catalog, published: bool = False) -> int:
    conditions = records._filters(None, None) if published else [datasets.c.state == "active"]
    count, last = 0, ""
    while True:
        with catalog.store.reading() as tx:
            rows = tx.conn.execute(select(datasets.c.id, datasets.c.data).where(*conditions, datasets.c.id > last)
                                   .order_by(datasets.c.id).limit(500)).all()
        if not rows:
            return count
        count += sum(1 for row in rows if dict(row.data))
        last = rows[-1].id


def _unscreened_pages(catalog: Catalog, pages: int) -> int:
    count = 0
    for number in range(pages):
        with catalog.store.reading() as tx:
            query = (select(datasets.c.id, datasets.c.data).where(*records._filters(None, None))
                     .order_by(datasets.c.id).limit(PAGE).offset(number * PAGE))
            count += sum(1 for row in tx.conn.execute(query) if dict(row.data))
    return count


def _best(rounds: int, run) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    n, pages = args.datasets, min(50, args.datasets // PAGE)
    with tempfile.TemporaryDirectory() as home:
        catalog = Catalog.open(settings.load({"HOME": home, "SEARCH_BACKEND": "null"}, environ={}))
        catalog.init()
        catalog.create_organization(make_organization(), actor="bench")
        _fill(catalog, n)
        load = os.getloadavg()[0]

        def scan():
            with catalog.store.reading() as tx:
                assert sum(1 for _ in tx.iter_datasets()) == n

        measured = [
            ("full scan (iter_datasets)", n, _best(args.rounds, scan),
             _best(args.rounds, lambda: _unscreened_scan(catalog))),
            ("published stream (records.every)", n, _best(args.rounds, lambda: sum(1 for _ in records.every(catalog))),
             _best(args.rounds, lambda: _unscreened_scan(catalog, published=True))),
            (f"{pages} pages of {PAGE} (records.page)", pages * PAGE,
             _best(args.rounds, lambda: [records.page(catalog, k, PAGE) for k in range(1, pages + 1)]),
             _best(args.rounds, lambda: _unscreened_pages(catalog, pages))),
        ]
        catalog.close()
    rows = [[what, f"{count:,}", f"{count / screened:,.0f}", f"{count / plain:,.0f}", f"{screened / plain:.2f}"]
            for what, count, screened, plain in measured]
    body = (
        f"{n:,} realistic dataset records in SQLite (file, WAL). *screened* is how readers get records: each one\n"
        "passes the soundness check (a scan of its JSON text for traces of unstorable characters, the field\n"
        "types by jsonschema-rs, the catalog's own fields) before a reader sees it. *unscreened* selects the\n"
        "same rows with the same query and makes each a dict, in the same run. Best of "
        f"{args.rounds} rounds; load average at the start: {load:.1f}.\n\n"
        + table(["reader", "records", "screened records/s", "unscreened records/s", "screened ÷ unscreened time"],
                rows)
        + "\n\nCommand: `python -m benchmarks.reads`"
    )
    if not args.no_write:
        write_section("reads", "Store reads: records screened before readers see them", body)
    print(body)


if __name__ == "__main__":
    main()
