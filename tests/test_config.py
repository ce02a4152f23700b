"""Settings: defaults, the instance config file, CATALOG_* variables and overrides, in that order."""

from pathlib import Path

from catalog import config


def test_defaults_work_on_one_machine(tmp_path):
    loaded = config.load({"HOME": str(tmp_path)}, environ={})
    assert loaded["DATABASE_URL"] == f"sqlite:///{tmp_path / 'catalog.db'}"
    assert loaded["SQLITE_BUSY_TIMEOUT"] == 30.0


def test_load_order(tmp_path):
    (tmp_path / "config.py").write_text('SITE_TITLE = "Dari berkas"\nSITE_URL = "https://data.example.id"\n')
    env = {"CATALOG_HOME": str(tmp_path), "CATALOG_SITE_URL": "https://env.example.id",
           "CATALOG_SQLITE_BUSY_TIMEOUT": "5", "CATALOG_UNKNOWN": "ignored"}
    loaded = config.load({"DEFAULT_LANGUAGE": "en"}, environ=env)
    assert loaded["HOME"] == str(Path(tmp_path).resolve())
    assert loaded["SITE_TITLE"] == "Dari berkas"
    assert loaded["SITE_URL"] == "https://env.example.id"
    assert loaded["SQLITE_BUSY_TIMEOUT"] == 5.0
    assert loaded["DEFAULT_LANGUAGE"] == "en"
    assert "UNKNOWN" not in loaded


def test_a_search_url_selects_elasticsearch(tmp_path):
    loaded = config.load({"HOME": str(tmp_path)}, environ={"CATALOG_SEARCH_URL": "http://127.0.0.1:9200"})
    assert loaded["SEARCH_BACKEND"] == "elasticsearch"
