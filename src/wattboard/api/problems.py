"""Errors as RFC 9457 problem JSON: every bad input a 4xx naming the field; a 500 is a bug."""

from __future__ import annotations

import logging
from typing import Any, Final, NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from wattboard.api.timefmt import INSTANT_PATTERN
from wattboard.exceptions import (
    ConfigError,
    DeviceAuthError,
    DeviceError,
    DeviceProtocolError,
    DeviceRpcError,
    DeviceUnreachableError,
    InvalidInputError,
    MigrationError,
    PriceSourceError,
    ReplicaError,
    SchemaVersionError,
    StoreError,
    WattboardError,
)

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


class Failure(NamedTuple):
    """How the API answers one kind of failure; the exception's own text goes to the log only."""

    status: int
    title: str
    detail: str


# Each WattboardError subtype has its own answer; the most specific class of an error wins.
# The details are fixed texts: messages may hold paths, hosts or connection strings.
FAILURES: Final[dict[type[WattboardError], Failure]] = {
    WattboardError: Failure(500, "Internal error", "an unexpected error; see the server log"),
    ConfigError: Failure(500, "Server misconfigured", "a setting is wrong; see the server log"),
    StoreError: Failure(503, "Store unavailable", "the data store failed; see the server log"),
    MigrationError: Failure(
        503, "Store schema mismatch", "the store's schema does not fit this version"
    ),
    SchemaVersionError: Failure(
        503, "Store schema of another version", "the store's schema is not this version's"
    ),
    ReplicaError: Failure(503, "Replica unavailable", "MongoDB failed; see the server log"),
    DeviceError: Failure(502, "Meter error", "talking to a meter failed; see the server log"),
    DeviceUnreachableError: Failure(502, "Meter unreachable", "a meter did not answer"),
    DeviceAuthError: Failure(502, "Meter refused access", "a meter refused the password"),
    DeviceProtocolError: Failure(
        502, "Unexpected meter answer", "a meter's answer had an unexpected shape"
    ),
    DeviceRpcError: Failure(502, "Meter RPC error", "a meter answered with an RPC error"),
    PriceSourceError: Failure(
        502, "Price source error", "a spot price source failed; see the server log"
    ),
}


class ApiProblem(Exception):  # noqa: N818 - it is a response, named after RFC 9457
    """Raise to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field


def problem(status: int, title: str, detail: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field is not None:
        body["field"] = field
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into problem documents."""
    app.add_exception_handler(ApiProblem, _api_problem)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidInputError, _invalid_input)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(WattboardError, _failure)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _bug)


async def _api_problem(_: Request, err: ApiProblem) -> JSONResponse:
    return problem(err.status, err.title, err.detail, err.field)


async def _invalid_input(_: Request, err: InvalidInputError) -> JSONResponse:
    return problem(422, "Invalid input", f"{err.field}: {err.detail}", err.field)


async def _validation(_: Request, err: RequestValidationError) -> JSONResponse:
    first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
    loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = ".".join(loc) or ("body" if "body" in first.get("loc", ()) else None)
    details = "; ".join(_describe(e) for e in err.errors()[:5])
    return problem(422, "Invalid input", details, field)


# What each path and query pattern asks for, in words: a regex is no answer for a person.
PATTERN_WORDS: Final = {
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date like 2025-05-16",
    r"^[0-9]{4}-W[0-9]{2}$": "an ISO week like 2025-W20",
    r"^[0-9]{4}-[0-9]{2}$": "a month like 2025-05",
    r"^[0-9]{4}$": "a year like 2025",
    INSTANT_PATTERN: "epoch seconds, a time like 2025-05-16T12:00:00+03:00 or a date",
}
# A body that is not the JSON the route takes fails on its very type.
BODY_KINDS: Final = {
    "list_type": "a JSON array of records is expected (Content-Type: application/json)",
    "model_attributes_type": "a JSON object is expected (Content-Type: application/json)",
    "dict_type": "a JSON object is expected (Content-Type: application/json)",
}


def _describe(error: Any) -> str:
    parts = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
    loc = ".".join(parts)
    kind = error.get("type", "")
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        wanted = PATTERN_WORDS.get(pattern, "a value in the documented form")
        return f"{loc}: expected {wanted}, got {error.get('input')!r}"
    if not parts and kind in BODY_KINDS:
        return f"body: {BODY_KINDS[kind]}"
    if kind == "json_invalid":
        return f"body: not valid JSON ({error.get('ctx', {}).get('error', 'unreadable')})"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{loc}: {message}"


async def _http(_: Request, err: HTTPException) -> JSONResponse:
    titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}
    title = titles.get(err.status_code, "Error")
    return problem(err.status_code, title, str(err.detail))


def failure(err: WattboardError) -> Failure:
    """Return the answer to `err`: that of its most specific class in `FAILURES`."""
    return next(FAILURES[kind] for kind in type(err).__mro__ if kind in FAILURES)


async def _failure(_: Request, err: WattboardError) -> JSONResponse:
    answer = failure(err)
    log.error("%s: %s", answer.title.lower(), err)
    return problem(answer.status, answer.title, answer.detail)


async def _bug(_: Request, err: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=err)
    return problem(500, "Internal error", "an unexpected error; see the server log")
