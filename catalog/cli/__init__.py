"""The ``catalog`` command: a click group whose subcommands live one module per noun."""

import click

from catalog import __version__
from catalog import config as settings
from catalog.errors import CatalogError, ValidationError


class CliState:
    """Settings for this invocation and a catalog opened on first use."""

    def __init__(self, overrides: dict):
        self.config = settings.load(overrides)
        self._catalog = None

    @property
    def catalog(self):
        if self._catalog is None:
            from catalog.service import Catalog

            self._catalog = Catalog.open(self.config)
        return self._catalog

    def close(self):
        if self._catalog is not None:
            self._catalog.close()


def one_line(error: CatalogError) -> str:
    """A user-facing line for an expected error, naming every bad field of a ValidationError."""
    if isinstance(error, ValidationError):
        fields = "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in error.errors.items())
        return f"Invalid record: {fields}"
    return error.message


class CatalogGroup(click.Group):
    """A group that turns expected errors into one line and exit status 1, without a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CatalogError as error:
            raise click.ClickException(one_line(error)) from None


@click.group(cls=CatalogGroup)
@click.version_option(__version__, prog_name="catalog")
@click.option("--home", envvar="CATALOG_HOME", type=click.Path(file_okay=False), help="Instance folder (CATALOG_HOME).")
@click.pass_context
def main(ctx, home):
    """Open city data catalog: harvest agencies' metadata, search it, publish it as DCAT-AP."""
    state = CliState({"HOME": home} if home else {})
    ctx.obj = state
    ctx.call_on_close(state.close)


pass_state = click.make_pass_decorator(CliState)


def _register():
    from catalog.cli import (
        datasets,
        demo,
        export,
        harvest,
        index,
        instance,
        organizations,
        scheduling,
        sources,
        users,
        validate_dcat,
    )

    modules = (instance, organizations, datasets, sources, harvest, scheduling, demo, index, export, validate_dcat,
               users)
    for module in modules:
        for command in module.COMMANDS:
            main.add_command(command)


_register()
