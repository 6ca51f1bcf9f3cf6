"""The emulator's wire protocol against real device payloads and docs/shelly-wire.md."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.conftest import load_fixture
from wattboard.simulator import Emulators
from wattboard.simulator.minutes import KEYS


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


async def _get(url: str, path: str) -> tuple[int, Any, str]:
    async with aiohttp.ClientSession() as session, session.get(url + path) as response:
        text = await response.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        return response.status, body, text


@pytest.mark.parametrize(
    ("method", "fixture"),
    [
        (
            "Shelly.GetDeviceInfo",
            "extracted/Shelly.GetDeviceInfo.aioshelly_fw1.1.0_deviceorder.json",
        ),
        ("EM.GetStatus?id=0", "extracted/EM.GetStatus.ha_fw1.6.1.json"),
        ("EM.GetStatus?id=0", "extracted/EM.GetStatus.aioshelly_fw1.1.0_deviceorder.json"),
        ("EMData.GetStatus?id=0", "extracted/EMData.GetStatus.ha_fw1.6.1.json"),
        ("EM.GetConfig?id=0", "extracted/EM.GetConfig.ha_fw1.6.1.json"),
        ("Sys.GetStatus", "extracted/Sys.GetStatus.ha_fw1.6.1.json"),
        ("EMData.GetData?id=0&ts=0", "getdata_pages/1739876580.json"),
    ],
)
async def test_rpc_serves_every_key_of_real_payload(
    emulators: Emulators, method: str, fixture: str
) -> None:
    real = load_fixture(fixture)
    status, served, _ = await _get(emulators.meters["grid"].url, f"/rpc/{method}")
    assert status == 200
    for key, value in real.items():
        assert key in served, f"{key} missing from {method}"
        assert _json_type(served[key]) == _json_type(value), key


async def test_rpc_device_info_with_auth_matches_real_types(protected: Emulators) -> None:
    real = load_fixture("extracted/Shelly.GetDeviceInfo.ha_fw1.6.1.json")
    status, served, _ = await _get(protected.meters["grid"].url, "/shelly")
    assert status == 200
    assert {k: _json_type(v) for k, v in served.items()} == {
        k: _json_type(v) for k, v in real.items()
    }
    assert (
        served["auth_domain"] == served["id"] == protected.meters["grid"].device.identity.device_id
    )


async def test_rpc_device_info_ident_adds_identification(emulators: Emulators) -> None:
    _, plain, _ = await _get(emulators.meters["grid"].url, "/rpc/Shelly.GetDeviceInfo")
    _, ident, _ = await _get(emulators.meters["grid"].url, "/rpc/Shelly.GetDeviceInfo?ident=true")
    assert "key" not in plain
    assert {k: _json_type(ident[k]) for k in ("key", "batch", "fw_sbits")} == dict.fromkeys(
        ("key", "batch", "fw_sbits"), "string"
    )


async def test_rpc_status_and_config_have_the_real_component_keys(emulators: Emulators) -> None:
    real = load_fixture("ha_core_pro_3em_fw1.6.1_device_dump.json")
    _, status, _ = await _get(emulators.meters["grid"].url, "/rpc/Shelly.GetStatus")
    _, config, _ = await _get(emulators.meters["grid"].url, "/rpc/Shelly.GetConfig")
    assert set(real["status"]) <= set(status)
    assert set(real["config"]) <= set(config)


async def test_rpc_numbers_keep_device_decimals(emulators: Emulators) -> None:
    _, _, text = await _get(emulators.meters["grid"].url, "/rpc/EMData.GetStatus?id=0")
    # Counters have two decimals on the wire, trailing zeros kept: "a_total_act_energy":123.40
    value = text.split('"a_total_act_energy":')[1].split(",")[0]
    assert len(value.split(".")[1]) == 2


async def test_get_data_pages_walk_every_record_once(emulators: Emulators) -> None:
    meter = emulators.meters["grid"]
    memory = meter.device.memory
    seen: list[int] = []
    ts: int | None = memory.first_ts
    pages = 0
    while ts is not None:
        _, page, _ = await _get(meter.url, f"/rpc/EMData.GetData?id=0&ts={ts}")
        rows = sum(len(block["values"]) for block in page["data"])
        assert 1 <= rows <= 6  # a Pro 3EM answers six records per call
        for block in page["data"]:
            assert block["period"] == 60
            seen.extend(block["ts"] + 60 * j for j in range(len(block["values"])))
            assert all(len(row) == 51 for row in block["values"])
        ts = page.get("next_record_ts")
        pages += 1
    assert seen == memory.timestamps.tolist()
    assert pages == -(-len(seen) // 6)  # ceil(records / 6)


async def test_get_data_splits_blocks_across_a_gap(emulators: Emulators) -> None:
    meter = emulators.meters["grid"]
    first = meter.device.memory.first_ts
    assert first is not None
    await _post(meter.url, "/_sim/fault", {"kind": "gap", "start": first + 120, "end": first + 300})
    _, page, _ = await _get(meter.url, f"/rpc/EMData.GetData?id=0&ts={first}")
    blocks = [(b["ts"], len(b["values"])) for b in page["data"]]
    assert blocks == [(first, 2), (first + 300, 4)]  # minutes 0,1 then 5..8: six rows in two blocks
    _, records, _ = await _get(meter.url, "/rpc/EMData.GetRecords?id=0")
    assert [b["ts"] for b in records["data_blocks"]] == [first, first + 300]


async def test_get_data_end_ts_is_inclusive_and_last_page_has_no_next(emulators: Emulators) -> None:
    meter = emulators.meters["grid"]
    first = meter.device.memory.first_ts
    assert first is not None
    _, page, _ = await _get(meter.url, f"/rpc/EMData.GetData?id=0&ts={first}&end_ts={first + 240}")
    assert len(page["data"][0]["values"]) == 5  # ts .. ts+240 in steps of 60
    assert "next_record_ts" not in page


async def test_get_data_without_keys_omits_them(emulators: Emulators) -> None:
    _, page, _ = await _get(
        emulators.meters["grid"].url, "/rpc/EMData.GetData?id=0&ts=0&add_keys=false"
    )
    assert "keys" not in page
    assert len(page["data"][0]["values"][0]) == 51


async def test_counters_equal_sum_of_records(emulators: Emulators) -> None:
    for meter in emulators.meters.values():
        _, counters, _ = await _get(meter.url, "/rpc/EMData.GetStatus?id=0")
        values = meter.device.memory.values
        for phase in "abc":
            for suffix in ("", "_ret"):
                key = f"{phase}_total_act{suffix}_energy"
                total = values[:, KEYS.index(key)].sum()
                assert counters[key] == pytest.approx(total, abs=0.01)
        assert counters["total_act"] == pytest.approx(
            counters["a_total_act_energy"]
            + counters["b_total_act_energy"]
            + counters["c_total_act_energy"],
            abs=0.011,
        )


async def test_csv_has_device_header_and_the_same_rows(emulators: Emulators) -> None:
    meter = emulators.meters["solar"]
    memory = meter.device.memory
    first = memory.first_ts
    assert first is not None
    status, _, text = await _get(
        meter.url, f"/emdata/0/data.csv?ts={first}&end_ts={first + 3599}&add_keys=true"
    )
    assert status == 200
    lines = text.split("\r\n")
    assert lines[0] == "timestamp," + ",".join(KEYS)
    rows = [line.split(",") for line in lines[1:] if line]
    assert len(rows) == 60  # one hour of minutes
    assert int(rows[0][0]) == first
    assert [float(v) for v in rows[5][1:]] == memory.values[5].tolist()


async def test_csv_without_keys_has_no_header(emulators: Emulators) -> None:
    meter = emulators.meters["grid"]
    _, _, text = await _get(meter.url, "/emdata/0/data.csv?add_keys=false")
    first_line = text.split("\r\n")[0]
    assert first_line.split(",")[0] == str(meter.device.memory.first_ts)


@pytest.mark.parametrize(
    ("path", "status", "code", "message"),
    [
        ("/rpc/Script.GetCode", 404, 404, "No handler for Script.GetCode"),
        ("/rpc/EM.GetStatus?id=1", 500, -105, "Argument 'id', value 1 not found!"),
        ("/rpc/EM.GetStatus", 500, -103, "Missing required 'id'"),
        ("/rpc/EMData.GetData?id=0", 500, -103, "Missing required 'ts'"),
        ("/rpc/EMData.GetNetEnergies?id=0&ts=60&period=900", 500, -103, None),
    ],
)
async def test_rpc_errors_carry_device_codes(
    emulators: Emulators, path: str, status: int, code: int, message: str | None
) -> None:
    got_status, body, _ = await _get(emulators.meters["grid"].url, path)
    assert got_status == status
    assert body["code"] == code
    if message is not None:
        assert body["message"] == message


async def test_rpc_methods_match_case_insensitively(emulators: Emulators) -> None:
    status, body, _ = await _get(emulators.meters["grid"].url, "/rpc/EMdata.GetStatus?id=0")
    assert status == 200
    assert "total_act" in body


async def test_rpc_post_frame_answers_full_frame(emulators: Emulators) -> None:
    frame = {"id": 7, "src": "wattboard-test", "method": "EM.GetStatus", "params": {"id": 0}}
    status, body = await _post(emulators.meters["grid"].url, "/rpc", frame)
    assert status == 200
    assert body["id"] == 7
    assert body["dst"] == "wattboard-test"
    assert body["src"] == emulators.meters["grid"].device.identity.device_id
    assert "a_act_power" in body["result"]


async def test_rpc_post_rest_form_uses_body_as_params(emulators: Emulators) -> None:
    status, body = await _post(
        emulators.meters["grid"].url, "/rpc/EM.GetStatus", {"id": 0, "src": "evcc"}
    )
    assert status == 200
    assert "total_act_power" in body


async def test_net_energies_sum_phases_per_period(emulators: Emulators) -> None:
    meter = emulators.meters["grid"]
    first = meter.device.memory.first_ts
    assert first is not None
    start = -(-first // 900) * 900  # first whole quarter
    _, body, _ = await _get(
        meter.url, f"/rpc/EMData.GetNetEnergies?id=0&ts={start}&period=900&end_ts={start + 899}"
    )
    values = meter.device.memory.select(start, start + 899)[1]
    expected = (
        values[:, KEYS.index("a_total_act_energy")].sum()
        - values[:, KEYS.index("a_total_act_ret_energy")].sum()
    )
    assert body["keys"] == ["a_net_act_energy", "b_net_act_energy", "c_net_act_energy"]
    assert body["data"][0]["values"][0][0] == pytest.approx(expected, abs=1e-3)


async def _post(url: str, path: str, payload: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + path, json=payload) as response,
    ):
        text = await response.text()
        return response.status, json.loads(text) if text else None
