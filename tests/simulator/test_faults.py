"""Every fault the emulator can inject, seen from a client on the wire."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest

from wattboard.simulator import Emulators


async def _fault(url: str, spec: dict[str, Any]) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/_sim/fault", json=spec) as response,
    ):
        assert response.status == 200, await response.text()


async def _get(url: str, path: str) -> tuple[int, str]:
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url + path) as response,
    ):
        return response.status, await response.text()


async def test_fault_offline_refuses_connections_then_recovers(emulators: Emulators) -> None:
    url = emulators.meters["grid"].url
    await _fault(url, {"kind": "offline", "seconds": 0.6})
    await asyncio.sleep(0.15)  # the emulator answers the control call before it goes dark
    with pytest.raises(aiohttp.ClientConnectionError):
        await _get(url, "/rpc/EM.GetStatus?id=0")
    await asyncio.sleep(0.9)
    status, _ = await _get(url, "/rpc/EM.GetStatus?id=0")
    assert status == 200


async def test_fault_http500_answers_500_count_times(emulators: Emulators) -> None:
    url = emulators.meters["grid"].url
    await _fault(url, {"kind": "http500", "count": 2})
    statuses = [(await _get(url, "/rpc/EM.GetStatus?id=0"))[0] for _ in range(3)]
    assert statuses == [500, 500, 200]


async def test_fault_malformed_truncates_json(emulators: Emulators) -> None:
    url = emulators.meters["grid"].url
    await _fault(url, {"kind": "malformed", "count": 1})
    status, text = await _get(url, "/rpc/EMData.GetStatus?id=0")
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert json.loads((await _get(url, "/rpc/EMData.GetStatus?id=0"))[1])["id"] == 0


async def test_fault_slow_delays_one_response(emulators: Emulators) -> None:
    url = emulators.meters["grid"].url
    await _fault(url, {"kind": "slow", "seconds": 0.5, "count": 1})
    started = time.monotonic()
    await _get(url, "/rpc/EM.GetStatus?id=0")
    assert time.monotonic() - started >= 0.5


async def test_fault_reboot_resets_uptime_and_starts_new_block(emulators: Emulators) -> None:
    grid = emulators.meters["grid"]
    device = grid.device
    device.boot_time -= 1000  # pretend it has been up a while
    device.power_cycle(0.3)
    await grid.server.go_offline(0.3)
    await asyncio.sleep(0.5)
    status, text = await _get(grid.url, "/rpc/Sys.GetStatus")
    assert status == 200
    assert json.loads(text)["uptime"] < 5
    # Simulate the minute boundary passing: the minute of the reboot is lost.
    device.clock_offset += 120
    device.advance()
    blocks = device.memory.blocks()
    assert len(blocks) == 2
    assert blocks[1].ts - (blocks[0].ts + 60 * blocks[0].records) >= 60  # at least one minute lost


async def test_fault_counter_reset_zeroes_counters_keeps_records(emulators: Emulators) -> None:
    url = emulators.meters["grid"].url
    records = len(emulators.meters["grid"].device.memory)
    await _fault(url, {"kind": "counter_reset"})
    body = json.loads((await _get(url, "/rpc/EMData.GetStatus?id=0"))[1])
    assert body["total_act"] == 0.0
    assert len(emulators.meters["grid"].device.memory) == records


async def test_fault_clock_jump_moves_device_time_and_splits_blocks(emulators: Emulators) -> None:
    grid = emulators.meters["grid"]
    before = json.loads((await _get(grid.url, "/rpc/Sys.GetStatus"))[1])["unixtime"]
    await _fault(grid.url, {"kind": "clock_jump", "seconds": 3600})
    after = json.loads((await _get(grid.url, "/rpc/Sys.GetStatus"))[1])["unixtime"]
    assert 3599 <= after - before <= 3610
    grid.device.clock_offset += 120  # two more minutes pass on the device
    grid.device.advance()
    blocks = grid.device.memory.blocks()
    # The jump skips an hour: the records after it form a new block (no record written twice).
    assert len(blocks) == 2
    assert blocks[1].ts - (blocks[0].ts + 60 * blocks[0].records) >= 3540


async def test_fault_clock_jump_back_never_rewrites_a_minute(emulators: Emulators) -> None:
    grid = emulators.meters["grid"]
    last = grid.device.memory.last_ts
    await _fault(grid.url, {"kind": "clock_jump", "seconds": -3600})
    grid.device.advance()
    assert grid.device.memory.last_ts == last
    ts = grid.device.memory.timestamps
    assert (ts[1:] > ts[:-1]).all()


async def test_fault_reverse_ct_flips_one_phase(emulators: Emulators) -> None:
    solar = emulators.meters["solar"]
    device = solar.device
    second = int(device.now())
    plain = device.samples(second, 1).act_w[0]
    await _fault(solar.url, {"kind": "reverse_ct", "phase": "b"})
    flipped = device.samples(second, 1).act_w[0]
    assert flipped[1] == -plain[1]
    assert flipped[0] == plain[0]
    assert flipped[2] == plain[2]


async def test_fault_unknown_kind_is_refused_with_the_choices(emulators: Emulators) -> None:
    url = emulators.meters["grid"].url
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/_sim/fault", json={"kind": "melt"}) as r,
    ):
        assert r.status == 400
        assert "offline" in (await r.json())["error"]


async def test_em_set_config_reverse_flips_phase_and_reports(emulators: Emulators) -> None:
    grid = emulators.meters["grid"]
    device = grid.device
    second = int(device.now())
    plain = device.samples(second, 1).act_w[0]
    async with aiohttp.ClientSession() as session:
        payload = {"id": 0, "config": {"reverse": {"a": True}}}
        async with session.post(grid.url + "/rpc/EM.SetConfig", json=payload) as response:
            assert (await response.json()) == {"restart_required": True}
        async with session.get(grid.url + "/rpc/EM.GetConfig?id=0") as response:
            assert (await response.json())["reverse"] == {"a": True}
    assert device.samples(second, 1).act_w[0][0] == -plain[0]
