"""The web inspector (issue 17): a page at the emulator's root that shows every phone, conversation and
webhook live. It ships as static files in this package (no build step, nothing loaded from elsewhere:
it works offline) and is a client of the emulator's public APIs only — the control API (its views, its
event stream) and the REST API as the chosen account — so this module only serves the files.

Vanilla JavaScript (an ES module per view), no framework: nothing to build or vendor, nothing to keep up to date,
and the page stays a readable example of driving the emulator's APIs.
"""
from __future__ import annotations

from importlib import resources

from aiohttp import web

PREFIX = "/_emulator/inspector"
_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# Everything from the emulator itself; media shown inline come from where the app put them.
_POLICY = ("default-src 'self'; img-src 'self' data: blob: http: https:; media-src 'self' http: https:; "
           "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")


def _asset(name: str) -> bytes | None:
    path = resources.files(__package__).joinpath("static", name)
    return path.read_bytes() if "/" not in name and path.is_file() else None


def _response(name: str) -> web.Response:
    body = _asset(name)
    if body is None:
        raise web.HTTPNotFound()
    suffix = name[name.rfind("."):]
    return web.Response(body=body, content_type=_TYPES.get(suffix, "application/octet-stream"),
                        headers={"Cache-Control": "no-cache", "Content-Security-Policy": _POLICY,
                                 "X-Content-Type-Options": "nosniff"})


async def index(request: web.Request) -> web.Response:
    return _response("index.html")


async def asset(request: web.Request) -> web.Response:
    return _response(request.match_info["name"])


def add_routes(app: web.Application) -> None:
    """GET / (the page) and its files under /_emulator/inspector/; before the REST API's catch-all."""
    app.router.add_get("/", index)
    app.router.add_get(PREFIX + "/{name}", asset)
