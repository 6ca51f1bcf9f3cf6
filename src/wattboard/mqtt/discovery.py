"""Home Assistant MQTT discovery: the entities of a site and their config payloads (pure).

One HA device per site (site power, lifetime energy, diagnostics) and one per meter (phase
power, online), linked to the site's device by `via_device`. Payloads use HA's full key names,
never the abbreviations, so one spelling is used throughout. Topics:

- `<discovery prefix>/<component>/<node id>/<object id>/config`: the entity's config (retained);
- `<topic prefix>/status`: `online` / `offline` (birth and last will, retained);
- `<topic prefix>/power/<grid|solar|home>`, `<topic prefix>/meter/<id>/power/<a|b|c>`: W;
- `<topic prefix>/energy/<flow>`: kWh, the lifetime counters (retained);
- `<topic prefix>/price/<import|export>`: the full price per kWh now, with `[[tariffs]]` (retained);
- `<topic prefix>/meter/<id>/online`, `<topic prefix>/diagnostic/<name>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from wattboard.energy.counters import COUNTER_FLOWS
from wattboard.energy.records import PHASES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

Component = Literal["sensor", "binary_sensor"]
ONLINE: Final = "online"
OFFLINE: Final = "offline"
SITE_POWER: Final = ("grid", "solar", "home")
PRICE_DIRECTIONS: Final = ("import", "export")
HEARTBEAT: Final = 60.0  # seconds: an unchanged power or state value is sent again after this long
# A power value not refreshed for three heartbeats (a stale meter, a stopped Wattboard whose last
# will was lost) shows as unavailable in HA instead of the last watts forever.
POWER_EXPIRE_AFTER: Final = int(3 * HEARTBEAT)
_POWER_NAMES: Final = {"grid": "Grid power", "solar": "Solar power", "home": "Home power"}
_ENERGY_NAMES: Final = {
    "grid_import": "Grid import (netted)",
    "grid_export": "Grid export (netted)",
    "solar": "Solar production",
    "consumption": "Home consumption",
    "self_consumption": "Self-consumption",
}


@dataclass(frozen=True, slots=True)
class Entity:
    """One HA entity: where its state is published and how HA should show it."""

    component: Component
    object_id: str
    name: str
    state_topic: str
    device: str | None  # None: the site's device; else a meter id
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Site:
    """What discovery needs to know about the site and its meters."""

    id: str
    topic_prefix: str
    discovery_prefix: str
    meters: Sequence[tuple[str, str]]  # (id, role)
    version: str
    replicating: bool = False
    models: Mapping[str, str] = field(default_factory=dict)  # meter id -> device model
    currency: str | None = None  # the tariffs' currency; None: no tariff, no price entities

    @property
    def node(self) -> str:
        return f"wattboard_{slug(self.id)}"

    @property
    def status_topic(self) -> str:
        return f"{self.topic_prefix}/status"


def slug(text: str) -> str:
    """Return `text` with only the characters HA allows in a discovery topic's ids."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def power_topic(site: Site, flow: str) -> str:
    return f"{site.topic_prefix}/power/{flow}"


def phase_topic(site: Site, meter: str, phase: str) -> str:
    return f"{site.topic_prefix}/meter/{meter}/power/{phase}"


def energy_topic(site: Site, flow: str) -> str:
    return f"{site.topic_prefix}/energy/{flow}"


def price_topic(site: Site, direction: str) -> str:
    return f"{site.topic_prefix}/price/{direction}"


def online_topic(site: Site, meter: str) -> str:
    return f"{site.topic_prefix}/meter/{meter}/online"


def diagnostic_topic(site: Site, name: str) -> str:
    return f"{site.topic_prefix}/diagnostic/{name}"


_POWER: Final = {
    "device_class": "power",
    "state_class": "measurement",
    "unit_of_measurement": "W",
    "suggested_display_precision": 0,
    "expire_after": POWER_EXPIRE_AFTER,
}
_ENERGY: Final = {
    "device_class": "energy",
    "state_class": "total_increasing",
    "unit_of_measurement": "kWh",
    "suggested_display_precision": 3,
}


