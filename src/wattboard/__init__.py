"""Wattboard: a self-hosted energy monitor for homes with solar panels."""

from __future__ import annotations

import sys

# httpx imports its own command-line tool, and with it Rich, Click and Pygments, whenever they
# are installed (they are: Typer and uvicorn bring them). Wattboard never uses that tool, and it
# costs every process 3.6 MB of memory; marking it absent makes httpx skip it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def __getattr__(name: str) -> str:
    # The version is read on first use: importlib.metadata costs a tenth of `wattboard --help`.
    if name != "__version__":
        raise AttributeError(f"module 'wattboard' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        found = version("wattboard")
    except PackageNotFoundError:  # running from a source tree without installation
        found = "0.0.0"
    globals()["__version__"] = found
    return found
