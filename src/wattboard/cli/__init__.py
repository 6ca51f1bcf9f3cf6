"""The `wattboard` command line (Typer): argv in, exit codes out (0 ok, 1 failure, 2 bad usage)."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from wattboard import __version__
from wattboard.exceptions import WattboardError

app = typer.Typer(
    name="wattboard",
    help="Self-hosted energy monitor for Shelly Pro 3EM meters and solar homes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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


def main() -> None:
    """Run the CLI; a WattboardError becomes a one-line reason and exit code 1."""
    _register()
    try:
        app()
    except WattboardError as err:
        _fail(err)
    except BaseExceptionGroup as group:
        # A part of `run` failing ends its task group: report the reason, not the group.
        ours = group.subgroup(WattboardError)
        if ours is None:
            raise
        first: BaseException = ours
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        _fail(first)


def _fail(err: BaseException) -> NoReturn:
    # Escaped: messages quote config syntax like [[meters]], which is not markup.
    # soft_wrap: one line, as journald and grep want it, whatever the terminal's width.
    err_console.print(f"[red]error:[/red] {escape(str(err))}", soft_wrap=True)
    sys.exit(1)
