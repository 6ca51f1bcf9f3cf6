"""One emulated Shelly Pro 3EM: clock, live status, minute records, counters and faults."""

from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from wattboard.energy.records import PHASES, Role
from wattboard.simulator.memory import PERIOD, RecordMemory
from wattboard.simulator.minutes import KEYS, aggregate
from wattboard.simulator.physics import MeterSamples, SitePhysics
from wattboard.simulator.wire import Fixed

RETENTION_DAYS: Final = 60
DAY: Final = 86400
# Columns of the per-phase import and export energies in a record, a, b, c in turn.
ENERGY_COLUMNS: Final = tuple(
    KEYS.index(f"{p}_total_act{kind}_energy") for p in PHASES for kind in ("", "_ret")
)
FIRMWARE_ID: Final = "20250508-110717/1.6.1-g8dbd358"
FIRMWARE_VERSION: Final = "1.6.1"
MODEL: Final = "SPEM-003CEBEU"


class SimClock:
    """Simulated wall time: real time since start, run `speed` times faster."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._wall0 = time.time() if start is None else start
        self._mono0 = time.monotonic()

    def now(self) -> float:
        return self._wall0 + (time.monotonic() - self._mono0) * self.speed

    def at_least(self, moment: float) -> None:
        """Move the clock forward to `moment` if it is behind it (never backward)."""
        behind = moment - self.now()
        if behind > 0:
            self._wall0 += behind

    def real_seconds(self, sim_seconds: float) -> float:
        return sim_seconds / self.speed


@dataclass(frozen=True, slots=True)
class Identity:
    mac: str
    name: str

    @property
    def device_id(self) -> str:
        return f"shellypro3em-{self.mac.lower()}"


@dataclass(slots=True)
class Faults:
    """Faults in force; durations are in real (monotonic) seconds."""

    offline_until: float = 0.0
    http500: int = 0
    malformed: int = 0
    slow_seconds: float = 0.0
    slow_count: int = 0
    reversed_ct: set[str] = field(default_factory=set)
    # Device-time intervals [start, end) during which the device was without power.
    power_off: list[tuple[float, float]] = field(default_factory=list)

    def offline(self) -> bool:
        return time.monotonic() < self.offline_until


class EmulatedMeter:
    """The state and behaviour of one Pro 3EM, independent of any transport."""

    def __init__(
        self,
        role: Role,
        physics: SitePhysics,
        clock: SimClock,
        identity: Identity,
        *,
        password: str | None = None,
        timezone: str = "Europe/Helsinki",
        location: tuple[float, float] = (60.17, 24.94),
    ) -> None:
        self.role: Role = role
        self.physics = physics
        self.clock = clock
        self.identity = identity
        self.password = password or None
        self.timezone = timezone
        self.location = location
        self.memory = RecordMemory()
        self.counters: NDArray[np.float64] = np.zeros(6)
        self.faults = Faults()
        self.clock_offset = 0.0
        self.config_reverse: set[str] = set()
        self.cfg_rev = 12
        self.boot_time = clock.now()
        self.next_minute = _minute_floor(clock.now())
        self.reset_reason = 1

    # -- time -------------------------------------------------------------------------------

    def now(self) -> float:
        """Return the device's own clock (simulated time plus any injected jump)."""
        return self.clock.now() + self.clock_offset

    def uptime(self) -> int:
        return max(0, int(self.now() - self.boot_time))

    # -- physics ----------------------------------------------------------------------------

    def samples(self, t0: int, n: int) -> MeterSamples:
        """Return what this meter's CTs see, with reversed clamps and `reverse` config applied."""
        raw = self.physics.grid(t0, n) if self.role == "grid" else self.physics.solar(t0, n)
        flipped = [
            p for p in PHASES if (p in self.faults.reversed_ct) != (p in self.config_reverse)
        ]
        if not flipped:
            return raw
        signs = np.array([-1.0 if p in flipped else 1.0 for p in PHASES])
        return dataclasses.replace(raw, act_w=raw.act_w * signs, react_var=raw.react_var * signs)

    # -- minute records ---------------------------------------------------------------------

    def prefill(self, days: float) -> None:
        """Fill the memory with `days` of records ending at the last completed minute."""
        end = _minute_floor(self.now())
        start = end - int(min(days, RETENTION_DAYS) * DAY) // PERIOD * PERIOD
        self.next_minute = start
        self._record_range(start, end)
        self.next_minute = end

    def advance(self) -> int:
        """Save the records of every minute completed since the last call; return the count."""
        now_minute = _minute_floor(self.now())
        last = self.memory.last_ts
        start = max(self.next_minute, now_minute - RETENTION_DAYS * DAY)
        if last is not None:
            start = max(start, last + PERIOD)  # after a backward clock jump: never rewrite
        written = self._record_range(start, now_minute) if start < now_minute else 0
        self.next_minute = max(self.next_minute, now_minute)
        self.memory.drop_before(now_minute - RETENTION_DAYS * DAY)
        return written

    def _record_range(self, start: int, end: int) -> int:
        written = 0
        for chunk_start in range(start, end, DAY):
            chunk_end = min(chunk_start + DAY, end)
            rows = aggregate(self.samples(chunk_start, chunk_end - chunk_start))
            ts = np.arange(chunk_start, chunk_end, PERIOD, dtype=np.int64)
            keep = self._powered(ts)
            self._store(ts[keep], rows[keep])
            written += int(keep.sum())
        return written

    def _powered(self, ts: NDArray[np.int64]) -> NDArray[np.bool_]:
        keep = np.ones(len(ts), dtype=bool)
        for off_start, off_end in self.faults.power_off:
            keep &= (ts + PERIOD <= off_start) | (ts >= off_end)
        return keep

    def _store(self, ts: NDArray[np.int64], rows: NDArray[np.float64]) -> None:
        self.memory.extend(ts, rows)
        self.counters += rows[:, ENERGY_COLUMNS].sum(axis=0)

    # -- status payloads --------------------------------------------------------------------

    def device_info(self) -> dict[str, Any]:
        auth = self.password is not None
        return {
            "name": self.identity.name,
            "id": self.identity.device_id,
            "mac": self.identity.mac,
            "slot": 0,
            "model": MODEL,
            "gen": 2,
            "fw_id": FIRMWARE_ID,
            "ver": FIRMWARE_VERSION,
            "app": "Pro3EM",
            "auth_en": auth,
            "auth_domain": self.identity.device_id if auth else None,
            "profile": "triphase",
        }

    def em_status(self) -> dict[str, Any]:
        """Return `EM.GetStatus` for the current second."""
        s = self.samples(int(self.now()), 1)
        status: dict[str, Any] = {"id": 0}
        for i, p in enumerate(PHASES):
            status[f"{p}_current"] = Fixed(float(s.current_a[0, i]), 3)
            status[f"{p}_voltage"] = Fixed(float(s.voltage_v[0, i]), 1)
            status[f"{p}_act_power"] = Fixed(float(s.act_w[0, i]), 1)
            status[f"{p}_aprt_power"] = Fixed(float(s.aprt_va[0, i]), 1)
            status[f"{p}_pf"] = Fixed(float(s.pf[0, i]), 2)
            status[f"{p}_freq"] = Fixed(float(s.freq_hz[0]), 1)
        status["n_current"] = None
        status["total_current"] = Fixed(float(s.current_a[0].sum()), 3)
        status["total_act_power"] = Fixed(float(s.act_w[0].sum()), 3)
        status["total_aprt_power"] = Fixed(float(s.aprt_va[0].sum()), 3)
        status["user_calibrated_phase"] = []
        return status

    def emdata_status(self) -> dict[str, Any]:
        c = self.counters
        status: dict[str, Any] = {"id": 0}
        for i, p in enumerate(PHASES):
            status[f"{p}_total_act_energy"] = Fixed(float(c[2 * i]), 2)
            status[f"{p}_total_act_ret_energy"] = Fixed(float(c[2 * i + 1]), 2)
        status["total_act"] = Fixed(float(c[0] + c[2] + c[4]), 2)
        status["total_act_ret"] = Fixed(float(c[1] + c[3] + c[5]), 2)
        return status

    def em_config(self) -> dict[str, Any]:
        return {
            "id": 0,
            "name": None,
            "blink_mode_selector": "active_energy",
            "phase_selector": "all",
            "monitor_phase_sequence": False,
            "reverse": dict.fromkeys(sorted(self.config_reverse), True),
            "ct_type": "120A",
        }

    def sys_status(self) -> dict[str, Any]:
        now = self.now()
        local = datetime.fromtimestamp(now, UTC).astimezone(ZoneInfo(self.timezone))
        offset = local.utcoffset()
        return {
            "mac": self.identity.mac,
            "restart_required": False,
            "time": local.strftime("%H:%M"),
            "unixtime": int(now),
            "last_sync_ts": int(self.boot_time),
            "uptime": self.uptime(),
            "ram_size": 247524,
            "ram_free": 113080,
            "ram_min_free": 97524,
            "fs_size": 524288,
            "fs_free": 180224,
            "cfg_rev": self.cfg_rev,
            "kvs_rev": 0,
            "schedule_rev": 0,
            "webhook_rev": 0,
            "btrelay_rev": 0,
            "available_updates": {},
            "reset_reason": self.reset_reason,
            "utc_offset": int(offset.total_seconds()) if offset else 0,
        }

    def sys_config(self) -> dict[str, Any]:
        lat, lon = self.location
        return {
            "device": {
                "name": self.identity.name,
                "mac": self.identity.mac,
                "fw_id": FIRMWARE_ID,
                "discoverable": True,
                "eco_mode": False,
                "profile": "triphase",
                "addon_type": None,
                "sys_btn_toggle": True,
            },
            "location": {"tz": self.timezone, "lat": lat, "lon": lon},
            "debug": {
                "level": 2,
                "file_level": None,
                "mqtt": {"enable": False},
                "websocket": {"enable": False},
                "udp": {"addr": None},
            },
            "ui_data": {},
            "rpc_udp": {"dst_addr": None, "listen_port": None},
            "sntp": {"server": "time.google.com"},
            "cfg_rev": self.cfg_rev,
        }

    # -- faults and resets ------------------------------------------------------------------

    def power_cycle(self, real_seconds: float) -> None:
        """Cut power now for `real_seconds`: no answers, no records, then a fresh boot."""
        now = self.now()
        off_end = now + real_seconds * self.clock.speed
        self.faults.power_off.append((now, off_end))
        self.faults.offline_until = max(self.faults.offline_until, time.monotonic() + real_seconds)
        self.boot_time = off_end
        self.reset_reason = 1

    def reset_counters(self) -> None:
        self.counters[:] = 0.0

    def delete_all_data(self) -> None:
        self.memory.clear()
        self.reset_counters()

    def jump_clock(self, seconds: float) -> None:
        """Move the device clock; minutes skipped forward are never recorded."""
        self.clock_offset += seconds
        if seconds > 0:
            # The minute in progress is lost with the jump, like a minute cut by a reboot.
            self.next_minute = max(self.next_minute, _minute_floor(self.now()) + PERIOD)

    # -- persistence ------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write records, counters and settings so a restart continues where this stopped."""
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / self.role
        tmp = stem.with_suffix(".tmp.npz")
        np.savez(tmp, ts=self.memory.timestamps, values=self.memory.values, counters=self.counters)
        tmp.replace(stem.with_suffix(".npz"))
        meta = {
            "next_minute": self.next_minute,
            "clock": self.clock.now(),
            "config_reverse": sorted(self.config_reverse),
            "mac": self.identity.mac,
        }
        stem.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")

    def load(self, directory: Path) -> bool:
        """Restore state saved by `save`; return False when there is none."""
        stem = directory / self.role
        if not stem.with_suffix(".npz").exists():
            return False
        with np.load(stem.with_suffix(".npz")) as data:
            self.memory.clear()
            self.memory.extend(data["ts"], data["values"])
            self.counters = np.array(data["counters"], dtype=np.float64)
        meta = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        self.config_reverse = set(meta["config_reverse"])
        # Emulated time never runs backward across a restart: faster than real time, the
        # clock was ahead of the wall, and restarting at wall time would record nothing
        # until the wall caught up with the stored records.
        self.clock.at_least(max(float(meta.get("clock", 0.0)), float(meta["next_minute"])))
        self.boot_time = self.clock.now()
        # The time the emulator was stopped is time the device was without power.
        self.faults.power_off.append((float(meta["next_minute"]), self.now()))
        self.next_minute = int(meta["next_minute"])
        return True


def _minute_floor(t: float) -> int:
    return int(math.floor(t / PERIOD) * PERIOD)
