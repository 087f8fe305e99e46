"""Twilio Conversations v1 ("classic"): conversations, their participants, messages and delivery receipts, and
the rules that hold them together. Pure: no I/O; time comes in as an argument.

Sources: ../shared/reference/twilio-conversations.md (§1 wire contract from the spec, §2 behaviour from the
docs) and the spec twilio_conversations_v1.json. What the reference marks [UNVERIFIED] is marked here too.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import channels, numbers
from .errors import INVALID_PARAMETER, TwilioError

# States (reference §2.7): active by default; inactive can be reactivated; closed is final; initializing only
# briefly (ConversationWithParticipants).
ACTIVE, INACTIVE, CLOSED, INITIALIZING = "active", "inactive", "closed", "initializing"
STATES = (INITIALIZING, INACTIVE, ACTIVE, CLOSED)
MIN_INACTIVE, MIN_CLOSED = 60.0, 600.0  # seconds: Timers.Inactive >= 1 minute, Timers.Closed >= 10 minutes (§1.4)

# The 50xxx codes (reference §2.9) and their HTTP statuses: only 50416 (409) and 50441 (400) are sourced; the
# others follow the reference's advice (404 for not found, 409 for conflicts, 400 for bad input) [UNVERIFIED].
BINDING_IN_USE = 50416
IDENTITY_IN_USE = 50433
ADDRESS_IS_PROXY = 50409
INVALID_PROXY = 50408
EMPTY_PROXY = 50412
UNIQUE_NAME_TAKEN = 50353
UNIQUE_NAME_IS_SID = 50390
TIMERS_WITHOUT_STATE = 50382
CONVERSATION_NOT_FOUND = 50350
PARTICIPANT_NOT_FOUND = 50432

# Sizes (reference §2.6, docs limits).
MAX_CONVERSATION_ATTRIBUTES, MAX_ATTRIBUTES = 16 * 1024, 4 * 1024
MAX_BODY = 1600  # outbound to SMS/WhatsApp participants (chat allows 32 KB: the SMS limit holds here)
MAX_IDENTITY = 256

_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def conflict(code: int, message: str, param: str | None = None) -> TwilioError:
    return TwilioError(message, code=code, status=409, param=param)


def bad(code: int, message: str, param: str | None = None) -> TwilioError:
    return TwilioError(message, code=code, status=400, param=param)


def duration(text: str, param: str) -> float:
    """An ISO 8601 duration (`PT1M`, `P1DT2H`) in seconds."""
    m = _DURATION.fullmatch(text or "")
    if not m or not any(m.groups()) or text.endswith("T"):
        raise bad(INVALID_PARAMETER, f"{param} must be an ISO 8601 duration such as PT10M, not {text!r}.", param)
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def attributes(text: str | None, limit: int, param: str = "Attributes") -> str:
    """Attributes are a JSON string, "{}" when unset; invalid JSON is refused (spec descriptions)."""
    if text is None:
        return "{}"
    try:
        json.loads(text)
    except ValueError:
        raise bad(INVALID_PARAMETER, f"{param} must be valid JSON.", param) from None
    if len(text.encode()) > limit:
        raise bad(INVALID_PARAMETER, f"{param} is over {limit // 1024} KB.", param)
    return text


@dataclass
class Conversation:
    sid: str  # CH…
    account_sid: str
    chat_service_sid: str  # IS…: its Conversation Service
    date_created: float
    date_updated: float
    friendly_name: str | None = None
    unique_name: str | None = None
    attributes: str = "{}"
    messaging_service_sid: str | None = None
    state: str = ACTIVE
    inactive_after: float | None = None  # Timers.Inactive, seconds from date_updated
    closed_after: float | None = None  # Timers.Closed, seconds from date_updated
    next_index: int = 0  # the index of its next message
    timer_told: float | None = None  # the latest timer moment whose change the webhooks were told of

    def state_at(self, now: float) -> str:
        """Its state at `now`, its timers applied (a planned timeline, as a message's statuses are)."""
        if self.state == CLOSED:
            return CLOSED
        if self.closed_after is not None and now >= self.date_updated + self.closed_after:
            return CLOSED
        if self.state == ACTIVE and self.inactive_after is not None and now >= self.date_updated + self.inactive_after:
            return INACTIVE
        return self.state

    def timers_json(self, now: float) -> dict:
        """{} or {date_inactive, date_closed} (spec example: measured from date_updated); a timer whose moment
        passed is spent."""
        out = {}
        state = self.state_at(now)
        if self.inactive_after is not None and state == ACTIVE:
            out["date_inactive"] = self.date_updated + self.inactive_after
        if self.closed_after is not None and state != CLOSED:
            out["date_closed"] = self.date_updated + self.closed_after
        return out


@dataclass
class Binding:
    """A participant's messaging binding (reference §1.5): SMS/WhatsApp/RCS address and the account's proxy."""
    type: str  # sms | whatsapp | rcs
    address: str | None = None
    proxy_address: str | None = None
    projected_address: str | None = None

    def key(self) -> str | None:
        """What only one open conversation may hold: the (address, proxy) pair (§2.1)."""
        return f"{self.address}|{self.proxy_address}" if self.address and self.proxy_address else None


@dataclass
class Participant:
    sid: str  # MB…
    account_sid: str
    conversation_sid: str
    chat_service_sid: str
    date_created: float
    date_updated: float
    identity: str | None = None
    attributes: str = "{}"
    binding: dict | None = None  # Binding's fields
    role_sid: str | None = None
    last_read_message_index: int | None = None
    last_read_timestamp: str | None = None
    notification_level: str = "default"  # default | muted: a user's setting for this conversation (UserConversation)

    @property
    def messaging_binding(self) -> Binding | None:
        return Binding(**self.binding) if self.binding else None


@dataclass
class Receipt:
    """One copy of a conversation message to a non-chat participant (§1.7): its channel message, whose status
    the receipt follows (the latest only)."""
    sid: str  # DY…
    participant_sid: str
    channel_message_sid: str | None  # SM…/MM…: None when Twilio refused to send it
    date_created: float
    error_code: int = 0  # when refused: the Messages API's code


@dataclass
class ConversationMessage:
    sid: str  # IM…
    account_sid: str
    conversation_sid: str
    chat_service_sid: str
    index: int
    author: str
    date_created: float
    body: str | None = None
    attributes: str = "{}"
    participant_sid: str | None = None
    date_updated: float | None = None  # null until edited (spec description)
    content_sid: str | None = None
    media: list | None = None
    receipts: list[dict] = field(default_factory=list)  # Receipt's fields

    @property
    def delivery_receipts(self) -> list[Receipt]:
        return [Receipt(**r) for r in self.receipts]


def binding_of(address: str | None, proxy: str | None, projected: str | None) -> Binding:
    """The binding a participant's MessagingBinding.* parameters describe, checked (§1.5, §2.9)."""
    if projected and not address and not proxy:
        return Binding("sms", projected_address=_proxy(projected, "MessagingBinding.ProjectedAddress"))
    if not address:
        raise bad(INVALID_PARAMETER, "MessagingBinding.Address is required for a participant without an Identity.",
                  "MessagingBinding.Address")
    kind = channels.channel_of(address) or "sms"
    if kind not in (channels.WHATSAPP, channels.RCS, "sms"):
        raise bad(INVALID_PARAMETER, f"MessagingBinding.Address {address} is not an SMS, WhatsApp or RCS address.",
                  "MessagingBinding.Address")
    if kind == "sms" and numbers.parse(address) is None:
        raise bad(INVALID_PARAMETER, f"MessagingBinding.Address {address} is not a valid phone number.",
                  "MessagingBinding.Address")
    if proxy is None:  # an SMS participant of a group MMS has its address only (§2.8)
        return Binding(kind, address=address)
    proxy = _proxy(proxy, "MessagingBinding.ProxyAddress")
    if proxy == address:
        raise bad(ADDRESS_IS_PROXY, "MessagingBinding.Address and MessagingBinding.ProxyAddress are the same "
                                    f"address ({address}).", "MessagingBinding.ProxyAddress")
    if (channels.channel_of(proxy) or "sms") != kind:
        raise bad(INVALID_PROXY, f"MessagingBinding.ProxyAddress {proxy} is not of the address's channel ({kind}).",
                  "MessagingBinding.ProxyAddress")
    return Binding(kind, address=address, proxy_address=proxy)


def _proxy(value: str, param: str) -> str:
    if not value:
        raise bad(EMPTY_PROXY, f"{param} is empty.", param)
    if len(value) > 256:
        raise bad(INVALID_PROXY, f"{param} is over 256 characters.", param)
    return value


def receipt_status(message_status: str | None) -> str | None:
    """A receipt's status from its channel message's (§2.4): null while the message is still inside Twilio."""
    return message_status if message_status in ("sent", "delivered", "read", "failed", "undelivered") else None


def delivery(statuses: list[str | None]) -> dict | None:
    """A message's `delivery` summary (§1.6): per status all|some|none of its receipts; null without receipts.
    [UNVERIFIED] each receipt counts under its latest status only (a delivered copy is not also `sent`)."""
    if not statuses:
        return None

    def share(status: str) -> str:
        n = sum(s == status for s in statuses)
        return "all" if n == len(statuses) else "some" if n else "none"
    return {"total": len(statuses), **{s: share(s) for s in ("sent", "delivered", "read", "failed", "undelivered")}}
