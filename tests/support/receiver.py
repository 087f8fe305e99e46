"""A real aiohttp app standing in for the user's webhook receiver, on its own thread and loopback port.

It records every request; tests wait on a condition for the requests they expect (no sleeping)."""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

from aiohttp import web
from multidict import CIMultiDict


@dataclass
class Received:
    method: str
    url: str  # as the app would rebuild it: http://127.0.0.1:PORT/path?query
    headers: dict
    form: dict  # POST form fields (name -> list of values)
    query: dict = None  # query string (name -> last value)

    def param(self, name: str) -> str | None:
        """A webhook parameter, from the form (POST) or the query string (GET)."""
        values = self.form.get(name)
        return values[-1] if values else (self.query or {}).get(name)


class Receiver:
    def __init__(self, status: int = 200, body: str = "", content_type: str = "text/plain", hang: bool = False,
                 routes: dict | None = None):
        """Answers every request with (status, body, content_type), or, for a path in `routes`, with what
        routes[path] gives: a (status, body, content_type) tuple, or a function of the Received request
        returning one (an app that answers what it was sent). A fourth item, a list of (name, value)
        pairs, adds response headers (Set-Cookie, Location …)."""
        self.status, self.body, self.content_type, self.hang = status, body, content_type, hang
        self.routes = routes or {}
        self.requests: list[Received] = []
        self.in_flight = 0
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._release: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Receiver":
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._release.set)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.requests) >= count, timeout), (
                f"expected {count} requests, got {len(self.requests)}")
            return list(self.requests)

    def wait_until(self, done, timeout: float = 30) -> list[Received]:
        """Until `done(requests)` holds (checked on every request that arrives); fails after `timeout` s."""
        with self._cond:
            assert self._cond.wait_for(lambda: done(self.requests), timeout), (
                f"condition not met after {len(self.requests)} requests")
            return list(self.requests)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __len__(self) -> int:
        with self._cond:
            return len(self.requests)

    def paths(self) -> list[str]:
        with self._cond:
            return [r.url.split(str(self.port), 1)[1].split("?")[0] for r in self.requests]

    async def _handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        received = Received(request.method, f"http://127.0.0.1:{self.port}{request.raw_path}", dict(request.headers),
                            {k: form.getall(k) for k in form.keys()}, dict(request.query))
        with self._cond:
            self.requests.append(received)
            self.in_flight += 1
            self._cond.notify_all()
        try:
            if self.hang:
                await self._release.wait()
            answer = self.routes.get(request.path, (self.status, self.body, self.content_type))
            status, body, content_type, *extra = answer(received) if callable(answer) else answer
            raw = body if isinstance(body, bytes) else body.encode()  # bytes: sent as they are (other encodings)
            headers = CIMultiDict(extra[0] if extra else ())
            if content_type is not None:  # None: no Content-Type header at all
                headers["Content-Type"] = content_type
            return web.Response(status=status, body=raw, headers=headers)
        finally:
            with self._cond:
                self.in_flight -= 1
