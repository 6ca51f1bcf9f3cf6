"""Device payloads typed at the edge: real fixtures pass, damaged ones fail naming the key."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest

from tests.shelly.payloads import FIXTURES, load
from wattboard.exceptions import DeviceProtocolError
from wattboard.shelly import models

if TYPE_CHECKING:
    from collections.abc import Callable

VALIDATORS: dict[str, Callable[[object], object]] = {
    "Shelly.GetDeviceInfo": models.validate_device_info,
    "EM.GetStatus": models.validate_em_status,
    "EM.GetConfig": models.validate_em_config,
    "EMData.GetStatus": models.validate_emdata_status,
    "Sys.GetStatus": models.validate_sys_status,
}
EXTRACTED = sorted(path.name for path in (FIXTURES / "extracted").glob("*.json"))
EM1_STATUS = {  # docs/shelly-wire.md, "Monophase profile"; a Pro EM-50 trace
    "id": 0,
    "current": 0.02,
    "voltage": 230.4,
    "act_power": -3.1,
    "aprt_power": 4.6,
    "pf": 0.0,
    "freq": 50.0,
    "calibration": "factory",
}


def _method(name: str) -> str:
    return ".".join(name.split(".")[:2])


def test_extracted_fixtures_cover_both_firmwares() -> None:
    assert len(EXTRACTED) == 10  # 5 methods × fw 1.1.0 and 1.6.1
    assert {_method(name) for name in EXTRACTED} == set(VALIDATORS)


@pytest.mark.parametrize("name", EXTRACTED)
def test_validate_extracted_fixture_passes(name: str) -> None:
    payload = load(f"extracted/{name}")
    assert VALIDATORS[_method(name)](payload) == payload


@pytest.mark.parametrize("ts", [1739876580, 1739876940, 1739877300, 1739877660])
def test_validate_data_page_real_page_passes(ts: int) -> None:
    page = models.validate_data_page(load(f"getdata_pages/{ts}.json"))
    assert page["data"][0]["ts"] == ts
    assert page.get("next_record_ts") == ts + 360  # 6 rows × 60 s


def test_triphase_keys_match_the_real_device_order() -> None:
    assert tuple(load("getdata_pages/1739876580.json")["keys"]) == models.TRIPHASE_KEYS
    assert len(models.TRIPHASE_KEYS) == 51  # 3 phases × 16 + 3 neutral


def test_monophase_keys_are_the_fourteen_of_facts() -> None:
    assert len(models.MONOPHASE_KEYS) == 14  # 16 per phase minus 2 fund_*
    assert models.MONOPHASE_KEYS[:2] == ("total_act_energy", "total_act_ret_energy")
    assert models.MONOPHASE_KEYS[-1] == "avg_current"


def test_validate_em_status_missing_key_is_named() -> None:
    payload = load("extracted/EM.GetStatus.ha_fw1.6.1.json")
    del payload["b_act_power"]
    with pytest.raises(
        DeviceProtocolError, match=r"EM\.GetStatus: key 'b_act_power': Field required"
    ):
        models.validate_em_status(payload)


def test_validate_em_status_string_number_is_named() -> None:
    payload = load("extracted/EM.GetStatus.ha_fw1.6.1.json")
    payload["total_act_power"] = "2413.825"
    with pytest.raises(DeviceProtocolError, match="key 'total_act_power': Input should be a valid"):
        models.validate_em_status(payload)


def test_validate_em_status_bool_is_not_a_number() -> None:
    payload = load("extracted/EM.GetStatus.ha_fw1.6.1.json")
    payload["a_current"] = True
    with pytest.raises(DeviceProtocolError, match="a_current"):
        models.validate_em_status(payload)


def test_validate_em_status_null_phase_and_errors_accepted() -> None:
    payload = load("extracted/EM.GetStatus.aioshelly_fw1.1.0_deviceorder.json")
    payload["c_voltage"] = None  # an unconnected phase
    payload["errors"] = ["phase_sequence"]
    assert models.validate_em_status(payload)["errors"] == ["phase_sequence"]


def test_validate_em_status_ints_become_floats() -> None:
    payload = load("extracted/EM.GetStatus.ha_fw1.6.1.json")
    payload["b_act_power"] = 4  # the device trims 4.0 to 4 in re-serialised dumps
    assert models.validate_em_status(payload)["b_act_power"] == 4.0


def test_validate_em_status_unknown_keys_are_dropped() -> None:
    payload = load("extracted/EM.GetStatus.ha_fw1.6.1.json")
    payload["a_new_firmware_field"] = 1
    assert "a_new_firmware_field" not in models.validate_em_status(payload)


def test_validate_device_info_wrong_type_is_named() -> None:
    payload = load("extracted/Shelly.GetDeviceInfo.ha_fw1.6.1.json")
    payload["gen"] = "2"
    with pytest.raises(DeviceProtocolError, match=r"Shelly\.GetDeviceInfo: key 'gen'"):
        models.validate_device_info(payload)


def test_validate_emdata_status_missing_counter_is_named() -> None:
    payload = load("extracted/EMData.GetStatus.ha_fw1.6.1.json")
    del payload["c_total_act_ret_energy"]
    with pytest.raises(DeviceProtocolError, match="c_total_act_ret_energy"):
        models.validate_emdata_status(payload)


def test_validate_em_config_nested_key_is_dotted() -> None:
    payload = load("extracted/EM.GetConfig.ha_fw1.6.1.json")
    payload["reverse"] = {"a": "yes"}
    with pytest.raises(DeviceProtocolError, match=r"key 'reverse\.a'"):
        models.validate_em_config(payload)


def test_validate_sys_status_null_time_before_sync_accepted() -> None:
    payload = load("extracted/Sys.GetStatus.ha_fw1.6.1.json")
    payload["time"] = payload["unixtime"] = None
    assert models.validate_sys_status(payload)["unixtime"] is None


def test_validate_sys_status_not_an_object_is_refused() -> None:
    with pytest.raises(DeviceProtocolError, match=r"Sys\.GetStatus: key 'result'"):
        models.validate_sys_status([1, 2])


def test_validate_emdata_records_constructed_blocks_pass() -> None:
    payload = {"data_blocks": [{"ts": 1739876580, "period": 60, "records": 24}]}
    assert models.validate_emdata_records(payload) == payload
    assert models.validate_emdata_records({"data_blocks": []}) == {"data_blocks": []}


def test_validate_emdata_records_string_period_is_named() -> None:
    payload = {"data_blocks": [{"ts": 1739876580, "period": "60", "records": 24}]}
    with pytest.raises(DeviceProtocolError, match=r"key 'data_blocks\.0\.period'"):
        models.validate_emdata_records(payload)


def test_validate_data_page_bad_cell_names_row_ts_and_column() -> None:
    page = load("getdata_pages/1739876580.json")
    page["data"][0]["values"][3][7] = "3136.3"
    # Row 3 of a block starting at 1739876580: 1739876580 + 3 × 60 = 1739876760; column 7.
    with pytest.raises(DeviceProtocolError, match="row ts=1739876760 column a_min_act_power"):
        models.validate_data_page(page)


def test_validate_data_page_bad_cell_without_keys_uses_device_order() -> None:
    page = load("getdata_pages/1739876580.json")
    del page["keys"]
    page["data"][0]["values"][5][50] = None
    # 1739876580 + 5 × 60 = 1739876880; column 50 is the last neutral key.
    with pytest.raises(DeviceProtocolError, match="row ts=1739876880 column n_avg_current"):
        models.validate_data_page(page)


def test_validate_data_page_missing_data_is_named() -> None:
    with pytest.raises(DeviceProtocolError, match=r"EMData\.GetData: key 'data'"):
        models.validate_data_page({"keys": ["a_total_act_energy"]})


def test_validate_em1_status_facts_payload_passes() -> None:
    assert models.validate_em1_status(copy.deepcopy(EM1_STATUS)) == EM1_STATUS


def test_validate_em1_status_missing_calibration_is_named() -> None:
    payload: dict[str, Any] = copy.deepcopy(EM1_STATUS)
    del payload["calibration"]
    with pytest.raises(DeviceProtocolError, match=r"EM1\.GetStatus: key 'calibration'"):
        models.validate_em1_status(payload)


def test_validate_em1data_status_counters_pass_and_type_is_checked() -> None:
    payload = {"id": 2, "total_act_energy": 1234.56, "total_act_ret_energy": 0}
    assert models.validate_em1data_status(payload)["total_act_ret_energy"] == 0.0
    with pytest.raises(DeviceProtocolError, match="total_act_energy"):
        models.validate_em1data_status({**payload, "total_act_energy": None})