def entities(site: Site) -> list[Entity]:
    """Return every entity of the site: power, lifetime energy, diagnostics, per meter."""
    found = [
        Entity("sensor", f"power_{flow}", _POWER_NAMES[flow], power_topic(site, flow), None, _POWER)
        for flow in SITE_POWER
    ]
    found += [
        Entity(
            "sensor",
            f"energy_{flow}",
            _ENERGY_NAMES[flow],
            energy_topic(site, flow),
            None,
            _ENERGY,
        )
        for flow in COUNTER_FLOWS
    ]
    if site.currency is not None:
        # HA's energy dashboard takes "an entity with the current price" per kWh for the grid's
        # import cost and export compensation: these are the tariff's full prices, VAT included.
        found += [
            Entity(
                "sensor",
                f"price_{direction}",
                f"{direction.capitalize()} price",
                price_topic(site, direction),
                None,
                {
                    "state_class": "measurement",
                    "unit_of_measurement": f"{site.currency}/kWh",
                    "suggested_display_precision": 4,
                },
            )
            for direction in PRICE_DIRECTIONS
        ]
    found.append(
        Entity(
            "sensor",
            "coverage_today",
            "Data coverage today",
            diagnostic_topic(site, "coverage_today"),
            None,
            {
                "state_class": "measurement",
                "unit_of_measurement": "%",
                "suggested_display_precision": 1,
                "entity_category": "diagnostic",
            },
        )
    )
    if site.replicating:
        found.append(
            Entity(
                "sensor",
                "replication_lag",
                "Replication lag",
                diagnostic_topic(site, "replication_lag"),
                None,
                {
                    "device_class": "duration",
                    "state_class": "measurement",
                    "unit_of_measurement": "s",
                    "suggested_display_precision": 0,
                    "entity_category": "diagnostic",
                },
            )
        )
    for meter, _ in site.meters:
        found += [
            Entity(
                "sensor",
                f"power_{slug(meter)}_{phase}",
                f"Phase {phase.upper()} power",
                phase_topic(site, meter, phase),
                meter,
                _POWER,
            )
            for phase in PHASES
        ]
        found.append(
            Entity(
                "binary_sensor",
                f"online_{slug(meter)}",
                "Online",
                online_topic(site, meter),
                meter,
                {
                    "device_class": "connectivity",
                    "payload_on": "ON",
                    "payload_off": "OFF",
                    "entity_category": "diagnostic",
                },
            )
        )
    return found


def config_topic(site: Site, entity: Entity) -> str:
    return f"{site.discovery_prefix}/{entity.component}/{site.node}/{entity.object_id}/config"


def config_payload(site: Site, entity: Entity) -> dict[str, Any]:
    """Return the discovery payload of `entity` (full key names only)."""
    return {
        "name": entity.name,
        "unique_id": f"{site.node}_{entity.object_id}",
        "state_topic": entity.state_topic,
        "availability_topic": site.status_topic,
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        **entity.options,
        "device": _device(site, entity.device),
        "origin": {"name": "Wattboard", "sw_version": site.version},
    }


def _device(site: Site, meter: str | None) -> dict[str, Any]:
    if meter is None:
        return {
            "identifiers": [site.node],
            "name": f"Wattboard {site.id}",
            "manufacturer": "Wattboard",
            "model": "Energy monitor",
            "sw_version": site.version,
        }
    role = dict(site.meters).get(meter, "")
    return {
        "identifiers": [f"{site.node}_meter_{slug(meter)}"],
        "name": f"Meter {meter} ({role})",
        "manufacturer": "Shelly",
        "model": site.models.get(meter, "Pro 3EM"),
        "via_device": site.node,
    }


def format_kwh(wh: float) -> str:
    """Return Wh as the kWh text of an energy state, to the stored resolution (0.1 mWh)."""
    return f"{wh / 1000:.7f}"


def format_watts(watts: float) -> str:
    return f"{watts:.1f}"


def format_price(price: float | None) -> str:
    """Return a price per kWh as a state; HA reads `None` as unknown (no price for now)."""
    return "None" if price is None else f"{price:.6f}"
