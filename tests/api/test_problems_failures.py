"""Each kind of failure answers with its own status and title, and keeps its text in the log."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

import httpx
import pytest

from wattboard import exceptions
from wattboard.api.app import create_app
from wattboard.api.context import ApiContext
from wattboard.api.problems import FAILURES, failure
from wattboard.exceptions import (
    ConfigError,
    DeviceAuthError,
    DeviceError,
    DeviceProtocolError,
    DeviceRpcError,
    DeviceUnreachableError,
    InvalidInputError,
    MigrationError,
    ReplicaError,
    StoreError,
    WattboardError,
)

SECRET = "mongodb://admin:hunter2@db.example"


class FailingReader:
    """A store whose every read raises one error."""

    zone = ZoneInfo("Europe/Helsinki")
    netting = "minute"

    def __init__(self, error: WattboardError) -> None:
        self.error = error

    async def meters(self) -> list[object]:
        raise self.error

    async def expected_meters(self) -> int:
        raise self.error

    async def day_rows(self, start: int, end: int) -> list[object]:
        raise self.error

    async def quarter_sums(self, start: int, end: int) -> dict[int, object]:
        raise self.error

    async def day_sums(self, spans: object) -> list[object]:
        raise self.error


ERRORS = [
    (StoreError(SECRET), 503, "Store unavailable"),
    (MigrationError(SECRET), 503, "Store schema mismatch"),
    (ReplicaError(SECRET), 503, "Replica unavailable"),
    (ConfigError(SECRET), 500, "Server misconfigured"),
    (DeviceError(SECRET), 502, "Meter error"),
    (DeviceUnreachableError(SECRET), 502, "Meter unreachable"),
    (DeviceAuthError(SECRET), 502, "Meter refused access"),
    (DeviceProtocolError(SECRET), 502, "Unexpected meter answer"),
    (DeviceRpcError(-103, SECRET), 502, "Meter RPC error"),
    (WattboardError(SECRET), 500, "Internal error"),
]


@pytest.mark.parametrize(("error", "status", "title"), ERRORS, ids=lambda v: type(v).__name__)
async def test_failure_answers_with_its_own_status_and_title(
    error: WattboardError, status: int, title: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(ApiContext("home", FailingReader(error)))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="wattboard.api.problems"):
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/api/v1/energy/day/2024-06-01")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (status, title)
    assert "hunter2" not in response.text  # the message stays in the log
    assert any("hunter2" in record.getMessage() for record in caplog.records)


def test_failure_titles_are_one_per_subtype() -> None:
    titles = [answer.title for answer in FAILURES.values()]
    assert len(set(titles)) == len(titles)
    # Every subtype Wattboard defines has an entry of its own (bad input has its own 422).
    defined = {
        kind
        for kind in vars(exceptions).values()
        if isinstance(kind, type) and issubclass(kind, WattboardError)
    }
    assert defined - {InvalidInputError} == set(FAILURES)


def test_failure_of_an_unlisted_subclass_is_its_parents() -> None:
    class LockedError(StoreError):
        pass

    assert failure(LockedError("x")) == FAILURES[StoreError]
