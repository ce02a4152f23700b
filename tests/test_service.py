"""The service and store together, on SQLite and PostgreSQL: round trips, revisions, withdrawal, concurrency."""

import multiprocessing

import pytest

from catalog.errors import NotFound, ValidationError
from catalog.service import Catalog
from tests.builders import make_dataset, make_organization


def test_dataset_round_trip_keeps_every_field(catalog, org):
    given = make_dataset()
    stored = catalog.create_dataset(given, actor="user:siti")
    loaded = catalog.get_dataset(given["name"])

    assert loaded == stored
    for key, value in given.items():
        if key != "resources":
            assert loaded[key] == value, key
    assert [r["url"] for r in loaded["resources"]] == [r["url"] for r in given["resources"]]
    assert all(r["id"] and r["created"] for r in loaded["resources"])
    assert loaded["state"] == "active"
    assert loaded["metadata_created"] == loaded["metadata_modified"]
    assert catalog.get_dataset(loaded["id"]) == loaded


def test_every_write_is_a_revision_with_actor_and_full_record(catalog, org):
    record = catalog.create_dataset(make_dataset(name="penduduk-per-kelurahan"), actor="user:siti")
    catalog.patch_dataset("penduduk-per-kelurahan", {"title": "Penduduk per Kelurahan 2025"}, actor="user:budi")
    catalog.withdraw_dataset(record["id"], actor="harvest:job-7")

    log = catalog.dataset_revisions("penduduk-per-kelurahan")
    assert [(r["revision"], r["action"], r["actor"]) for r in log] == [
        (1, "create", "user:siti"),
        (2, "update", "user:budi"),
        (3, "withdraw", "harvest:job-7"),
    ]
    assert catalog.dataset_revision("penduduk-per-kelurahan", 1)["data"]["title"] == record["title"]
    assert catalog.dataset_revision("penduduk-per-kelurahan", 2)["data"]["title"] == "Penduduk per Kelurahan 2025"
    assert catalog.dataset_revision("penduduk-per-kelurahan", 3)["data"]["state"] == "withdrawn"
    with pytest.raises(NotFound):
        catalog.dataset_revision("penduduk-per-kelurahan", 4)


def test_withdrawal_keeps_the_record_and_can_be_undone(catalog, org):
    record = catalog.create_dataset(make_dataset(), actor="test")
    catalog.withdraw_dataset(record["name"], actor="test")

    assert catalog.get_dataset(record["name"])["state"] == "withdrawn"
    with catalog.store.reading() as tx:
        assert tx.count_datasets() == 0
        assert tx.count_datasets(states=["withdrawn"]) == 1
    assert catalog.restore_dataset(record["name"], actor="test")["state"] == "active"


def test_update_replaces_content_but_keeps_identity_and_creation(catalog, org):
    record = catalog.create_dataset(make_dataset(), actor="test")
    replacement = make_dataset(name=record["name"], title="Judul Baru", tags=[], resources=[])
    updated = catalog.update_dataset(record["id"], replacement, actor="test")

    assert updated["id"] == record["id"]
    assert updated["metadata_created"] == record["metadata_created"]
    assert updated["metadata_modified"] > record["metadata_modified"]
    assert updated["title"] == "Judul Baru" and updated["resources"] == []


def test_patch_keeps_resource_ids(catalog, org):
    record = catalog.create_dataset(make_dataset(), actor="test")
    patched = catalog.patch_dataset(record["name"], {"notes": "Diperbarui"}, actor="test")
    assert [r["id"] for r in patched["resources"]] == [r["id"] for r in record["resources"]]


def test_invalid_dataset_is_refused_with_every_field_and_nothing_is_stored(catalog, org):
    with pytest.raises(ValidationError) as caught:
        catalog.create_dataset(make_dataset(name="X", frequency="kadang", owner_org="dishub"), actor="test")
    assert set(caught.value.errors) == {"name", "frequency", "owner_org"}
    with catalog.store.reading() as tx:
        assert tx.count_datasets(states=["active", "withdrawn"]) == 0


