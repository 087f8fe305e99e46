"""Messages and Media: the dataclasses, statuses, the outbound lifecycle table, and the rules of creating one.

Pure: no I/O. Time comes in as `now` (epoch seconds, UTC).
"""
from __future__ import annotations

import base64
import binascii
import copy
import dataclasses
import mimetypes
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote_to_bytes, urlsplit

from . import numbers
from .channels import CHANNELS, split
from .channels import price as channel_price
from .errors import INVALID_PARAMETER, TwilioError, error
from .records import by_keyword
from .segments import segment, utf16_length
from .sids import is_sid

# Statuses (spec message_enum_status) and which are final (reference §12).
ACCEPTED, SCHEDULED, QUEUED, SENDING, SENT = "accepted", "scheduled", "queued", "sending", "sent"
DELIVERED, UNDELIVERED, FAILED, CANCELED = "delivered", "undelivered", "failed", "canceled"
RECEIVING, RECEIVED, READ = "receiving", "received", "read"
FINAL = frozenset({DELIVERED, UNDELIVERED, FAILED, CANCELED, RECEIVED, READ})

OUTBOUND_API, OUTBOUND_REPLY, OUTBOUND_CALL, INBOUND = "outbound-api", "outbound-reply", "outbound-call", "inbound"

# The outbound happy path: each status and the one after it (reference §12).
NEXT_STATUS = {ACCEPTED: QUEUED, SCHEDULED: QUEUED, QUEUED: SENDING, SENDING: SENT, SENT: DELIVERED}

MAX_BODY = 1600  # 21617
MAX_MEDIA = 10  # 21623
# Twilio: a message may wait in the outgoing queue ValidityPeriod seconds (1-36000, default 36000), then it is
# not sent: failed, 30036 "Validity Period Expired" (spec ValidityPeriod; docs errors/30036).
DEFAULT_VALIDITY = MAX_VALIDITY = 36000
VALIDITY_EXPIRED = (30036, "Validity Period Expired")


class Step(NamedTuple):
    """A planned status change: at `at` (epoch seconds) the message takes `status`."""
    at: float
    status: str
    error_code: int | None = None
    error_message: str | None = None


@dataclass
class Media:
    sid: str
    account_sid: str
    message_sid: str
    content_type: str
    url: str
    date_created: float
    date_updated: float


@dataclass(slots=True)
class Message:
    sid: str
    account_sid: str
    to: str
    from_: str | None
    body: str
    status: str
    direction: str
    date_created: float
    date_updated: float
    date_sent: float | None = None
    num_segments: int = 1
    num_media: int = 0
    price: str | None = None
    price_unit: str = "USD"
    error_code: int | None = None
    error_message: str | None = None
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None  # None = POST; GET only from TwiML <Message action method="GET">
    provide_feedback: bool = False
    validity_period: int | None = None
    send_at: float | None = None
    media: list[Media] = field(default_factory=list)
    # Planned status changes, in order. The message's state at time t is its stored state with every step
    # at or before t applied (observe()). sent_at/planned_price become date_sent/price once 'sent' is reached.
    timeline: list[Step] = field(default_factory=list)
    sent_at: float | None = None
    planned_price: str | None = None
    sms_only: bool = False  # an MMS delivered as SMS by a Messaging Service's MMS converter
    # A WhatsApp/RCS message's extras: an inbound one's webhook parameters (ProfileName, ButtonPayload …), an
    # outbound template's type and rendered object ("content_type", "content") [issue 16].
    channel_data: dict | None = None

    @property
    def channel(self) -> str:
        """whatsapp | rcs for a message over a channel, "" for SMS/MMS (from its From, else its To)."""
        from_, to = self.from_, self.to
        if from_ and ":" in from_:
            return from_.split(":", 1)[0]
        if to and ":" in to:
            return to.split(":", 1)[0]
        return ""

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


@dataclass(slots=True)
class SendRequest:
    """A Messages.create request, already turned from PascalCase form fields into Python values."""
    to: str | None
    from_: str | None = None
    body: str | None = None
    media_urls: list[str] = field(default_factory=list)
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None
    provide_feedback: bool = False
    validity_period: int | None = None
    schedule_type: str | None = None
    send_at: float | None = None
    smart_encoded: bool | None = None  # None: as the Messaging Service says (off without one)
    application_sid: str | None = None  # its message_status_callback, unless StatusCallback is given
    content_sid: str | None = None  # a Content template (HX…) instead of Body/MediaUrl (domain.content)
    content_variables: str | None = None  # its values: a JSON object as a string
    fallback_from: str | None = None  # RCS: the pool's SMS/MMS sender to fall back to (reference twilio-more §6)


