"""The dashboard at /_mock/ui: one HTML page and its ES modules, shipped inside the package.

No build step and no CDN, so the page works offline. Every answer carries a
Content-Security-Policy that allows only this emulator's own scripts, styles and
JSON: names, vars and journal bodies are user input, and even a slip in the
page's escaping cannot run a script that arrived as data.
"""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from ..backend import Backend
from ..errors import NotFound

ASSETS = resources.files("mockserver") / "ui"
TYPES = {"html": "text/html", "js": "text/javascript", "css": "text/css"}
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The page is a tool that changes with the emulator: never a stale copy.
    "Cache-Control": "no-cache",
}


def _asset(name: str) -> web.Response:
    source = ASSETS / name
    if not source.is_file():
        raise NotFound(f"/_mock/ui/{name}: no such file of the dashboard")
    kind = TYPES[name.rsplit(".", 1)[1]]
    return web.Response(
        body=source.read_bytes(), content_type=kind, charset="utf-8", headers=HEADERS
    )


async def page(request: web.Request, backend: Backend) -> web.Response:
    return _asset("index.html")


async def asset(request: web.Request, backend: Backend) -> web.Response:
    return _asset(request.match_info["name"])
