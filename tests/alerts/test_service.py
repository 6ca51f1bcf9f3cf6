"""The alert task of `run` end to end: emulated meters, the collector, real channel servers."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.receivers import (
    SMTP_PASSWORD,
    SMTP_USER,
    HttpReceiver,
    Mailbox,
    http_receiver,
    smtp_server,
)
from wattboard.alerts.service import AlertService
from wattboard.collector.service import Collector, open_store
from wattboard.config import Settings
from wattboard.runtime import run_home
from wattboard.simulator import EmulatorOptions, Emulators, apply_fault, start_emulators
from wattboard.store.asyncstore import AsyncStore

# The rule's N: 3 s instead of 10 minutes, so the outage below is a few seconds, not minutes.
OFFLINE_MINUTES = 0.05
OUTAGE_S = 6.0


def _settings(sim: Emulators, db: Path, alerts: dict[str, Any]) -> Settings:
    meters = [{"id": role, "role": role, "url": meter.url} for role, meter in sim.meters.items()]
    return Settings(
        site={"id": "home", "timezone": "Europe/Helsinki"},
        store={"path": db},
        api={"port": 0},
        collector={"live_interval": 0.2, "request_timeout": 1.0},
        meters=meters,
        alerts={
            "check_seconds": 0.2,
            "meter_offline_minutes": OFFLINE_MINUTES,
            "reversed_clamp": False,  # judged on a day of minutes; tests/alerts/test_clamps.py
            "disk_free_mb": 0,  # the test machine's disk is not the subject
            **alerts,
        },
    )


def _channels(http: HttpReceiver, mail: Mailbox) -> dict[str, Any]:
    return {
        "ntfy": {"url": f"{http.url}/wattboard-home"},
        "webhook": {"url": f"{http.url}/hook"},
        "email": {
            "host": mail.host,
            "port": mail.port,
            "ca_file": str(mail.ca_file),
            "username": SMTP_USER,
            "password": SMTP_PASSWORD,
            "from": "wattboard@example.org",
            "to": ["owner@example.org"],
        },
    }


async def _until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    try:
        async with asyncio.timeout(seconds):
            while not condition():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def _rebuild(store: AsyncStore) -> None:
    await store.rebuild()


@pytest.mark.slow
async def test_alert_service_meter_outage_sends_one_start_and_one_end_on_each_channel(
    tmp_path: Path,
) -> None:
    options = EmulatorOptions(port=0, history_days=0.02, seed=31)
    async with start_emulators(options) as sim, http_receiver() as http:
        with smtp_server(tmp_path) as mail:
            settings = _settings(sim, tmp_path / "w.db", _channels(http, mail))
            stop = asyncio.Event()
            running = asyncio.create_task(run_home(settings, stop, collect=True, rebuild=_rebuild))
            try:
                await asyncio.sleep(2.0)  # the meters answer; nothing to say
                assert (http.received, mail.mails) == ([], [])
                loop = asyncio.get_running_loop()
                began = loop.time()
                await apply_fault(
                    sim.meters["grid"].server, {"kind": "offline", "seconds": OUTAGE_S}
                )
                await _until(lambda: len(http.on("/hook")) == 1, 10, "the start on the webhook")
                started = loop.time() - began
                await _until(lambda: len(http.on("/hook")) == 2, 20, "the end on the webhook")
                ended = loop.time() - began
                await _until(lambda: len(mail.mails) == 2, 10, "both e-mails")
                await asyncio.sleep(1.0)  # five more checks: nothing more to say
            finally:
                stop.set()
                await asyncio.wait_for(running, timeout=30)
    # The start once the meter was away for N (3 s, counted from its last answer up to one
    # live interval of 0.2 s before the fault), the end once it answered again (6 s).
    assert OFFLINE_MINUTES * 60 - 0.3 < started < OUTAGE_S
    assert OUTAGE_S < ended < OUTAGE_S + 5
    ntfy = http.on("/wattboard-home")
    assert [m.headers["Title"] for m in ntfy] == [
        "[home] Meter grid offline",
        "[home] Resolved: Meter grid offline",
    ]
    assert ntfy[0].body.decode().startswith("The grid meter grid has not answered for ")
    assert (
        ntfy[1]
        .body.decode()
        .startswith(
            "The grid meter grid answers again; the minutes it kept meanwhile are being fetched. "
            "The problem lasted "
        )
    )
    hooks = [r.json() for r in http.on("/hook")]
    assert [(h["event"], h["rule"], h["subject"]) for h in hooks] == [
        ("start", "meter_offline", "grid"),
        ("end", "meter_offline", "grid"),
    ]
    assert [m["Subject"] for m in mail.mails] == [
        "[home] Meter grid offline",
        "[home] Resolved: Meter grid offline",
    ]
    assert len(http.received) == 4  # two on ntfy, two on the webhook, nothing else


@pytest.mark.slow
async def test_alert_service_channel_down_is_retried_logged_and_collection_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = EmulatorOptions(port=0, history_days=0.02, seed=32)
    async with start_emulators(options) as sim, http_receiver() as down, http_receiver() as up:
        down.hang = True  # accepts, never answers: each attempt costs its whole timeout
        settings = _settings(
            sim,
            tmp_path / "w.db",
            {
                "ntfy": {"url": f"{down.url}/t", "timeout_s": 0.5, "retries": 3},
                "webhook": {"url": f"{up.url}/hook"},
            },
        )
        store = open_store(settings)
        await store.open()
        collector = Collector(settings, store)
        alerts = AlertService(settings, collector, store)
        stop = asyncio.Event()
        with caplog.at_level(logging.INFO, logger="wattboard"):
            async with asyncio.TaskGroup() as group:
                group.create_task(collector.run(stop))
                group.create_task(alerts.run(stop))
                await _until(lambda: collector.live.meters["grid"].polls > 3, 10, "live polls")
                await apply_fault(sim.meters["grid"].server, {"kind": "offline", "seconds": 4})
                await _until(lambda: len(up.on("/hook")) == 2, 20, "start and end on the webhook")
                polls = collector.live.meters["solar"].polls
                await _until(lambda: down.attempts >= 3, 20, "ntfy retried")
                # Live polling went on at its interval (0.2 s) while ntfy hung.
                assert collector.live.meters["solar"].polls > polls
                stop.set()
        await store.close()
    failing = [r for r in caplog.records if "alert channel ntfy failing" in r.getMessage()]
    assert len(failing) == 1  # once per episode, not once per attempt
    assert down.received == []


async def test_alert_service_lost_minutes_from_a_gap_in_the_meters_memory(tmp_path: Path) -> None:
    # 60× speed: the emulated meter saves a minute record every real second.
    options = EmulatorOptions(port=0, meters=("grid",), history_days=0.01, seed=33, speed=60.0)
    async with start_emulators(options) as sim:
        settings = _settings(sim, tmp_path / "w.db", {"meter_offline_minutes": 0})
        store = open_store(settings)
        await store.open()
        collector = Collector(settings, store)
        alerts = AlertService(settings, collector, store, channels=[])
        try:
            await collector.start()
            await collector.ingest_once()
            memory = sim.meters["grid"].device.memory
            stored = memory.last_ts
            await _until(lambda: memory.last_ts >= stored + 240, 15, "four more minutes")
            # The meter loses two of them before they were fetched (as if it had been off).
            gap = {"kind": "gap", "start": stored + 60, "end": stored + 180}
            await apply_fault(sim.meters["grid"].server, gap)
            await collector.ingest_once()
            (message,) = await alerts.check()
            assert await alerts.check() == []  # once, not at every check
        finally:
            await collector.aclose()
            await store.close()
    assert (message.kind, message.rule, message.subject) == ("start", "lost_minutes", "grid")
    assert message.heading == "[home] Meter grid: minutes lost"
    assert message.body.startswith("2 minute(s) of meter grid can no longer be stored: ")
    assert ": not recorded by the meter. The days concerned show a coverage" in message.body


def _offline_settings(db: Path) -> Settings:
    return Settings(
        site={"id": "home", "timezone": "Europe/Helsinki"},
        store={"path": db},
        meters=[{"id": "grid", "role": "grid", "url": "http://127.0.0.1:9"}],
        alerts={"reversed_clamp": False, "disk_free_mb": 0},  # meter offline after 10 min
    )


async def test_alert_service_restart_resumes_the_open_problems(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _offline_settings(tmp_path / "w.db")
    store = open_store(settings)
    await store.open()
    collector = Collector(settings, store)  # never started: its meter never answers
    wall, mono = [1_767_225_600.0], [1000.0]

    def service() -> AlertService:
        return AlertService(
            settings,
            collector,
            store,
            channels=[],
            clock=lambda: wall[0],
            monotonic=lambda: mono[0],
        )

    def later(seconds: float) -> None:
        wall[0] += seconds
        mono[0] += seconds

    try:
        first = service()
        later(601)
        (start,) = await first.check()
        saved = json.loads((tmp_path / "w.db.alerts").read_text(encoding="utf-8"))
        assert [(p["rule"], p["subject"], p["since"]) for p in saved["open"]] == [
            ("meter_offline", "grid", start.since)
        ]
        later(30)
        second = service()  # a restart: its meter counts as away only from now on
        with caplog.at_level(logging.INFO, logger="wattboard"):
            await second.resume()
        assert "still open from before the restart: Meter grid offline" in caplog.text
        assert second.grace() == 600 + 2 * 30
        assert await second.check() == []  # not yet seen again, but not ended either
        later(601)
        assert await second.check() == []  # seen again: the same problem, no new start
        third = service()
        third.state_path.write_text("{not json", encoding="utf-8")
        with caplog.at_level(logging.WARNING, logger="wattboard"):
            await third.resume()
        assert "ignoring the saved alert state" in caplog.text
        later(601)
        (again,) = await third.check()  # nothing resumed: announced again
        assert again.kind == "start"
    finally:
        await store.close()
