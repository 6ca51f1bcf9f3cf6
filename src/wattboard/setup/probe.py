"""Ask a meter what it is, whether the password works, what its clock says; sample its power."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from wattboard.energy.records import PHASES, Phase
from wattboard.exceptions import DeviceError
from wattboard.setup.wiring import Powers, Sample
from wattboard.shelly.client import ShellyClient

MODEL_PREFIX: Final = "SPEM-003"  # every Pro 3EM variant (120 A, 400 A, 3CT63)


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What `GET /shelly` says about a device."""

    url: str
    device_id: str
    name: str | None
    model: str
    generation: int
    firmware: str
    profile: str | None
    auth_required: bool

    @property
    def is_pro_3em(self) -> bool:
        return self.model.startswith(MODEL_PREFIX)

    def concerns(self) -> list[str]:
        """Return why this device may not work as a Wattboard meter."""
        found = []
        if not self.is_pro_3em:
            found.append(f"model {self.model} is not a Shelly Pro 3EM ({MODEL_PREFIX}…)")
        if self.profile not in (None, "triphase", "monophase"):
            found.append(f"profile {self.profile!r} is neither triphase nor monophase")
        return found


async def identify(client: ShellyClient) -> DeviceFacts:
    """Return the device's identity (never needs the password)."""
    info = await client.device_info()
    return DeviceFacts(
        url=client.url,
        device_id=info["id"],
        name=info["name"],
        model=info["model"],
        generation=info["gen"],
        firmware=info["ver"],
        profile=info.get("profile"),
        auth_required=info["auth_en"],
    )


async def check_access(client: ShellyClient) -> None:
    """Call a protected method; raise `DeviceAuthError` when the password is missing or wrong."""
    await client.sys_status()


async def device_reverse(client: ShellyClient) -> list[str]:
    """Return the phases the meter itself reverses (`EM.GetConfig` `reverse`)."""
    if await client.profile() != "triphase":
        return []
    reverse = (await client.em_config())["reverse"]
    return sorted(phase for phase, on in reverse.items() if on)


async def clock_offset(client: ShellyClient, now: Callable[[], float] = time.time) -> float | None:
    """Return the meter's clock minus this host's (s), or None when the meter has no time."""
    before = now()
    status = await client.sys_status()
    after = now()
    if status["unixtime"] is None:
        return None
    # `unixtime` is whole seconds; half a second is the best guess of where inside it we were.
    return status["unixtime"] + 0.5 - (before + after) / 2


async def read_powers(client: ShellyClient) -> Powers:
    """Return the signed active power of phases a, b, c as the meter reports it now."""
    if await client.profile() == "monophase":
        a, b, c = [await client.em1_status(channel) for channel in range(3)]
        return (a["act_power"] or 0.0, b["act_power"] or 0.0, c["act_power"] or 0.0)
    status = await client.em_status()
    return (
        status["a_act_power"] or 0.0,
        status["b_act_power"] or 0.0,
        status["c_act_power"] or 0.0,
    )


async def sample_power(
    clients: Mapping[str, ShellyClient],
    invert: Mapping[str, Sequence[Phase]],
    seconds: float,
    *,
    interval: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[Sample]:
    """Read every meter once per `interval` for `seconds`; a meter that fails is left out."""
    ticks = max(1, round(seconds / interval))
    start = time.monotonic()
    samples = []
    for tick in range(ticks):
        samples.append(await _sample_once(clients, invert))
        if progress is not None:
            progress(tick + 1, ticks)
        if tick + 1 < ticks:
            await asyncio.sleep(max(0.0, start + (tick + 1) * interval - time.monotonic()))
    return samples


async def _sample_once(
    clients: Mapping[str, ShellyClient], invert: Mapping[str, Sequence[Phase]]
) -> Sample:
    ids = list(clients)
    readings = await asyncio.gather(*(read_powers(clients[m]) for m in ids), return_exceptions=True)
    powers: dict[str, Powers] = {}
    for meter, reading in zip(ids, readings, strict=True):
        if isinstance(reading, DeviceError):
            continue
        if isinstance(reading, BaseException):
            raise reading
        powers[meter] = _inverted(reading, invert.get(meter, ()))
    return Sample(powers)


def _inverted(powers: Powers, phases: Sequence[Phase]) -> Powers:
    a, b, c = (-w if p in phases else w for p, w in zip(PHASES, powers, strict=True))
    return (a, b, c)
