"""Store write throughput: datasets created through the service (validation, revision, outbox) per
second, against the same records inserted as bare rows in the same run, on SQLite and PostgreSQL.

    python -m benchmarks.store [--datasets N] [--postgres URL]
"""

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from benchmarks.report import table, write_section
from catalog import config as settings
from catalog.service import Catalog
from catalog.tables import datasets
from tests.builders import make_dataset, make_organization


def _records(count: int) -> list[dict]:
    return [make_dataset(name=f"dataset-{n:06d}") for n in range(count)]


def _service_rate(url: str, home: Path, count: int, backend: str = "null") -> tuple[float, float]:
    """Datasets/s through Catalog.create_dataset, and patches/s through Catalog.patch_dataset."""
    config = {"HOME": str(home / backend), "DATABASE_URL": url, "SEARCH_BACKEND": backend}
    catalog = Catalog.open(settings.load(config, environ={}))
    catalog.init()
    catalog.create_organization(make_organization(), actor="bench")
    records = _records(count)
    start = time.perf_counter()
    for record in records:
        catalog.create_dataset(record, actor="bench")
    created = count / (time.perf_counter() - start)
    start = time.perf_counter()
    for record in records:
        catalog.patch_dataset(record["name"], {"unit": "jiwa"}, actor="bench")
    patched = count / (time.perf_counter() - start)
    catalog.close()
    return created, patched


def _bare_rate(url: str, count: int) -> float:
    """Rows/s inserting the same JSON records into the datasets table, one transaction each."""
    engine = create_engine(url)
    with engine.begin() as conn:
        org_id = conn.execute(text("SELECT id FROM organizations LIMIT 1")).scalar()
    rows = [
        {"id": str(uuid.uuid4()), "name": f"bare-{n:06d}", "organization_id": org_id, "state": "active",
         "private": False, "revision": 1, "data": record}
        for n, record in enumerate(_records(count))
    ]
    stamp = dt.datetime(2026, 1, 1)
    start = time.perf_counter()
    for row in rows:
        with engine.begin() as conn:
            conn.execute(insert(datasets).values(**{**row, "created": stamp, "modified": stamp}))
    rate = count / (time.perf_counter() - start)
    engine.dispose()
    return rate


def _postgres_database(admin_url: str):
    name = f"catalog_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        sqlite_url = f"sqlite:///{home / 'bench.db'}"
        results.append(("SQLite (file, WAL)", *_service_rate(sqlite_url, home, args.datasets),
                        _bare_rate(sqlite_url, args.datasets)))
        indexed_url = f"sqlite:///{home / 'indexed.db'}"
        indexed = _service_rate(indexed_url, home, args.datasets // 4, backend="embedded")
        try:
            admin, name = _postgres_database(args.postgres)
        except Exception as error:  # the benchmark still reports SQLite without a server
            print(f"PostgreSQL skipped: {error.__class__.__name__}")
        else:
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            results.append(("PostgreSQL 15 (loopback)", *_service_rate(url, home, args.datasets),
                            _bare_rate(url, args.datasets)))
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    rows = [[db, f"{c:,.0f}", f"{p:,.0f}", f"{b:,.0f}", f"{c / b:.2f}"] for db, c, p, b in results]
    rows.append(["SQLite, each write also committed to the embedded index", f"{indexed[0]:,.0f}",
                 f"{indexed[1]:,.0f}", "", ""])
    body = (
        f"{args.datasets:,} realistic dataset records (two resources each), one transaction per write.\n"
        "*create* and *patch* go through the service: schema validation, organization check, revision row,\n"
        "search outbox row, with no search backend. *bare insert* writes the same JSON as a plain row in the\n"
        "same run: the floor the store's bookkeeping is measured against. The last row adds what the API's\n"
        "single writes cost with the default embedded index: one index commit per write (harvests index once\n"
        "per run instead).\n\n"
        + table(["database", "create/s", "patch/s", "bare insert/s", "create ÷ bare"], rows)
        + "\n\nCommand: `python -m benchmarks.store`"
    )
    write_section("store", "Store writes", body)
    print(body)


if __name__ == "__main__":
    main()
