"""`wattboard prices import FILE.csv`: spot prices from a file (the contract in the README)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Final

import typer
from rich.console import Console

from wattboard.cli.backup import CONFIG_HELP, _sqlite_settings, _store
from wattboard.config import default_config_path
from wattboard.exceptions import ConfigError, InvalidInputError
from wattboard.prices.csvfile import parse_prices_csv
from wattboard.setup.configfile import ENV_HELP

console = Console(stderr=True)
ACTIONS: Final = ("import",)


def register(app: typer.Typer) -> None:
    app.command("prices")(prices)


def prices(
    action: str = typer.Argument(..., help="import: read FILE into the store."),
    file: Path = typer.Argument(..., help="CSV with the columns start,price."),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Store spot prices from a CSV file of start,price rows (wattboard prices import FILE)."""
    if action not in ACTIONS:
        raise typer.BadParameter(f"expected one of {', '.join(ACTIONS)}", param_hint="ACTION")
    path = config or default_config_path()
    if not path.is_file():
        # Without one, the prices would land in a fresh store the service never reads.
        raise ConfigError(
            f"prices import needs the configuration of the store to fill: found none at {path}; "
            "pass --config with the service's configuration (e.g. /etc/wattboard/wattboard.toml)"
        )
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInputError("file", f"cannot read {file}: {err}") from err
    points = parse_prices_csv(text)  # every row checked before anything is stored
    settings = _sqlite_settings(path, env_file)
    with _store(settings) as store:
        written = store.put_prices(points)
    zone = settings.site.zone
    first = datetime.fromtimestamp(points[0].start, zone).isoformat(timespec="minutes")
    last = datetime.fromtimestamp(points[-1].end, zone).isoformat(timespec="minutes")
    console.print(
        f"Imported {written} price periods from {first} to {last} "
        f"into {settings.store.resolved_path()} (from {path}).",
        soft_wrap=True,
    )
