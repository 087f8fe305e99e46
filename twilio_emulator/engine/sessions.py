"""A webhook session: the requests Twilio makes to an app about one resource (an inbound message, a call),
the answers it reads as TwiML, and the alerts it raises. Shared by engine.inbound and engine.voice.calls.

Every request goes to the webhook log (and one activity line); every failure becomes an alert with Twilio's
code: 11205 no connection or no answer in time, 11200 an error status, 12300 a Content-Type Twilio does not
act on, 12100/12102/11750 unusable TwiML. On failure of the primary URL the fallback URL is tried with the
same parameters plus ErrorCode and ErrorUrl (reference §7.3).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain import cookies
from ..domain.accounts import Account
from ..store import cookies as jar_rows
from ..store import webhooks as log_rows
from ..store.webhooks import Alert
from ..twiml import parse
from ..twiml.errors import RESPONSE_TOO_LARGE, TwimlError, TwimlWarning
from ..webhooks import payloads
from ..webhooks.dispatcher import Attempt

if TYPE_CHECKING:
    from lxml import etree

    from . import Emulator


@dataclass(frozen=True)
class Text:
    """A text/plain answer."""
    text: str


EMPTY = object()  # an empty answer (204, or 2xx without a body): nothing to do


@dataclass
class Session:
    emu: "Emulator"
    account: Account
    resource_sid: str
    params: list[tuple[str, str]]  # what every request of the session carries
    # The conversation whose cookie jar the session's requests carry and fill (domain.cookies): an SMS
    # conversation is "From|To" (Twilio keeps one jar per pair), a call its CallSid. None: no cookies.
    conversation: str | None = None
    webhooks: list[Attempt] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    # The current document's warnings by code: [the first one, how many, the document's URL] (flush_warnings).
    _warnings: dict = field(default_factory=dict)
    _jar: list | None = None  # the conversation's cookies, read from the store by the first request

    async def request(self, kind: str, method: str, url: str, params: list[tuple[str, str]] | None = None,
                      event: str | None = None):
        """One request; returns what its answer means: a TwiML root element, Text, EMPTY, or a TwimlError.
        `event` names it among the session's requests (default: `kind`), for its idempotency token: the same
        request sent again after a restart carries the same token (Emulator.token)."""
        emu = self.emu
        cookie = None
        if self.conversation is not None:
            if self._jar is None:
                self._jar = await jar_rows.jar(emu.store, self.account.sid, self.conversation)
            cookie = cookies.header(self._jar, url, emu.now())
        sent = self.params if params is None else params
        rule = self._fault(url, sent) if emu.faults.rules else None
        if rule is not None:  # a webhook fault rule: the request fails on the emulator's side, the app unreached
            what = "timeout after 15 s" if rule.do["effect"] == "timeout" else "connection refused"
            attempt = Attempt(method, url, sent, {}, error=f"{what} (fault rule {rule.sid})")
        else:
            attempt = await emu.dispatcher.send(method, url, sent, self.account.auth_token,
                                                token=emu.token(self.resource_sid, event or kind), cookie=cookie)
        self.webhooks.append(attempt)
        tries = log_rows.tries(self.account.sid, self.resource_sid, kind, attempt, emu.now())
        ops = [log_rows.log_attempt(*t) for t in tries]
        if self.conversation is not None and attempt.set_cookies:
            self._jar = cookies.update(self._jar, attempt.set_cookies, emu.now())
            ops.append(jar_rows.put(self.account.sid, self.conversation, self._jar))
        await emu.store.write(*ops)
        if emu.activity.enabled:
            emu.activity.line(f"{self.resource_sid} {kind.replace('_', ' ')} -> {method} {attempt.url} "
                              f"{attempt.status or attempt.error} ({attempt.duration_ms:.1f} ms)")
        for logged in tries:
            emu.events.publish("webhook", logged)
        return answer_of(attempt)

    def _fault(self, url: str, params: list[tuple[str, str]]):
        given = dict(params)
        return self.emu.faults.fire("webhook", {"to": given.get("To"), "from": given.get("From"), "url": url,
                                                "account_sid": self.account.sid})

    async def fetch(self, kind: str, method: str, url: str, fallback_method: str, fallback_url: str):
        """The primary URL's answer; on failure an alert, then the fallback URL's. Returns (answer, URL of the
        document), or (None, None) when neither gave a usable answer."""
        answer = await self.request(kind, method, url)
        if not isinstance(answer, TwimlError):
            return answer, url
        await self.alert(answer.code, answer.message, method, url)
        if not fallback_url:
            return None, None
        answer = await self.request("fallback", fallback_method, fallback_url,
                                    payloads.fallback(self.params, answer.code, url))
        if isinstance(answer, TwimlError):
            await self.alert(answer.code, answer.message, fallback_method, fallback_url)
            return None, None
        return answer, fallback_url

    async def alert(self, code: int, text: str, method: str | None, url: str | None, level: str = "error") -> None:
        emu = self.emu
        alert = emu.new_alert(self.account.sid, code, text, method, url, self.resource_sid, level)
        self.alerts.append(alert)
        await emu.store.write(log_rows.insert_alert(alert))
        if emu.activity.enabled:
            emu.activity.line(f"{self.resource_sid} alert {code}: {text}")

    def warn(self, warning: TwimlWarning, doc_url: str) -> None:
        """A warning about the document being carried out; alerted by flush_warnings(), once per code."""
        entry = self._warnings.get(warning.code)
        if entry is None:
            self._warnings[warning.code] = [warning, 1, doc_url]
        else:
            entry[1] += 1

    async def flush_warnings(self) -> None:
        """At the end of a document: one warning alert per code, saying how many there were (a 64 kB document
        of unknown attributes is one 12200 alert, not thousands; issue 13)."""
        pending, self._warnings = self._warnings, {}
        if not pending:
            return
        emu = self.emu
        new = []
        for code, (warning, count, doc_url) in pending.items():
            text = warning.message if count == 1 else \
                f"{warning.message} (and {count - 1} more warning{'s' if count > 2 else ''} {code} in this document)"
            new.append(emu.new_alert(self.account.sid, code, text, None, doc_url, self.resource_sid, "warning"))
        self.alerts.extend(new)
        await emu.store.write(*[log_rows.insert_alert(a) for a in new])
        if emu.activity.enabled:
            emu.activity.lines([f"{self.resource_sid} alert {a.error_code}: {a.alert_text}" for a in new])


def answer_of(attempt: Attempt) -> "etree._Element | Text | object | TwimlError":
    """What a webhook's answer means (reference §7.6). Emulator: an empty 2xx body does nothing and raises no
    alert (real Twilio has logged 11200 for an empty 200; reference §7.6)."""
    if attempt.error is not None:
        return TwimlError(11205, f"HTTP connection failure: {attempt.error}")
    if not attempt.ok:
        return TwimlError(11200, f"HTTP retrieval failure: the server answered {attempt.status}")
    return answer_of_body(attempt.raw, attempt.content_type)


def answer_of_body(raw: bytes, content_type: str) -> "etree._Element | Text | object | TwimlError":
    """What a successful answer's body means, by its Content-Type (also for one kept in the outbox)."""
    if not raw.strip():
        return EMPTY
    try:
        kind = parse.check_content_type(content_type)
        if kind == parse.TEXT_TYPE:
            if len(raw) > parse.MAX_BYTES:
                raise TwimlError(RESPONSE_TOO_LARGE, "Response body too large (over 64 kB)")
            return Text(raw.decode("utf-8", "replace"))
        return parse.document(raw)
    except TwimlError as exc:
        return exc
