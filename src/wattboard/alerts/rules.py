"""The alert rules: pure functions from a snapshot of facts to the problems that hold now.

No I/O and no clock here: `wattboard.alerts.service` gathers the facts (the same ones /health
reads: when each meter last answered, how long replication has failed, free disk, a failing
write) and hands them in; `wattboard.alerts.tracker` turns problems into start, repeat and end
messages. The texts are quoted in the README, "Alerts".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from wattboard.config import AlertSettings

MINUTE: Final = 60.0
HOUR: Final = 3600.0


@dataclass(frozen=True, slots=True)
class MeterFacts:
    """One meter: its role and how long ago it last answered a live poll."""

    id: str
    role: str
    unseen_s: float


@dataclass(frozen=True, slots=True)
class LostSpan:
    """Minutes of a meter that can no longer be stored, found at wall time `found`."""

    meter: str
    start: int
    end: int
    reason: str
    found: float


@dataclass(frozen=True, slots=True)
class ClampSuspect:
    """A phase whose clamp the daily wiring check finds reversed, and why."""

    meter: str
    phase: str
    reason: str


@dataclass(frozen=True, slots=True)
class Facts:
    """What the collector knows at wall time `now`.

    `grid_w` are (wall time, grid power in W: + import, − export) samples, oldest first, one per
    check; None where the grid meter was not answering. `clamps` is None until the first wiring
    check has judged enough stored minutes.
    """

    now: float
    zone: ZoneInfo
    meters: tuple[MeterFacts, ...] = ()
    replication_failing_s: float | None = None
    store_problem: str | None = None
    disk_free: int | None = None
    lost: tuple[LostSpan, ...] = ()
    clamps: tuple[ClampSuspect, ...] | None = None
    grid_w: tuple[tuple[float, float | None], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem that holds now: `rule` and `subject` (a meter, "store") identify it.

    `title` and `body` describe it as it is now; `resolved` is what its end message says;
    `age` is how long it has held already when first found (a meter away 10 minutes).
    """

    rule: str
    subject: str
    title: str
    body: str
    resolved: str
    age: float = 0.0

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)


def evaluate(rules: AlertSettings, facts: Facts) -> list[Problem]:
    """Return every problem the enabled `rules` find in `facts`."""
    problems: list[Problem] = []
    if rules.meter_offline_minutes > 0:
        problems += meter_offline(facts.meters, rules.meter_offline_minutes * MINUTE)
    if rules.replication_failing_minutes > 0:
        problems += replication_failing(
            facts.replication_failing_s, rules.replication_failing_minutes * MINUTE
        )
    if rules.lost_minutes_hours > 0:
        problems += lost_minutes(facts, rules.lost_minutes_hours * HOUR)
    if rules.reversed_clamp and facts.clamps:
        problems += reversed_clamp(facts.clamps)
    if rules.disk_free_mb > 0 and facts.disk_free is not None:
        problems += disk_low(facts.disk_free, rules.disk_free_mb)
    if rules.store_failing and facts.store_problem:
        problems += store_failing(facts.store_problem)
    if rules.import_above_w > 0:
        problems += grid_power(facts, "import", rules.import_above_w, rules.import_minutes)
    if rules.export_above_w > 0:
        problems += grid_power(facts, "export", rules.export_above_w, rules.export_minutes)
    return problems


def duration(seconds: float) -> str:
    """Say how long, in the unit a person would: "45 s", "12 min", "3.5 h", "2.1 days"."""
    if seconds < 2 * MINUTE:
        return f"{seconds:.0f} s"
    if seconds < 2 * HOUR:
        return f"{seconds / MINUTE:.0f} min"
    if seconds < 48 * HOUR:
        return f"{seconds / HOUR:.1f} h"
    return f"{seconds / (24 * HOUR):.1f} days"


def meter_offline(meters: Sequence[MeterFacts], after_s: float) -> list[Problem]:
    return [
        Problem(
            "meter_offline",
            m.id,
            f"Meter {m.id} offline",
            f"The {m.role} meter {m.id} has not answered for {duration(m.unseen_s)}. Its live "
            "power is missing meanwhile; the meter keeps its minute records (about 60 days) "
            "and Wattboard fetches them when it answers again. Check the meter's power supply "
            "and network.",
            f"The {m.role} meter {m.id} answers again; the minutes it kept meanwhile are being "
            "fetched.",
            m.unseen_s,
        )
        for m in meters
        if m.unseen_s > after_s
    ]


