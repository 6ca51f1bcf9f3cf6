"""`wattboard doctor`: healthy on a healthy site, and each injected problem named, exit 1."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cli.setup_cli import ingest_once, inject, invoke
from tests.mongo_server import running_server
from tests.sunlight import daytime, night
from wattboard.cli import doctor as doctor_cli
from wattboard.collector.service import open_store
from wattboard.config import load_settings
from wattboard.replica.replicator import Replicator
from wattboard.setup.configfile import ENV_FILE, MeterEntry, SiteEntry, render
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators
from wattboard.store.schema import SCHEMA_VERSION
from wattboard.store.sqlite import MeterSpec, SqliteStore

Findings = list[dict[str, str]]


@pytest.fixture(autouse=True)
def wide_console() -> Any:
    width = doctor_cli.console.width
    doctor_cli.console.width = 300
    yield
    doctor_cli.console.width = width


def write_config(sim: Emulators, tmp_path: Path, **meters: dict[str, Any]) -> Path:
    entries = [
        MeterEntry(role, role, meter.url, **meters.get(role, {}))  # type: ignore[arg-type]
        for role, meter in sim.meters.items()
    ]
    site = SiteEntry(timezone="Europe/Helsinki", store_path=str(tmp_path / "w.db"))
    path = tmp_path / "wattboard.toml"
    path.write_text(render(site, entries, header="doctor test"), encoding="utf-8")
    return path


async def doctor(config: Path, sample_seconds: float = 2) -> tuple[int, Findings]:
    result = await invoke(
        "doctor", "--config", str(config), "--json", "--sample-seconds", f"{sample_seconds:g}"
    )
    report = json.loads(result.stdout)
    assert report["healthy"] is (result.exit_code == 0)
    return result.exit_code, report["findings"]


def problems(findings: Findings) -> dict[str, Findings]:
    found: dict[str, Findings] = {}
    for finding in findings:
        if finding["status"] == "problem":
            found.setdefault(finding["check"], []).append(finding)
    return found


async def test_doctor_healthy_site_exits_zero(emulators: Emulators, tmp_path: Path) -> None:
    config = write_config(emulators, tmp_path)
    await ingest_once(config)
    code, findings = await doctor(config)
    assert problems(findings) == {}
    assert code == 0
    statuses = {(f["check"], f["status"]) for f in findings}
    for check in ("config", "meter grid", "meter solar", "clock grid", "clock solar", "store",
                  "disk", "gaps grid", "gaps solar"):  # fmt: skip
        assert (check, "ok") in statuses
    assert ("replication", "info") in statuses
    assert any(f["check"] == "wiring" and f["status"] == "ok" for f in findings)


async def test_doctor_names_an_offline_meter(emulators: Emulators, tmp_path: Path) -> None:
    config = write_config(emulators, tmp_path)
    await inject(emulators, "grid", {"kind": "offline", "seconds": 30})
    result = await invoke("doctor", "--config", str(config), "--sample-seconds", "1")
    assert result.exit_code == 1
    assert "✘ meter grid" in result.output
    assert f"no answer from {emulators.meters['grid'].url}" in result.output
    assert "→ check that the meter has power and network" in result.output
    assert "✔ meter solar" in result.output
    assert "1 problem(s) found." in result.output


@pytest.fixture
async def locked() -> AsyncIterator[Emulators]:
    options = EmulatorOptions(port=0, history_days=1 / 24, password="right-pw", seed=5)
    async with start_emulators(options) as sim:
        yield sim


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("wrong-pw", "refused the configured password"),
        ("", "asks for a password and none is configured"),
    ],
)
async def test_doctor_names_a_wrong_or_missing_password(
    locked: Emulators, tmp_path: Path, password: str, expected: str
) -> None:
    config = write_config(
        locked, tmp_path, grid={"password": password}, solar={"password": "right-pw"}
    )
    code, findings = await doctor(config)
    assert code == 1
    found = problems(findings)
    assert list(found) == ["meter grid"]
    assert expected in found["meter grid"][0]["detail"]
    assert "id = 'grid'" in found["meter grid"][0]["fix"]


@pytest.mark.parametrize(
    ("sky", "role", "phase"),
    [(daytime, "solar", "b"), (night, "grid", "a")],
    ids=["solar-by-day", "grid-by-night"],
)
async def test_doctor_names_a_reversed_clamp(
    tmp_path: Path, sky: Callable[..., EmulatorOptions], role: str, phase: str
) -> None:
    async with start_emulators(sky(history_days=0, seed=3)) as sim:
        await inject(sim, role, {"kind": "reverse_ct", "phase": phase})
        code, findings = await doctor(write_config(sim, tmp_path))
    assert code == 1
    (finding,) = problems(findings)[f"wiring {role}"]
    assert f"clamp of phase {phase} looks reversed" in finding["detail"]
    assert f'invert_phases = ["{phase}"] for meter {role!r}' in finding["fix"]


async def test_doctor_says_to_undo_a_wrong_inversion(tmp_path: Path) -> None:
    async with start_emulators(daytime(history_days=0, seed=3)) as sim:
        config = write_config(sim, tmp_path, solar={"invert_phases": ("c",)})
        code, findings = await doctor(config)
    assert code == 1
    (finding,) = problems(findings)["wiring solar"]
    assert "invert_phases = [] for meter 'solar'" in finding["fix"]


async def test_doctor_names_a_clock_offset(emulators: Emulators, tmp_path: Path) -> None:
    config = write_config(emulators, tmp_path)
    await inject(emulators, "solar", {"kind": "clock_jump", "seconds": 600})
    # No wiring samples: the solar meter's power is then emulated 10 minutes ahead of the grid
    # meter's, which near sunrise or sunset (by the wall clock) can look like a reversed clamp.
    code, findings = await doctor(config, sample_seconds=0)
    assert code == 1
    found = problems(findings)
    assert list(found) == ["clock solar"]
    assert "+600 s off this computer's" in found["clock solar"][0]["detail"]


async def test_doctor_names_gaps_the_meter_can_still_fill(
    emulators: Emulators, tmp_path: Path
) -> None:
    config = write_config(emulators, tmp_path)
    await ingest_once(config)
    store = SqliteStore(
        tmp_path / "w.db",
        zone=ZoneInfo("Europe/Helsinki"),
        netting="minute",
        meters=[MeterSpec("grid", "grid"), MeterSpec("solar", "solar")],
    )
    first = emulators.meters["grid"].device.memory.first_ts
    assert first is not None
    deleted = store.delete("grid", first + 600, first + 1200)  # 10 minutes
    store.close()
    code, findings = await doctor(config)
    assert deleted == 10
    assert code == 1
    (finding,) = problems(findings)["gaps grid"]
    assert finding["detail"].startswith("10 minutes missing that the meter can still give")
    assert "wattboard backfill --meter grid --since" in finding["fix"]


async def test_doctor_reports_a_broken_config(tmp_path: Path) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text('[site]\nnetting = "weekly"\n', encoding="utf-8")
    code, findings = await doctor(config)
    assert code == 1
    (finding,) = findings
    assert finding["check"] == "config"
    assert "site.netting" in finding["detail"]


# -- read-only ----------------------------------------------------------------------------------


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a directory with its bytes and modification time (ns)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(directory.iterdir())}


def _user_version(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _set_user_version(db: Path, version: int) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute(f"PRAGMA user_version = {version}")


async def test_doctor_writes_nothing_to_a_stopped_store(
    emulators: Emulators, tmp_path: Path
) -> None:
    config = write_config(emulators, tmp_path)
    await ingest_once(config)
    before = _snapshot(tmp_path)
    assert "w.db-wal" not in before  # the store closed cleanly
    code, findings = await doctor(config)
    assert code == 0
    assert any(f["check"] == "store" and f["status"] == "ok" for f in findings)
    assert _snapshot(tmp_path) == before  # same files, same bytes, same times


async def test_doctor_writes_nothing_beside_a_running_store(
    emulators: Emulators, tmp_path: Path
) -> None:
    config = write_config(emulators, tmp_path)
    await ingest_once(config)
    running = SqliteStore(
        tmp_path / "w.db",
        zone=ZoneInfo("Europe/Helsinki"),
        netting="minute",
        meters=[MeterSpec("grid", "grid"), MeterSpec("solar", "solar")],
    )
    try:
        before = _snapshot(tmp_path)
        assert "w.db-wal" in before  # as while the service runs
        code, findings = await doctor(config)
        assert _snapshot(tmp_path) == before
    finally:
        running.close()
    assert code == 0
    store = next(f for f in findings if f["check"] == "store")
    assert "integrity ok" in store["detail"]


@pytest.mark.parametrize(
    ("offset", "status", "words"),
    [(-1, "warn", "older than this Wattboard's"), (1, "problem", "newer than this Wattboard's")],
    ids=["older", "newer"],
)
async def test_doctor_reports_another_schema_without_migrating(
    emulators: Emulators, tmp_path: Path, offset: int, status: str, words: str
) -> None:
    config = write_config(emulators, tmp_path)
    await ingest_once(config)
    db = tmp_path / "w.db"
    _set_user_version(db, SCHEMA_VERSION + offset)
    before = _snapshot(tmp_path)
    code, findings = await doctor(config)
    (store,) = (f for f in findings if f["check"] == "store")
    assert store["status"] == status
    assert f"schema {SCHEMA_VERSION + offset}, {words} ({SCHEMA_VERSION})" in store["detail"]
    assert code == (1 if status == "problem" else 0)
    assert _snapshot(tmp_path) == before
    assert _user_version(db) == SCHEMA_VERSION + offset  # never migrated


# -- secrets --------------------------------------------------------------------------------------


async def test_doctor_wrong_password_from_env_points_at_the_env_file(
    locked: Emulators, tmp_path: Path
) -> None:
    config = write_config(
        locked,
        tmp_path,
        grid={"password_env": "DOCTOR_TEST_GRID_PW"},
        solar={"password": "right-pw"},
    )
    env = tmp_path / ENV_FILE
    env.write_text('DOCTOR_TEST_GRID_PW="wrong-pw"\n', encoding="utf-8")
    try:
        code, findings = await doctor(config)
    finally:
        os.environ.pop("DOCTOR_TEST_GRID_PW", None)  # load_env_beside set it for the process
    assert code == 1
    (finding,) = problems(findings)["meter grid"]
    assert "refused the password from $DOCTOR_TEST_GRID_PW" in finding["detail"]
    assert f"DOCTOR_TEST_GRID_PW=... in {env}" in finding["fix"]
    assert "password_env" in finding["fix"]


async def test_doctor_mongo_without_uri_never_advises_init_force(tmp_path: Path) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text('[site]\ntimezone = "UTC"\n\n[mongo]\ndatabase = "w"\n', encoding="utf-8")
    code, findings = await doctor(config)
    assert code == 1
    (finding,) = findings
    assert "mongo.uri" in finding["detail"]
    assert "init --force" not in finding["fix"]
    assert f"WATTBOARD_MONGO__URI in {tmp_path / ENV_FILE}" in finding["fix"]


async def test_doctor_other_config_error_beside_mongo_never_advises_init_force(
    tmp_path: Path,
) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text(
        '[site]\nnetting = "weekly"\n\n[mongo]\nuri = "mongodb://127.0.0.1:1/"\n', encoding="utf-8"
    )
    code, findings = await doctor(config)
    assert code == 1
    assert "init --force" not in findings[0]["fix"]
    assert str(config) in findings[0]["fix"]


# -- replication ----------------------------------------------------------------------------------


def _with_mongo(config: Path, uri: str, database: str) -> Path:
    with config.open("a", encoding="utf-8") as out:
        out.write(f'\n[mongo]\nuri = "{uri}"\ndatabase = "{database}"\n')
    return config


async def _replicate_all(config: Path) -> None:
    """One pass of the replicator of `run` over the configured store and database."""
    settings = load_settings(config)
    store = open_store(settings)
    await store.open()
    replicator = Replicator.from_settings(settings, store)
    try:
        await replicator.sync_once()
    finally:
        await replicator.replica.close()
        await store.close()


# pymongo may leave a monitor's socket unclosed when its client closes while the monitor is
# still connecting to a stopped server; that is the library's, not what this test checks.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_doctor_replication_healthy_then_mongodb_stopped_then_back(
    emulators: Emulators, tmp_path: Path
) -> None:
    config = write_config(emulators, tmp_path)
    with running_server(tmp_path / "mongo") as server:
        _with_mongo(config, server.uri, "doctor")
        await ingest_once(config)
        await _replicate_all(config)
        code, findings = await doctor(config)
        assert code == 0
        by_check = {f["check"]: f for f in findings}
        assert by_check["replication"]["status"] == "ok"
        assert by_check["replication"]["detail"] == "caught up: every change is in MongoDB"
        assert by_check["mongodb"]["status"] == "ok"
        assert by_check["mongodb"]["detail"].startswith("database doctor answers in ")

        await asyncio.to_thread(server.stop)
        code, findings = await doctor(config)
        assert code == 1
        (down,) = problems(findings)["mongodb"]
        assert down["detail"].startswith("MongoDB could not answer a ping")
        for what in ("mongo.uri", "network", "Atlas IP access list", "credentials"):
            assert what in down["fix"]

        await asyncio.to_thread(server.start)
        code, findings = await doctor(config)
        assert code == 0
        assert {f["check"]: f["status"] for f in findings}["mongodb"] == "ok"
