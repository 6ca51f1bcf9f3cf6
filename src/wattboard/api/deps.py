"""Shared route dependencies: the context and bearer-token checks (constant-time, never logged)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from wattboard.api.context import ApiContext
from wattboard.api.problems import ApiProblem
from wattboard.api.timefmt import INSTANT_PATTERN

bearer = HTTPBearer(auto_error=False, description="api.token of the server")


# Dependencies are `async def` although they never wait: FastAPI runs a plain `def` dependency
# on a worker thread, and that hop per request cost more than the rest of a calendar view.
async def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ApiContext, Depends(context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _token_ok(ctx: ApiContext, credentials: HTTPAuthorizationCredentials | None) -> bool:
    if not ctx.token or credentials is None:
        return False
    return hmac.compare_digest(credentials.credentials.encode(), ctx.token.encode())


async def read_access(ctx: Ctx, credentials: Credentials) -> None:
    """The cloud API wants the token for every read (the home API's reads are open)."""
    if not _token_ok(ctx, credentials):
        raise ApiProblem(401, "Unauthorized", "send 'Authorization: Bearer <api.token>'")


async def write_access(ctx: Ctx, credentials: Credentials) -> None:
    """Every write needs the token; without a configured token writes are off."""
    if not ctx.token:
        raise ApiProblem(
            403, "Writes disabled", "set api.token in the configuration to allow writes"
        )
    if not _token_ok(ctx, credentials):
        raise ApiProblem(401, "Unauthorized", "send 'Authorization: Bearer <api.token>'")


ReadAccess = Depends(read_access)
Instant = Annotated[
    str,
    Query(
        description="Epoch seconds, ISO 8601 with offset, or a local date", pattern=INSTANT_PATTERN
    ),
]
EndInstant = Annotated[
    str,
    Query(
        description="Exclusive; epoch seconds, ISO 8601 or a local date", pattern=INSTANT_PATTERN
    ),
]
MeterId = Annotated[str, Query(description="Meter id", min_length=1, max_length=32)]
WriteAccess = Depends(write_access)
