"""build_app(emulator) -> aiohttp Application; run(settings) serves it until interrupted."""
from __future__ import annotations

import logging
import socket

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from . import api
from .api.auth import basic_auth
from .api.context import EMULATOR
from .api.errors import twilio_errors
from .config import Settings
from .control import routes as control
from .engine import Emulator

log = logging.getLogger("twilio_emulator.api")


class AccessLogger(AbstractAccessLogger):
    """One readable line per API call: `POST /2010-04-01/Accounts/AC…/Messages.json -> 201 (0.9 ms)`."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s -> %d (%.1f ms)", request.method, request.path_qs, response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def build_app(emulator: Emulator) -> web.Application:
    app = web.Application(middlewares=[twilio_errors, basic_auth],
                          client_max_size=emulator.settings.max_body_bytes)
    app[EMULATOR] = emulator
    api.add_routes(app)
    app.router.add_routes(control.routes)

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


def run(settings: Settings, sock: socket.socket, on_ready=None) -> None:
    app = build_app(Emulator(settings))
    if on_ready:
        async def ready(app: web.Application):
            on_ready()
            yield
        app.cleanup_ctx.append(ready)
    web.run_app(app, sock=sock, access_log=log if settings.log_requests else None,
                access_log_class=AccessLogger, print=None, handle_signals=True)
