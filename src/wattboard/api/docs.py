"""Interactive API docs (Swagger UI at /docs, ReDoc at /redoc) served from the installed package.

FastAPI's own pages load Swagger UI from a CDN and so stay blank on a home network without
internet. The assets come from `fastapi-offline` (pinned in pyproject.toml), served here under
/docs-assets, and a Content-Security-Policy keeps the pages from loading anything elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS: Final = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL: Final = "/docs-assets"
# Only this server: the inline start-up script and styles, ReDoc's worker from a blob.
POLICY: Final = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def install(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets; create the app with docs_url and redoc_url None."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = "/docs/oauth2-redirect"
    title = f"{app.title} API"
    favicon = f"{ASSETS_URL}/favicon.png"
    # The pages depend on nothing but these settings: each is made once, here.
    pages = {
        "/docs": get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=favicon,
            oauth2_redirect_url=redirect_url,
            # The validator badge would ask validator.swagger.io about the schema.
            swagger_ui_parameters={"validatorUrl": None},
        ),
        redirect_url: get_swagger_ui_oauth2_redirect_html(),
        "/redoc": get_redoc_html(
            openapi_url=openapi_url,
            title=title,
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        ),
    }
    for path, page in pages.items():
        _serve(app, path, bytes(page.body))


def _serve(app: FastAPI, path: str, body: bytes) -> None:
    @app.get(path, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(body, headers={"Content-Security-Policy": POLICY})
