"""Digest authentication of the emulator on the HTTP and the JSON-RPC channel.

See docs/shelly-wire.md, "Authentication".
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from wattboard.shelly import digest
from wattboard.simulator import Emulators

PASSWORD = "secret"


async def _challenge(session: aiohttp.ClientSession, url: str) -> dict[str, str]:
    async with session.get(url) as response:
        assert response.status == 401
        assert await response.read() == b""  # the device sends an empty body
        return digest.parse_header(response.headers["WWW-Authenticate"])


async def _authorized_get(
    session: aiohttp.ClientSession,
    base: str,
    uri: str,
    password: str,
    challenge: dict[str, str],
    nc: int = 1,
) -> int:
    header = digest.authorization_header(
        challenge["realm"],
        password,
        method="GET",
        uri=uri,
        nonce=challenge["nonce"],
        nc=nc,
        cnonce="c0ffee",
    )
    async with session.get(base + uri, headers={"Authorization": header}) as response:
        return response.status


async def test_http_digest_challenge_names_realm_and_algorithm(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    async with aiohttp.ClientSession() as session:
        challenge = await _challenge(session, meter.url + "/rpc/EM.GetStatus?id=0")
    assert challenge["realm"] == meter.device.identity.device_id
    assert challenge["qop"] == "auth"
    assert challenge["algorithm"] == "SHA-256"


async def test_http_digest_right_password_opens_wrong_one_does_not(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    uri = "/rpc/EM.GetStatus?id=0"
    async with aiohttp.ClientSession() as session:
        challenge = await _challenge(session, meter.url + uri)
        assert await _authorized_get(session, meter.url, uri, "wrong", challenge) == 401
        challenge = await _challenge(session, meter.url + uri)
        assert await _authorized_get(session, meter.url, uri, PASSWORD, challenge) == 200


async def test_http_digest_nonce_is_single_use_on_firmware_1(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    uri = "/rpc/EMData.GetStatus?id=0"
    async with aiohttp.ClientSession() as session:
        challenge = await _challenge(session, meter.url + uri)
        assert await _authorized_get(session, meter.url, uri, PASSWORD, challenge, nc=1) == 200
        assert await _authorized_get(session, meter.url, uri, PASSWORD, challenge, nc=2) == 401


async def test_http_digest_device_info_and_shelly_stay_open(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    async with aiohttp.ClientSession() as session:
        for path in ("/shelly", "/rpc/Shelly.GetDeviceInfo"):
            async with session.get(meter.url + path) as response:
                assert response.status == 200
                assert (await response.json())["auth_en"] is True


async def test_http_digest_guards_csv(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    uri = "/emdata/0/data.csv?ts=0"
    async with aiohttp.ClientSession() as session:
        challenge = await _challenge(session, meter.url + uri)
        assert await _authorized_get(session, meter.url, uri, PASSWORD, challenge) == 200


async def _ws_call(ws: aiohttp.ClientWebSocketResponse, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send_str(json.dumps(frame))
    while True:
        reply = json.loads(await ws.receive_str(timeout=5))
        if reply.get("id") == frame["id"]:
            return reply


def _auth(challenge: dict[str, Any], password: str, nc: int) -> dict[str, Any]:
    ha1 = digest.ha1(challenge["realm"], password)
    response = digest.rpc_response(ha1, nonce=challenge["nonce"], nc=nc, cnonce="abc")
    return {
        "realm": challenge["realm"],
        "username": "admin",
        "nonce": challenge["nonce"],
        "cnonce": "abc",
        "response": response,
        "algorithm": "SHA-256",
        "nc": nc,
    }


async def test_jsonrpc_challenge_then_auth_over_websocket(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    frame: dict[str, Any] = {
        "id": 1,
        "src": "test",
        "method": "EMData.GetStatus",
        "params": {"id": 0},
    }
    async with aiohttp.ClientSession() as session, session.ws_connect(meter.url + "/rpc") as ws:
        refused = await _ws_call(ws, frame)
        assert refused["error"]["code"] == 401
        challenge = json.loads(refused["error"]["message"])
        assert challenge["auth_type"] == "digest"
        assert challenge["realm"] == meter.device.identity.device_id
        assert isinstance(challenge["nonce"], int)
        for nc in (1, 2, 3):  # the nonce is reused with a rising nc
            reply = await _ws_call(
                ws, {**frame, "id": 1 + nc, "auth": _auth(challenge, PASSWORD, nc)}
            )
            assert "total_act" in reply["result"]
        wrong = await _ws_call(ws, {**frame, "id": 9, "auth": _auth(challenge, "wrong", 4)})
        assert wrong["error"]["code"] == 401


async def test_jsonrpc_post_frame_with_auth_object(protected: Emulators) -> None:
    meter = protected.meters["grid"]
    frame: dict[str, Any] = {"id": 1, "src": "test", "method": "EM.GetStatus", "params": {"id": 0}}
    async with aiohttp.ClientSession() as session:
        async with session.post(meter.url + "/rpc", json=frame) as response:
            assert response.status == 401
            header = digest.parse_header(response.headers["WWW-Authenticate"])
        challenge = {"realm": header["realm"], "nonce": header["nonce"]}
        frame["auth"] = _auth(challenge, PASSWORD, 1)
        async with session.post(meter.url + "/rpc", json=frame) as response:
            assert response.status == 200
            assert "a_act_power" in (await response.json())["result"]
