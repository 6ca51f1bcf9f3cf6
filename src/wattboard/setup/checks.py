"""`wattboard doctor`: every check of a running site, each finding saying what to do.

A finding is `ok`, `info` (worth knowing, nothing to do), `warn` (worth a look) or `problem`
(something is wrong or data is at risk). The site is healthy when no finding is a problem.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, Literal
from zoneinfo import ZoneInfo

from wattboard.config import MeterSettings, Settings
from wattboard.energy.records import MINUTE
from wattboard.exceptions import (
    ConfigError,
    DeviceAuthError,
    DeviceError,
    DeviceUnreachableError,
    SchemaVersionError,
    StoreError,
)
from wattboard.setup import probe, wiring
from wattboard.setup.configfile import ENV_FILE
from wattboard.shelly.client import ShellyClient
from wattboard.shelly.models import RecordsBlock
from wattboard.store.asyncstore import meter_specs
from wattboard.store.sqlite import SqliteStore

Status = Literal["ok", "info", "warn", "problem"]
# The meter keeps about this many days of minute records (docs/shelly-wire.md, "Minute records").
DEVICE_DAYS: Final = 60
PENDING_MINUTES: Final = 10
RESTART: Final = "restart Wattboard (`sudo systemctl restart wattboard`)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one check; `fix` says what to do when it is not ok."""

    check: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    """Knobs of the checks; tests shorten the sample and fix the clock."""

    sample_seconds: float = 5.0
    clock_tolerance: float = 30.0
    timeout: float = 3.0
    min_free_bytes: int = 200 * 2**20
    low_free_bytes: int = 2**30
    # The replicator retries with a backoff of up to 5 minutes; a change waiting three times
    # that long means MongoDB has not taken anything for a while.
    replication_lag_limit: float = 900.0
    now: Callable[[], float] = time.time


@dataclass(slots=True)
class _Meter:
    """What the meter checks learnt about one meter, for the checks after them."""

    settings: MeterSettings
    client: ShellyClient
    usable: bool = False
    blocks: list[RecordsBlock] = field(default_factory=list)


def healthy(findings: Iterable[Finding]) -> bool:
    """Tell whether no finding is a problem."""
    return all(f.status != "problem" for f in findings)


def as_json(findings: Sequence[Finding], config: Path) -> dict[str, object]:
    """Return the report as `wattboard doctor --json` prints it."""
    return {
        "healthy": healthy(findings),
        "config": str(config),
        "findings": [asdict(f) for f in findings],
    }


@dataclass(frozen=True, slots=True)
class Backlog:
    """The changes of the store MongoDB has not acknowledged yet, from the change log."""

    changes: int
    lag_seconds: float  # how long the oldest of them has waited; 0 when caught up


def replication_backlog(store: SqliteStore, now: float) -> Backlog | None:
    """Return what the replica still lacks, or None when replication never started."""
    # Imported here: the collection names live beside pymongo, needed only with [mongo].
    from wattboard.replica.replicator import FOLLOWED  # noqa: PLC0415

    measured = store.replication_backlog(FOLLOWED)
    if measured is None:
        return None
    count, oldest = measured
    return Backlog(count, 0.0 if oldest is None else max(0.0, now - oldest))


MONGO_CHECKS: Final = (
    "check mongo.uri (host and database name), this computer's network and DNS, the Atlas IP "
    "access list (Network Access must allow this site's public address) and the credentials "
    "in the URI (user and password; WATTBOARD_MONGO__URI in the env file overrides the file)"
)


async def diagnose(settings: Settings, config: Path, options: DoctorOptions) -> list[Finding]:
    """Run every check against the configured meters and store."""
    findings = [_config_finding(settings, config)]
    meters = [_Meter(m, _client(m, options.timeout)) for m in settings.meters]
    try:
        for result in await asyncio.gather(*(_check_meter(m, config, options) for m in meters)):
            findings += result
        findings += await _check_wiring(meters, config, options)
    finally:
        for meter in meters:
            await meter.client.aclose()
    findings += await asyncio.to_thread(_check_store, settings, meters, options)
    if settings.mongo is not None:
        findings.append(await _check_mongo(settings, options))
    return findings


def _config_finding(settings: Settings, config: Path) -> Finding:
    if not settings.meters:
        return Finding(
            "config",
            "problem",
            f"{config} names no meters",
            "run `wattboard init` to find the meters and write the [[meters]] sections",
        )
    return Finding(
        "config",
        "ok",
        f"{config}: {len(settings.meters)} meter(s), zone {settings.site.timezone}, "
        f"netting {settings.site.netting}",
    )


