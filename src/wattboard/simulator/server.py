"""HTTP and WebSocket transport of an emulated Pro 3EM (aiohttp), plus the `/_sim/` controls."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import WSMsgType, web

from wattboard.simulator import rpc
from wattboard.simulator.auth import DigestGate
from wattboard.simulator.device import EmulatedMeter
from wattboard.simulator.memory import PERIOD
from wattboard.simulator.minutes import KEYS
from wattboard.simulator.wire import dumps, trimmed

log = logging.getLogger(__name__)
JSON: Final = "application/json"
CONTROL: Final = "/_sim"
# em:0 report thresholds of a Pro 3EM: 5 % or 10 W, 5 % or 1 V, 5 % or 0.05 A; and periodically.
PERIODIC_REPORT: Final = 60.0


@dataclass(slots=True, eq=False)
class WsClient:
    socket: web.WebSocketResponse
    src: str | None = None


class MeterServer:
    """Serves one `EmulatedMeter` on 127.0.0.1:port until stopped."""

    def __init__(
        self,
        meter: EmulatedMeter,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        nonce_reuse: bool = False,
    ) -> None:
        self.meter = meter
        self.host = host
        self.port = port
        self.gate = (
            DigestGate(meter.identity.device_id, meter.password, nonce_reuse=nonce_reuse)
            if meter.password
            else None
        )
        self.requests = 0
        self.notified = {"em": 0, "emdata": 0}
        self._clients: set[WsClient] = set()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_em: dict[str, float] = {}
        self._last_report = 0.0
        self._dark = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        await self._listen()
        self._spawn(self._tick_forever())

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for client in list(self._clients):
            await client.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _listen(self) -> None:
        assert self._runner is not None  # noqa: S101 - start() sets it up first
        self._site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await self._site.start()
        server = self._site._server  # noqa: SLF001 - aiohttp exposes the bound port only here
        if self.port == 0 and isinstance(server, asyncio.Server):
            self.port = server.sockets[0].getsockname()[1]

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def go_offline(self, seconds: float) -> None:
        """Refuse connections for `seconds` (real time) and drop the open ones."""
        self.meter.faults.offline_until = max(
            self.meter.faults.offline_until, time.monotonic() + seconds
        )
        self._go_dark()

    def _go_dark(self) -> None:
        if not self._dark:
            self._dark = True
            self._spawn(self._dark_until_back())

    async def _dark_until_back(self) -> None:
        # Let the answer to the request that caused this (a control call, a reboot) leave first.
        await asyncio.sleep(0.05)
        await self._drop_connections()
        await self._come_back()
        self._dark = False

    async def _drop_connections(self) -> None:
        if self._site is not None:
            await self._site.stop()
            self._site = None
        for client in list(self._clients):
            await client.socket.close()
        if self._runner is not None and self._runner.server is not None:
            for handler in self._runner.server.connections:
                handler.force_close()

    async def _come_back(self) -> None:
        # The deadline may be pushed out while we wait (a second fault), so re-check it.
        while (left := self.meter.faults.offline_until - time.monotonic()) > 0:  # noqa: ASYNC110 - a deadline, not an event
            await asyncio.sleep(max(0.01, left))
        if self._site is None and self._runner is not None:
            await self._listen()
            log.info("%s back online at %s", self.meter.role, self.url)

    # -- the tick: records, notifications -------------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            try:
                await self._tick()
            except Exception:
                log.exception("emulated %s meter: tick failed", self.meter.role)
            await asyncio.sleep(self._next_tick_delay())

    def _next_tick_delay(self) -> float:
        now = self.meter.now()
        to_minute = PERIOD - (now % PERIOD) + 0.05
        return max(0.02, min(1.0, self.meter.clock.real_seconds(to_minute)))

    async def _tick(self) -> None:
        if self.meter.faults.offline():
            self._go_dark()  # e.g. after Shelly.Reboot
            self.meter.advance()
            return
        if self.meter.advance():
            await self._notify({"emdata:0": self.meter.emdata_status()})
        await self._notify_em()

    async def _notify_em(self) -> None:
        if not any(c.src for c in self._clients):
            return
        status = self.meter.em_status()
        now = time.monotonic()
        if _crossed(self._last_em, status) or now - self._last_report >= PERIODIC_REPORT:
            self._last_em = {k: float(v) for k, v in status.items() if isinstance(v, float)}
            self._last_report = now
            await self._notify({"em:0": status})

    async def _notify(self, params: dict[str, Any]) -> None:
        for key in params:
            self.notified[key.split(":")[0]] += 1
        for client in list(self._clients):
            if client.src is None or client.socket.closed:
                continue
            frame = {
                "src": self.meter.identity.device_id,
                "dst": client.src,
                "method": "NotifyStatus",
                "params": {"ts": round(self.meter.now(), 2), **params},
            }
            with contextlib.suppress(ConnectionError, RuntimeError):
                await client.socket.send_str(dumps(frame))

    # -- routes -----------------------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_get("/shelly", self._shelly)
        app.router.add_get("/rpc", self._websocket)
        app.router.add_post("/rpc", self._rpc_frame)
        app.router.add_route("*", "/rpc/{method}", self._rpc_rest)
        app.router.add_route("*", "/emdata/{id}/data.csv", self._csv)
        app.router.add_get(f"{CONTROL}/state", self._control_state)
        app.router.add_post(f"{CONTROL}/fault", self._control_fault)
        app.router.add_post(f"{CONTROL}/clear", self._control_clear)
        return app

    async def _shelly(self, _request: web.Request) -> web.StreamResponse:
        return _json_response(self.meter.device_info())

    async def _before(self) -> web.StreamResponse | None:
        """Apply slow and HTTP 500 faults; return a response when the fault answers instead."""
        self.requests += 1
        faults = self.meter.faults
        if faults.slow_count > 0:
            faults.slow_count -= 1
            await asyncio.sleep(faults.slow_seconds)
        if faults.http500 > 0:
            faults.http500 -= 1
            return web.Response(status=500, text="Internal Server Error")
        return None

    def _malformed(self, response: web.Response) -> web.Response:
        faults = self.meter.faults
        if faults.malformed > 0 and response.body:
            faults.malformed -= 1
            body = bytes(response.body)  # type: ignore[arg-type]
            response.body = body[: max(1, len(body) // 2)]
        return response

    def _http_auth_ok(self, request: web.Request) -> bool:
        if self.gate is None:
            return True
        header = request.headers.get("Authorization")
        ok = self.gate.check_header(header, request.method, request.path_qs)
        if ok:
            self.gate.spend(header)
        return ok

    def _unauthorized(self) -> web.Response:
        assert self.gate is not None  # noqa: S101 - only called when auth is on
        return web.Response(status=401, headers={"WWW-Authenticate": self.gate.http_challenge()})

    async def _rpc_rest(self, request: web.Request) -> web.StreamResponse:
        if (early := await self._before()) is not None:
            return early
        method = request.match_info["method"]
        try:
            params = await _rest_params(request)
        except rpc.RpcError as err:
            return _error_response(err)
        if rpc.needs_auth(method) and not self._http_auth_ok(request):
            return self._unauthorized()
        try:
            result = rpc.call(self.meter, method, params)
        except rpc.RpcError as err:
            return _error_response(err)
        return self._malformed(_json_response(result))

    async def _rpc_frame(self, request: web.Request) -> web.StreamResponse:
        if (early := await self._before()) is not None:
            return early
        try:
            frame = json.loads(await request.text())
        except ValueError:
            return _error_response(rpc.RpcError(-103, "Invalid JSON frame"), status=400)
        if not isinstance(frame, dict) or not isinstance(frame.get("method"), str):
            return _error_response(rpc.RpcError(-103, "Missing required 'method'"), status=400)
        if rpc.needs_auth(frame["method"]) and not self._frame_auth_ok(request, frame):
            return self._unauthorized()
        return self._malformed(_json_response(self._answer(frame)))

    def _frame_auth_ok(self, request: web.Request, frame: dict[str, Any]) -> bool:
        if self.gate is None or self._http_auth_ok(request):
            return True
        return self.gate.check_rpc(frame.get("auth"))

    def _answer(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Run one JSON-RPC frame; return the response frame."""
        reply: dict[str, Any] = {"id": frame.get("id"), "src": self.meter.identity.device_id}
        if "src" in frame:
            reply["dst"] = frame["src"]
        params = frame.get("params") or {}
        if not isinstance(params, dict):
            reply["error"] = {
                "code": -103,
                "message": "Invalid argument 'params': expected an object",
            }
            return reply
        try:
            reply["result"] = rpc.call(self.meter, str(frame["method"]), params)
        except rpc.RpcError as err:
            reply["error"] = err.body()
        return reply

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        if self.meter.faults.offline():
            raise web.HTTPServiceUnavailable
        socket = web.WebSocketResponse(heartbeat=None)
        await socket.prepare(request)
        client = WsClient(socket)
        self._clients.add(client)
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    await self._ws_frame(client, message.data)
        finally:
            self._clients.discard(client)
        return socket

    async def _ws_frame(self, client: WsClient, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            return  # the device ignores frames it cannot parse
        if not isinstance(frame, dict) or not isinstance(frame.get("method"), str):
            return
        if isinstance(frame.get("src"), str):
            client.src = frame["src"]
        gate = self.gate
        if gate and rpc.needs_auth(frame["method"]) and not gate.check_rpc(frame.get("auth")):
            challenge = rpc.RpcError(401, gate.rpc_challenge())
            reply = {"id": frame.get("id"), "src": self.meter.identity.device_id}
            reply |= {"dst": client.src, "error": challenge.body()}
            await client.socket.send_str(dumps(reply))
            return
        await client.socket.send_str(dumps(self._answer(frame)))

    async def _csv(self, request: web.Request) -> web.StreamResponse:
        if (early := await self._before()) is not None:
            return early
        if not self._http_auth_ok(request):
            return self._unauthorized()
        try:
            params = {**await _rest_params(request), "id": int(request.match_info["id"])}
            start = rpc._int_param(params, "ts", required=False) or 0  # noqa: SLF001
            end = rpc._int_param(params, "end_ts", required=False)  # noqa: SLF001
            add_keys = rpc._bool_param(params, "add_keys", default=True)  # noqa: SLF001
        except (rpc.RpcError, ValueError) as err:
            message = err.message if isinstance(err, rpc.RpcError) else "Bad id"
            return _error_response(rpc.RpcError(-103, message))
        if params["id"] != 0:
            return _error_response(
                rpc.RpcError(-105, f"Argument 'id', value {params['id']} not found!")
            )
        return await self._stream_csv(request, start, end, add_keys=add_keys)

    async def _stream_csv(
        self, request: web.Request, start: int, end: int | None, *, add_keys: bool
    ) -> web.StreamResponse:
        ts, values = self.meter.memory.select(start, end)
        ts, values = ts.copy(), values.copy()  # the memory may move while we stream
        mac = self.meter.identity.mac
        name = f"emdata_{mac}_{start}.csv" if start else f"emdata_{mac}.csv"
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/csv",
                "Content-Disposition": f'attachment; filename="{name}"',
            }
        )
        await response.prepare(request)
        if add_keys:
            await response.write((",".join(("timestamp", *KEYS)) + "\r\n").encode())
        for offset in range(0, len(ts), 500):
            lines = [
                f"{int(t)}," + ",".join(trimmed(v) for v in row.tolist()) + "\r\n"
                for t, row in zip(
                    ts[offset : offset + 500], values[offset : offset + 500], strict=True
                )
            ]
            await response.write("".join(lines).encode())
        await response.write_eof()
        return response

    # -- control API (no real device has it) ------------------------------------------------------

    async def _control_state(self, _request: web.Request) -> web.StreamResponse:
        memory = self.meter.memory
        return _json_response(
            {
                "role": self.meter.role,
                "device_id": self.meter.identity.device_id,
                "now": self.meter.now(),
                "records": len(memory),
                "first_ts": memory.first_ts,
                "last_ts": memory.last_ts,
                "counters": self.meter.emdata_status(),
                "auth_challenges": self.gate.challenges if self.gate else 0,
                "requests": self.requests,
                "reversed_ct": sorted(self.meter.faults.reversed_ct),
                "clock_offset": self.meter.clock_offset,
            }
        )

    async def _control_fault(self, request: web.Request) -> web.StreamResponse:
        try:
            spec = await request.json()
            await apply_fault(self, spec)
        except (ValueError, KeyError, TypeError) as err:
            return _json_response({"error": f"bad fault: {err}"}, status=400)
        return _json_response({"ok": True, "fault": spec})

    async def _control_clear(self, _request: web.Request) -> web.StreamResponse:
        faults = self.meter.faults
        faults.http500 = faults.malformed = faults.slow_count = 0
        faults.reversed_ct.clear()
        return _json_response({"ok": True})


