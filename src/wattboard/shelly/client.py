"""Async HTTP client of one Shelly Pro 3EM: RPC over GET, digest auth, history paging, CSV.

Failure policy (docs/shelly-wire.md, "Transport"): transport errors, 5xx answers without an RPC
error body and bodies that are not JSON at all are transient and retried with exponential backoff;
an RPC error body (`{"code", "message"}`, whatever the HTTP status) is the device's deliberate
answer and is never retried, nor is an authentication failure. The password never leaves this module
except inside a digest `response` hash.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from wattboard.backoff import Backoff
from wattboard.config import redact_url
from wattboard.energy.records import MINUTE
from wattboard.exceptions import (
    DeviceAuthError,
    DeviceProtocolError,
    DeviceRpcError,
    DeviceUnreachableError,
)
from wattboard.shelly import digest, models, parse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Generator, Mapping
    from types import TracebackType

    from wattboard.energy.records import MinuteRecord

T = TypeVar("T")
_LOG = logging.getLogger(__name__)
CSV_CHUNK_SECONDS: Final = 6 * 3600  # longer single downloads get reset by the device (§5.6)
_MAX_PAGES: Final = 61 * 1440  # more pages than 60 days of minute records can fill


class _TransientProtocolError(DeviceProtocolError):
    """A garbled or 5xx answer: worth asking again, a protocol error when retries run out."""


_RETRYABLE: Final = (DeviceUnreachableError, _TransientProtocolError)


def rpc_target(method: str, params: Mapping[str, object]) -> str:
    """Return `/rpc/<Method>?k=v` with each value JSON-encoded, as the device splices it."""
    # The device pastes each raw value into JSON (§1.1): strings must arrive quoted.
    query = "&".join(
        f"{quote(key, safe='')}={quote(_json(value), safe='')}" for key, value in params.items()
    )
    path = f"/rpc/{quote(method, safe='.')}"
    return f"{path}?{query}" if query else path


def csv_target(ts: int, end_ts: int, component_id: int = 0) -> str:
    """Return the path and query of one CSV download (§5.6)."""
    return f"/emdata/{component_id}/data.csv?ts={ts}&end_ts={end_ts}&add_keys=true"


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


class DeviceDigest(httpx.DigestAuth):
    """httpx's HTTP digest, which reuses a nonce with a rising `nc` and takes the next 401's
    challenge when the device refuses it (docs/shelly-wire.md, "Authentication"): both kinds of
    firmware. It refuses what a Shelly never sends: a challenge without realm or nonce, and any
    algorithm but SHA-256, which would give the password's hash away to a weaker one.
    """

    def __init__(self, password: str, *, url: str) -> None:
        super().__init__(digest.USERNAME, password)
        self._url = url

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        flow = super().auth_flow(request)
        sending = next(flow)
        while True:
            response = yield sending
            if response.status_code == httpx.codes.UNAUTHORIZED:
                self._check(response.headers.get("WWW-Authenticate", ""))
            try:
                sending = flow.send(response)
            except StopIteration:
                return

    def _check(self, header: str) -> None:
        fields = digest.parse_header(header)
        if "realm" not in fields or "nonce" not in fields:
            raise DeviceAuthError(f"unusable digest challenge {header!r}", url=self._url)
        algorithm = fields.get("algorithm", digest.ALGORITHM)
        if algorithm.upper() != digest.ALGORITHM:
            raise DeviceAuthError(f"unsupported digest algorithm {algorithm!r}", url=self._url)


class ShellyClient:
    """Talk to one Shelly Pro 3EM over HTTP; every request has a timeout, failures back off."""

    def __init__(
        self,
        url: str,
        *,
        password: str | None = None,
        meter: str | None = None,
        timeout: float = 5.0,
        retries: int = 3,
        backoff: Backoff | None = None,
        http: httpx.AsyncClient | None = None,
        profile: models.Profile | None = None,
    ) -> None:
        # A password given in the URL is the device password, moved out of the URL so that
        # it is never sent in the clear nor printed in a log or error line.
        self.url = redact_url(url.rstrip("/"))
        self.meter = meter or self.url
        self._password = password or urlsplit(url).password or None
        self._timeout = httpx.Timeout(timeout)
        self._deadline = timeout
        self._retries = retries
        self._backoff = backoff or Backoff()
        self._http = http or httpx.AsyncClient()
        self._owns_http = http is None
        self._profile = profile
        self._auth = None if self._password is None else DeviceDigest(self._password, url=self.url)

    def __repr__(self) -> str:
        return f"ShellyClient({self.url!r}, meter={self.meter!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def call(self, method: str, /, **params: object) -> Any:
        """Call an RPC method with GET and return its bare result."""
        return await self._fetch(rpc_target(method, params), self._rpc_result)

    async def device_info(self) -> models.DeviceInfo:
        """Return `GET /shelly` (= `Shelly.GetDeviceInfo`, never behind auth)."""
        return models.validate_device_info(await self._fetch("/shelly", self._rpc_result))

    async def em_status(self) -> models.EmStatus:
        """Return the live `EM.GetStatus` of `em:0`."""
        return models.validate_em_status(await self.call("EM.GetStatus", id=0))

    async def em_config(self) -> models.EmConfig:
        """Return `EM.GetConfig` of `em:0`."""
        return models.validate_em_config(await self.call("EM.GetConfig", id=0))

    async def emdata_status(self) -> models.EmDataStatus:
        """Return the perpetual energy counters of `emdata:0`."""
        return models.validate_emdata_status(await self.call("EMData.GetStatus", id=0))

    async def emdata_records(self, ts: int = 0) -> models.EmDataRecords:
        """Return the blocks of stored records from `ts` on."""
        return models.validate_emdata_records(await self.call("EMData.GetRecords", id=0, ts=ts))

    async def sys_status(self) -> models.SysStatus:
        """Return `Sys.GetStatus` (device clock, uptime)."""
        return models.validate_sys_status(await self.call("Sys.GetStatus"))

    async def em1_status(self, channel: int) -> models.Em1Status:
        """Return `EM1.GetStatus` of one monophase channel."""
        return models.validate_em1_status(await self.call("EM1.GetStatus", id=channel))

    async def em1data_status(self, channel: int) -> models.Em1DataStatus:
        """Return the energy counters of one monophase channel."""
        return models.validate_em1data_status(await self.call("EM1Data.GetStatus", id=channel))

    async def profile(self) -> models.Profile:
        """Return `triphase` or `monophase`, asking the device once."""
        if self._profile is None:
            self._profile = await self._detect_profile()
        return self._profile

    async def get_data(
        self, ts: int, end_ts: int | None = None, *, channel: int | None = None
    ) -> AsyncIterator[models.EmDataPage]:
        """Yield `GetData` pages from `ts` up to `end_ts`, following `next_record_ts`."""
        method = "EMData.GetData" if channel is None else "EM1Data.GetData"
        keys = models.TRIPHASE_KEYS if channel is None else models.MONOPHASE_KEYS
        params: dict[str, object] = {"id": channel or 0}
        if end_ts is not None:
            params["end_ts"] = end_ts
        limit = _page_limit(ts, end_ts)
        for _ in range(limit):
            result = await self.call(method, **params, ts=ts)
            page = models.validate_data_page(result, method, keys)
            yield page
            next_ts = self._next_page_ts(page, ts, end_ts)
            if next_ts is None:
                return
            ts = next_ts
        raise DeviceProtocolError(f"{method}: still paging after {limit} pages", url=self.url)

    async def fetch_records(self, start: int, end: int) -> list[MinuteRecord]:
        """Return the minute records with `start <= ts < end`, read through `GetData`."""
        if end <= start:
            return []
        if await self.profile() == "monophase":
            return await self._fetch_monophase(start, end)
        records = [
            record
            async for page in self.get_data(start, end - 1)
            for record in parse.page_records(page, meter=self.meter)
        ]
        return _within(records, start, end)

    async def fetch_csv(self, start: int, end: int) -> list[MinuteRecord]:
        """Return the triphase records with `start <= ts < end` from CSV, ≤ 6 h per request."""
        records: list[MinuteRecord] = []
        for chunk_start in range(start, end, CSV_CHUNK_SECONDS):
            chunk_end = min(chunk_start + CSV_CHUNK_SECONDS, end)
            text = await self._fetch(csv_target(chunk_start, chunk_end - 1), self._csv_text)
            chunk = parse.csv_records(text, meter=self.meter)
            records.extend(_within(chunk, chunk_start, chunk_end))
        return records

    async def _fetch_monophase(self, start: int, end: int) -> list[MinuteRecord]:
        pages = {
            phase: [page async for page in self.get_data(start, end - 1, channel=channel)]
            for channel, phase in enumerate(("a", "b", "c"))
        }
        return _within(parse.monophase_records(pages, meter=self.meter), start, end)

    async def _detect_profile(self) -> models.Profile:
        info = await self.device_info()
        profile = _as_profile(info.get("profile"))
        if profile is not None:
            return profile
        # Firmware without `profile` in the device info: the component keys tell.
        status = await self.call("Shelly.GetStatus")
        if isinstance(status, dict) and "em1:0" in status:
            return "monophase"
        if isinstance(status, dict) and "em:0" in status:
            return "triphase"
        raise DeviceProtocolError("Shelly.GetStatus has neither em:0 nor em1:0", url=self.url)

    def _next_page_ts(self, page: models.EmDataPage, ts: int, end_ts: int | None) -> int | None:
        """Return the `ts` of the next page, or None when paging is over."""
        next_ts = page.get("next_record_ts")
        if next_ts is None or (end_ts is not None and next_ts > end_ts):
            return None
        if next_ts <= ts:
            # A device that points backwards would loop forever; what we have is still good.
            _LOG.warning("%s: next_record_ts %d does not advance past %d", self.url, next_ts, ts)
            return None
        return next_ts

    async def _fetch(self, target: str, decode: Callable[[httpx.Response], T]) -> T:
        """GET `target` and decode the answer, retrying transient failures with backoff."""
        for attempt in range(self._retries):
            try:
                return decode(await self._get(target))
            except _RETRYABLE as err:
                # Debug (`-v`): the collector logs a failing meter once per episode, and a
                # command's own error says it when the retries ran out.
                _LOG.debug(
                    "%s%s: %s (retry %d of %d)", self.url, target, err, attempt + 1, self._retries
                )
            await self._backoff.sleep(self._backoff.delay(attempt))
        return decode(await self._get(target))

    async def _get(self, target: str) -> httpx.Response:
        """GET `target`, signed with HTTP digest when the device asks for it."""
        request = self._http.build_request("GET", self.url + target, timeout=self._timeout)
        try:
            # httpx times each phase; this bounds the whole exchange (a device trickling bytes),
            # the digest's second request included.
            async with asyncio.timeout(self._deadline):
                response = await self._http.send(request, auth=self._auth)
        except (httpx.TransportError, TimeoutError) as err:
            message = f"{self.url}: {type(err).__name__} {err}".rstrip()
            raise DeviceUnreachableError(message, url=self.url) from err
        except httpx.DecodingError as err:
            raise _TransientProtocolError(f"{self.url}: undecodable body", url=self.url) from err
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return response
        if self._password is None:
            raise DeviceAuthError(
                f"{self.url}: the device requires a password and none is configured", url=self.url
            )
        raise DeviceAuthError(
            f"{self.url}: the device refused the password for user admin", url=self.url
        )

    def _rpc_result(self, response: httpx.Response) -> Any:
        """Return the JSON result of an RPC answer, or raise what its error body says."""
        body = self._json_body(response)
        self._raise_for_error(body, response)
        return body

    def _csv_text(self, response: httpx.Response) -> str:
        if not response.is_success:
            self._raise_for_error(self._json_body(response), response)
        return response.text

    def _json_body(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content, parse_constant=_reject_constant)
        except ValueError as err:  # also UnicodeDecodeError
            head = response.content[:80]
            message = f"{self.url}: HTTP {response.status_code}, body is not JSON: {head!r}"
            if response.is_client_error:
                raise DeviceProtocolError(message, url=self.url) from err
            raise _TransientProtocolError(message, url=self.url) from err

    def _raise_for_error(self, body: Any, response: httpx.Response) -> None:
        """Raise the RPC error in `body`, or a protocol error for any other failed answer."""
        error = _rpc_error(body, success=response.is_success)
        if error is not None:
            raise DeviceRpcError(*error, url=self.url)
        if response.is_server_error:
            message = f"{self.url}: HTTP {response.status_code} without an RPC error body"
            raise _TransientProtocolError(message, url=self.url)
        if not response.is_success:
            raise DeviceProtocolError(
                f"{self.url}: unexpected HTTP {response.status_code}", url=self.url
            )


def _rpc_error(body: Any, *, success: bool) -> tuple[int, str] | None:
    """Return `(code, message)` when `body` is an RPC error object."""
    if not isinstance(body, dict):
        return None
    code, message = body.get("code"), body.get("message")
    if isinstance(code, bool) or not isinstance(code, int) or not isinstance(message, str):
        return None
    # A 200 result could in principle hold these keys; there only the bare pair is an error.
    if success and set(body) != {"code", "message"}:
        return None
    return code, message


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _as_profile(value: object) -> models.Profile | None:
    if value == "triphase":
        return "triphase"
    if value == "monophase":
        return "monophase"
    return None


def _page_limit(ts: int, end_ts: int | None) -> int:
    """Bound the pages of one range: each page that advances holds at least one minute."""
    if end_ts is None:
        return _MAX_PAGES
    return max(0, end_ts - ts) // MINUTE + 2


def _within(records: list[MinuteRecord], start: int, end: int) -> list[MinuteRecord]:
    """Keep `start <= ts < end`, one record per ts (the last seen), in time order."""
    by_ts = {record.ts: record for record in records if start <= record.ts < end}
    return [by_ts[ts] for ts in sorted(by_ts)]
