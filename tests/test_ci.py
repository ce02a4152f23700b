"""The CI switch: any true-looking ``CI`` makes missing components fail; ``.ci/run`` always sets it."""

from pathlib import Path

import pytest

from tests.ci import in_ci, missing

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE", "on", "True ", "github"])
def test_a_true_ci_value_means_ci(value):
    assert in_ci({"CI": value})


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "", "  ", "False"])
def test_a_false_or_empty_ci_value_or_none_means_a_developer_run(value):
    assert not in_ci({"CI": value})
    assert not in_ci({})


def test_a_missing_component_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="no server"):
        missing("no server")
    monkeypatch.setenv("CI", "0")
    with pytest.raises(pytest.skip.Exception, match="no server"):
        missing("no server")


def test_the_ci_script_sets_ci_whatever_it_held():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert any(line.split("#")[0].strip() == "export CI=true" for line in lines)
    assert not any("${CI" in line for line in lines)


def test_no_test_reads_ci_by_itself():
    """Every skip-or-fail decision goes through ``tests/ci.py``, so no test compares ``CI`` to one spelling."""
    readers = [path.name for path in (ROOT / "tests").rglob("*.py")
               if path.name not in {"ci.py", "test_ci.py"} and '"CI"' in path.read_text("utf-8")]
    assert readers == []
