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
    DeviceRpcError,
    InvalidInputError,
    SchemaVersionError,
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


# The arguments of the subtypes that take more than a message.
ARGUMENTS: dict[type[WattboardError], tuple[object, ...]] = {
    DeviceRpcError: (-103, SECRET),
    SchemaVersionError: (SECRET, 1, 2),
}


def _error(kind: type[WattboardError]) -> WattboardError:
    return kind(*ARGUMENTS.get(kind, (SECRET,)))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(FAILURES), ids=lambda kind: kind.__name__)
async def test_failure_answers_with_its_own_status_and_title(
    kind: type[WattboardError], caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(ApiContext("home", FailingReader(_error(kind))))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="wattboard.api.problems"):
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/api/v1/energy/day/2024-06-01")
    expected = FAILURES[kind]
    assert response.status_code == expected.status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"], body["detail"]) == expected
    assert "hunter2" not in response.text  # the message stays in the log
    assert any("hunter2" in record.getMessage() for record in caplog.records)


def test_failure_statuses_by_family() -> None:
    # A failing store is the server's to wait out (503); a failing meter or price source is
    # an upstream's failure, a bad gateway (502).
    for kind, answer in FAILURES.items():
        if issubclass(kind, StoreError):
            assert answer.status == 503, kind.__name__
        elif issubclass(kind, exceptions.DeviceError | exceptions.PriceSourceError):
            assert answer.status == 502, kind.__name__
        else:
            assert answer.status == 500, kind.__name__


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
