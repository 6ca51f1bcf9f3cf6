"""`wattboard simulate`: emulated Pro 3EM meters on consecutive ports until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from wattboard.cli import require_sim
from wattboard.energy.records import ROLES

if TYPE_CHECKING:
    from wattboard.simulator import EmulatorOptions, Emulators

console = Console()


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def _roles(value: str) -> tuple[str, ...]:
    roles = tuple(part.strip() for part in value.split(",") if part.strip())
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles or len(set(roles)) != len(roles):
        raise typer.BadParameter("expected a comma-separated list of grid and/or solar")
    return roles


def simulate(
    port: int = typer.Option(
        18001,
        min=0,
        max=65533,
        help="Port of the first meter (prices on the port after the meters'); 0 = free ports.",
    ),
    meters: str = typer.Option("grid,solar", help="Meters to emulate, in port order."),
    history_days: float = typer.Option(
        7.0, min=0, max=60, help="Days of minute records to pre-fill."
    ),
    password: str | None = typer.Option(
        None, help="Enable digest auth (user admin) with this password."
    ),
    seed: int = typer.Option(1, help="Seed of the household and weather; same seed, same data."),
    speed: float = typer.Option(1.0, min=0.001, help="Run the clock this many times faster."),
    state_dir: Path | None = typer.Option(
        None, help="Keep records and counters here across restarts."
    ),
    lat: float = typer.Option(60.17, min=-90, max=90, help="Latitude of the PV system."),
    lon: float = typer.Option(24.94, min=-180, max=180, help="Longitude of the PV system."),
    timezone: str = typer.Option("Europe/Helsinki", help="IANA zone of the household's rhythm."),
    pv_kwp: float = typer.Option(10.0, min=0, max=100, help="Peak power of the PV array, kWp."),
) -> None:
    """Start emulated Shelly Pro 3EM meters (grid on --port, solar on --port + 1)."""
    # The emulator brings numpy and aiohttp (the `sim` extra): only the commands that need it
    # load it.
    require_sim("simulate")
    from wattboard.simulator import EmulatorOptions  # noqa: PLC0415

    try:
        options = EmulatorOptions(
            port=port,
            meters=_roles(meters),  # type: ignore[arg-type]
            history_days=history_days,
            password=password,
            seed=seed,
            speed=speed,
            state_dir=state_dir,
            lat=lat,
            lon=lon,
            timezone=timezone,
            pv_kwp=pv_kwp,
        )
    except ValueError as err:
        raise typer.BadParameter(str(err)) from err
    asyncio.run(_serve(options))


async def _serve(options: EmulatorOptions) -> None:
    from wattboard.simulator import start_emulators  # noqa: PLC0415

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    with console.status(f"Generating {options.history_days:g} days of history…"):
        context = start_emulators(options)
        running = await context.__aenter__()
    try:
        _announce(running)
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await context.__aexit__(None, None, None)
        console.print("Emulated meters stopped.")


def _announce(running: Emulators) -> None:
    for role, meter in running.meters.items():
        console.print(
            f"[bold]{role}[/bold] meter: {meter.url}  ({meter.device.identity.device_id})"
        )
    if running.prices is not None:
        console.print(
            f"[bold]spot prices[/bold] (Elering-compatible): {running.prices.url}/api/nps/price"
        )
    first = next(iter(running.meters.values()))
    console.print(
        f"Try: curl {first.url}/rpc/EM.GetStatus?id=0   ·   "
        f"curl '{first.url}/rpc/EMData.GetData?id=0&ts=0'   ·   Ctrl-C stops."
    )
