"""Errors as RFC 9457 problem JSON: every bad input a 4xx naming the field; a 500 is a bug."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

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
    field = ".".join(loc) or None
    details = "; ".join(_describe(e) for e in err.errors()[:5])
    return problem(422, "Invalid input", details, field)


def _describe(error: Any) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    return f"{loc}: {error.get('msg', 'invalid')}"


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
