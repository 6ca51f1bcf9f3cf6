"""`wattboard prices import FILE.csv` and `wattboard prices show [--day DATE]` (see the README)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

import typer
from rich.console import Console

from wattboard.cli.backup import CONFIG_HELP, _sqlite_settings, _store
from wattboard.config import default_config_path
from wattboard.energy.periods import local_midnight
from wattboard.exceptions import ConfigError, InvalidInputError
from wattboard.prices.csvfile import parse_prices_csv
from wattboard.setup.configfile import ENV_HELP
from wattboard.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from wattboard.config import Settings
    from wattboard.energy.prices import PricePoint
    from wattboard.energy.tariff import TariffBook

console = Console(stderr=True)
ACTIONS: Final = ("import", "show")


def register(app: typer.Typer) -> None:
    app.command("prices")(prices)


def prices(
    action: str = typer.Argument(
        ..., help="import: read FILE into the store. show: list a day's stored prices."
    ),
    file: Path | None = typer.Argument(None, help="import: CSV with the columns start,price."),
    day: str | None = typer.Option(
        None, "--day", help="show: the site-local day, YYYY-MM-DD (default: today)."
    ),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Store spot prices from a CSV file (prices import FILE), or list a day's (prices show)."""
    if action not in ACTIONS:
        raise typer.BadParameter(f"expected one of {', '.join(ACTIONS)}", param_hint="ACTION")
    path = config or default_config_path()
    if not path.is_file():
        # Without one, the prices would land in (or be read from) a store the service never uses.
        raise ConfigError(
            f"prices {action} needs the configuration of the store: found none at {path}; "
            "pass --config with the service's configuration (e.g. /etc/wattboard/wattboard.toml)"
        )
    if action == "show":
        if file is not None:
            raise typer.BadParameter(
                "show takes no FILE; choose the day with --day", param_hint="FILE"
            )
        _show(_sqlite_settings(path, env_file), day)
        return
    if file is None:
        raise typer.BadParameter("import needs the CSV file to read", param_hint="FILE")
    if day is not None:
        raise typer.BadParameter(
            "--day is for show; import reads every row of FILE", param_hint="--day"
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


def _show(settings: Settings, day: str | None) -> None:
    zone = settings.site.zone
    if day is None:
        local = datetime.now(zone).date()
    else:
        try:
            local = date.fromisoformat(day)
        except ValueError:
            raise InvalidInputError("--day", f"{day!r} is not a date (YYYY-MM-DD)") from None
    start = local_midnight(local, zone)
    end = local_midnight(local + timedelta(days=1), zone)
    # Read-only beside the running service: no migration, nothing written, no new files.
    store = SqliteStore(
        settings.store.resolved_path(),
        zone=zone,
        netting=settings.site.netting,
        meters=(),
        read_only=True,
    )
    try:
        points = store.prices(start, end)
    finally:
        store.close()
    book = settings.tariff_book()
    for line in price_lines(points, book, start, end):
        print(line)  # noqa: T201 - the listing is the command's output (stdout), notes go to stderr


def price_lines(points: list[PricePoint], book: TariffBook, start: int, end: int) -> list[str]:
    """Return the listing of one local day's stored prices: a header, a row per period, a summary.

    Prices are per kWh: the spot price excl. VAT, and with `[[tariffs]]` the full import and
    export prices (every component and VAT), as `GET /api/v1/prices` gives them.
    """
    zone = book.zone
    day = datetime.fromtimestamp(start, zone).date()
    currency = book.currency if book else None
    unit = f"{currency}/kWh" if currency else "per kWh"
    lines = [f"Spot prices for {day.isoformat()} ({zone.key}), {unit}:"]
    if not points:
        hours = (end - start) // 3600
        lines.append(f"no prices stored for this day ({hours} hours).")
        return lines
    # On the days the clocks change an hour is missing or comes twice: the offset tells which.
    clock = "%H:%M" if end - start == 86400 else "%H:%M%z"
    width = 2 * len(datetime.fromtimestamp(start, zone).strftime(clock)) + 3  # "a–b" and a gap
    header = f"{'period':<{width}} {'spot':>9}"
    if book:
        header += f" {'import':>9} {'export':>9}"
    lines.append(header)
    covered = 0
    for point in points:
        covered += point.end - point.start
        first = datetime.fromtimestamp(point.start, zone).strftime(clock)
        last = datetime.fromtimestamp(point.end, zone).strftime(clock)
        row = f"{first}–{last}   {point.price:>9.5f}"
        if book:
            imported, exported = book.prices(point.start, point.price)
            row += f" {_price(imported)} {_price(exported)}"
        lines.append(row)
    cheapest = min(points, key=lambda p: p.price)
    dearest = max(points, key=lambda p: p.price)
    lines.append(
        f"{len(points)} periods covering {covered / 3600:g} of {(end - start) / 3600:g} hours; "
        f"spot lowest {cheapest.price:.5f} at "
        f"{datetime.fromtimestamp(cheapest.start, zone):%H:%M}, highest {dearest.price:.5f} at "
        f"{datetime.fromtimestamp(dearest.start, zone):%H:%M}."
    )
    return lines


def _price(value: float | None) -> str:
    return f"{'—':>9}" if value is None else f"{value:>9.5f}"
