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
    # The attempts before this one that failed and were retried (the connection overrides' `rc`/`rp`), oldest
    # first: each is logged; this one is the outcome.
    earlier: list["Attempt"] = field(default_factory=list)
    failure: str = ""  # why it failed, as `rp` names failures: ct | rt | 4xx | 5xx ("" when it did not)
    # Every Set-Cookie header of the answer and of the redirects that led to it, with the URL that set it.
    set_cookies: list[tuple[str, str]] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)  # the answer's (repeated ones joined)

    @property
    def ok(self) -> bool:
        # A response whose body never finished (the server stalled after its headers) failed too.
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class Overrides:
    """Twilio's connection overrides in a webhook URL's fragment (reference twilio-more §10.1): `ct` connect
    timeout, `rt` read timeout, `tt` the whole budget with retries (ms), `rc` retries after a failed attempt,
    `rp` which failures are retried (`4xx`, `5xx`, `ct` connect failures, `rt` read timeouts, `all`).
    Defaults: ct 5 s, rt and tt the emulator's webhook timeout (Twilio's 15 s), rc 1, rp `ct` [UNVERIFIED:
    the reference could not read the defaults row; `ct` is its first candidate]. `e` and `sni` (the edge
    Twilio sends from, TLS SNI) change nothing on loopback and are accepted as given."""
    connect: float
    read: float
    total: float
    retries: int
    policy: frozenset[str]


_RETRY_KINDS = frozenset({"4xx", "5xx", "ct", "rt"})


def overrides(url: str, default: float) -> Overrides:
    fragment = urlsplit(url).fragment
    values = dict(pair.partition("=")[::2] for pair in fragment.split("&")) if fragment else {}

    def ms(key: str, low: int, high: int, fallback: float) -> float:
        try:
            return min(max(int(values[key]), low), high) / 1000
        except (KeyError, ValueError):
            return fallback
    total = ms("tt", 100, 15000, default)
    try:
        retries = min(max(int(values["rc"]), 0), 5)
    except (KeyError, ValueError):
        retries = 1
    asked = {p.strip().lower() for p in values.get("rp", "ct").split(",") if p.strip()}
    policy = _RETRY_KINDS if "all" in asked else frozenset(asked & _RETRY_KINDS)
    return Overrides(connect=min(ms("ct", 100, 10000, 5.0), total), read=min(ms("rt", 100, 15000, default), total),
                     total=total, retries=retries, policy=policy)


def connection_timeout(url: str, default: float) -> float:
    """Seconds allowed for the whole request, retries included (`#tt`, else the webhook timeout)."""
    return overrides(url, default).total


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
                   token: str | None = None, cookie: str | None = None, timeout: float | None = None) -> Attempt:
        """One request. POST: form body; GET: the parameters appended to the URL's query (Twilio's order).
        `cookie`: the Cookie header, from the conversation's jar (engine.sessions). `timeout`: the whole
        request's own budget (Conversations' pre-event hooks: 5 s), instead of the webhooks' timeout."""
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
        rules = overrides(url, timeout or self.timeout)
        deadline = time.perf_counter() + rules.total
        earlier: list[Attempt] = []
        while True:
            attempt = await self._attempt(method, target, params, headers, body, rules, deadline)
            if not attempt.failure or attempt.failure not in rules.policy or len(earlier) >= rules.retries \
                    or time.perf_counter() >= deadline:
                attempt.earlier = earlier
                return attempt
            earlier.append(attempt)  # retried at once, with the same token and signature

    async def _attempt(self, method: str, target: str, params, headers: dict, body: str | None, rules: Overrides,
                       deadline: float) -> Attempt:
        attempt = Attempt(method, target, params, dict(headers))
        remaining = max(deadline - time.perf_counter(), 0.001)
        started = time.perf_counter()
        try:
            async with self._client().request(
                    method, URL(target, encoded=True), data=body, headers=headers,
                    timeout=aiohttp.ClientTimeout(total=remaining, sock_connect=min(rules.connect, remaining),
                                                  sock_read=min(rules.read, remaining))) as resp:
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
            if 400 <= attempt.status < 600:
                attempt.failure = "4xx" if attempt.status < 500 else "5xx"
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            attempt.error = _failure(exc, rules.total)
            connect = isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)) or \
                (attempt.status is None and not isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerDisconnectedError)))
            attempt.failure = "ct" if connect else "rt"
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
