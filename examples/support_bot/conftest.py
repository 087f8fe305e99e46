"""The example's own test helpers: run the app on a free loopback port so that the emulator can call its
webhook. Only the plugin's fixtures (twilio_emulator, twilio_client) are used; nothing is imported from
twilio_emulator."""
from __future__ import annotations

import asyncio
import threading

import pytest
from aiohttp import web

from support_bot import create_app


class RunningApp:
    def __init__(self, app: web.Application):
        self.app, self.loop = app, asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self) -> "RunningApp":
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def bot(twilio_emulator, twilio_client):
    """The app, running, with its support line pointed at it: fixtures/support_line.toml (the plugin looks in
    <rootdir>/fixtures, the repository's: the ini option twilio_emulator_fixtures names another directory)."""
    app = create_app(twilio_client, twilio_emulator.auth_token, "+14155550001")
    with RunningApp(app) as running:
        twilio_emulator.load_scenario("support_line", SUPPORT_APP_URL=running.url)
        yield running
