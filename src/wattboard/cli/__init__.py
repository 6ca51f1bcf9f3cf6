"""The `wattboard` command line (Typer): argv in, exit codes out (0 ok, 1 failure, 2 bad usage)."""

from __future__ import annotations

import importlib
import logging
import sys
from types import ModuleType
from typing import Any, Final, NamedTuple, NoReturn

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

import wattboard
from wattboard.exceptions import WattboardError


class _Lazy(NamedTuple):
    module: str
    help: str


# Each command's module is imported only when that command runs: `wattboard --help` loads
# neither FastAPI nor the store, and `run` never loads the emulator's numpy or init's mDNS.
# The one-line help is repeated here so that the command list needs no import at all;
# tests/cli/test_lean.py checks that it matches each command's docstring.
COMMANDS: Final[dict[str, _Lazy]] = {
    "simulate": _Lazy(
        "simulate", "Start emulated Shelly Pro 3EM meters (grid on --port, solar on --port + 1)."
    ),
    "run": _Lazy(
        "collect",
        "Collect live power and every minute record of the meters, and serve the API and app.",
    ),
    "backfill": _Lazy(
        "collect",
        "Fetch a meter's stored minutes from a date on (the meter keeps about 60 days).",
    ),
    "rebuild": _Lazy(
        "collect",
        "Recompute every rollup from the minutes (after a change of zone, netting or inversion).",
    ),
    "serve": _Lazy("serve", "Serve the API (no meters) over the configured store."),
    "demo": _Lazy(
        "serve",
        "Two emulated meters with 14 days of history, the collector, the API and the app.",
    ),
    "init": _Lazy(
        "init", "Find and check the meters, propose clamp inversions, and write the configuration."
    ),
    "doctor": _Lazy(
        "doctor",
        "Check the setup; exit 0 when healthy, 1 with each problem and what to do about it.",
    ),
    "export": _Lazy(
        "backup", "Write a consistent SQLite backup of the store, or its minute records as CSV."
    ),
    "import": _Lazy(
        "backup", "Merge a backup, a Wattboard CSV or a meter's own CSV into the store."
    ),
    "prices": _Lazy(
        "prices",
        "Store spot prices from a CSV file of start,price rows (wattboard prices import FILE).",
    ),
}


# The emulator's own dependencies, shipped as the `sim` extra (a Pi runs without them).
SIM_EXTRA: Final = ("numpy", "aiohttp")


def require_sim(command: str) -> None:
    """Fail with the install line when the `sim` extra is missing."""
    for name in SIM_EXTRA:
        try:
            importlib.import_module(name)
        except ImportError as err:
            typer.echo(
                f"error: `wattboard {command}` runs emulated meters, which need {name}: "
                "install them with  pip install 'wattboard[sim]'",
                err=True,
            )
            raise typer.Exit(1) from err


app = typer.Typer(
    name="wattboard",
    help="Self-hosted energy monitor for Shelly Pro 3EM meters and solar homes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: Typer's Rich panels show <str>/<bool> placeholders, cut option names off
    # in 80 columns, and load Rich, Markdown and Pygments (bench/bench_lean.py).
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wattboard {wattboard.__version__}")
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


def command_module(name: str) -> ModuleType:
    """Import the module that defines command `name`."""
    return importlib.import_module(f"wattboard.cli.{COMMANDS[name].module}")


def register(argv: list[str] | None = None) -> None:
    """Register the command `argv` names (all when None) for real, every other by its help alone."""
    if argv is None:
        wanted = list(COMMANDS)
    else:
        # The root's options take no values, so the first other word is the command.
        word = next((word for word in argv if not word.startswith("-")), None)
        wanted = [word] if word in COMMANDS else []
    for name in wanted:
        module = COMMANDS[name].module
        if module not in _loaded:
            _loaded.add(module)
            command_module(name).register(app)
    registered = {info.name for info in app.registered_commands}
    for name, lazy in COMMANDS.items():
        if name not in registered:
            app.command(name, help=lazy.help, short_help=lazy.help)(_listed_only)


# Command modules already registered on `app` (a later registration of a name wins in click).
_loaded: set[str] = set()


def _listed_only() -> None:
    # Never runs: a command named on the command line is registered for real.
    raise typer.Exit(2)


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


def command(argv: list[str] | None = None) -> Any:
    """Return the command line as one click command, with the commands `argv` names registered."""
    register(argv)
    return plain_metavars(typer.main.get_command(app))


def main() -> None:
    """Run the CLI; a WattboardError becomes a one-line reason and exit code 1."""
    cli = command(sys.argv[1:])
    try:
        cli(prog_name="wattboard")
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
    # Rich is imported here, not at start: an error is the rare path.
    from rich.console import Console  # noqa: PLC0415
    from rich.markup import escape  # noqa: PLC0415

    Console(stderr=True).print(f"[red]error:[/red] {escape(str(err))}", soft_wrap=True)
    sys.exit(1)
