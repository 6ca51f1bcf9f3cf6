"""`wattboard doctor`: check the configuration, meters, clamps, clocks, store and backfill."""

from __future__ import annotations

import asyncio
import json
import tomllib
from pathlib import Path
from typing import Final

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from wattboard.config import default_config_path, load_settings
from wattboard.exceptions import ConfigError
from wattboard.setup.checks import DoctorOptions, Finding, as_json, diagnose, healthy
from wattboard.setup.configfile import ENV_FILE, ENV_HELP, load_env_beside

console = Console(highlight=False)
MARKS: Final = {
    "ok": "[green]✔[/green]",
    "info": "[blue]i[/blue]",
    "warn": "[yellow]![/yellow]",
    "problem": "[red]✘[/red]",
}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(
    config: Path | None = typer.Option(None, "--config", help="TOML configuration to check."),
    as_json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
    sample_seconds: float = typer.Option(
        5.0, min=0, help="Seconds of live power to judge the clamps by; 0 skips the check."
    ),
    clock_tolerance: float = typer.Option(
        30.0, min=1, help="Largest acceptable difference between a meter's clock and this host's."
    ),
    env_file: Path | None = typer.Option(None, help=ENV_HELP),
) -> None:
    """Check the setup; exit 0 when healthy, 1 with each problem and what to do about it."""
    path = config or default_config_path()
    load_env_beside(path, env_file)
    options = DoctorOptions(sample_seconds=sample_seconds, clock_tolerance=clock_tolerance)
    findings = _run(path, options)
    if as_json_output:
        typer.echo(json.dumps(as_json(findings, path), indent=2))
    else:
        _print(findings)
    if not healthy(findings):
        raise typer.Exit(1)


def _run(path: Path, options: DoctorOptions) -> list[Finding]:
    if not path.exists():
        return [Finding("config", "problem", f"no configuration at {path}", "run `wattboard init`")]
    try:
        settings = load_settings(path)
    except ConfigError as err:
        return [Finding("config", "problem", str(err), _config_fix(path, str(err)))]
    return asyncio.run(diagnose(settings, path, options))


def _config_fix(path: Path, error: str) -> str:
    """Say where the bad value really lives; never advise a rewrite that would lose sections."""
    env = path.with_name(ENV_FILE)
    if "password_env" in error:
        return (
            f"put the variable named by password_env into {env} (as `init --secrets env` "
            "does; the service reads /etc/wattboard/wattboard.env), or pass --env-file"
        )
    if "mongo" in error:
        return (
            f"set uri in the [mongo] section of {path}, or WATTBOARD_MONGO__URI in {env} "
            "to keep the password out of the configuration"
        )
    if _has_section(path, "mongo"):
        # `init --force` writes site, api and meters only: it would drop [mongo].
        return f"correct the values named above in {path}"
    return f"correct {path}, or write a fresh one with `wattboard init --force`"


def _has_section(path: Path, name: str) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True  # unknown: rather no rewrite advice than a rewrite that loses a section
    try:
        return name in tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return f"[{name}" in text


def _print(findings: list[Finding]) -> None:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for finding in findings:
        text = escape(finding.detail)
        if finding.fix and finding.status in ("warn", "problem"):
            text += f"\n→ {escape(finding.fix)}"
        table.add_row(MARKS[finding.status], finding.check, text)
    console.print(table)
    problems = sum(f.status == "problem" for f in findings)
    if problems:
        console.print(f"[red]{problems} problem(s) found.[/red]")
    else:
        console.print("[green]Healthy.[/green]")
