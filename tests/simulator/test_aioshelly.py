"""Home Assistant's Shelly library (aioshelly) as a real client of the emulator over WebSocket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aioshelly.common import ConnectionOptions
from aioshelly.exceptions import InvalidAuthError
from aioshelly.rpc_device import RpcDevice, RpcUpdateType

from wattboard.simulator import EmulatorOptions, Emulators, start_emulators


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def _device(session: aiohttp.ClientSession, url: str, password: str | None) -> RpcDevice:
    port = int(url.rsplit(":", 1)[1])
    options = ConnectionOptions("127.0.0.1", "admin" if password else None, password, port=port)
    device = await RpcDevice.create(session, None, options)
    await device.initialize()
    return device


async def test_aioshelly_initializes_and_reads_em_and_emdata(
    emulators: Emulators, session: aiohttp.ClientSession
) -> None:
    grid = emulators.meters["grid"]
    device = await _device(session, grid.url, None)
    try:
        assert device.initialized
        assert device.model == "SPEM-003CEBEU"
        em = device.status["em:0"]
        assert em["total_act_power"] == pytest.approx(
            em["a_act_power"] + em["b_act_power"] + em["c_act_power"], abs=0.2
        )
        counters = device.status["emdata:0"]
        assert counters["total_act"] == pytest.approx(
            float(grid.device.counters[0::2].sum()), abs=0.01
        )
    finally:
        await device.shutdown()


async def test_aioshelly_with_password(
    protected: Emulators, session: aiohttp.ClientSession
) -> None:
    device = await _device(session, protected.meters["grid"].url, "secret")
    try:
        assert device.requires_auth
        assert "em:0" in device.status
        assert "a_act_power" in await device.call_rpc("EM.GetStatus", {"id": 0})
    finally:
        await device.shutdown()


async def test_aioshelly_wrong_password_is_invalid_auth(
    protected: Emulators, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(InvalidAuthError):
        await _device(session, protected.meters["grid"].url, "wrong")


@pytest.mark.dates
async def test_aioshelly_receives_em_and_emdata_notifications(
    session: aiohttp.ClientSession,
) -> None:
    options = EmulatorOptions(port=0, meters=("grid",), history_days=0.01, speed=30.0, seed=3)
    async with start_emulators(options) as sim:
        device = await _device(session, sim.meters["grid"].url, None)
        first_counters = dict(device.status["emdata:0"])
        first_power = device.status["em:0"]["total_act_power"]
        counters_moved, power_moved = asyncio.Event(), asyncio.Event()

        def listener(dev: RpcDevice, kind: RpcUpdateType) -> None:
            if kind is not RpcUpdateType.STATUS:
                return
            # Import or export, whichever the hour has: a sunny morning only exports.
            counters = dev.status["emdata:0"]
            if any(counters[k] != first_counters[k] for k in ("total_act", "total_act_ret")):
                counters_moved.set()
            if dev.status["em:0"]["total_act_power"] != first_power:
                power_moved.set()

        device.subscribe_updates(listener)
        try:
            # A minute passes every 2 s at speed 30; the emdata:0 notification follows it.
            await asyncio.wait_for(
                asyncio.gather(counters_moved.wait(), power_moved.wait()), timeout=8
            )
            counters = sim.meters["grid"].device.counters
            assert device.status["emdata:0"]["total_act"] == pytest.approx(
                float(counters[0::2].sum()), abs=0.01
            )
            assert device.status["emdata:0"]["total_act_ret"] == pytest.approx(
                float(counters[1::2].sum()), abs=0.01
            )
            assert sim.meters["grid"].server.notified["emdata"] >= 1
        finally:
            await device.shutdown()
