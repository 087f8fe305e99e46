"""Routes registered with their handler wrapped once, instead of aiohttp middlewares, and a last route that
answers what no route takes, so that a wrong path (404) or method (405) passes through the same wrapper.

Why not middlewares: aiohttp wraps each request's handler in every middleware of the app chain at request
time and, as soon as any app has one, adds one of its own per app (`_fix_request_current_app`): two more
coroutine frames and a partial per request, about 1-2 % of Messages.create throughput (issue 2). A wrapper
applied at start-up costs one call. Used by the REST API (api.errors.twilio_api) and the control API.
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable, Iterable

from aiohttp import web

from .context import EMULATOR

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_wrapped(router: web.UrlDispatcher, routes: Iterable[web.AbstractRouteDef],
                wrap: Callable[[Handler], Handler]) -> None:
    router.add_routes([web.RouteDef(r.method, r.path, wrap(r.handler), r.kwargs) if isinstance(r, web.RouteDef)
                       else r for r in routes])


def add_unmatched(router: web.UrlDispatcher, wrap: Callable[[Handler], Handler], public: bool = False) -> None:
    """Register last. Any method on any path no other route serves: raises aiohttp's HTTPMethodNotAllowed if
    a resource has the path (with other methods), else HTTPNotFound, for `wrap` to answer in its shape.
    `public`: answered without credentials (a wrong path is a 404 whoever asks)."""
    catch_all = router.add_resource("/{unmatched:[\\s\\S]*}")  # any character: "." misses a newline

    async def unmatched(request: web.Request) -> web.StreamResponse:
        allowed: set[str] = set()
        for resource in router.resources():  # only on this error path: one resolve per resource
            if resource is not catch_all:
                allowed |= (await resource.resolve(request))[1]
        if allowed:
            raise web.HTTPMethodNotAllowed(request.method, allowed)
        raise web.HTTPNotFound()
    unmatched.public = public
    catch_all.add_route("*", wrap(unmatched))


def record_bug(request: web.Request, exc: Exception) -> None:
    """For a wrapper that caught an exception of ours: a log line with the traceback, and the emulator's list
    of internal errors (which the test suite checks after every test)."""
    log.exception("internal error on %s %s", request.method, request.path)
    request.config_dict[EMULATOR].record_internal_error(f"{request.method} {request.path}: {exc!r}")
