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


def test_metadata_schema_reference_is_up_to_date():
    from catalog import schemadoc

    assert (DOCS / "metadata-schemas.md").read_text("utf-8") == schemadoc.render(), (
        "docs/metadata-schemas.md is stale: run python -m catalog.schemadoc > docs/metadata-schemas.md"
    )


def test_cli_reference_is_up_to_date():
    from catalog.cli import reference

    assert (DOCS / "cli.md").read_text("utf-8") == reference.render(), (
        "docs/cli.md is stale: run python -m catalog.cli.reference > docs/cli.md"
    )


def _commands(command, path=("catalog",)):
    import click

    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_every_command_has_help(runner):
    from catalog.cli import main

    for path, command in _commands(main):
        assert command.help, f"{' '.join(path)} has no help text"
        result = runner(*path[1:], "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_ci_runs_the_readme_test_command():
    root = DOCS.parent
    readme = (root / "README.md").read_text("utf-8")
    blocks = readme.split("```sh\n")[1:]
    commands = [block.split("\n```")[0].strip() for block in blocks[:2]]
    assert len(commands) == 2 and "pytest" in commands[1]
    ci = (root / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci.splitlines()


def _anchor(heading: str) -> str:
    import re

    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_security_page_covers_each_threat_is_linked_and_its_links_resolve():
    import re

    text = (DOCS / "security.md").read_text("utf-8")
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    for needed in ("Anonymous visitor", "Editor of another organization", "Compromised harvest source",
                   "Leaked database", "Stored records and resources", "Reporting a problem"):
        assert needed in headings, needed
    assert "(security.md)" in (DOCS / "index.md").read_text("utf-8")
    assert "(docs/security.md)" in (DOCS.parent / "README.md").read_text("utf-8")
    for target, anchor in re.findall(r"\]\(([\w\-]*\.md|)(?:#([\w\-]+))?\)", text):
        page = DOCS / target if target else DOCS / "security.md"
        assert page.is_file(), target
        if anchor:
            anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", page.read_text("utf-8"), re.M)}
            assert anchor in anchors, f"{target}#{anchor}"