FAULT_KINDS: Final = (
    "offline",
    "power_off",
    "reboot",
    "slow",
    "http500",
    "malformed",
    "counter_reset",
    "clock_jump",
    "gap",
    "reverse_ct",
    "huge_value",
)


async def apply_fault(server: MeterServer, spec: dict[str, Any]) -> None:  # noqa: C901 - one branch per fault kind reads best
    """Inject one fault, e.g. `{"kind": "offline", "seconds": 5}`; raise ValueError if bad."""
    meter, faults = server.meter, server.meter.faults
    kind = spec.get("kind")
    if kind == "offline":
        await server.go_offline(_positive(spec, "seconds"))
    elif kind in ("power_off", "reboot"):
        meter.power_cycle(_positive(spec, "seconds") if kind == "power_off" else 3.0)
        await server.go_offline(faults.offline_until - time.monotonic())
    elif kind == "slow":
        faults.slow_seconds = _positive(spec, "seconds")
        faults.slow_count = int(spec.get("count", 1))
    elif kind == "http500":
        faults.http500 = int(spec.get("count", 1))
    elif kind == "malformed":
        faults.malformed = int(spec.get("count", 1))
    elif kind == "counter_reset":
        meter.reset_counters()
    elif kind == "clock_jump":
        meter.jump_clock(float(spec["seconds"]))
    elif kind == "gap":
        meter.memory.delete_range(int(spec["start"]), int(spec["end"]))
    elif kind == "reverse_ct":
        phase = spec["phase"]
        if phase not in ("a", "b", "c"):
            raise ValueError("phase must be 'a', 'b' or 'c'")
        (faults.reversed_ct.add if spec.get("on", True) else faults.reversed_ct.discard)(phase)
    elif kind == "huge_value":
        meter.memory.overwrite(
            int(spec["ts"]) if "ts" in spec else meter.memory.last_ts,
            KEYS.index(str(spec.get("key", "a_total_act_energy"))),
            float(spec.get("value", 1e300)),
        )
    else:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")


