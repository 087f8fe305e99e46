"""build_app(emulator) -> aiohttp Application; run(settings) serves it until interrupted."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import threading

from aiohttp import web
from aiohttp.web_runner import GracefulExit
from aiohttp.abc import AbstractAccessLogger

from . import api, inspector
from .api.context import EMULATOR, NOTE
from .config import Settings
from .control import routes as control
from .engine import Emulator
from .engine.activity import ActivityLog

log = logging.getLogger("twilio_emulator.api")


class AccessLogger(AbstractAccessLogger):
    """One readable line per API call, on the activity log: `POST /2010-04-01/…/Messages.json -> 201 (0.9 ms)`.
    aiohttp makes one per connection with the `access_log` it was given: here the emulator's ActivityLog."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        activity = self.logger
        activity.calls += 1
        status = response.status
        if activity.summarizing and status < 400:  # under load: counted by route, in the summary line a second
            route = request.match_info.route
            key = (request.method, activity.routes.get(route) or _route_text(activity, route), status)
            counted = activity.counted_calls
            counted[key] = counted.get(key, 0) + 1
            return
        note = request.get(NOTE)  # raw_path: the target as received, no URL object built
        activity.line(f"{request.method} {request.raw_path} -> {status} "
                      f"({time * 1000:.1f} ms){f': {note}' if note else ''}")

    @property
    def enabled(self) -> bool:
        return True


def _route_text(activity: ActivityLog, route) -> str:
    """A route's path template (`/2010-04-01/Accounts/{AccountSid}/Messages.json`), as the summary names it."""
    text = activity.routes[route] = getattr(getattr(route, "resource", None), "canonical", None) or "?"
    return text


def build_app(emulator: Emulator) -> web.Application:
    # No middlewares: handlers are wrapped at registration instead (api/routing.py says why).
    app = web.Application(client_max_size=emulator.settings.max_body_bytes)
    app[EMULATOR] = emulator
    api.add_routes(app)
    app.add_subapp(control.PREFIX, control.build())
    inspector.add_routes(app)
    api.add_unmatched_route(app)

    async def end_streams(app: web.Application) -> None:  # before aiohttp waits for open requests
        emulator.close_streams()
    app.on_shutdown.append(end_streams)

    async def engine(app: web.Application):
        await emulator.start()
        yield
        await emulator.stop()
    app.cleanup_ctx.append(engine)
    return app


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket up front, so that a port in use is a clear error before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(1024)
    sock.setblocking(False)
    return sock


SHUTDOWN_GRACE = 5.0  # seconds requests in flight get after SIGTERM
SHUTDOWN_BOUND = 8.0  # seconds after SIGTERM by which the process has ended, whatever it was waiting for
_exiting = threading.Event()  # set once run_app has returned


def new_loop(kind: str = "asyncio") -> asyncio.AbstractEventLoop:
    """A new event loop: asyncio's own, or uvloop's (an optional package: `pip install 'twilio-emulator[uvloop]'`).
    uvloop runs aiohttp's transports in C: Messages.create takes about 6 % less CPU time a request on it
    (docs/benchmarks.md). ImportError when uvloop is asked for and not installed."""
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(settings: Settings, sock: socket.socket, on_ready=None, loop_kind: str = "asyncio") -> None:
    activity = ActivityLog(sys.stderr if settings.log_requests else None, settings.log_summary_above)
    app = build_app(Emulator(settings, activity))
    if on_ready:
        async def ready(app: web.Application):
            on_ready()
            yield
        app.cleanup_ctx.append(ready)
    loop = new_loop(loop_kind)
    _end_on_signals(loop)
    try:
        web.run_app(app, sock=sock, access_log=activity if activity.enabled else None, loop=loop,
                    access_log_class=AccessLogger, print=None, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE)
    finally:
        _exiting.set()


def _end_on_signals(loop: asyncio.AbstractEventLoop) -> None:
    """SIGTERM/SIGINT end the server. The first raises GracefulExit from a callback of the loop (never inside
    our code), so run_app stops accepting, gives requests in flight SHUTDOWN_GRACE seconds and stops the
    emulator (store and activity log closed); during start-up, Emulator.start closes what it had opened. A
    second signal exits at once, and so does a shutdown still running SHUTDOWN_BOUND seconds after the first
    (it says what it was waiting for). Installed on the loop before it runs, so a signal during start-up waits
    for the loop rather than being missed. No thread of ours keeps the process alive after the loop ends: the
    store's threads are daemons. Exiting at once loses nothing acknowledged: every 201 was committed first."""
    signalled = threading.Event()

    def on_signal() -> None:
        if signalled.is_set():  # the second (two signals read in one pass of the loop come here too)
            os._exit(1)
        signalled.set()
        threading.Thread(target=watchdog, name="shutdown-watchdog", daemon=True).start()
        raise GracefulExit()

    def watchdog() -> None:
        if signalled.wait(0) and not _exiting.wait(SHUTDOWN_BOUND):
            pending = ", ".join(sorted({t.get_name() for t in asyncio.all_tasks(loop)})) or "nothing"
            log.warning("shutdown still running after %g s (waiting for %s): exiting now", SHUTDOWN_BOUND, pending)
            logging.shutdown()
            os._exit(1)

    for each in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(each, on_signal)