def replication_failing(failing_s: float | None, after_s: float) -> list[Problem]:
    if failing_s is None or failing_s <= after_s:
        return []
    return [
        Problem(
            "replication_failing",
            "mongodb",
            "Replication to MongoDB failing",
            f"Copying the store to MongoDB has failed for {duration(failing_s)}. Nothing is "
            "lost: the changes wait in the local change log and are sent once MongoDB answers "
            "again. Check [mongo] uri and the database server (`wattboard doctor`).",
            "Replication to MongoDB works again; the waiting changes are being sent.",
            failing_s,
        )
    ]


def lost_minutes(facts: Facts, hold_s: float) -> list[Problem]:
    """One problem per meter that lost minutes in the last `hold_s` seconds."""
    problems = []
    for meter in sorted({span.meter for span in facts.lost}):
        spans = [s for s in facts.lost if s.meter == meter]
        if facts.now - max(s.found for s in spans) > hold_s:
            continue
        minutes = sum((s.end - s.start) // 60 for s in spans)
        shown = "; ".join(f"{_span(s, facts.zone)}: {s.reason}" for s in spans[-3:])
        more = f" (and {len(spans) - 3} earlier spans)" if len(spans) > 3 else ""
        problems.append(
            Problem(
                "lost_minutes",
                meter,
                f"Meter {meter}: minutes lost",
                f"{minutes} minute(s) of meter {meter} can no longer be stored: {shown}{more}. "
                "The days concerned show a coverage below 100 %.",
                f"No more minutes of meter {meter} were lost in the last {duration(hold_s)}.",
            )
        )
    return problems


def _span(span: LostSpan, zone: ZoneInfo) -> str:
    a = datetime.fromtimestamp(span.start, UTC).astimezone(zone)
    b = datetime.fromtimestamp(span.end, UTC).astimezone(zone)
    return f"{a:%Y-%m-%d %H:%M}-{b:%H:%M}"


def reversed_clamp(suspects: Sequence[ClampSuspect]) -> list[Problem]:
    by_meter: dict[str, list[ClampSuspect]] = {}
    for suspect in suspects:
        by_meter.setdefault(suspect.meter, []).append(suspect)
    problems = []
    for meter, found in sorted(by_meter.items()):
        phases = sorted(s.phase for s in found)
        reasons = "; ".join(s.reason for s in found)
        problems.append(
            Problem(
                "reversed_clamp",
                meter,
                f"Meter {meter}: clamp reversed?",
                f"The minutes stored over the last day suggest a reversed clamp on meter "
                f"{meter}, phase {', '.join(phases)}: {reasons}. Run `wattboard doctor` to "
                "check, then turn the clamp or list the phase in the meter's invert_phases.",
                f"The daily wiring check finds the clamps of meter {meter} plausible again.",
            )
        )
    return problems


def disk_low(free: int, min_mb: float) -> list[Problem]:
    if free >= min_mb * 2**20:
        return []
    return [
        Problem(
            "disk_low",
            "store",
            "Disk nearly full",
            f"The disk of the store has {free / 2**20:.0f} MiB free (alert below "
            f"{min_mb:.0f} MiB). When it is full, minutes wait in the meters' memory (about "
            "60 days) until space is freed.",
            f"The disk of the store has {free / 2**20:.0f} MiB free again.",
        )
    ]


def store_failing(problem: str) -> list[Problem]:
    return [
        Problem(
            "store_failing",
            "store",
            "Database writes failing",
            f"Minutes cannot be stored: {problem}. Nothing is lost while the meters keep "
            "them (about 60 days). Run `wattboard doctor`.",
            "The database accepts writes again; the waiting minutes are being stored.",
        )
    ]


def grid_power(facts: Facts, flow: str, limit_w: float, minutes: float) -> list[Problem]:
    """Grid import (or export) above `limit_w` in every sample of the last `minutes`."""
    sign = 1.0 if flow == "import" else -1.0
    run_start: float | None = None
    newest: float | None = None
    for ts, watts in reversed(facts.grid_w):
        if watts is None or sign * watts <= limit_w:
            break
        run_start = ts
        newest = sign * watts if newest is None else newest
    if run_start is None or newest is None or facts.now - run_start < minutes * MINUTE:
        return []
    held = facts.now - run_start
    verb = "drawn from" if flow == "import" else "fed into"
    return [
        Problem(
            f"{flow}_above",
            "grid",
            f"Grid {flow} above {limit_w:.0f} W",
            f"The home has {verb} the grid more than {limit_w:.0f} W for {duration(held)} "
            f"(now {newest:.0f} W).",
            f"Grid {flow} is back at or below {limit_w:.0f} W.",
            held,
        )
    ]