def test_duplicate_name_is_a_validation_error(catalog, org):
    catalog.create_dataset(make_dataset(name="apbd-2024"), actor="test")
    with pytest.raises(ValidationError) as caught:
        catalog.create_dataset(make_dataset(name="apbd-2024"), actor="test")
    assert caught.value.errors == {"name": ["That URL is already in use."]}


def test_rename_into_a_taken_name_is_refused(catalog, org):
    catalog.create_dataset(make_dataset(name="apbd-2024"), actor="test")
    other = catalog.create_dataset(make_dataset(name="apbd-2025"), actor="test")
    with pytest.raises(ValidationError):
        catalog.patch_dataset(other["id"], {"name": "apbd-2024"}, actor="test")


def test_title_defaults_from_the_translation_in_the_default_language(catalog, org):
    data = make_dataset()
    del data["title"]
    assert catalog.create_dataset(data, actor="test")["title"] == data["title_translated"]["id"]


def test_system_fields_in_input_are_ignored(catalog, org):
    data = make_dataset(id="00000000-0000-0000-0000-000000000000", state="withdrawn",
                        metadata_created="1999-01-01T00:00:00", harvest={"source": "forged"})
    stored = catalog.create_dataset(data, actor="test")
    assert stored["id"] != data["id"] and stored["state"] == "active" and "harvest" not in stored


def test_missing_records_are_not_found(catalog):
    with pytest.raises(NotFound):
        catalog.get_dataset("tidak-ada")
    with pytest.raises(NotFound):
        catalog.withdraw_dataset("tidak-ada", actor="test")
    with pytest.raises(NotFound):
        catalog.get_organization("tidak-ada")


def test_organizations_round_trip_and_history(catalog):
    created = catalog.create_organization(make_organization(), actor="cli")
    updated = catalog.update_organization("dinkes", {**make_organization(), "title": "Dinas Kesehatan Kota Malang"},
                                          actor="user:admin")
    assert catalog.get_organization(created["id"]) == updated
    assert [o["name"] for o in catalog.list_organizations()] == ["dinkes"]
    with catalog.store.reading() as tx:
        assert [r["action"] for r in tx.list_revisions("organization", created["id"])] == ["create", "update"]
    with pytest.raises(ValidationError):
        catalog.create_organization(make_organization(), actor="cli")


def test_writes_record_the_datasets_to_index_in_the_outbox(config, org):
    catalog = Catalog.open(config)
    catalog.auto_index = False
    record = catalog.create_dataset(make_dataset(), actor="test")
    catalog.patch_dataset(record["name"], {"notes": "x"}, actor="test")
    with catalog.store.reading() as tx:
        assert [d for _, d in tx.outbox_batch(10)] == [record["id"], record["id"]]
    assert catalog.sync_index() == 2
    with catalog.store.reading() as tx:
        assert tx.outbox_size() == 0
    catalog.close()


FIELDS = ("version", "unit", "notes")


def _writer(config, worker, count):
    """Patch one field of the shared dataset ``count`` times, and create datasets of its own."""
    catalog = Catalog.open(config)
    field = FIELDS[worker]
    for n in range(count):
        catalog.patch_dataset("bersama", {field: f"{field}-{n}"}, actor=f"worker:{worker}")
        catalog.create_dataset(make_dataset(name=f"w{worker}-{n}"), actor=f"worker:{worker}")
    catalog.close()


def test_concurrent_writers_lose_no_update(config, catalog, org):
    catalog.create_dataset(make_dataset(name="bersama"), actor="test")
    count = 12
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(config, w, count)) for w in range(len(FIELDS))]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0

    final = catalog.get_dataset("bersama")
    for field in FIELDS:
        assert final[field] == f"{field}-{count - 1}"
    log = catalog.dataset_revisions("bersama")
    assert [r["revision"] for r in log] == list(range(1, 2 + len(FIELDS) * count))
    with catalog.store.reading() as tx:
        assert tx.count_datasets() == 1 + len(FIELDS) * count
