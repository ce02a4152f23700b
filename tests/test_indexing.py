"""The store and the embedded index stay in step: outbox under a lock, drift check, rebuild, search_datasets."""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import indexing
from catalog.errors import SearchQueryError
from catalog.search.embedded import EmbeddedBackend
from tests.builders import make_dataset


@pytest.fixture
def filled(catalog, org):
    """Three datasets in a catalog on the embedded backend (the default)."""
    assert isinstance(catalog.backend, EmbeddedBackend)
    made = [
        catalog.create_dataset(make_dataset(name="jumlah-penduduk", title="Jumlah Penduduk per Kecamatan",
                                            notes="Data kependudukan", tags=[{"name": "kependudukan"}],
                                            title_translated=None, notes_translated=None), "test"),
        catalog.create_dataset(make_dataset(name="kasus-dbd"), "test"),
        catalog.create_dataset(make_dataset(name="data-umkm", title="Daftar UMKM Binaan", notes="Usaha mikro",
                                            tags=[{"name": "ekonomi"}], spatial=["35.73.02.1001"],
                                            title_translated=None, notes_translated=None), "test"),
    ]
    return catalog, {r["name"]: r for r in made}


def test_search_datasets_returns_records_and_labelled_facets(filled):
    catalog, made = filled
    found = catalog.search_datasets({"q": "warga kecamatan", "facet.field": '["region", "frequency"]'})
    assert [r["name"] for r in found["results"]] == ["jumlah-penduduk"]
    assert found["count"] == 1
    assert ("35.73.01", 1) in found["facets"]["region"]
    items = {i["name"]: i for i in found["search_facets"]["region"]["items"]}
    assert items["35.73.01"]["display_name"] == "Blimbing"
    assert found["search_facets"]["frequency"]["items"][0]["display_name"] == "Bulanan"


def test_withdrawn_and_private_datasets_leave_search(filled):
    catalog, made = filled
    catalog.withdraw_dataset("kasus-dbd", "test")
    catalog.patch_dataset("data-umkm", {"private": True}, "test")
    assert [r["name"] for r in catalog.search_datasets({})["results"]] == ["jumlah-penduduk"]
    catalog.restore_dataset("kasus-dbd", "test")
    assert catalog.search_datasets({"fq": "name:kasus-dbd"})["count"] == 1


def test_a_process_without_the_lock_leaves_the_outbox_for_later(filled):
    catalog, made = filled
    with indexing.index_lock(catalog.index_lock_path) as held:
        assert held
        catalog.patch_dataset("kasus-dbd", {"title": "Kasus Chikungunya"}, "test")
        assert catalog.search_datasets({"q": "chikungunya"})["count"] == 0
        with catalog.store.reading() as tx:
            assert tx.outbox_size() == 1
    assert catalog.sync_index() == 1
    assert catalog.search_datasets({"q": "chikungunya"})["count"] == 1


def test_check_reports_and_fixes_drift(filled):
    catalog, made = filled
    catalog.backend.delete([made["kasus-dbd"]["id"]])
    catalog.backend.index([{**made["data-umkm"], "metadata_modified": "2000-01-01T00:00:00"}])
    stray = {**made["jumlah-penduduk"], "id": "5f0c7a0e-0000-4000-8000-000000000001", "name": "gone"}
    catalog.backend.index([stray])
    drift = catalog.check_index(fix=False)
    assert (drift.missing, drift.stale, drift.extra) == ([made["kasus-dbd"]["id"]], [made["data-umkm"]["id"]], [stray["id"]])
    assert not drift.fixed
    assert catalog.check_index().fixed
    assert catalog.check_index().total == 0
    assert catalog.search_datasets({"fq": "name:kasus-dbd"})["count"] == 1


def test_rebuild_repairs_a_deliberately_damaged_index(filled, runner):
    catalog, made = filled
    env = {"CATALOG_DATABASE_URL": catalog.config["DATABASE_URL"], "CATALOG_HOME": catalog.config["HOME"]}
    catalog.close()
    folder = catalog.backend.path
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "meta.json").write_text("{not json")
    result = runner("index", "check", env=env)
    assert result.exit_code == 1 and "Cannot open the search index" in result.output
    result = runner("index", "rebuild", env=env)
    assert result.exit_code == 0, result.output
    assert "Indexed 3 datasets" in result.output
    result = runner("index", "check", env=env)
    assert "matches the store" in result.output


def test_init_repairs_an_index_that_lost_documents(filled):
    catalog, made = filled
    catalog.backend.clear()
    drift = catalog.init()
    assert len(drift.missing) == 3 and drift.fixed
    assert catalog.search_datasets({})["count"] == 3


TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
QUERYISH = st.lists(st.sampled_from(
    ['"', "(", ")", "[", "]", "*", "-", "+", "AND", "OR", "NOT", ":", "title:", "tags:", "TO", "NOW-7DAYS",
     "metadata_modified:", "\\", "penduduk", " ", "{", "}", "~", "^", "!", "asc", "desc", "name", ","]
), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(TEXT, QUERYISH), fq=st.one_of(TEXT, QUERYISH), sort=st.one_of(TEXT, QUERYISH))
def test_any_string_gives_results_or_a_search_query_error(filled, q, fq, sort):
    catalog, made = filled
    try:
        found = catalog.search_datasets({"q": q, "fq": fq, "sort": sort})
    except SearchQueryError as error:
        assert error.message
    else:
        assert found["count"] >= len(found["results"])


def test_app_start_repairs_drift(filled):
    from catalog.app import create_app

    catalog, made = filled
    catalog.backend.delete([made["kasus-dbd"]["id"]])
    app = create_app({**catalog.config, "TESTING": True})
    try:
        assert app.extensions["catalog"].search_datasets({})["count"] == 3
    finally:
        app.extensions["catalog"].close()


def test_check_only_reports_while_another_process_writes_the_index(filled):
    catalog, made = filled
    catalog.backend.delete([made["kasus-dbd"]["id"]])
    with indexing.index_lock(catalog.index_lock_path):
        drift = catalog.check_index()
    assert drift.missing == [made["kasus-dbd"]["id"]] and not drift.fixed
    assert "found" in drift.summary()
    assert catalog.check_index().fixed
