"""The `wattboard` command line (Typer): argv in, exit codes out (0 ok, 1 failure, 2 bad usage)."""

from __future__ import annotations

import logging
import sys
from typing import Any, Final

import typer
from rich.console import Console
from typer.core import TyperArgument, TyperGroup, TyperOption

from wattboard import __version__
from wattboard.exceptions import WattboardError

app = typer.Typer(
    name="wattboard",
    help="Self-hosted energy monitor for Shelly Pro 3EM meters and solar homes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: Typer's Rich panels show <str>/<bool> placeholders and, in 80 columns, cut
    # the option names off.
    rich_markup_mode=None,
)
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wattboard {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: bool = typer.Option(  # noqa: ARG001 - handled by its eager callback
        False, "--version", callback=_version, is_eager=True
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details."),
) -> None:
    """Self-hosted energy monitor for Shelly Pro 3EM meters and solar homes."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # One line per event: the HTTP libraries would log every request of every poll.
    for noisy in ("httpx", "httpcore", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _register() -> None:
    # Imported here so that each command module stays one room (and `--help` stays fast).
    from wattboard.cli import collect, serve, simulate  # noqa: PLC0415

    simulate.register(app)
    collect.register(app)
    serve.register(app)
    from wattboard.cli import backup, doctor, init  # noqa: PLC0415

    init.register(app)
    doctor.register(app)
    backup.register(app)


# Typer's names of value types, as click's own help names them.
VALUE_NAMES: Final = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "bool": "BOOLEAN"}


def plain_metavars(command: Any) -> Any:
    """Name option values as click does (TEXT, INTEGER, PATH) instead of Typer's `<str>`."""
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.metavar = param.metavar or (param.name or "value").upper()
            # Typer lists it as `TARGET <path>`; the name and its help say it already.
            param.display_type_rich = _no_type  # type: ignore[method-assign]
        elif isinstance(param, TyperOption) and not (param.is_flag or param.count):
            param.metavar = param.metavar or _value_name(param)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain_metavars(sub)
    return command


def _no_type(ctx: object) -> None:
    del ctx


def _value_name(option: TyperOption) -> str:
    if option.type_descriptor.is_path:
        return "PATH"
    bare = option.bare_type().removeprefix("list[").removesuffix("]")
    return VALUE_NAMES.get(bare, bare.upper())


def command() -> Any:
    """Return the whole command line as one click command, every command registered."""
    _register()
    return plain_metavars(typer.main.get_command(app))


def main() -> None:
    """Run the CLI; a WattboardError becomes a one-line reason and exit code 1."""
    cli = command()
    try:
        cli(prog_name="wattboard")
    except WattboardError as err:
        err_console.print(f"[red]error:[/red] {err}")
        sys.exit(1)
