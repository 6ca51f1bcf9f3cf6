"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import TOKEN, site_settings
from wattboard.api.app import create_app
from wattboard.collector.live import LiveState, MeterLive, MeterReading, PhaseReading
from wattboard.collector.service import open_store
from wattboard.collector.view import HomeView
from wattboard.energy.records import MinuteRecord
from wattboard.runtime import home_context

T0 = 1_748_736_000  # 2025-06-01 00:00 UTC


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "w.db"
    settings_ = site_settings(None, path)
    store = open_store(settings_)
    asyncio.run(store.open())
    stats = (10.0, -5.0, 230.0, 0.5)
    records = [MinuteRecord(m, T0 + 60 * i, 1.0, 0.5, *stats, 2.0, 0.0, *stats, 0.0, 1.5, *stats)
               for i in range(1440) for m in ("grid", "solar")]  # fmt: skip
    asyncio.run(store.upsert(records))
    ctx = home_context(settings_, store, None)
    live = LiveState()  # the home API with live readings, as `wattboard run` has it
    ctx.view = HomeView(store, live=live)
    for meter, watts in (("grid", 800.0), ("solar", -2400.0)):
        live.meters[meter] = MeterLive(meter, 1.0)
        phases = {p: PhaseReading(watts / 3, 230.0, abs(watts) / 690) for p in "abc"}
        live.update(meter, MeterReading(T0, phases))
    yield create_app(ctx)
    asyncio.run(store.close())


def test_api_fuzz_no_server_errors_and_valid_responses(fuzz_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzed = [op for op in operations if op.path != "/api/v1/power/stream"]  # endless by design
    assert len(fuzzed) >= 14
    for operation in fuzzed:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            # Schema-valid but impossible values (2025-02-30, start after end) rightly get a
            # 422, so the "positive data is accepted" check does not apply; every other does.
            case.call_and_validate(
                headers={"Authorization": f"Bearer {TOKEN}"},
                excluded_checks=[positive_data_acceptance],
            )

        check()
