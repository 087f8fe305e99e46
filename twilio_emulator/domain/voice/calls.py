"""Simulated voice calls, as far as messaging apps need them: calls to our numbers (the control API) and calls
placed through the Calls resource (reference twilio-more §3). A call runs its voice TwiML; its transcript
records what the other party would have heard and what <Sms> sent. Pure.

Emulator: no audio; <Dial>, <Gather> and friends are recorded as not emulated; recording, machine detection
and SIP options of Calls.create are refused as not emulated. The called handset answers, is busy, does not
answer or fails as it is declared (`call_behaviour`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import error
from ..messages import valid_callback_url

QUEUED, INITIATED, RINGING, IN_PROGRESS = "queued", "initiated", "ringing", "in-progress"
COMPLETED, BUSY, NO_ANSWER, FAILED, CANCELED = "completed", "busy", "no-answer", "failed", "canceled"
FINAL = frozenset({COMPLETED, BUSY, NO_ANSWER, FAILED, CANCELED})
STATUSES = (QUEUED, RINGING, IN_PROGRESS, COMPLETED, BUSY, FAILED, NO_ANSWER, CANCELED)  # the spec's enum
INBOUND, OUTBOUND_API, OUTBOUND_DIAL = "inbound", "outbound-api", "outbound-dial"
EVENTS = ("initiated", "ringing", "answered", "completed")  # StatusCallbackEvent
EVENT_OF = {INITIATED: "initiated", RINGING: "ringing", IN_PROGRESS: "answered"}  # the rest: "completed"
# What the called handset does (Handset.call_behaviour) and the SIP code its call ends with (reference §3.5).
ANSWER = "answer"
CALL_BEHAVIOURS = (ANSWER, BUSY, NO_ANSWER, FAILED)
SIP_CODES = {COMPLETED: 200, BUSY: 486, NO_ANSWER: 487, FAILED: 404, CANCELED: 487}
DEFAULT_TIMEOUT, MAX_TIMEOUT = 60, 600
MAX_TWIML = 4000
_DIGITS = re.compile(r"^[0-9ABCD#*wW]{1,32}$")
# Calls.create parameters the emulator does not emulate: refused, never silently ignored.
NOT_EMULATED = ("Record", "RecordingChannels", "RecordingStatusCallback", "RecordingStatusCallbackMethod",
                "RecordingStatusCallbackEvent", "RecordingTrack", "Trim", "MachineDetection",
                "MachineDetectionTimeout", "MachineDetectionSpeechThreshold", "MachineDetectionSpeechEndThreshold",
                "MachineDetectionSilenceTimeout", "AsyncAmd", "AsyncAmdStatusCallback",
                "AsyncAmdStatusCallbackMethod", "SipAuthUsername", "SipAuthPassword", "Byoc", "CallToken",
                "ClientNotificationUrl", "TimeLimit", "CallerId", "CallReason")
# Calls errors (reference twilio-more §3.9; docs errors/212xx).
GENERIC, NO_TO, INVALID_URL, FROM_NOT_OURS, INVALID_TO, NO_FROM = 21200, 21201, 21205, 21210, 21211, 21213
INVALID_STATE = 21220


@dataclass
class Call:
    sid: str  # CA…
    account_sid: str
    from_: str  # the calling party
    to: str  # the called party
    status: str
    date_created: float
    date_updated: float
    direction: str = INBOUND
    # What happened, in order: {"verb": "Say", "text": …}, {"verb": "Sms", "sid": …, "status": …}, …
    transcript: list[dict] = field(default_factory=list)
    phone_number_sid: str | None = None
    start_time: float | None = None
    answered_at: float | None = None  # its duration counts from here
    end_time: float | None = None
    duration: int | None = None  # seconds, once ended
    price: str | None = None
    parent_call_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    events: tuple[str, ...] = ("completed",)
    sequence: int = 0  # status callbacks sent so far (SequenceNumber)
    timeout: int = DEFAULT_TIMEOUT
    url: str | None = None
    method: str = "POST"
    fallback_url: str | None = None
    fallback_method: str = "POST"
    twiml: str | None = None
    send_digits: str | None = None  # played once the call is answered: in its transcript
    script: list[dict] = field(default_factory=list)  # what the phone does next (domain.voice.script.Caller)
    live: bool = False  # its caller's input comes while it runs (control API POST /calls/{sid}/input)
    listening: bool = False  # a live call's <Gather> or <Record> is waiting for that input now
    plan: int = 0  # bumped when the call's next steps change (a redirect, a hang-up): older jobs do nothing

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


@dataclass
class CallRequest:
    """A Calls.create request, turned from PascalCase form fields into Python values."""
    to: str | None
    from_: str | None
    url: str | None = None
    twiml: str | None = None
    application_sid: str | None = None
    method: str | None = None
    fallback_url: str | None = None
    fallback_method: str | None = None
    status_callback: str | None = None
    status_callback_events: list[str] = field(default_factory=list)
    status_callback_method: str | None = None
    timeout: int | None = None
    send_digits: str | None = None
    not_emulated: list[str] = field(default_factory=list)  # parameters given that are not emulated


def method_of(value: str | None, name: str) -> str:
    method = (value or "POST").upper()
    if method not in ("GET", "POST"):
        raise error(GENERIC, f"{name} must be GET or POST, not {value!r}.")
    return method


def check_request(req: CallRequest) -> None:
    """The rules of Calls.create that need nothing but the request; raises TwilioError."""
    if req.not_emulated:
        raise error(GENERIC, f"{', '.join(req.not_emulated)}: not emulated (recording, machine detection and SIP "
                    "options of calls are outside the emulator).")
    if not req.to:
        raise error(NO_TO, "A 'To' phone number is required.")
    if not req.from_:
        raise error(NO_FROM, "A 'From' phone number is required.")
    if not (req.url or req.twiml or req.application_sid):
        raise error(GENERIC, "One of Url, Twiml or ApplicationSid is required.")
    for name, url in (("Url", req.url), ("FallbackUrl", req.fallback_url)):
        if url and not valid_callback_url(url):
            raise error(INVALID_URL, f"{name} {url!r} is not a valid URL.")
    if req.status_callback and not valid_callback_url(req.status_callback):
        raise error(GENERIC, f"StatusCallback {req.status_callback!r} is not a valid URL.")
    if req.twiml is not None and len(req.twiml) > MAX_TWIML:
        raise error(GENERIC, f"Twiml must be {MAX_TWIML} characters or fewer.")
    for name, value in (("Method", req.method), ("FallbackMethod", req.fallback_method),
                        ("StatusCallbackMethod", req.status_callback_method)):
        method_of(value, name)
    unknown = [e for e in events_of(req.status_callback_events) if e not in EVENTS]
    if unknown:
        raise error(GENERIC, f"StatusCallbackEvent must be among {', '.join(EVENTS)}, not {', '.join(unknown)}.")
    if req.timeout is not None and not 1 <= req.timeout <= MAX_TIMEOUT:
        raise error(GENERIC, f"Timeout must be between 1 and {MAX_TIMEOUT} seconds.")
    if req.send_digits is not None and not _DIGITS.match(req.send_digits):
        raise error(GENERIC, "SendDigits takes up to 32 of 0-9, A-D, #, *, w and W.")


def events_of(values: list[str]) -> list[str]:
    """StatusCallbackEvent as repeated keys (what the SDKs send) or space-separated (as the docs write some)."""
    return [e for value in values for e in value.split()]


def price(duration: int, country: str) -> str:
    """Emulator: a flat, documented price per started minute (US/CA 0.0140 USD, elsewhere 0.1000)."""
    minutes = max(1, -(-duration // 60))
    rate = 0.0140 if country in ("US", "CA") else 0.1000
    return f"{-rate * minutes:.5f}"

