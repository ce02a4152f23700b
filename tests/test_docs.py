"""The docs say what the code does: every setting documented, every command with help."""

from pathlib import Path

import pytest

from catalog import config

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_with_its_default(setting):
    text = (DOCS / "configuration.md").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith(f"| `{setting.name}` |")]
    assert rows, f"{setting.name} is missing from docs/configuration.md"
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == f"`CATALOG_{setting.name}`"
    assert cells[2] == (f"`{setting.default}`" if setting.default != "" else "empty")
    assert cells[3] == setting.help


def test_no_undeclared_setting_is_documented():
    text = (DOCS / "configuration.md").read_text("utf-8")
    documented = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `")}
    assert documented == {s.name for s in config.SETTINGS}