# -- meters --------------------------------------------------------------------------------------


async def _check_meter(meter: _Meter, config: Path, options: DoctorOptions) -> list[Finding]:
    name = f"meter {meter.settings.id}"
    try:
        facts = await probe.identify(meter.client)
    except DeviceUnreachableError as err:
        return [_offline(meter.settings, err)]
    except DeviceError as err:
        return [
            Finding(
                name,
                "problem",
                f"answers, but not like a Shelly Pro 3EM: {err}",
                "check that the meter's url points at the Pro 3EM and not another device",
            )
        ]
    findings = [_identity(name, facts)]
    try:
        await probe.check_access(meter.client)
    except DeviceAuthError:
        return [*findings, _auth_problem(meter.settings, config)]
    except DeviceError as err:
        return [*findings, _offline(meter.settings, err)]
    meter.usable = facts.is_pro_3em
    findings.append(await _clock(meter, options))
    findings += await _device_side(meter)
    return findings


def _offline(meter: MeterSettings, err: DeviceError) -> Finding:
    return Finding(
        f"meter {meter.id}",
        "problem",
        f"no answer from {meter.url} ({err})",
        "check that the meter has power and network and that this is still its address "
        "(give it a fixed IP address in the router); it keeps about 60 days of minutes, so "
        "nothing is lost yet",
    )


def _identity(name: str, facts: probe.DeviceFacts) -> Finding:
    concerns = facts.concerns()
    if concerns:
        return Finding(
            name, "problem", "; ".join(concerns), "point the meter's url at a Shelly Pro 3EM"
        )
    return Finding(
        name,
        "ok",
        f"{facts.model}, firmware {facts.firmware}, {facts.profile or 'triphase'}, at {facts.url}",
    )


def _auth_problem(meter: MeterSettings, config: Path) -> Finding:
    where = f"the [[meters]] entry with id = {meter.id!r} in {config}"
    if not meter.password.get_secret_value():
        return Finding(
            f"meter {meter.id}",
            "problem",
            "asks for a password and none is configured",
            f"set `password` (or `password_env`) in {where}",
        )
    if (
        meter.password_env
        and os.environ.get(meter.password_env) == meter.password.get_secret_value()
    ):
        # The file names only the variable; the password itself lives in the env file.
        env = config.with_name(ENV_FILE)
        return Finding(
            f"meter {meter.id}",
            "problem",
            f"refused the password from ${meter.password_env} (wrong password)",
            f"check the password in the Shelly app (user admin) and correct "
            f"{meter.password_env}=... in {env} (or the file given with --env-file; the "
            f"service reads /etc/wattboard/wattboard.env), as `password_env` in {where} says",
        )
    return Finding(
        f"meter {meter.id}",
        "problem",
        "refused the configured password (wrong password)",
        f"check the password in the Shelly app (user admin) and set `password` in {where}",
    )


async def _clock(meter: _Meter, options: DoctorOptions) -> Finding:
    name = f"clock {meter.settings.id}"
    try:
        offset = await probe.clock_offset(meter.client, options.now)
    except DeviceError as err:
        return Finding(name, "warn", f"could not read the meter's clock: {err}")
    if offset is None:
        return Finding(
            name,
            "problem",
            "the meter does not know the time (never synchronised)",
            "enable time synchronisation (SNTP) in the meter's settings and check its internet "
            "access",
        )
    if abs(offset) > options.clock_tolerance:
        return Finding(
            name,
            "problem",
            f"the meter's clock is {offset:+.0f} s off this computer's",
            "minutes are stamped by the meter's clock: check its SNTP server in the meter's "
            "settings, and that this computer's clock is synchronised (`timedatectl`)",
        )
    return Finding(name, "ok", f"within {abs(offset):.0f} s of this computer")


async def _device_side(meter: _Meter) -> list[Finding]:
    findings = []
    try:
        reversed_here = await probe.device_reverse(meter.client)
        meter.blocks = (await meter.client.emdata_records())["data_blocks"]
    except DeviceError as err:
        return [Finding(f"meter {meter.settings.id}", "warn", f"incomplete answers: {err}")]
    if reversed_here:
        findings.append(
            Finding(
                f"meter {meter.settings.id}",
                "info",
                f"the meter itself reverses phase(s) {', '.join(reversed_here)} (EM `reverse` "
                "setting); Wattboard's invert_phases applies on top of that",
            )
        )
    return findings


