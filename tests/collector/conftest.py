"""Settings pointing a collector at emulated meters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wattboard.config import Settings
from wattboard.simulator import Emulators


def settings_for(sim: Emulators, db: Path, **meter_extra: Any) -> Settings:
    meters = [
        {"id": role, "role": role, "url": meter.url, **meter_extra.get(role, {})}
        for role, meter in sim.meters.items()
    ]
    return Settings(
        site={"id": "test", "timezone": "Europe/Helsinki", "netting": "minute"},
        store={"path": db},
        collector={"live_interval": 0.2, "request_timeout": 2.0},
        meters=meters,
    )
