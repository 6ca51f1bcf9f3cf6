"""The app's web build at `/`, with clean URLs (`/history` → `history.html`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

# The web export names its scripts, styles and assets after their content (`_expo/static/…`,
# `icon.<md5>.png`): such a file never changes, so a browser may keep it for good. Every other
# file (index.html and the pages) is checked again on each visit, so a new build shows at once.
HASHED: Final = re.compile(r"(^|/)_expo/static/|[.-][0-9a-f]{20,}\.[A-Za-z0-9]+$")
IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"

MISSING = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Wattboard</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5">
<h1>Wattboard is running</h1>
<p>The API answers under <a href="/api/v1/health">/api/v1</a>
(<a href="/docs">interactive docs</a>). The app's web build is not here yet. To build it
(Node.js 20.19 or newer):</p>
<pre>cd mobile &amp;&amp; npm ci &amp;&amp; npx expo export --platform web</pre>
<p>then restart Wattboard; it serves <code>mobile/dist</code> at this address. A package
without the app was not made by <code>make dist</code>: install the wheel that
<code>make dist</code> builds, which carries the app.</p>
</body></html>
"""


def find_web_dir(configured: Path | None) -> Path | None:
    """Return the web build to serve: configured, packaged in the wheel, or the source tree's."""
    here = Path(__file__).resolve()
    candidates = [configured, here.parents[1] / "web", here.parents[3] / "mobile" / "dist"]
    for candidate in candidates:
        if candidate is not None and (candidate / "index.html").is_file():
            return candidate
    return None


def router(web_dir: Path | None, *, look_again: bool = False) -> APIRouter:
    """Serve files of `web_dir`, or a page that says how to build the app when there is none."""
    static = APIRouter(include_in_schema=False)
    found = [web_dir]

    @static.get("/{path:path}")
    async def serve(path: str) -> Response:
        if path.startswith("api/"):
            raise HTTPException(404, f"no endpoint /{path}; see /docs")
        if found[0] is None and look_again and path in ("", "index.html"):
            found[0] = find_web_dir(None)  # built after the server started: serve it now
        web_dir = found[0]
        if web_dir is None:
            if path in ("", "index.html"):
                return HTMLResponse(MISSING)
            return HTMLResponse(MISSING, status_code=404)
        return _file(web_dir, path)

    return static


def _file(root: Path, path: str) -> Response:
    base = root.resolve()
    if "\x00" in path:
        # No file name holds a NUL; the file system calls would raise instead of answering.
        return HTMLResponse("<h1>Not found</h1>", status_code=404)
    for candidate in (path, f"{path}.html", f"{path}/index.html", "index.html" if not path else ""):
        if not candidate:
            continue
        target = (base / candidate).resolve()
        # Never serve anything outside the build directory (`..` in the path).
        if target.is_relative_to(base) and target.is_file():
            cache = IMMUTABLE if HASHED.search(candidate) else REVALIDATE
            return FileResponse(target, headers={"Cache-Control": cache})
    not_found = base / "+not-found.html"
    if not_found.is_file():
        return FileResponse(not_found, status_code=404)
    return HTMLResponse("<h1>Not found</h1>", status_code=404)
