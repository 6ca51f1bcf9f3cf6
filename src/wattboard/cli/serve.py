"""`wattboard serve` (the API alone over a store) and `wattboard demo` (everything, emulated)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import typer

from wattboard.cli import require_sim
from wattboard.cli.collect import CONFIG_HELP, rebuild_all
from wattboard.config import Settings, load_settings
from wattboard.runtime import run_cloud, run_home, stop_on_signals

if TYPE_CHECKING:
    from rich.console import Console

    from wattboard.simulator import Emulators

log = logging.getLogger("wattboard")
DEMO_HISTORY_DAYS = 14


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)


def serve(config: Path = typer.Option(..., "--config", help=CONFIG_HELP)) -> None:
    """Serve the API (no meters) over the configured store."""
    settings = load_settings(config, required=True)
    asyncio.run(_serve(settings))


async def _serve(settings: Settings) -> None:
    stop = stop_on_signals()
    if settings.store.backend == "mongodb":
        await run_cloud(settings, stop, announce=_announce)
    else:
        await run_home(settings, stop, collect=False, rebuild=rebuild_all, announce=_announce)


def _announce(url: str) -> None:
    # Plain output: Rich would cost `serve` 4 MB of memory for one line.
    typer.echo(f"Wattboard at {url}  (API: {url}/api/v1, docs: {url}/docs)")


def demo(
    port: int = typer.Option(8000, min=0, max=65535, help="Port of the API and app; 0 = free."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    seed: int = typer.Option(1, help="Seed of the emulated household and weather."),
    cors_origin: list[str] = typer.Option(
        [], help="Origin allowed to call the API from a browser, e.g. http://localhost:8081."
    ),
) -> None:
    """Two emulated meters with 14 days of history, the collector, the API and the app."""
    require_sim("demo")
    asyncio.run(_demo(host, port, seed, cors_origin))


async def _demo(host: str, port: int, seed: int, cors: list[str]) -> None:
    # The emulator brings numpy and aiohttp (the `sim` extra): only the demo loads it.
    from wattboard.simulator import EmulatorOptions, start_emulators  # noqa: PLC0415

    console = _console()
    stop = stop_on_signals()
    options = EmulatorOptions(port=0, history_days=DEMO_HISTORY_DAYS, seed=seed)
    with console.status(f"Starting emulated meters with {DEMO_HISTORY_DAYS} days of history…"):
        context = start_emulators(options)
        sim = await context.__aenter__()
    try:
        with tempfile.TemporaryDirectory(prefix="wattboard-demo-") as data:
            settings = demo_settings(sim, Path(data), host, port, cors)
            token = settings.api.token.get_secret_value()
            console.print(f"Write token for this demo: {token}")
            await run_home(settings, stop, collect=True, rebuild=rebuild_all, announce=_announce)
    finally:
        await context.__aexit__(None, None, None)
        console.print("Demo stopped.")


# A Finnish spot-price contract (prices of 2025, excl. VAT): the README's "Money" example. Valid
# since long before the emulated history, so every day of the demo is priced.
DEMO_TARIFF: Final[dict[str, Any]] = {
    "valid_from": "2000-01-01",
    "currency": "EUR",
    "monthly_fees": [
        {"name": "energy basic fee", "price": 3.95, "vat": 25.5},
        {"name": "transfer basic fee", "price": 9.90, "vat": 25.5},
    ],
    "import": [
        {"name": "energy", "spot": True, "price": 0.0049, "vat": 25.5},
        {
            "name": "transfer",
            "price": 0.0264,
            "vat": 25.5,
            "windows": [
                {
                    "days": "mon-sat",
                    "from": "07:00",
                    "to": "22:00",
                    "months": "11-3",
                    "price": 0.0421,
                }
            ],
        },
        {"name": "electricity tax", "price": 0.02253, "vat": 25.5},
    ],
    "export": [{"name": "sale", "spot": True, "price": -0.003, "vat": 0}],
}


def demo_settings(
    sim: Emulators, data: Path, host: str, port: int, cors: list[str] | None = None
) -> Settings:
    """Settings of a demo site reading the emulated meters, its store in `data`."""
    meters = [{"id": role, "role": role, "url": m.url} for role, m in sim.meters.items()]
    return Settings(
        site={"id": "demo", "timezone": sim.options.timezone, "netting": "minute"},
        store={"path": data / "demo.db"},
        api={
            "host": host,
            "port": port,
            "token": secrets.token_urlsafe(16),
            "cors_origins": cors or [],
        },
        meters=meters,
        # The emulator's Elering-compatible prices: the demo shows money with no internet.
        prices=(
            {"source": "elering", "area": "FI", "url": sim.prices.url}
            if sim.prices is not None
            else {}
        ),
        tariffs=[DEMO_TARIFF],
    )


def _console() -> Console:
    from rich.console import Console  # noqa: PLC0415 - the demo's spinner only

    return Console()