# -- wiring --------------------------------------------------------------------------------------


async def _check_wiring(
    meters: list[_Meter], config: Path, options: DoctorOptions
) -> list[Finding]:
    usable = [m for m in meters if m.usable]
    if options.sample_seconds <= 0:
        return [Finding("wiring", "info", "not checked (--sample-seconds 0)")]
    if not usable:
        return [Finding("wiring", "info", "not checked: no meter answered")] if meters else []
    clients = {m.settings.id: m.client for m in usable}
    invert = {m.settings.id: m.settings.invert_phases for m in usable}
    samples = await probe.sample_power(clients, invert, options.sample_seconds)
    roles = {m.settings.id: m.settings.role for m in usable}
    verdict = wiring.judge(roles, samples)
    findings = [_suspect_finding(s, verdict, meters, config) for s in verdict.suspects]
    findings += [Finding("wiring", "info", note) for note in verdict.notes]
    if not verdict.suspects:
        findings.append(Finding("wiring", "ok", _medians_text(verdict)))
    return findings


def _suspect_finding(
    suspect: wiring.Suspect, verdict: wiring.Verdict, meters: list[_Meter], config: Path
) -> Finding:
    meter = next(m.settings for m in meters if m.settings.id == suspect.meter)
    proposal = verdict.proposed_inversion(meter.id, meter.invert_phases)
    listed = "[" + ", ".join(f'"{p}"' for p in proposal) + "]"
    return Finding(
        f"wiring {meter.id}",
        "problem",
        f"clamp of phase {suspect.phase} looks reversed: {suspect.reason} "
        f"(in {suspect.share:.0%} of the samples)",
        f"set invert_phases = {listed} for meter {meter.id!r} in {config}, then {RESTART}; "
        "the stored minutes are corrected on start",
    )


def _medians_text(verdict: wiring.Verdict) -> str:
    parts = [
        f"{meter} " + "/".join(f"{w:.0f}" for w in powers) + " W"
        for meter, powers in verdict.medians.items()
    ]
    return "plausible: " + ", ".join(parts) if parts else "plausible"


# -- store ---------------------------------------------------------------------------------------


def _check_store(settings: Settings, meters: list[_Meter], options: DoctorOptions) -> list[Finding]:
    if settings.store.backend != "sqlite":
        return [Finding("store", "info", f"backend {settings.store.backend}: nothing local")]
    path = settings.store.resolved_path()
    findings = [_disk(path, options)]
    if not path.exists():
        return [
            Finding(
                "store",
                "warn",
                f"no database at {path} yet",
                "start `wattboard run` (or the service); it fetches all the meters still hold",
            ),
            *findings,
        ]
    try:
        # Read-only: the service may be writing; a diagnosis never migrates nor adds rows.
        store = SqliteStore(
            path,
            zone=ZoneInfo(settings.site.timezone),
            netting=settings.site.netting,
            meters=meter_specs(settings.meters),
            read_only=True,
        )
    except SchemaVersionError as err:
        return [_schema_finding(err), *findings]
    except StoreError as err:
        return [Finding("store", "problem", str(err), _RESTORE), *findings]
    try:
        findings += _store_findings(store, path)
        if findings[-1].status == "problem":
            return findings  # a damaged file: the other checks would only fail on it too
        for meter in meters:
            findings += _gap_findings(store, meter, settings, options.now())
        findings.append(_replication(settings, store, options))
        findings.append(price_finding(settings, store, options.now()))
    finally:
        store.close()
    return findings


def _schema_finding(err: SchemaVersionError) -> Finding:
    if err.found < err.expected:
        return Finding(
            "store",
            "warn",
            f"{err}; it was not migrated by this check",
            f"{RESTART}: the service migrates the database when it starts",
        )
    return Finding(
        "store",
        "problem",
        f"{err}; a newer Wattboard wrote it",
        "upgrade Wattboard (`pip install --upgrade wattboard`) to the version that wrote it",
    )


_RESTORE: Final = (
    "stop Wattboard and restore the latest backup (`wattboard import BACKUP`); the meters "
    "refill the last 60 days"
)