def _positive(spec: dict[str, Any], key: str) -> float:
    value = float(spec[key])
    if value <= 0:
        raise ValueError(f"{key} must be positive")
    return value


def _crossed(last: dict[str, float], status: dict[str, Any]) -> bool:
    """Tell whether any power, voltage or current moved past the device's report threshold."""
    if not last:
        return True
    for key, value in status.items():
        if not isinstance(value, float) or key not in last:
            continue
        floor = 10.0 if "power" in key else 1.0 if "voltage" in key else 0.05
        if "current" in key or "voltage" in key or "power" in key:
            change = abs(value - last[key])
            if change >= floor and change >= 0.05 * abs(last[key]):
                return True
    return False


async def _rest_params(request: web.Request) -> dict[str, Any]:
    """Build params as the device does: a JSON body, else each query value parsed as JSON."""
    body = await request.text() if request.can_read_body else ""
    if body.strip() and request.content_type != "application/x-www-form-urlencoded":
        try:
            params = json.loads(body)
        except ValueError as err:
            raise rpc.RpcError(-103, "Invalid JSON body") from err
        if not isinstance(params, dict):
            raise rpc.RpcError(-103, "Invalid params: expected an object")
        return params
    pairs = dict(request.query)
    if body.strip():  # a form body, as curl -d sends to the CSV endpoint
        pairs |= {k: v for k, _, v in (p.partition("=") for p in body.split("&"))}
    return {key: _json_value(key, value) for key, value in pairs.items()}


def _json_value(key: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as err:
        raise rpc.RpcError(-103, f"Invalid argument '{key}': not a JSON value") from err


def _json_response(payload: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, text=dumps(payload), content_type=JSON)


def _error_response(err: rpc.RpcError, status: int | None = None) -> web.Response:
    code = status or (err.code if err.code in (401, 403, 404) else 500)
    return _json_response(err.body(), status=code)
