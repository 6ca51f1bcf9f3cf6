"""Emulator sites where the sun is up, or down, right now: tests run at any hour."""

from __future__ import annotations

import time
from typing import Any

from wattboard.simulator import EmulatorOptions


def longitude_at(solar_hour: float, now: float | None = None) -> float:
    """Return the longitude where the local solar time is `solar_hour` now."""
    utc_hours = ((time.time() if now is None else now) % 86400) / 3600
    lon = (solar_hour - utc_hours) * 15.0
    return (lon + 180.0) % 360.0 - 180.0


def daytime(**options: Any) -> EmulatorOptions:
    """Emulated meters on the equator at solar noon: the panels produce, whatever the season."""
    return EmulatorOptions(port=0, lat=0.0, lon=longitude_at(12.0), timezone="UTC", **options)


def night(**options: Any) -> EmulatorOptions:
    """Emulated meters at solar midnight: no production, every phase of the house imports."""
    return EmulatorOptions(port=0, lat=0.0, lon=longitude_at(0.0), timezone="UTC", **options)
