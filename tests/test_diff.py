"""Field-by-field differences between revisions."""

from catalog.diff import diff
from tests.builders import make_dataset


def test_diff_names_each_changed_path():
    old = {"title": "A", "tags": [{"name": "x"}], "resources": [{"url": "http://a/1.csv"}], "unit": "jiwa"}
    new = {"title": "B", "tags": [{"name": "x"}, {"name": "y"}], "resources": [{"url": "http://a/2.csv"}]}
    assert diff(old, new) == [
        {"path": "resources.0.url", "old": "http://a/1.csv", "new": "http://a/2.csv"},
        {"path": "tags.1", "old": None, "new": {"name": "y"}},
        {"path": "title", "old": "A", "new": "B"},
        {"path": "unit", "old": "jiwa", "new": None},
    ]


def test_identical_records_have_no_diff():
    record = make_dataset()
    assert diff(record, dict(record)) == []


def test_dataset_diff_between_revisions(catalog, org):
    record = catalog.create_dataset(make_dataset(name="apbd"), actor="test")
    catalog.patch_dataset("apbd", {"unit": "rupiah"}, actor="test")
    catalog.patch_dataset("apbd", {"title": "APBD 2025"}, actor="test")
    paths = {c["path"] for c in catalog.dataset_diff("apbd", 1)}
    assert {"unit", "title", "metadata_modified"} == paths
    assert [c["new"] for c in catalog.dataset_diff("apbd", 1, 2) if c["path"] == "unit"] == ["rupiah"]
    assert record["title"] != "APBD 2025"


def test_cli_diff(runner, tmp_path):
    import json

    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    path = tmp_path / "d.json"
    path.write_text(json.dumps(make_dataset(name="apbd", unit="jiwa")))
    runner("dataset", "create", str(path))
    path.write_text(json.dumps(make_dataset(name="apbd", unit="orang")))
    assert runner("dataset", "update", "apbd", str(path)).exit_code == 0
    result = runner("dataset", "diff", "apbd", "1", "2")
    assert 'unit:\n  - "jiwa"\n  + "orang"\n' in result.output
    assert runner("dataset", "diff", "apbd", "2", "2").output.strip() == "No changes."
