"""Usable without pytest: an emulator serving on a loopback port from a background thread.

A thread, because the official *sync* SDK blocks: a server on the caller's own event loop would deadlock.
"""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, Awaitable, Callable, TypeVar

from aiohttp import web

from .config import Settings
from .engine import Emulator
from .server import AccessLogger, build_app

T = TypeVar("T")


class EmulatorThread:
    """`with EmulatorThread() as emu:` serves on 127.0.0.1:<free port> until the block ends."""

    def __init__(self, settings: Settings | None = None, port: int = 0):
        """`port` 0 (the default) takes a free port; Settings.port is the CLI's and is ignored here."""
        self.settings = replace(settings or Settings(timing="instant"), port=port)
        self.emulator = Emulator(self.settings)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="twilio-emulator", daemon=True)
        self._ready: Future = Future()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    def start(self) -> "EmulatorThread":
        self._thread.start()
        self.port = self._ready.result(timeout=30)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self.call(self._runner.cleanup)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)

    def __enter__(self) -> "EmulatorThread":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def call(self, fn: Callable[..., Awaitable[T]], *args: Any, timeout: float = 30, **kwargs: Any) -> T:
        """Run `await fn(*args, **kwargs)` on the emulator's loop and return its result (thread-safe)."""
        async def run() -> T:
            return await fn(*args, **kwargs)
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:  # surface start-up failures to start(), after stopping what did start
            if self._runner is not None:
                self.loop.run_until_complete(self._runner.cleanup())
            self.loop.close()
            self._ready.set_exception(exc)
            return
        self.loop.run_forever()
        self.loop.close()

    async def _start(self) -> None:
        app = build_app(self.emulator)
        activity = self.emulator.activity
        self._runner = web.AppRunner(app, access_log=activity if activity.enabled else None,
                                     access_log_class=AccessLogger)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # the free port the OS picked
        if not self.settings.public_url:
            self.emulator.public_url = f"http://{self.settings.host}:{port}"
        self._ready.set_result(port)


# The harness lives in its own light module; importable from here too.
from .harness import Handset, Phone, Sms, TwilioEmulator  # noqa: E402,F401
