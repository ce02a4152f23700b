"""Renders docs/cli.md from the commands' own help: ``python -m catalog.cli.reference > docs/cli.md``."""

import click

from catalog.cli import main

INTRO = """# Command line reference

Every command has `--help`. Expected errors print one line and exit with status 1.
This page is generated from the commands themselves by
`python -m catalog.cli.reference > docs/cli.md`; a test fails when it is out of date.
"""


def _walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], [*path, name])


def render() -> str:
    """The reference page as Markdown: usage, help and options of every command."""
    parts = [INTRO]
    for path, command in _walk(main, ["catalog"]):
        with click.Context(command, info_name=" ".join(path), terminal_width=80, max_content_width=80) as ctx:
            parts.append(f"## `{' '.join(path)}`\n\n```\n{command.get_help(ctx)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
