"""`wattboard run`, `backfill` and `rebuild`: the collector and its maintenance commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import typer

from wattboard.config import Settings, default_config_path, load_settings
from wattboard.energy.periods import local_midnight, parse_day
from wattboard.exceptions import ConfigError, InvalidInputError
from wattboard.runtime import rebuild_if_needed, run_home, stop_on_signals
from wattboard.setup.configfile import ENV_HELP, load_env_beside
from wattboard.store.asyncstore import AsyncStore, open_store

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

log = logging.getLogger("wattboard")
T = TypeVar("T")
CONFIG_HELP = "TOML configuration (default: wattboard.toml in the user config directory)."


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("backfill")(backfill)
    app.command("rebuild")(rebuild)


def run(
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Collect live power and every minute record of the meters, and serve the API and app."""
    # The secrets `init --secrets env` wrote beside the config, as doctor, export and import do.
    load_env_beside(config or default_config_path(), env_file)
    settings = _settings(config, need_meters=True)
    asyncio.run(_run(settings))


def backfill(
    meter: str = typer.Option(..., help="Meter id from the configuration."),
    since: str = typer.Option(..., help="Local date (YYYY-MM-DD) to fetch from."),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
) -> None:
    """Fetch a meter's stored minutes from a date on (the meter keeps about 60 days)."""
    settings = _settings(config, need_meters=True)
    start = local_midnight(_day(since), ZoneInfo(settings.site.timezone))
    written = asyncio.run(
        _with_store(settings, lambda store: _backfill(settings, store, meter, start))
    )
    typer.echo(f"{written} records stored for meter {meter}")


def rebuild(config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP)) -> None:
    """Recompute every rollup from the minutes (after a change of zone, netting or inversion)."""
    settings = _settings(config, need_meters=False)
    asyncio.run(_with_store(settings, rebuild_all))
    typer.echo("Rollups rebuilt.")


def _settings(config: Path | None, *, need_meters: bool) -> Settings:
    settings = load_settings(config)
    if need_meters and not settings.meters:
        raise ConfigError("no meters configured: add a [[meters]] section (see the README)")
    return settings


def _day(text: str) -> date:
    try:
        return parse_day(text, "since")
    except InvalidInputError as err:
        raise typer.BadParameter(str(err), param_hint="--since") from err


async def _with_store(settings: Settings, work: Callable[[AsyncStore], Awaitable[T]]) -> T:
    store = open_store(settings)
    await store.open()
    try:
        return await work(store)
    finally:
        await store.close()


async def _run(settings: Settings) -> None:
    stop = stop_on_signals()
    log.info("collecting from %s", ", ".join(f"{m.id} ({m.url})" for m in settings.meters))
    await run_home(settings, stop, collect=True, rebuild=rebuild_all, announce=_announce)
    log.info("stopped; the next start resumes from the last stored minute")


def _announce(url: str) -> None:
    log.info("API and app at %s", url)


async def rebuild_all(store: AsyncStore) -> None:
    with _progress() as bar:
        task = bar.add_task("rebuild", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        await store.rebuild(report)


async def _backfill(settings: Settings, store: AsyncStore, meter: str, start: int) -> int:
    # Rows are stored inverted as configured now: first bring the stored ones to the same state.
    await rebuild_if_needed(store, rebuild_all)
    # Imported here: `serve` shares this module's rebuild and never loads the collector.
    from wattboard.collector.service import Collector  # noqa: PLC0415

    collector = Collector(settings, store)
    try:
        with _progress() as bar:
            tasks: dict[str, TaskID] = {}

            def report(meter_id: str, done: int, total: int) -> None:
                if meter_id not in tasks:
                    tasks[meter_id] = bar.add_task(meter_id, total=total)
                bar.update(tasks[meter_id], completed=done, total=total)

            return await collector.backfill(meter, start, report)
    finally:
        await collector.aclose()


def _progress() -> Progress:
    # Rich is loaded for a progress bar only: `run` and `serve` rarely show one.
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: PLC0415

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        transient=True,
    )
