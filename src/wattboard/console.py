"""The `wattboard` console script: the command table and the root help, without Typer.

`wattboard --help` is answered here; every other command line goes to `wattboard.cli`
(Typer), which is most of the start-up time of a command (bench/bench_lean.py).
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Final, NamedTuple


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
    "alert": _Lazy(
        "alert",
        "Send a test alert to every configured channel and report each (exit 1 if one failed).",
    ),
    "prices": _Lazy(
        "prices",
        "Store spot prices from a CSV file (prices import FILE), or list a day's (prices show).",
    ),
}


ABOUT: Final = "Self-hosted energy monitor for Shelly Pro 3EM meters and solar homes."
# The root's options as its help lists them (the callback below defines them).
ROOT_OPTIONS: Final = (
    ("--version", ""),
    ("-v, --verbose", "Log debug details."),
    ("--help", "Show this message and exit."),
)


def root_help(columns: int | None = None) -> str:
    """Return `wattboard --help` as click prints it, without importing Typer or click.

    The page is made of the command table above, laid out as click's HelpFormatter does (its
    width, indents and definition-list columns); tests/cli/test_lean.py compares the two.
    """
    columns = shutil.get_terminal_size().columns if columns is None else columns
    width = max(min(columns, 80) - 2, 50)
    about = textwrap.fill(ABOUT, width, initial_indent="  ", subsequent_indent="  ")
    lines = ["Usage: wattboard [OPTIONS] COMMAND [ARGS]...", "", about, "", "Options:"]
    lines += _definitions(ROOT_OPTIONS, width)
    lines += ["", "Commands:"]
    lines += _definitions([(name, lazy.help) for name, lazy in COMMANDS.items()], width)
    return "\n".join(lines) + "\n"


def _definitions(rows: Sequence[tuple[str, str]], width: int) -> list[str]:
    first_col = min(max(len(term) for term, _ in rows), 30) + 2
    text_width = max(width - first_col - 2, 10)
    lines = []
    for term, text in rows:
        if not text:
            lines.append(f"  {term}")
            continue
        wrapped = textwrap.wrap(text, text_width) or [""]
        if len(term) <= first_col - 2:
            lines.append(f"  {term}{' ' * (first_col - len(term))}{wrapped[0]}")
        else:
            lines += [f"  {term}", f"{' ' * (first_col + 2)}{wrapped[0]}"]
        lines += [f"{' ' * (first_col + 2)}{line}" for line in wrapped[1:]]
    return lines


def main() -> None:
    """Print the root help, or run the command line through `wattboard.cli`."""
    if sys.argv[1:] == ["--help"]:
        sys.stdout.write(root_help())
        return
    from wattboard.cli import main as run  # noqa: PLC0415 - Typer only for a real command

    run()