# Messages and SendRequests made on the create path and when rows are read: by keyword, at a call's cost by
# position (domain.records).
new_send_request = by_keyword(SendRequest)
message_of = by_keyword(Message)


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def valid_callback_url(url: str) -> bool:
    # Twilio: "URL must contain a valid hostname and underscores are not allowed", max 4000 chars (21609).
    if len(url) > 4000 or not is_http_url(url):
        return False
    return "_" not in (urlsplit(url).hostname or "")


def check_content(body: str, media_urls: list[str], *, service: bool = False, data_urls: bool = False) -> None:
    """A message's body and media: the one rule for REST sends, TwiML replies and inbound messages. 21602
    (21619 through a Messaging Service) with neither, 21617 over 1600 UTF-16 units, 21623 over 10 media,
    21620 a media URL that is not http(s) (nor, where injected inbound media take them, a data: URL)."""
    if not body and not media_urls:
        if service:
            raise error(21619, "A text message body, media URL or content SID is required.")
        raise error(21602, "Message body is required: give Body or MediaUrl.")
    if len(body) > MAX_BODY // 2 and utf16_length(body) > MAX_BODY:  # a character is at most 2 units
        raise error(21617, "The concatenated message body exceeds the 1600 character limit.")
    if len(media_urls) > MAX_MEDIA:
        raise error(21623, "The number of media files exceeds the allowed limit of 10.")
    for url in media_urls:
        if not (is_http_url(url) or (data_urls and url.startswith("data:"))):
            raise error(21620, f"Media URL {url} is invalid: a MediaUrl is an http or https URL.")


def check_addresses(req: SendRequest) -> tuple[str, str]:
    """The channels of `To` and `From` ("" for SMS/MMS): WhatsApp and RCS addresses are kept as given, never
    read as phone numbers (issue 16). 21910: `From` and `To` of different channels [UNVERIFIED code: Twilio's
    "Invalid From and To pair"]; a channel the emulator does not have (messenger:) is not emulated: 21211/21212
    say so."""
    if ":" not in req.to and not (req.from_ and ":" in req.from_):  # phone numbers, the common case: no channel
        return "", ""
    to, from_ = split(req.to), split(req.from_)
    if to.channel and to.channel not in CHANNELS:
        raise error(21211, f"The 'To' address {req.to} is of channel {to.channel}, which the emulator does not "
                           "emulate (whatsapp: and rcs: are).")
    if from_.channel and from_.channel not in CHANNELS:
        raise error(21212, f"The 'From' address {req.from_} is of channel {from_.channel}, which the emulator "
                           "does not emulate (whatsapp: and rcs: are).")
    if req.from_ and from_.channel != to.channel:
        raise error(21910, f"Invalid From and To pair. From and To should be of the same channel: {req.from_} "
                           f"cannot send to {req.to}.")
    return to.channel, from_.channel


def service_in_from(req: SendRequest) -> SendRequest:
    """Twilio's docs for 21603 and 35118: a Messaging Service SID may be given in `From`; it then works as
    `MessagingServiceSid` (issue 14: the emulator answered 21212). [UNVERIFIED] what Twilio does when both
    name different services: refused here with 20001, rather than one silently winning."""
    if not (req.from_ and is_sid(req.from_, "MG")):
        return req
    if req.messaging_service_sid not in (None, req.from_):
        raise error(20001, f"From {req.from_} and MessagingServiceSid {req.messaging_service_sid} name different "
                           "Messaging Services.")
    return dataclasses.replace(req, from_=None, messaging_service_sid=req.from_)


