"""ShellyClient against the emulated Pro 3EM: the emulator is the device, nothing is mocked.

Requests are counted with an httpx response hook on a shared client (what the device saw) and
with the emulator's control API (`/_sim/state`), faults are injected through `/_sim/fault`.
Backoff pauses go to a recorder instead of the clock, so retries cost no real time.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from wattboard.backoff import Backoff
from wattboard.exceptions import (
    DeviceAuthError,
    DeviceProtocolError,
    DeviceRpcError,
    DeviceUnreachableError,
)
from wattboard.shelly.client import ShellyClient
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

PASSWORD = "secret"
HOUR = 3600


@dataclass
class Wire:
    """What went over the wire: (path, status) of every response, and every backoff pause."""

    responses: list[tuple[str, int]] = field(default_factory=list)
    naps: list[float] = field(default_factory=list)

    async def record(self, response: httpx.Response) -> None:
        self.responses.append((response.request.url.path, response.status_code))

    async def nap(self, seconds: float) -> None:
        self.naps.append(seconds)

    def statuses(self) -> list[int]:
        return [status for _, status in self.responses]


@pytest.fixture
async def sim() -> AsyncIterator[Emulators]:
    """A grid and a solar meter with one day of history and no password."""
    options = EmulatorOptions(port=0, meters=("grid", "solar"), history_days=1, seed=1)
    async with start_emulators(options) as running:
        yield running


@pytest.fixture
async def locked() -> AsyncIterator[Emulators]:
    """A grid meter behind digest auth, firmware 1 style: every nonce is single-use."""
    options = EmulatorOptions(port=0, meters=("grid",), history_days=1, password=PASSWORD)
    async with start_emulators(options) as running:
        yield running


@pytest.fixture
async def locked_fw2() -> AsyncIterator[Emulators]:
    """A grid meter behind digest auth that accepts a nonce again with a rising nc (fw ≥ 2)."""
    options = EmulatorOptions(
        port=0, meters=("grid",), history_days=1, password=PASSWORD, nonce_reuse=True
    )
    async with start_emulators(options) as running:
        yield running


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
async def connect(wire: Wire) -> AsyncIterator[Callable[..., ShellyClient]]:
    """Build clients that share one recorded httpx client and back off into `wire.naps`."""
    async with httpx.AsyncClient(event_hooks={"response": [wire.record]}) as http:

        def build(url: str, **options: Any) -> ShellyClient:
            backoff = Backoff(base=0.25, sleep=wire.nap, jitter=lambda: 1.0)
            return ShellyClient(url, http=http, backoff=backoff, **{"meter": "grid", **options})

        yield build


async def _fault(url: str, **spec: Any) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{url}/_sim/fault", json=spec)
    assert response.status_code == 200, response.text
    if spec["kind"] == "offline":
        # The emulator lets the control answer leave before it drops its socket (50 ms).
        await asyncio.sleep(0.1)


async def _sim_state(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        state: dict[str, Any] = (await http.get(f"{url}/_sim/state")).json()
    return state


async def _past_range(device: ShellyClient, hours: int) -> tuple[int, int]:
    """Return `hours` of whole minutes ending two minutes ago, safely stored by now."""
    now = (await device.sys_status())["unixtime"]
    assert now is not None
    end = now // 60 * 60 - 120
    return end - hours * HOUR, end


# -- reading ----------------------------------------------------------------------------------


async def test_device_info_reports_a_pro_3em(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    info = await connect(sim.meters["grid"].url).device_info()
    assert (info["model"], info["gen"], info["app"]) == ("SPEM-003CEBEU", 2, "Pro3EM")
    assert info["id"] == "shellypro3em-" + info["mac"].lower()
    assert info["auth_en"] is False
    assert info["auth_domain"] is None


async def test_device_info_of_two_meters_differ(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    grid = await connect(sim.meters["grid"].url).device_info()
    solar = await connect(sim.meters["solar"].url).device_info()
    assert grid["id"] != solar["id"]


async def test_profile_detects_triphase(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    assert await connect(sim.meters["grid"].url).profile() == "triphase"


async def test_em_status_values_are_typed(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    status = await connect(sim.meters["grid"].url).em_status()
    for phase, name in itertools.product("abc", ("current", "voltage", "act_power", "pf", "freq")):
        assert isinstance(status[f"{phase}_{name}"], float), f"{phase}_{name}"  # type: ignore[literal-required]
    phases = [status["a_act_power"], status["b_act_power"], status["c_act_power"]]
    assert all(value is not None for value in phases)
    # The total is summed before rounding: within 3 × 0.05 W of the sum of 1-decimal phases.
    assert status["total_act_power"] == pytest.approx(sum(v for v in phases if v), abs=0.15)


async def test_emdata_status_totals_are_phase_sums(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    counters = await connect(sim.meters["grid"].url).emdata_status()
    phases = ("a_total_act_energy", "b_total_act_energy", "c_total_act_energy")
    assert counters["total_act"] == pytest.approx(sum(counters[k] for k in phases), abs=0.015)  # type: ignore[literal-required]


async def test_em_config_and_sys_status_validate(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    device = connect(sim.meters["grid"].url)
    assert (await device.em_config())["id"] == 0
    assert (await device.sys_status())["mac"] == (await device.device_info())["mac"]


async def test_emdata_records_cover_one_day(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    blocks = (await connect(sim.meters["grid"].url).emdata_records())["data_blocks"]
    assert [block["period"] for block in blocks] == [60]
    assert blocks[0]["records"] >= 1440  # 24 h × 60 prefilled, plus minutes since start


async def test_get_data_pages_cover_three_hours_once_each(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    device = connect(sim.meters["grid"].url)
    start, end = await _past_range(device, 3)
    wire.responses.clear()
    pages = [page async for page in device.get_data(start, end - 1)]
    ts = [
        block["ts"] + row * block["period"]
        for page in pages
        for block in page["data"]
        for row in range(len(block["values"]))
    ]
    assert ts == list(range(start, end, 60))  # 3 h × 60 = 180 minutes, contiguous, once each
    assert len(pages) == len(wire.responses) == 30  # 180 minutes / 6 rows per page
    assert "next_record_ts" not in pages[-1] or pages[-1]["next_record_ts"] > end - 1


async def test_get_data_pages_chain_by_next_record_ts(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    device = connect(sim.meters["grid"].url)
    start, end = await _past_range(device, 1)
    pages = [page async for page in device.get_data(start, end - 1)]
    for page, following in itertools.pairwise(pages):
        assert page.get("next_record_ts") == following["data"][0]["ts"]


async def test_get_data_without_end_reaches_the_newest_minute(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    url = sim.meters["grid"].url
    device = connect(url)
    before = (await _sim_state(url))["last_ts"]
    pages = [page async for page in device.get_data(before - 1800)]
    after = (await _sim_state(url))["last_ts"]
    assert "next_record_ts" not in pages[-1]  # the device says: nothing after this page
    block = pages[-1]["data"][-1]
    newest = block["ts"] + (len(block["values"]) - 1) * block["period"]
    assert before <= newest <= after  # a minute may close while we page
    assert len(pages) >= 5  # 30 minutes / 6 rows per page


async def test_fetch_records_span_a_gap_across_data_blocks(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    grid = sim.meters["grid"]
    device = connect(grid.url)
    start, end = await _past_range(device, 1)
    await _fault(grid.url, kind="gap", start=start + 600, end=start + 900)
    ts = [record.ts for record in await device.fetch_records(start, end)]
    expected = [t for t in range(start, end, 60) if not start + 600 <= t < start + 900]
    assert ts == expected
    assert len(ts) == 55  # 60 minutes − 5 deleted (600 … 840)


async def test_fetch_csv_equals_fetch_records_over_seven_hours(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    device = connect(sim.meters["solar"].url, meter="solar")
    start, end = await _past_range(device, 7)
    wire.responses.clear()
    from_csv = await device.fetch_csv(start, end)
    assert [path for path, _ in wire.responses] == ["/emdata/0/data.csv"] * 2  # 6 h + 1 h
    from_rpc = await device.fetch_records(start, end)
    assert len(from_csv) == 420  # 7 h × 60 minutes
    assert from_csv == from_rpc
    assert {record.meter for record in from_csv} == {"solar"}


# -- RPC errors -------------------------------------------------------------------------------


async def test_call_unknown_method_raises_rpc_404_once(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    with pytest.raises(DeviceRpcError) as caught:
        await connect(sim.meters["grid"].url).call("Foo.Bar")
    assert (caught.value.code, caught.value.rpc_message) == (404, "No handler for Foo.Bar")
    assert wire.statuses() == [404]  # never retried
    assert wire.naps == []


async def test_call_bad_id_raises_rpc_minus_105_once(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    with pytest.raises(DeviceRpcError) as caught:
        await connect(sim.meters["grid"].url).call("EM.GetStatus", id=7)
    assert caught.value.code == -105
    assert len(wire.responses) == 1  # an RPC error body is an answer, even with HTTP 500


async def test_call_missing_param_raises_rpc_minus_103(
    sim: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    with pytest.raises(DeviceRpcError) as caught:
        await connect(sim.meters["grid"].url).call("EMData.GetData", id=0)
    assert caught.value.code == -103


# -- authentication ---------------------------------------------------------------------------


async def test_password_right_reads_a_locked_meter(
    locked: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    status = await connect(locked.meters["grid"].url, password=PASSWORD).emdata_status()
    assert status["id"] == 0
    assert wire.statuses() == [401, 200]  # one challenge, one signed request


async def test_password_wrong_raises_auth_error_without_the_password(
    locked: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    with pytest.raises(DeviceAuthError, match="refused the password") as caught:
        await connect(locked.meters["grid"].url, password="hunter2").em_status()
    assert "hunter2" not in str(caught.value)
    assert wire.statuses() == [401, 401]  # challenge, refusal; no retries
    assert wire.naps == []


async def test_password_missing_raises_auth_error(
    locked: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    with pytest.raises(DeviceAuthError, match="requires a password"):
        await connect(locked.meters["grid"].url).em_status()


async def test_device_info_needs_no_password(
    locked: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    info = await connect(locked.meters["grid"].url).device_info()
    assert info["auth_en"] is True
    assert info["auth_domain"] == info["id"]  # the realm


async def test_nonce_reused_while_the_device_accepts_it(
    locked_fw2: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = locked_fw2.meters["grid"].url
    device = connect(url, password=PASSWORD)
    for _ in range(5):
        await device.em_status()
    assert wire.statuses() == [401] + [200] * 5  # 1 challenge for 5 calls: nc 1 … 5
    assert (await _sim_state(url))["auth_challenges"] == 1


async def test_nonce_rechallenged_when_the_device_refuses_reuse(
    locked: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = locked.meters["grid"].url
    device = connect(url, password=PASSWORD)
    for _ in range(3):
        await device.em_status()
    # Firmware 1 spends each nonce: the reused one is refused and its 401 carries the next.
    assert wire.statuses() == [401, 200] * 3
    assert (await _sim_state(url))["auth_challenges"] == 3


async def test_concurrent_calls_on_single_use_nonces_all_succeed(
    locked: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    device = connect(locked.meters["grid"].url, password=PASSWORD)
    await device.em_status()
    counters = await asyncio.gather(*(device.emdata_status() for _ in range(5)))
    assert [c["id"] for c in counters] == [0] * 5
    assert wire.statuses().count(200) == 6  # 1 + 5 calls, each signed with its own nonce


async def test_concurrent_calls_on_a_reused_nonce_all_succeed(
    locked_fw2: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    device = connect(locked_fw2.meters["grid"].url, password=PASSWORD)
    await device.em_status()
    counters = await asyncio.gather(*(device.emdata_status() for _ in range(5)))
    assert [c["id"] for c in counters] == [0] * 5
    # nc 2 … 6 may arrive out of order; a refused one is re-challenged, never an auth error.
    assert wire.statuses().count(200) == 6


async def test_fetch_csv_through_digest_auth(
    locked_fw2: Emulators, connect: Callable[..., ShellyClient]
) -> None:
    device = connect(locked_fw2.meters["grid"].url, password=PASSWORD)
    start, end = await _past_range(device, 1)
    assert await device.fetch_csv(start, end) == await device.fetch_records(start, end)


# -- faults and retries -----------------------------------------------------------------------


async def test_offline_raises_unreachable_after_retries(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = sim.meters["grid"].url
    await _fault(url, kind="offline", seconds=2)
    with pytest.raises(DeviceUnreachableError) as caught:
        await connect(url, retries=2, timeout=0.5).em_status()
    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert wire.naps == [0.25, 0.5]  # 2 retries: 0.25 × 2⁰, 0.25 × 2¹ (jitter pinned to 1)
    assert wire.responses == []


async def test_offline_briefly_is_retried_until_back(sim: Emulators, wire: Wire) -> None:
    url = sim.meters["grid"].url
    await _fault(url, kind="offline", seconds=0.5)
    # Real pauses here: the device must actually come back. 0.2 + 0.4 + 0.8 s > 0.5 s.
    backoff = Backoff(base=0.2, jitter=lambda: 1.0)
    async with ShellyClient(url, retries=3, timeout=1.0, backoff=backoff) as device:
        assert (await device.em_status())["id"] == 0


async def test_http500_once_is_retried_and_succeeds(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = sim.meters["grid"].url
    await _fault(url, kind="http500", count=1)
    assert (await connect(url).emdata_status())["id"] == 0
    assert wire.statuses() == [500, 200]
    assert wire.naps == [0.25]


async def test_http500_persisting_raises_protocol_error(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = sim.meters["grid"].url
    await _fault(url, kind="http500", count=5)
    with pytest.raises(DeviceProtocolError, match="HTTP 500"):
        await connect(url, retries=2).em_status()
    assert wire.statuses() == [500, 500, 500]  # 1 try + 2 retries


async def test_malformed_once_is_retried_and_succeeds(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    # A body cut in half is treated like a dropped connection: asked again, then it parses.
    url = sim.meters["grid"].url
    await _fault(url, kind="malformed", count=1)
    assert (await connect(url).emdata_status())["id"] == 0
    assert wire.statuses() == [200, 200]
    assert wire.naps == [0.25]


async def test_malformed_persisting_raises_protocol_error(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = sim.meters["grid"].url
    await _fault(url, kind="malformed", count=3)
    with pytest.raises(DeviceProtocolError, match="body is not JSON"):
        await connect(url, retries=2).emdata_status()
    assert len(wire.responses) == 3  # 1 try + 2 retries


async def test_slow_answer_times_out_and_is_retried(
    sim: Emulators, connect: Callable[..., ShellyClient], wire: Wire
) -> None:
    url = sim.meters["grid"].url
    await _fault(url, kind="slow", seconds=1.0, count=1)
    assert (await connect(url, timeout=0.3).em_status())["id"] == 0
    assert wire.naps == [0.25]  # the first request timed out after 0.3 s
