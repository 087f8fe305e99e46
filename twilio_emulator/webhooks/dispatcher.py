"""Sends webhook requests as Twilio does: signed, with an idempotency token, TwilioProxy's User-Agent, the
exact configured URL on the wire, a timeout; never raises — every outcome is an Attempt."""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import aiohttp
from yarl import URL

from ..domain.media import Download
from .signing import signature, url_to_sign

MAX_BODY = 64 * 1024  # what is kept of a response body (Twilio: TwiML over 64 kB is error 11750)


@dataclass
class Attempt:
    method: str
    url: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    status: int | None = None  # HTTP status, None when no response came
    body: str = ""  # as text, for the log
    raw: bytes = b""  # as received (up to MAX_BODY + 1 bytes: one more than the limit tells it was exceeded)
    content_type: str = ""
    error: str | None = None  # connection refused, timeout, …
    duration_ms: float = 0.0
    # Every Set-Cookie header of the answer and of the redirects that led to it, with the URL that set it.
    set_cookies: list[tuple[str, str]] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)  # the answer's (repeated ones joined)

    @property
    def ok(self) -> bool:
        # A response whose body never finished (the server stalled after its headers) failed too.
        return self.error is None and self.status is not None and 200 <= self.status < 300


def connection_timeout(url: str, default: float) -> float:
    """Seconds allowed for the whole request: Twilio's connection overrides in the URL fragment
    (`#tt=5000`, total time, or `#rt=…`, read timeout, in ms; reference §7.4) shorten the default (15 s).
    Emulator: one number bounds the whole request; connect and read timeouts are not told apart."""
    fragment = urlsplit(url).fragment
    if not fragment:
        return default
    values = dict(pair.partition("=")[::2] for pair in fragment.split("&"))
    for key, low, high in (("tt", 100, 15000), ("rt", 100, 15000)):
        try:
            return min(max(int(values[key]), low), high) / 1000
        except (KeyError, ValueError):
            continue
    return default


class Dispatcher:
    def __init__(self, timeout: float):
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            # Twilio's requests carry no cookies of ours and follow redirects; no proxy from the environment.
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), trust_env=False)
        return self._session

    async def send(self, method: str, url: str, params: list[tuple[str, str]], auth_token: str,
                   token: str | None = None, cookie: str | None = None) -> Attempt:
        """One request. POST: form body; GET: the parameters appended to the URL's query (Twilio's order).
        `cookie`: the Cookie header, from the conversation's jar (engine.sessions)."""
        target = url_to_sign(url)
        body = None
        if method == "GET":
            target += ("&" if urlsplit(target).query else "?") + urlencode(params)
            signed = signature(auth_token, target)
        else:
            body = urlencode(params)
            signed = signature(auth_token, target, params)
        headers = {"X-Twilio-Signature": signed, "I-Twilio-Idempotency-Token": token or str(uuid.uuid4()),
                   "User-Agent": "TwilioProxy/1.1", "Accept": "*/*"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            headers["Cookie"] = cookie
        attempt = Attempt(method, target, params, headers)
        timeout = connection_timeout(url, self.timeout)
        started = time.perf_counter()
        try:
            async with self._client().request(
                    method, URL(target, encoded=True), data=body, headers=headers,
                    timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                attempt.status = resp.status
                attempt.set_cookies = [(str(r.url), value) for r in (*resp.history, resp)
                                       for value in r.headers.getall("Set-Cookie", ())]
                attempt.content_type = resp.headers.get("Content-Type", "")
                for name in resp.headers:
                    attempt.response_headers[name] = ", ".join(resp.headers.getall(name))
                chunks, size = [], 0
                while size <= MAX_BODY:  # read() returns what has arrived: loop up to the limit (+1) or EOF
                    chunk = await resp.content.read(MAX_BODY + 1 - size)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                attempt.raw = b"".join(chunks)
                attempt.body = attempt.raw[:MAX_BODY].decode("utf-8", "replace")
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            attempt.error = _failure(exc, timeout)
        attempt.duration_ms = (time.perf_counter() - started) * 1000
        return attempt

    async def download(self, url: str, limit: int) -> Download:
        """GET a media URL as Twilio does before sending an MMS: redirects followed, the webhook timeout for
        the whole download, at most `limit` + 1 bytes read (enough to tell the limit was passed)."""
        got = Download(url)
        started = time.perf_counter()
        try:
            async with self._client().get(
                    URL(url, encoded=True), headers={"User-Agent": "TwilioProxy/1.1", "Accept": "*/*"},
                    timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                got.status, got.content_type = resp.status, resp.headers.get("Content-Type", "")
                while got.size <= limit:
                    chunk = await resp.content.read(min(65536, limit + 1 - got.size))
                    if not chunk:
                        break
                    got.size += len(chunk)
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            got.error = _failure(exc, self.timeout)
        got.duration_ms = (time.perf_counter() - started) * 1000
        return got


def _failure(exc: Exception, timeout: float) -> str:
    """Why a request got no (complete) answer, as the webhook log and alerts say it."""
    if isinstance(exc, asyncio.TimeoutError):
        return f"timeout after {timeout:g} s"
    return f"{type(exc).__name__}: {exc}"