def validate_send(req: SendRequest) -> tuple[numbers.Number, str, str]:
    """Check a create request in Twilio's order; return the parsed To (the number of a channel address), the
    body and the channel of To ("" for SMS/MMS). Raises TwilioError.

    Sender ownership (21606, 63007) needs the account's numbers and senders and is checked by the engine.
    """
    if not req.to:
        raise error(21604, "A 'To' phone number is required.")
    channel, from_channel = check_addresses(req)
    if req.fallback_from is not None:  # docs errors/21664, 21666 (21667 needs the pool: engine)
        if req.from_:
            raise error(21664, "FallbackFrom cannot be used with From: give MessagingServiceSid and no From.")
        if not req.messaging_service_sid:
            raise error(21666, "FallbackFrom requires a MessagingServiceSid.")
    if not req.from_ and not req.messaging_service_sid:
        raise error(21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.")
    body = req.body or ""
    if req.content_variables is not None and not req.content_sid:
        # docs errors/21654 (a Messaging Service send: 92005, the same rule)
        raise error(21654, "ContentSid Required: ContentVariables were given without a ContentSid.")
    if req.content_sid:
        if body or req.media_urls:
            # [UNVERIFIED] code: Twilio's docs say not to send Body/MediaUrl with ContentSid (errors/63016);
            # refused rather than one of them silently ignored.
            raise error(INVALID_PARAMETER, "Give either ContentSid or Body/MediaUrl, not both.")
        if not is_sid(req.content_sid, "HX"):
            raise error(21655, f"The ContentSid is Invalid: {req.content_sid} is not a Content SID (HX…).")
    else:
        check_content(body, req.media_urls, service=bool(req.messaging_service_sid))
    if req.status_callback is not None and not valid_callback_url(req.status_callback):
        raise error(21609, f"The StatusCallback URL {req.status_callback} is not a valid URL.")
    if req.validity_period is not None and not valid_validity_period(req.validity_period):
        raise invalid_validity_period()
    sender = numbers.parse(req.from_) if req.from_ and not from_channel else None
    to_value = req.to.split(":", 1)[1] if channel else req.to
    to = numbers.parse(to_value, sender.country if sender else None)
    if to is None or (channel and to.e164 != to_value.strip()):
        raise error(21211, f"The 'To' number {req.to} is not a valid phone number"
                           f"{' (a channel address takes E.164: ' + channel + ':+14155550100)' if channel else ''}.")
    if req.from_ and not from_channel and sender is None and not (numbers.is_alphanumeric_sender(req.from_)
                                                                  or numbers.is_short_code(req.from_)):
        raise error(21212, f"The 'From' number {req.from_} is not a valid phone number, shortcode, or "
                           "alphanumeric sender ID.")
    return to, body, channel


SEND_AT_MIN, SEND_AT_MAX = 300, 35 * 86400  # seconds ahead (reference §1.1: docs of 35114/35115)


def check_schedule(schedule_type: str | None, send_at: float | None, now: float) -> float:
    """SendAt of a scheduled message (ScheduleType=fixed), checked: 35111 when one of the pair is missing,
    35114 outside the window of 300 s to 35 days ahead."""
    if schedule_type != "fixed" or send_at is None:
        # [UNVERIFIED] Twilio's code for SendAt without ScheduleType; 35111 is documented for the reverse.
        raise error(35111, "ScheduleType=fixed and SendAt are required together to schedule a message.")
    if not SEND_AT_MIN <= send_at - now <= SEND_AT_MAX:
        raise error(35114, "SendAt time must be between 300 seconds and 35 days (3024000 seconds) in the future, "
                           "inclusive.")
    return send_at


def valid_validity_period(seconds: int) -> bool:
    return 1 <= seconds <= MAX_VALIDITY


def invalid_validity_period() -> TwilioError:
    # Twilio docs, error 21624: "Validity period can only be set to integers between 1 and 36,000 seconds".
    return error(21624, f"ValidityPeriod must be an integer between 1 and {MAX_VALIDITY} seconds.",
                 param="validity_period")


def new_message(*, sid: str, account_sid: str, to: str, from_: str | None, body: str, direction: str, status: str,
                now: float, media_urls: list[str], media_sids: list[str], req: SendRequest | None = None,
                as_sms: bool = False) -> Message:
    """`as_sms`: an MMS the converter turned into an SMS (its body carries the links): counted and priced as one,
    its Media kept (the links point at them) [UNVERIFIED: what Twilio's resource shows for a converted MMS]."""
    seg = segment(body)
    msg = message_of(
        sid=sid, account_sid=account_sid, to=to, from_=from_, body=body, status=status, direction=direction,
        date_created=now, date_updated=now,
        # Twilio: an MMS is billed as one message (reference §10.1 [UNVERIFIED]).
        num_segments=1 if media_urls and not as_sms else seg.segments, num_media=len(media_urls),
        sms_only=as_sms,
    )
    if req is not None:
        msg.messaging_service_sid = req.messaging_service_sid
        msg.status_callback = req.status_callback
        msg.status_callback_method = req.status_callback_method
        msg.provide_feedback = req.provide_feedback
        msg.validity_period = req.validity_period
        msg.send_at = req.send_at
    if media_urls:  # (else the default empty list: a comprehension is a call of its own, even over nothing)
        msg.media = [Media(sid=m, account_sid=account_sid, message_sid=sid, content_type=guess_content_type(url),
                           url=url, date_created=now, date_updated=now) for m, url in zip(media_sids, media_urls)]
    return msg


MIN_STEP = 0.001  # seconds: even "instant" steps happen after the request that caused them


@lru_cache(maxsize=64)
def delivery_plan(start: str, delays: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    """The outbound happy path from `start` as (status, seconds after start) pairs: queued -> sending -> sent
    -> delivered, each step after its delay and strictly after the one before (so that a manual clock shows
    each one). Issue 3's carriers replace the tail with their verdict (undelivered, failed, no receipt)."""
    table, plan, offset, status = dict(delays), [], 0.0, start
    while status in NEXT_STATUS:
        status = NEXT_STATUS[status]
        offset += max(table.get(status, 0.0), MIN_STEP)
        plan.append((status, offset))
    return tuple(plan)


def apply_plan(msg: Message, steps: list[Step], country: str) -> None:
    """Give `msg` its planned timeline (domain.carriers.plan), with the planned date_sent and price of its
    'sent' step, if it has one."""
    msg.timeline = steps
    for step in steps:
        if step.status == SENT:
            msg.sent_at, msg.planned_price = step.at, price_for(msg, country)


def queue_wait(steps: list[Step], seconds: float) -> list[Step]:
    """The plan of a message that waits `seconds` in its sender's queue (domain.throughput): the steps from
    'sending' on, that much later."""
    out, waiting = [], False
    for step in steps:
        waiting = waiting or step.status in (SENDING, SENT, FAILED, UNDELIVERED, DELIVERED)
        out.append(step._replace(at=step.at + seconds) if waiting else step)
    return out


def expire(steps: list[Step], queued_at: float, validity: int) -> list[Step]:
    """The plan with the validity period applied: a message whose 'sending' step comes later than `validity`
    seconds after it entered the queue fails at that moment with 30036 instead (nothing sent, no price)."""
    deadline = queued_at + validity
    for i, step in enumerate(steps):
        if step.status == SENDING:
            if step.at > deadline:
                return [*steps[:i], Step(deadline, FAILED, *VALIDITY_EXPIRED)]
            break
    return steps


def observe(msg: Message, now: float) -> Message:
    """The message as it stands at `now`: planned steps up to `now` applied, date_sent and price shown from the
    'sent' step on. Returns `msg` itself when no step is due (the common case at creation)."""
    if not msg.timeline or msg.timeline[0].at > now:
        if msg.status == ACCEPTED and msg.from_ is not None:  # Twilio: no From until the service picks one
            view = copy.copy(msg)
            view.from_ = None
            return view
        return msg
    reached = [s for s in msg.timeline if s.at <= now]
    view = copy.copy(msg)
    for step in reached:
        view.status, view.date_updated = step.status, step.at
        if step.error_code is not None:
            view.error_code, view.error_message = step.error_code, step.error_message
        if step.status == SENT:
            view.date_sent, view.price = msg.sent_at, msg.planned_price
    view.timeline = msg.timeline[len(reached):]
    return view


def time_of(msg: Message, statuses: tuple[str, ...] | frozenset[str]) -> float | None:
    """When `msg` has (or had) one of `statuses`: its creation time if it starts with one, else the time of the
    first planned step that reaches one; None if it never will."""
    if msg.status in statuses:
        return msg.date_updated
    for step in msg.timeline:
        if step.status in statuses:
            return step.at
    return None


def mms_as_sms(body: str, links: list[str]) -> str:
    """The body of an MMS converted to SMS: the text, then one link per media item, each on its own line.
    Twilio appends a short link it hosts; the emulator links to the media's content URL on itself."""
    return "\n".join([body, *links] if body else links)


def guess_content_type(url: str) -> str:
    # Until its download (engine.media) gives the real Content-Type: a guess from the URL's extension (a data:
    # URL, which only injected inbound media have, names its own type).
    if url.startswith("data:"):
        return url[5:].split(",", 1)[0].split(";", 1)[0] or "text/plain"
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or "application/octet-stream"


def decode_data_url(url: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a `data:` URL (RFC 2397), None for any other URL or a malformed one."""
    if not url.startswith("data:") or "," not in url:
        return None
    head, _, data = url[5:].partition(",")
    params = head.split(";")
    try:
        payload = base64.b64decode(data, validate=True) if "base64" in params[1:] else unquote_to_bytes(data)
    except (binascii.Error, ValueError):
        return None
    return params[0] or "text/plain", payload


def price_for(msg: Message, country: str) -> str:
    """Emulator: a flat, documented price list (USD): US/CA SMS 0.0079 per segment, MMS 0.0200; elsewhere
    0.0500 per segment. Twilio prices are negative decimal strings with five places ("-0.00750")."""
    channel = msg.channel
    if channel:
        return channel_price(channel)
    return _price(country in numbers.NANP, bool(msg.num_media) and not msg.sms_only, msg.num_segments)


@lru_cache(maxsize=256)
def _price(nanp: bool, mms: bool, segments: int) -> str:
    if mms:
        return f"{-(0.02 if nanp else 0.05):.5f}"
    return f"{-(0.0079 if nanp else 0.05) * segments:.5f}"
