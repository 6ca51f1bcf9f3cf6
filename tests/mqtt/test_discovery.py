"""Discovery payloads checked against Home Assistant's MQTT discovery schema for sensors.

The schema facts below are read from Home Assistant core's source:
`homeassistant/components/mqtt/sensor.py` (`_PLATFORM_SCHEMA_BASE`), `binary_sensor.py`,
`config.py` (`MQTT_RO_SCHEMA`: `state_topic` required), `schemas.py`
(`MQTT_ENTITY_COMMON_SCHEMA`, `MQTT_ENTITY_DEVICE_INFO_SCHEMA`, `MQTT_ORIGIN_INFO_SCHEMA`:
origin `name` required, a device needs `identifiers` or `connections`), `abbreviations.py`
(the short spellings, which these payloads must not mix in), and
`homeassistant/components/sensor/const.py` (`DEVICE_CLASS_UNITS`, `DEVICE_CLASS_STATE_CLASSES`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from wattboard.mqtt.discovery import (
    HEARTBEAT,
    POWER_EXPIRE_AFTER,
    Site,
    config_payload,
    config_topic,
    entities,
)

# MQTT_RO_SCHEMA + MQTT_ENTITY_COMMON_SCHEMA (availability, device, origin, ...).
COMMON_KEYS = {
    "state_topic",
    "value_template",
    "qos",
    "encoding",
    "availability",
    "availability_mode",
    "availability_template",
    "availability_topic",
    "payload_available",
    "payload_not_available",
    "device",
    "origin",
    "enabled_by_default",
    "entity_category",
    "icon",
    "json_attributes_topic",
    "json_attributes_template",
    "object_id",
    "default_entity_id",
    "unique_id",
    "name",
}
SENSOR_KEYS = COMMON_KEYS | {
    "device_class",
    "expire_after",
    "force_update",
    "last_reset_value_template",
    "options",
    "suggested_display_precision",
    "state_class",
    "unit_of_measurement",
}
BINARY_SENSOR_KEYS = COMMON_KEYS | {
    "device_class",
    "expire_after",
    "force_update",
    "off_delay",
    "payload_off",
    "payload_on",
}
REQUIRED = {"state_topic"}
DEVICE_KEYS = {
    "identifiers",
    "connections",
    "manufacturer",
    "model",
    "model_id",
    "name",
    "hw_version",
    "serial_number",
    "sw_version",
    "via_device",
    "suggested_area",
    "configuration_url",
}
ORIGIN_KEYS = {"name", "sw_version", "support_url"}
ENTITY_CATEGORIES = {"config", "diagnostic"}
# sensor/const.py: the units and state classes each device class allows (the ones used here).
DEVICE_CLASS_UNITS = {
    "power": {"mW", "W", "kW", "MW", "GW", "TW", "BTU/h"},
    "energy": {"J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal"},
    "duration": {"d", "h", "min", "s", "ms", "µs"},
}
DEVICE_CLASS_STATE_CLASSES = {
    "power": {"measurement"},
    "energy": {"total", "total_increasing"},
    "duration": {"measurement", "total", "total_increasing"},
}
STATE_CLASSES = {"measurement", "measurement_angle", "total", "total_increasing"}
BINARY_DEVICE_CLASSES = {"connectivity", "power", "problem", "running"}
# abbreviations.py: every short spelling of a key (a payload uses full names throughout).
ABBREVIATED = {
    "avty", "avty_mode", "avty_t", "avty_tpl", "dev", "dev_cla", "e", "en", "ent_cat",
    "exp_aft", "frc_upd", "ic", "json_attr_t", "json_attr_tpl", "lrst_val_tpl", "o", "obj_id",
    "ops", "pl_avail", "pl_not_avail", "pl_off", "pl_on", "stat_cla", "stat_t", "sug_dsp_prc",
    "uniq_id", "unit_of_meas", "val_tpl", "def_ent_id",
}  # fmt: skip
DEVICE_ABBREVIATED = {"cns", "cu", "ids", "mf", "mdl", "mdl_id", "hw", "sw", "sa", "sn", "via_dev"}
ORIGIN_ABBREVIATED = {"sw", "url"}

SITE = Site(
    id="home",
    topic_prefix="wattboard/home",
    discovery_prefix="homeassistant",
    meters=[("grid", "grid"), ("solar", "solar")],
    version="0.1.0",
    replicating=True,
)


def check_payload(component: str, payload: dict[str, Any]) -> None:
    """Fail unless `payload` is a valid discovery config of `component` (sensor facts above)."""
    allowed = SENSOR_KEYS if component == "sensor" else BINARY_SENSOR_KEYS
    assert set(payload) <= allowed, set(payload) - allowed
    assert set(payload) >= REQUIRED
    assert not set(payload) & ABBREVIATED
    device, origin = payload["device"], payload["origin"]
    assert set(device) <= DEVICE_KEYS
    assert not set(device) & DEVICE_ABBREVIATED
    assert device.get("identifiers") or device.get("connections")
    assert isinstance(device["identifiers"], list)
    assert set(origin) <= ORIGIN_KEYS
    assert "name" in origin
    assert payload.get("entity_category", "diagnostic") in ENTITY_CATEGORIES
    if component == "binary_sensor":
        assert payload.get("device_class", "connectivity") in BINARY_DEVICE_CLASSES
        return
    device_class, state_class = payload.get("device_class"), payload.get("state_class")
    assert state_class is None or state_class in STATE_CLASSES
    if device_class is not None:
        assert payload["unit_of_measurement"] in DEVICE_CLASS_UNITS[device_class]
        assert state_class in DEVICE_CLASS_STATE_CLASSES[device_class]


@pytest.mark.parametrize("entity", entities(SITE), ids=lambda e: e.object_id)
def test_discovery_payload_is_valid_for_home_assistant(entity: Any) -> None:
    check_payload(entity.component, config_payload(SITE, entity))


def test_discovery_unique_ids_and_topics_are_stable_and_distinct() -> None:
    found = entities(SITE)
    ids = [config_payload(SITE, e)["unique_id"] for e in found]
    topics = [config_topic(SITE, e) for e in found]
    assert len(set(ids)) == len(ids) == len(found)
    assert len(set(topics)) == len(topics)
    assert "wattboard_home_energy_grid_import" in ids
    assert "homeassistant/sensor/wattboard_home/energy_grid_import/config" in topics
    assert ids == [config_payload(SITE, e)["unique_id"] for e in entities(SITE)]


def test_discovery_devices_one_per_site_and_one_per_meter() -> None:
    devices = {
        tuple(config_payload(SITE, e)["device"]["identifiers"]): config_payload(SITE, e)["device"]
        for e in entities(SITE)
    }
    assert set(devices) == {
        ("wattboard_home",),
        ("wattboard_home_meter_grid",),
        ("wattboard_home_meter_solar",),
    }
    assert devices[("wattboard_home_meter_grid",)]["via_device"] == "wattboard_home"


def test_discovery_entities_cover_power_energy_and_diagnostics() -> None:
    by_id = {e.object_id: config_payload(SITE, e) for e in entities(SITE)}
    assert {"power_grid", "power_solar", "power_home", "power_grid_a", "power_solar_c"} <= set(
        by_id
    )
    energy = [k for k, v in by_id.items() if v.get("device_class") == "energy"]
    assert sorted(energy) == [
        "energy_consumption",
        "energy_grid_export",
        "energy_grid_import",
        "energy_self_consumption",
        "energy_solar",
    ]
    assert by_id["energy_grid_import"]["unit_of_measurement"] == "kWh"
    assert by_id["online_grid"]["entity_category"] == "diagnostic"
    assert by_id["replication_lag"]["entity_category"] == "diagnostic"
    assert by_id["coverage_today"]["unit_of_measurement"] == "%"


def test_discovery_power_expires_after_three_missed_heartbeats() -> None:
    by_id = {e.object_id: config_payload(SITE, e) for e in entities(SITE)}
    power = sorted(k for k, v in by_id.items() if v.get("device_class") == "power")
    assert power == [
        "power_grid",
        "power_grid_a",
        "power_grid_b",
        "power_grid_c",
        "power_home",
        "power_solar",
        "power_solar_a",
        "power_solar_b",
        "power_solar_c",
    ]
    assert {by_id[k]["expire_after"] for k in power} == {180}
    assert POWER_EXPIRE_AFTER >= 2 * HEARTBEAT  # a value is resent at least once in between
    # Lifetime counters are retained and only grow: they never expire.
    assert not any("expire_after" in v for v in by_id.values() if v.get("device_class") == "energy")


def test_discovery_price_entities_only_with_a_tariff() -> None:
    assert not any(e.object_id.startswith("price_") for e in entities(SITE))
    priced = replace(SITE, currency="EUR")
    by_id = {e.object_id: config_payload(priced, e) for e in entities(priced)}
    for direction in ("import", "export"):
        payload = by_id[f"price_{direction}"]
        check_payload("sensor", payload)
        assert payload["unit_of_measurement"] == "EUR/kWh"
        assert payload["state_topic"] == f"wattboard/home/price/{direction}"
        assert payload["unique_id"] == f"wattboard_home_price_{direction}"
        assert "device_class" not in payload  # HA has no class for a price per kWh
