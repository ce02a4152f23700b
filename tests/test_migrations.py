"""Migrations: a database made by the first migration, holding data, upgrades without losing any."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from catalog import db
from catalog.service import Catalog
from catalog.tables import datasets, metadata, search_outbox
from tests.builders import make_dataset


def _seed_first_schema(engine):
    record = make_dataset(name="data-lama", id="11111111-1111-1111-1111-111111111111", state="active",
                          metadata_created="2024-01-01T00:00:00.000000", metadata_modified="2024-01-01T00:00:00.000000")
    for n, resource in enumerate(record["resources"]):
        resource.update(id=f"3333333{n}-3333-3333-3333-333333333333", created="2024-01-01T00:00:00.000000")
    org = {"id": "22222222-2222-2222-2222-222222222222", "name": "dinkes", "title": "Dinas Kesehatan",
           "state": "active"}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO organizations (id, name, title, state, data, created, modified) "
                 "VALUES (:id, :name, :title, :state, :data, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"),
            {**org, "data": json.dumps(org)},
        )
        conn.execute(
            text("INSERT INTO datasets (id, name, organization_id, state, private, revision, data, created, modified) "
                 "VALUES (:id, :name, :org, 'active', false, 1, :data, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"),
            {"id": record["id"], "name": record["name"], "org": org["id"], "data": json.dumps(record)},
        )
        conn.execute(
            text("INSERT INTO revisions (entity_type, entity_id, revision, action, actor, created, data) "
                 "VALUES ('dataset', :id, 1, 'create', 'user:lama', '2024-01-01 00:00:00', :data)"),
            {"id": record["id"], "data": json.dumps(record)},
        )
    return record


def test_upgrade_from_the_first_migration_keeps_data(config):
    engine = db.open_engine(config["DATABASE_URL"])
    db.migrate(engine, "0001")
    assert db.current_revision(engine) == "0001"
    record = _seed_first_schema(engine)

    catalog = Catalog.open(config)
    catalog.auto_index = False
    catalog.store.migrate()

    assert catalog.store.is_current()
    assert catalog.get_dataset("data-lama") == record
    assert catalog.dataset_revisions("data-lama")[0]["actor"] == "user:lama"
    with catalog.store.reading() as tx:
        assert tx.conn.execute(select(search_outbox.c.dataset_id)).scalars().all() == [record["id"]]
        # the publisher's date is filled in for "recently updated" from the record itself
        expected = record.get("modified") or record["metadata_modified"]
        assert tx.conn.execute(select(datasets.c.updated)).scalars().all() == [expected]
    catalog.patch_dataset("data-lama", {"notes": "setelah migrasi"}, actor="test")
    assert [r["revision"] for r in catalog.dataset_revisions("data-lama")] == [1, 2]
    catalog.close()
    engine.dispose()


def test_migrations_build_exactly_the_declared_tables(config):
    engine = db.open_engine(config["DATABASE_URL"])
    db.migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    engine.dispose()


def test_migrate_twice_is_harmless(config):
    engine = db.open_engine(config["DATABASE_URL"])
    db.migrate(engine)
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()
