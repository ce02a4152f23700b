"""The `catalog` command on a real instance: init, organizations, dataset validation and history."""

import json
import subprocess
import sys

from tests.builders import make_dataset


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc), "utf-8")
    return str(path)


def test_init_creates_the_instance(runner, sqlite_config):
    result = runner("init")
    assert result.exit_code == 0, result.output
    assert "Instance ready" in result.output
    assert (sqlite_config["HOME"] + "/catalog.db") in result.output


def test_org_add_and_list(runner):
    runner("init")
    result = runner("org", "add", "dinkes", "--title", "Dinas Kesehatan", "--email", "dinkes@malangkota.go.id")
    assert result.exit_code == 0, result.output
    listed = json.loads(runner("org", "list", "--json").output)
    assert [(o["name"], o["email"]) for o in listed] == [("dinkes", "dinkes@malangkota.go.id")]


def test_expected_errors_are_one_line_without_traceback(runner):
    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    result = runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: Invalid record: name: Organization name already exists in database"
    result = runner("dataset", "show", "tidak-ada")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: Dataset not found: tidak-ada"


def test_dataset_validate_names_every_bad_field(runner, tmp_path):
    record = make_dataset(name="Data Warga", frequency="tahunan", spatial=["35.73.09"], issued="31/12/2024")
    record["resources"][0]["url"] = "warga.csv"
    result = runner("dataset", "validate", write(tmp_path, "warga.json", record))
    assert result.exit_code == 1
    for path in ("name", "frequency", "spatial.0", "issued", "resources.0.url"):
        assert f"\n  {path}: " in result.output, path


def test_dataset_validate_accepts_a_valid_record_and_lists(runner, tmp_path):
    assert runner("dataset", "validate", write(tmp_path, "ok.json", make_dataset())).exit_code == 0
    bad = make_dataset(name="x")
    result = runner("dataset", "validate", write(tmp_path, "many.json", [make_dataset(), bad]))
    assert result.exit_code == 1
    assert "record 1" in result.output and "[1].name:" in result.output


def test_dataset_validate_reports_broken_json_with_its_line(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"name": "a",\n "title": }', "utf-8")
    result = runner("dataset", "validate", str(path))
    assert result.exit_code == 1
    assert "not valid JSON" in result.output and "line 2" in result.output


def test_dataset_create_show_withdraw_history(runner, tmp_path):
    runner("init")
    runner("org", "add", "dinkes", "--title", "Dinas Kesehatan")
    record = make_dataset(name="kasus-dbd")
    assert runner("dataset", "create", write(tmp_path, "d.json", record)).exit_code == 0
    assert json.loads(runner("dataset", "show", "kasus-dbd").output)["title"] == record["title"]
    assert runner("dataset", "withdraw", "kasus-dbd").exit_code == 0
    history = runner("dataset", "history", "kasus-dbd").output.splitlines()
    assert [line.split()[2] for line in history] == ["create", "withdraw"]
    first = json.loads(runner("dataset", "show", "kasus-dbd", "--revision", "1").output)
    assert first["data"]["state"] == "active"


def test_console_script_runs_without_flask_imported_for_store_work(tmp_path):
    code = (
        "import sys, catalog.service, catalog.store, catalog.schemas, catalog.search, harvesters;"
        "assert 'flask' not in sys.modules, 'flask imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
