"""`wattboard doctor`: healthy on a healthy site, and each injected problem named, exit 1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cli.setup_cli import ingest_once, inject, invoke
from tests.sunlight import daytime, night
from wattboard.cli import doctor as doctor_cli
from wattboard.setup.configfile import MeterEntry, SiteEntry, render
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators
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


async def doctor(config: Path) -> tuple[int, Findings]:
    result = await invoke("doctor", "--config", str(config), "--json", "--sample-seconds", "2")
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
    code, findings = await doctor(config)
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
