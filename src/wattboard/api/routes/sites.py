"""Which homes a token may read (`GET /sites`), so the app can offer a choice of site."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from wattboard.api.deps import Ctx
from wattboard.api.problems import ApiProblem

router = APIRouter(tags=["system"])


class SiteOut(BaseModel):
    id: str = Field(description="Pass it as `?site=` to read this home")
    default: bool = Field(description="Served without `?site=`")


@router.get("/sites", operation_id="listSites", response_model=list[SiteOut])
async def sites(ctx: Ctx, request: Request) -> list[SiteOut]:
    """The sites this server serves that the bearer token may read; the default site first.

    At home the one site is open to all. On a cloud API for several homes only the sites whose
    token is the one sent are listed, so a household never learns its neighbours' site ids.
    """
    if not ctx.read_only:
        return [SiteOut(id=ctx.site_id, default=True)]
    # The header is read here, not through the bearer dependency: at home this endpoint is
    # open, and the schema must not claim that it needs a token there.
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    sent = value.strip().encode() if scheme.lower() == "bearer" else b""
    tokens = ctx.site_tokens or {ctx.site_id: ctx.token}
    # Compare against every site (no early exit), in constant time each.
    readable = {site for site, token in tokens.items() if hmac.compare_digest(sent, token.encode())}
    if not sent or not readable:
        raise ApiProblem(401, "Unauthorized", "send 'Authorization: Bearer <api.token>'")
    ordered = sorted(readable, key=lambda site: (site != ctx.default_site, site))
    return [SiteOut(id=site, default=site == ctx.default_site) for site in ordered]