def _store_findings(store: SqliteStore, path: Path) -> list[Finding]:
    verdict = store.integrity()
    if verdict != "ok":
        return [Finding("store", "problem", f"{path} is damaged: {verdict}", _RESTORE)]
    findings = [Finding("store", "ok", f"{path}: integrity ok, {store.count()} minute records")]
    implausible = store.implausible_gaps()
    if implausible:
        meter, start, _, reason = implausible[0]
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(start))
        findings.append(
            Finding(
                "implausible minutes",
                "warn",
                f"{len(implausible)} minute(s) dropped, the newest of meter {meter} "
                f"at {when}: {reason}",
                "check the meter's clamps and firmware; the rest of its minutes are stored",
            )
        )
    reasons = store.needs_rebuild()
    if reasons:
        findings.append(
            Finding(
                "store", "info", "rollups will be rebuilt on the next start: " + "; ".join(reasons)
            )
        )
    return findings


def _disk(path: Path, options: DoctorOptions) -> Finding:
    directory = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    free = shutil.disk_usage(directory).free
    text = f"{free / 2**30:.1f} GiB free for {path.parent}"
    if free < options.min_free_bytes:
        text = f"disk full: {text}"
        return Finding(
            "disk", "problem", text, "free space on this disk; the store needs room to grow"
        )
    if free < options.low_free_bytes:
        return Finding("disk", "warn", text, "free some space soon (two meters use ~150 MB a year)")
    return Finding("disk", "ok", text)


def _replication(settings: Settings, store: SqliteStore, options: DoctorOptions) -> Finding:
    if settings.mongo is None:
        return Finding("replication", "info", "no [mongo] configured: nothing is replicated")
    try:
        backlog = replication_backlog(store, options.now())
    except ImportError:
        return Finding("replication", "problem", "pymongo is not installed", _INSTALL_MONGO)
    if backlog is None:
        return Finding(
            "replication",
            "warn",
            "has not started: the change log is off",
            f"{RESTART}; `wattboard run` starts replicating to MongoDB",
        )
    waiting = f"{backlog.changes} change(s) not yet in MongoDB"
    if backlog.changes == 0:
        return Finding("replication", "ok", "caught up: every change is in MongoDB")
    if backlog.lag_seconds > options.replication_lag_limit:
        return Finding(
            "replication",
            "problem",
            f"{waiting}, the oldest for {_duration(backlog.lag_seconds)}",
            f"is `wattboard run` running? Then {MONGO_CHECKS}; it catches up by itself",
        )
    return Finding(
        "replication", "ok", f"{waiting}, the oldest for {_duration(backlog.lag_seconds)}"
    )


_INSTALL_MONGO: Final = "install the MongoDB extra: `pip install 'wattboard[mongo]'`"


async def _check_mongo(settings: Settings, options: DoctorOptions) -> Finding:
    """Ask MongoDB for a ping, as the replicator would reach it now."""
    assert settings.mongo is not None  # noqa: S101 - checked by the caller
    try:
        from wattboard.store.mongo import MongoReplica  # noqa: PLC0415 - optional extra
    except ImportError:
        return Finding("mongodb", "problem", "pymongo is not installed", _INSTALL_MONGO)
    try:
        replica = MongoReplica.connect(
            settings.mongo.uri.get_secret_value(), settings.mongo.database, timeout=options.timeout
        )
    except ConfigError as err:
        return Finding("mongodb", "problem", str(err), MONGO_CHECKS)
    try:
        seconds = await replica.ping()
    except StoreError as err:  # ReplicaError: its text never holds the URI's secrets
        return Finding("mongodb", "problem", str(err), MONGO_CHECKS)
    finally:
        await replica.close()
    return Finding(
        "mongodb",
        "ok",
        f"database {settings.mongo.database} answers in {seconds * 1000:.0f} ms",
    )


def price_finding(settings: Settings, store: SqliteStore, now: float) -> Finding:
    """Say how far the stored spot prices reach, and how the source's last fetches went."""
    # Imported here: the fetcher's calendar is needed by this check only.
    from wattboard.prices.fetcher import day_span, market_day, publication  # noqa: PLC0415

    prices = settings.prices
    span = store.price_span()
    zone = settings.site.zone
    reach = (
        f"prices stored until {datetime.fromtimestamp(span[1], zone):%Y-%m-%d %H:%M}"
        if span
        else "no prices stored"
    )
    if prices.source == "none":
        return Finding("prices", "info", f"no [prices] source: {reach} (`wattboard prices import`)")
    where = f"{prices.source} {prices.area}"
    status = store.price_status() or {}
    if status.get("failing"):
        return Finding(
            "prices",
            "warn",
            f"{where}: {status.get('failures', 0)} failed fetch(es), the last: "
            f"{status.get('error', '')}; {reach}",
            "check the network and [prices] (area, token); `wattboard run` retries by itself",
        )
    tomorrow = market_day(now) + timedelta(days=1)
    due = day_span(tomorrow)[1] if now >= publication(tomorrow) + 3600 else day_span(tomorrow)[0]
    if span is None or span[1] < due:
        return Finding(
            "prices",
            "warn",
            f"{where}: {reach}; expected until {datetime.fromtimestamp(due, zone):%Y-%m-%d %H:%M}",
            "is `wattboard run` running? It fetches each next day after 13:00 CET",
        )
    return Finding("prices", "ok", f"{where}: {reach}")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# -- gaps ----------------------------------------------------------------------------------------


