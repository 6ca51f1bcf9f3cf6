"""The FastAPI application: every endpoint under /api/v1, the app's web build at /."""

from __future__ import annotations

import hmac
import time
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wattboard import __version__
from wattboard.api import docs, problems, static
from wattboard.api.context import ApiContext
from wattboard.api.deps import ReadAccess
from wattboard.api.metrics import Metrics
from wattboard.api.problems import PROBLEM
from wattboard.api.routes import energy, power, prices, readings, sites, system
from wattboard.api.schemas import Problem
from wattboard.energy.netting import Netting

PREFIX = "/api/v1"


def create_app(ctx: ApiContext) -> FastAPI:
    """Build the app over `ctx`; write routes exist only when there is a writer."""
    app = FastAPI(
        title="Wattboard",
        version=__version__,
        description="Energy of a solar home: live power (W) and energy (Wh) by hour to year.",
        openapi_url="/openapi.json",
        docs_url=None,  # served from the package by docs.install, not from a CDN
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.openapi_schema = None
    _register_problem_schema(app)
    app.state.metrics = Metrics()
    problems.install(app)
    app.include_router(system.health_router, prefix=PREFIX, responses=problem_responses(500))
    # Checks the token itself: on the cloud it answers for whichever sites the token opens.
    site_errors = problem_responses(401) if ctx.read_only else problem_responses()
    app.include_router(sites.router, prefix=PREFIX, responses=site_errors)
    # Reads are open on the home network; the cloud API locks them (and says so in OpenAPI).
    locked = [ReadAccess] if ctx.read_only else []
    read_errors = (
        problem_responses(401, 404, 422, 503) if ctx.read_only else problem_responses(404, 422, 503)
    )
    for router in (
        system.router,
        energy.router,
        prices.router,
        power.router,
        readings.read_router,
    ):
        app.include_router(router, prefix=PREFIX, dependencies=locked, responses=read_errors)
    if ctx.writer is not None:
        write_errors = problem_responses(401, 403, 404, 422, 503)
        app.include_router(readings.write_router, prefix=PREFIX, responses=write_errors)
    app.add_middleware(_WriteGuard, ctx=ctx)
    if ctx.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=ctx.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(_Timed)
    docs.install(app)  # before the web build's catch-all route
    # The app's files are public on the cloud too (no data in them); it asks for the token.
    app.include_router(static.router(ctx.web_dir, look_again=not ctx.read_only))
    return app


class _Timed:
    """Observe each request's latency per route (plain ASGI: no task or stream per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", "unmatched")
            metrics: Metrics = scope["app"].state.metrics
            metrics.latency.labels(name).observe(time.perf_counter() - started)


# 10,000 records (the most one request may hold) are about 6 MB of JSON; a little room above.
MAX_BODY: Final = 8 * 2**20
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


class _WriteGuard:
    """Answer a write with no valid token, or a body too large, before reading any of it.

    FastAPI parses the body before it runs a route's dependencies, so without this an
    anonymous client could make the server buffer gigabytes just to be told 401.
    """

    def __init__(self, app: ASGIApp, ctx: ApiContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = _refusal(self.ctx, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, _limited(receive), send)


def _refusal(ctx: ApiContext, headers: Headers) -> Response | None:
    """Return the answer to a write that must not go on (checked in this order), or None."""
    if not ctx.token:
        detail = "set api.token in the configuration to allow writes"
        return problems.problem(403, "Writes disabled", detail)
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), ctx.token.encode()):
        return problems.problem(401, "Unauthorized", "send 'Authorization: Bearer <api.token>'")
    length = headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_BODY:
        return _too_large()
    return None


def _too_large() -> Response:
    detail = f"the body may hold at most {MAX_BODY} bytes (10,000 records); send fewer per request"
    return problems.problem(413, "Body too large", detail, "body")


def _limited(receive: Receive) -> Receive:
    """Stop a body sent without a length (chunked) once it passes MAX_BODY."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                # HTTPException: FastAPI turns any other error while reading the body into a 400.
                raise HTTPException(413, f"the body exceeds {MAX_BODY} bytes; send fewer records")
        return message

    return limited


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document problem answers (RFC 9457) for OpenAPI, as `application/problem+json`."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {"description": "Problem details", "content": {PROBLEM: {"schema": schema}}}
        for status in (*statuses, 500)
    }


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI schema of the full (home) API, for the app's generated types."""
    return create_app(ApiContext("home", _SchemaOnly(), writer=_SchemaOnly())).openapi()  # type: ignore[arg-type]


class _SchemaOnly:
    """A stand-in store for building the schema; no route runs against it."""

    zone = ZoneInfo("UTC")
    netting: Netting = "minute"


def _register_problem_schema(app: FastAPI) -> None:
    """Make `Problem` a named component, which the problem responses refer to."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
