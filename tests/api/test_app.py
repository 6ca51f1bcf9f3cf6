"""The app's guard on writes: no token or too large a body is refused before the body is read."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import pytest

from tests.api.conftest import TOKEN, serving_empty
from wattboard.api.app import MAX_BODY

HUGE = 100 * 2**20  # the 100 MB of the abuse test


async def _answer_before_body(address: tuple[str, int], headers: dict[str, str]) -> bytes:
    """Send a POST's headers and a few body bytes only; return the status line it gets."""
    reader, writer = await asyncio.open_connection(*address)
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(f"POST /api/v1/readings HTTP/1.1\r\nHost: t\r\n{head}\r\n[".encode())
        await writer.drain()
        # The rest of the body never comes: only an answer given without it arrives in time.
        return await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        await closed(writer)


async def closed(writer: asyncio.StreamWriter) -> None:
    """Close a connection and wait for it: a socket left to the garbage collector warns."""
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


@pytest.mark.parametrize(
    ("auth", "status"),
    [
        ({}, b"401"),
        ({"Authorization": "Bearer wrong-token"}, b"401"),
        ({"Authorization": f"Bearer {TOKEN}"}, b"413"),
    ],
)
async def test_write_guard_answers_a_huge_body_before_reading_it(
    tmp_path: Path, auth: dict[str, str], status: bytes
) -> None:
    async with serving_empty(tmp_path) as address:
        headers = {"Content-Type": "application/json", "Content-Length": str(HUGE), **auth}
        line = await _answer_before_body(address, headers)
    assert line.split(b" ")[1] == status


async def test_write_guard_refuses_writes_when_no_token_is_set(tmp_path: Path) -> None:
    async with serving_empty(tmp_path, token="") as address:
        headers = {"Content-Type": "application/json", "Content-Length": str(HUGE)}
        line = await _answer_before_body(address, headers)
    assert line.split(b" ")[1] == b"403"


async def test_write_guard_stops_a_chunked_body_at_the_limit(tmp_path: Path) -> None:
    async with serving_empty(tmp_path) as address:
        reader, writer = await asyncio.open_connection(*address)
        head = (
            "POST /api/v1/readings HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        writer.write(head.encode())
        chunk = b" " * 2**20
        sent = 0
        with contextlib.suppress(ConnectionError):
            while sent <= MAX_BODY + 2**20:  # one chunk past the limit, and no end chunk
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await writer.drain()
                sent += len(chunk)
        status = await asyncio.wait_for(reader.readline(), timeout=5)
        rest = await asyncio.wait_for(reader.read(4096), timeout=5)
        await closed(writer)
    assert status.split(b" ")[1] == b"413"
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["detail"] == f"the body exceeds {MAX_BODY} bytes; send fewer records"


def test_max_body_holds_the_largest_batch() -> None:
    # 10,000 records of realistic values, as the app sends them, fit well within the limit.
    record = {
        "meter": "grid",
        "ts": 1_747_353_600,
        **{f"{p}_{f}": 12345.6789 for p in "abc" for f in ("import_wh", "export_wh")},
        **{f"{p}_{f}": -12345.6 for p in "abc" for f in ("max_w", "min_w")},
        **{f"{p}_avg_v": 231.4 for p in "abc"},
        **{f"{p}_avg_a": 53.125 for p in "abc"},
    }
    size = len(json.dumps([record] * 10_000))
    assert size < MAX_BODY
    assert size > MAX_BODY / 2  # and the limit is not far above it