def held_spans(blocks: Sequence[RecordsBlock]) -> list[tuple[int, int]]:
    """Return the `[start, end)` spans of minutes the meter holds."""
    return [(b["ts"], b["ts"] + b["records"] * b["period"]) for b in blocks if b["records"] > 0]


def missing_runs(
    held: Sequence[tuple[int, int]], stored: Iterable[int], start: int, end: int
) -> list[tuple[int, int]]:
    """Return the runs `[a, b)` within `[start, end)` the meter holds and the store lacks."""
    have = set(stored)
    runs: list[tuple[int, int]] = []
    for span_start, span_end in held:
        first = max(span_start, start + (-start) % MINUTE)
        for ts in range(first, min(span_end, end), MINUTE):
            if ts in have:
                continue
            if runs and runs[-1][1] == ts:
                runs[-1] = (runs[-1][0], ts + MINUTE)
            else:
                runs.append((ts, ts + MINUTE))
    return runs


def _gap_findings(
    store: SqliteStore, meter: _Meter, settings: Settings, now: float
) -> list[Finding]:
    if not meter.blocks:
        return []
    meter_id, held = meter.settings.id, held_spans(meter.blocks)
    watermark = store.watermark(meter_id) if meter_id in store.meter_ids else None
    if watermark is None:
        minutes = sum(b - a for a, b in held) // MINUTE
        return [
            Finding(
                f"gaps {meter_id}",
                "warn",
                f"nothing stored yet; the meter holds {minutes} minutes",
                "start `wattboard run`; it fetches them all",
            )
        ]
    start = max(int(now) - DEVICE_DAYS * 86400, store.minutes_kept_from() or 0)
    stored = store.minute_timestamps(meter_id, start, watermark + MINUTE)
    findings = [_holes(meter_id, missing_runs(held, stored, start, watermark), settings)]
    pending = sum(b - a for a, b in missing_runs(held, (), watermark + MINUTE, int(now)))
    if pending // MINUTE > PENDING_MINUTES:
        findings.append(
            Finding(
                f"gaps {meter_id}",
                "warn",
                f"the meter holds {pending // MINUTE} minutes newer than the store",
                "is `wattboard run` running? (`sudo systemctl status wattboard`)",
            )
        )
    return findings


def _holes(meter_id: str, runs: list[tuple[int, int]], settings: Settings) -> Finding:
    name = f"gaps {meter_id}"
    if not runs:
        return Finding(name, "ok", "every minute the meter still holds is stored")
    minutes = sum(b - a for a, b in runs) // MINUTE
    zone = ZoneInfo(settings.site.timezone)
    first = datetime.fromtimestamp(runs[0][0], UTC).astimezone(zone)
    shown = ", ".join(_span_text(a, b, zone) for a, b in runs[:3])
    more = f" and {len(runs) - 3} more" if len(runs) > 3 else ""
    return Finding(
        name,
        "problem",
        f"{minutes} minutes missing that the meter can still give: {shown}{more}",
        f"run `wattboard backfill --meter {meter_id} --since {first.date().isoformat()}` "
        "before the meter drops them (it keeps about 60 days)",
    )


def _span_text(start: int, end: int, zone: ZoneInfo) -> str:
    a = datetime.fromtimestamp(start, UTC).astimezone(zone)
    b = datetime.fromtimestamp(end, UTC).astimezone(zone)
    return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}"


def _client(meter: MeterSettings, timeout: float) -> ShellyClient:
    # One retry: a doctor should answer in seconds, and an outage shows either way.
    secret = meter.password.get_secret_value() or None
    return ShellyClient(meter.url, password=secret, meter=meter.id, timeout=timeout, retries=1)
