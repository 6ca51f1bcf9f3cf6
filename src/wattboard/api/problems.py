"""Errors as RFC 9457 problem JSON: every bad input a 4xx naming the field; a 500 is a bug."""

from __future__ import annotations

import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from wattboard.api.timefmt import INSTANT_PATTERN
from wattboard.exceptions import InvalidInputError, StoreError, WattboardError

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


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
    app.add_exception_handler(StoreError, _store)  # type: ignore[arg-type]
    app.add_exception_handler(WattboardError, _store)  # type: ignore[arg-type]
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


async def _store(_: Request, err: WattboardError) -> JSONResponse:
    # Details may hold paths or connection strings: they go to the log, not to the client.
    log.error("store failure: %s", err)
    return problem(503, "Store unavailable", "the data store failed; see the server log")


async def _bug(_: Request, err: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=err)
    return problem(500, "Internal error", "an unexpected error; see the server log")
