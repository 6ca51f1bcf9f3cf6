"""`wattboard export` and `wattboard import`: backups, CSV out, CSV and backups in."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, TextIO
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from wattboard.config import Settings, default_config_path, load_settings
from wattboard.exceptions import ConfigError, InvalidInputError
from wattboard.setup.configfile import ENV_HELP, load_env_beside
from wattboard.store import backup
from wattboard.store.asyncstore import meter_specs
from wattboard.store.sqlite import SqliteStore

console = Console(stderr=True)
CONFIG_HELP: Final = "TOML configuration (default: wattboard.toml in the user config directory)."
FORMATS: Final = ("auto", "sqlite", "csv", "shelly-csv")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_)


def export(
    target: Path = typer.Argument(..., help="File to write: a .db backup, or .csv."),
    file_format: str = typer.Option("auto", "--format", help="auto | sqlite | csv."),
    meter: list[str] = typer.Option([], help="Only this meter (CSV; repeatable)."),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Write a consistent SQLite backup of the store, or its minute records as CSV."""
    kind = _export_format(file_format, target)
    settings = _sqlite_settings(config, env_file)
    source = settings.store.resolved_path()
    with _bar("backup" if kind == "sqlite" else "export") as report:
        if kind == "sqlite":
            backup.backup_database(source, target, report)
            console.print(f"Backup written to {target}", soft_wrap=True)
            return
        with _store(settings) as store, _writable(target) as out:
            rows = backup.export_csv(store, out, meter or None, report)
    console.print(f"{rows} minute records written to {target}", soft_wrap=True)


def import_(
    source: Path = typer.Argument(..., exists=True, dir_okay=False, help="Backup or CSV file."),
    file_format: str = typer.Option("auto", "--format", help="auto | sqlite | csv | shelly-csv."),
    meter: str | None = typer.Option(None, help="Meter a Shelly CSV (data.csv) came from."),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Merge a backup, a Wattboard CSV or a meter's own CSV into the store."""
    _check_format(file_format, FORMATS)
    kind = backup.detect_format(source) if file_format == "auto" else file_format
    path = config or default_config_path()
    if not path.is_file():
        # Without one, the data would land in a fresh store the service never reads.
        raise ConfigError(
            f"import needs the configuration of the store to fill: found none at {path}; "
            "pass --config with the service's configuration (e.g. /etc/wattboard/wattboard.toml)"
        )
    settings = _sqlite_settings(path, env_file)
    target = settings.store.resolved_path()
    with _bar("import") as report, _store(settings) as store:
        if kind == "sqlite":
            summary = backup.import_backup(store, source, report)
        else:
            _check_meter(settings, meter)
            summary = backup.import_csv(store, source, meter=meter, progress=report)
    console.print(
        f"Imported {summary.records} minute records, {summary.gaps} gap records, "
        f"{summary.quarters} quarter rollups without minutes and {summary.prices} spot price "
        f"periods into {target} (from {path}).",
        soft_wrap=True,
    )


def _export_format(file_format: str, target: Path) -> str:
    _check_format(file_format, ("auto", "sqlite", "csv"))
    if file_format != "auto":
        return file_format
    return "csv" if target.suffix.lower() == ".csv" else "sqlite"


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise typer.BadParameter(f"expected one of {', '.join(allowed)}", param_hint="--format")


def _check_meter(settings: Settings, meter: str | None) -> None:
    if meter is None or any(m.id == meter for m in settings.meters):
        return
    known = ", ".join(m.id for m in settings.meters) or "none"
    raise InvalidInputError("meter", f"no meter {meter!r} in the configuration (known: {known})")


def _sqlite_settings(config: Path | None, env_file: Path | None) -> Settings:
    load_env_beside(config or default_config_path(), env_file)
    settings = load_settings(config)
    if settings.store.backend != "sqlite":
        raise ConfigError("store.backend: export and import work on the SQLite store only")
    return settings


@contextlib.contextmanager
def _writable(target: Path) -> Iterator[TextIO]:
    try:
        out = target.open("w", encoding="utf-8", newline="")
    except OSError as err:
        raise InvalidInputError("target", f"cannot write {target}: {err.strerror}") from err
    with out:
        yield out


@contextlib.contextmanager
def _store(settings: Settings) -> Iterator[SqliteStore]:
    # The plain synchronous store, not the async facade: export and import have no event loop
    # and own the file on this one thread from open to close, which is all SQLite asks.
    store = SqliteStore(
        settings.store.resolved_path(),
        zone=ZoneInfo(settings.site.timezone),
        netting=settings.site.netting,
        meters=meter_specs(settings.meters),
    )
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def _bar(description: str) -> Iterator[Callable[[int, int], None]]:
    progress = Progress(
        TextColumn(description),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        transient=True,
        console=console,
        # On a pipe or in a log a bar is noise, and its end left a blank line before the result.
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task(description, total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield report
