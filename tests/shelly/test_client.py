"""Pure parts of the client: parameter encoding, digest headers, backoff, answer decoding."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.shelly.payloads import load
from wattboard.backoff import Backoff
from wattboard.energy.records import MinuteRecord
from wattboard.exceptions import (
    DeviceAuthError,
    DeviceProtocolError,
    DeviceRpcError,
    DeviceUnreachableError,
)
from wattboard.shelly import client, digest
from wattboard.shelly.client import DeviceDigest, ShellyClient, csv_target, rpc_target

WORKED = load("constructed/digest_auth_worked_example_COMPUTED.json")
CHALLENGE = (
    'Digest qop="auth", realm="shellypro3em-aabbccddeeff", nonce="60dc59c6", algorithm=SHA-256'
)


def _record(ts: int, import_wh: float = 1.0) -> MinuteRecord:
    return MinuteRecord("m", ts, import_wh, *([0.0] * 17))


def test_rpc_target_sends_numbers_and_bools_as_json() -> None:
    target = rpc_target("EMData.GetData", {"id": 0, "ts": 1739876580, "add_keys": False})
    assert target == "/rpc/EMData.GetData?id=0&ts=1739876580&add_keys=false"


def test_rpc_target_quotes_strings_because_the_device_splices_raw_json() -> None:
    # ?name="x y" → {"name":"x y"}; unquoted the device would read the invalid JSON {"name":x y}.
    assert rpc_target("Sys.SetConfig", {"name": "x y"}) == "/rpc/Sys.SetConfig?name=%22x%20y%22"


def test_rpc_target_encodes_objects_compactly() -> None:
    target = rpc_target("EM.SetConfig", {"id": 0, "config": {"reverse": {"a": True}}})
    assert target == (
        "/rpc/EM.SetConfig?id=0&config=%7B%22reverse%22%3A%7B%22a%22%3Atrue%7D%7D"
    )  # {"reverse":{"a":true}}


def test_rpc_target_without_params_has_no_query() -> None:
    assert rpc_target("Sys.GetStatus", {}) == "/rpc/Sys.GetStatus"


def test_rpc_target_refuses_nan() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        rpc_target("X.Y", {"v": float("nan")})


def test_csv_target_asks_for_the_header() -> None:
    target = csv_target(1739876580, 1739898179)
    assert target == "/emdata/0/data.csv?ts=1739876580&end_ts=1739898179&add_keys=true"


class WorkedDigest(DeviceDigest):
    """The client's digest with the worked example's client nonce instead of a random one."""

    def _get_client_nonce(self, nonce_count: int, nonce: bytes) -> bytes:
        del nonce_count, nonce
        return WORKED["inputs"]["cnonce"].encode()


def _signed(auth: DeviceDigest, challenge: str | None) -> httpx.Request:
    """Return the request `auth` sends for a GET, after a 401 with `challenge` if one is given."""
    request = httpx.Request("GET", "http://192.0.2.1" + WORKED["http_get_uri"])
    flow = auth.auth_flow(request)
    first = next(flow)
    if challenge is None:
        return first
    return flow.send(httpx.Response(401, headers={"WWW-Authenticate": challenge}, request=first))


def test_device_digest_matches_worked_example() -> None:
    auth = WorkedDigest(WORKED["inputs"]["password"], url="http://192.0.2.1")
    signed = _signed(auth, CHALLENGE)
    header = digest.parse_header(signed.headers["Authorization"])
    assert header == digest.parse_header(WORKED["http_authorization_header"])


def test_device_digest_reuses_the_nonce_with_rising_nc() -> None:
    auth = DeviceDigest("secret", url="http://192.0.2.1")
    first = _signed(auth, CHALLENGE).headers["Authorization"]
    second = _signed(auth, None).headers["Authorization"]  # signed before any 401
    assert "nc=00000001" in first
    assert "nc=00000002" in second
    assert 'nonce="60dc59c6"' in second
    assert "secret" not in first + second


def test_device_digest_refuses_md5() -> None:
    auth = DeviceDigest("secret", url="http://192.0.2.1")
    with pytest.raises(DeviceAuthError, match="unsupported digest algorithm 'MD5'"):
        _signed(auth, CHALLENGE.replace("SHA-256", "MD5"))


def test_device_digest_refuses_header_without_nonce() -> None:
    auth = DeviceDigest("secret", url="http://192.0.2.1")
    with pytest.raises(DeviceAuthError, match="unusable digest challenge"):
        _signed(auth, 'Digest realm="x"')


def test_rpc_error_reads_the_body_not_the_status() -> None:
    assert client._rpc_error({"code": -105, "message": "Bad id=7"}, success=False) == (
        -105,
        "Bad id=7",
    )
    assert client._rpc_error({"code": 404, "message": "No handler"}, success=True) == (
        404,
        "No handler",
    )


def test_rpc_error_ignores_results_that_only_look_alike() -> None:
    assert client._rpc_error({"code": True, "message": "x"}, success=False) is None
    assert client._rpc_error({"code": 1, "message": "x", "id": 0}, success=True) is None
    assert client._rpc_error([1], success=False) is None


def test_page_limit_bounds_pages_by_minutes_in_range() -> None:
    assert client._page_limit(0, 3600) == 62  # 3600 / 60 minutes + 2
    assert client._page_limit(0, None) == 61 * 1440


def test_within_keeps_half_open_range_once_per_ts_in_order() -> None:
    records = [_record(180), _record(60), _record(120, 1.0), _record(120, 2.0), _record(0)]
    kept = client._within(records, 60, 180)
    assert [(r.ts, r.a_import_wh) for r in kept] == [(60, 1.0), (120, 2.0)]  # 180 excluded


async def test_shelly_client_closes_only_its_own_http_client() -> None:
    shared = httpx.AsyncClient()
    async with ShellyClient("http://192.0.2.1/", http=shared) as device:
        assert device.url == "http://192.0.2.1"
        assert device.meter == "http://192.0.2.1"
    assert not shared.is_closed
    await shared.aclose()
    own = ShellyClient("http://192.0.2.1", meter="grid")
    await own.aclose()
    assert own._http.is_closed


async def test_shelly_client_repr_hides_the_password() -> None:
    async with ShellyClient("http://192.0.2.1", password="hunter2", meter="grid") as device:
        assert repr(device) == "ShellyClient('http://192.0.2.1', meter='grid')"


def _answer(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, content=body, request=httpx.Request("GET", "http://192.0.2.1/"))


@pytest.mark.parametrize("status", [400, 404, 500])
async def test_rpc_result_error_body_raises_rpc_error_whatever_the_status(status: int) -> None:
    async with ShellyClient("http://192.0.2.1") as device:
        with pytest.raises(DeviceRpcError) as caught:
            device._rpc_result(
                _answer(status, b'{"code":-103,"message":"Missing required \'id\'"}')
            )
    assert (caught.value.code, caught.value.rpc_message) == (-103, "Missing required 'id'")


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, b'{"id":0,"a_total'), (200, b"NaN"), (500, b"Internal Server Error"), (502, b"{}")],
)
async def test_rpc_result_garbled_or_5xx_answer_is_transient(status: int, body: bytes) -> None:
    async with ShellyClient("http://192.0.2.1") as device:
        with pytest.raises(client._TransientProtocolError):
            device._rpc_result(_answer(status, body))


async def test_rpc_result_non_json_4xx_is_a_protocol_error_not_retried() -> None:
    async with ShellyClient("http://192.0.2.1") as device:
        with pytest.raises(DeviceProtocolError) as caught:
            device._rpc_result(_answer(404, b"<html>Not Found</html>"))
    assert not isinstance(caught.value, client._RETRYABLE)


async def test_rpc_result_returns_the_bare_result() -> None:
    async with ShellyClient("http://192.0.2.1") as device:
        assert device._rpc_result(_answer(200, b'{"id":0,"tC":46.1}')) == {"id": 0, "tC": 46.1}
        assert device._rpc_result(_answer(200, b"null")) is None  # e.g. EMData.DeleteAllData


@pytest.mark.parametrize(
    ("next_ts", "end_ts", "expected"),
    [
        (None, None, None),  # last page: no next_record_ts
        (1739876940, None, 1739876940),  # 1739876580 + 6 × 60
        (1739876940, 1739876939, None),  # beyond end_ts
        (1739876940, 1739876940, 1739876940),  # end_ts is inclusive on the device
        (1739876580, None, None),  # does not advance
        (1739876520, None, None),  # points backwards
    ],
)
async def test_next_page_ts_stops_paging_when_it_should(
    next_ts: int | None, end_ts: int | None, expected: int | None
) -> None:
    page: Any = {"data": []} if next_ts is None else {"data": [], "next_record_ts": next_ts}
    async with ShellyClient("http://192.0.2.1") as device:
        assert device._next_page_ts(page, 1739876580, end_ts) == expected


async def test_shelly_client_retries_log_at_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    # The collector logs a failing meter once per episode: the retries stay quiet.
    client = ShellyClient(
        "http://127.0.0.1:9", timeout=1.0, retries=2, backoff=Backoff(sleep=_no_sleep)
    )
    try:
        with (
            caplog.at_level(logging.DEBUG, logger="wattboard.shelly.client"),
            pytest.raises(DeviceUnreachableError),
        ):
            await client.em_status()
    finally:
        await client.aclose()
    retries = [r for r in caplog.records if "(retry" in r.getMessage()]
    assert [r.getMessage().rsplit("(", 1)[1] for r in retries] == ["retry 1 of 2)", "retry 2 of 2)"]
    assert {r.levelno for r in retries} == {logging.DEBUG}  # shown with `-v` only


async def _no_sleep(_: float) -> None:
    return None


async def test_client_moves_a_url_password_out_of_the_url_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, "wattboard")
    async with ShellyClient(
        "http://admin:Sup3rS3cret@127.0.0.1:9", retries=2, backoff=Backoff(sleep=_no_sleep)
    ) as device:
        assert device.url == "http://127.0.0.1:9"
        assert device._password == "Sup3rS3cret"  # used for digest auth, where it belongs
        with pytest.raises(DeviceUnreachableError) as caught:
            await device.device_info()
    assert "Sup3rS3cret" not in f"{caught.value} {caught.value.url} {device!r}"
    assert all("Sup3rS3cret" not in r.getMessage() for r in caplog.records)
