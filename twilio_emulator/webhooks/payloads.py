"""The form parameters Twilio sends to apps, built from domain objects."""
from __future__ import annotations

import time
from email.utils import formatdate
from typing import Protocol

from ..domain.messages import DELIVERED, READ, UNDELIVERED, Message

API_VERSION = "2010-04-01"


def status_callback(msg: Message, status: str, error_code: int | None, at: float,
                    channel_install_sid: str | None = None) -> list[tuple[str, str]]:
    """A message status callback (reference §7.2; captured payloads): MessageSid/SmsSid,
    MessageStatus/SmsStatus, AccountSid, From, To, ApiVersion; MessagingServiceSid when sent through one;
    ErrorCode for failed/undelivered; RawDlrDoneDate (YYMMDDhhmm) with an SMS/MMS delivery receipt. A WhatsApp
    or RCS message adds ChannelPrefix, ChannelToAddress (the number without its prefix), ChannelInstallSid
    (its sender's XE…) and, for delivered/read/undelivered, EventType [reference api §7.2; UNVERIFIED: which
    statuses carry EventType]."""
    channel = msg.channel
    params = [("SmsSid", msg.sid), ("SmsStatus", status), ("MessageStatus", status), ("To", msg.to),
              ("MessageSid", msg.sid), ("AccountSid", msg.account_sid), ("From", msg.from_ or ""),
              ("ApiVersion", API_VERSION)]
    if msg.messaging_service_sid:
        params.append(("MessagingServiceSid", msg.messaging_service_sid))
    if error_code is not None:
        params.append(("ErrorCode", str(error_code)))
    if channel:
        params += [("ChannelPrefix", channel), ("ChannelToAddress", msg.to.split(":", 1)[-1])]
        if channel_install_sid:
            params.append(("ChannelInstallSid", channel_install_sid))
        if status in (DELIVERED, READ, UNDELIVERED):
            params.append(("EventType", status.upper()))
    elif status in (DELIVERED, UNDELIVERED):
        params.append(("RawDlrDoneDate", time.strftime("%y%m%d%H%M", time.gmtime(at))))
    return params


class Place(Protocol):
    """Where a number is (a Handset, or a phone number's geo): empty strings when unknown."""
    city: str
    state: str
    zip: str
    country: str


def _geo(prefix: str, place: Place | None) -> list[tuple[str, str]]:
    # Twilio sends every geo key, empty when it does not know (reference §7.1).
    if place is None:
        return [(f"{prefix}City", ""), (f"{prefix}State", ""), (f"{prefix}Zip", ""), (f"{prefix}Country", "")]
    return [(f"{prefix}City", place.city.upper()), (f"{prefix}State", place.state), (f"{prefix}Zip", place.zip),
            (f"{prefix}Country", place.country)]


_GEO_KEYS = frozenset(f"{side}{part}" for side in ("To", "From") for part in ("City", "State", "Zip", "Country"))


def incoming_channel_message(msg: Message, media: list[tuple[str, str]],
                             extras: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An inbound WhatsApp/RCS message's webhook (reference twilio-more §5.6, in the order of a captured
    request): the SMS set without the geo keys (captures have none), then the channel's own parameters
    (`extras`: ProfileName, WaId, MessageType, ButtonPayload …)."""
    return [*(p for p in incoming_message(msg, None, None, media) if p[0] not in _GEO_KEYS), *extras]


def incoming_message(msg: Message, sender: Place | None, recipient: Place | None,
                     media: list[tuple[str, str]], opt_out_type: str | None = None) -> list[tuple[str, str]]:
    """The inbound message webhook (reference §7.1, in the order of a captured real request), `media` being
    (content type, URL) pairs: MediaContentType{N}/MediaUrl{N}. MessagingServiceSid only when the number is
    in a service; OptOutType (STOP, START, HELP) when the body was such a keyword and the number is in a service
    (Advanced Opt-Out, reference §11). Twilio upper-cases city names (FromCity=CHICOPEE in captures)."""
    to_geo, from_geo = dict(_geo("To", recipient)), dict(_geo("From", sender))
    params = [("ToCountry", to_geo["ToCountry"]), ("ToState", to_geo["ToState"]), ("SmsMessageSid", msg.sid),
              ("NumMedia", str(len(media))), ("ToCity", to_geo["ToCity"]), ("FromZip", from_geo["FromZip"]),
              ("SmsSid", msg.sid), ("FromState", from_geo["FromState"]), ("SmsStatus", "received"),
              ("FromCity", from_geo["FromCity"]), ("Body", msg.body), ("FromCountry", from_geo["FromCountry"]),
              ("To", msg.to), ("ToZip", to_geo["ToZip"]), ("NumSegments", str(msg.num_segments)),
              ("ReferralNumMedia", "0"), ("MessageSid", msg.sid), ("AccountSid", msg.account_sid),
              ("From", msg.from_ or ""), ("ApiVersion", API_VERSION)]
    for i, (content_type, url) in enumerate(media):
        params += [(f"MediaContentType{i}", content_type), (f"MediaUrl{i}", url)]
    if msg.messaging_service_sid:
        params.append(("MessagingServiceSid", msg.messaging_service_sid))
        if opt_out_type:
            params.append(("OptOutType", opt_out_type))
    return params


def fallback(params: list[tuple[str, str]], error_code: int, error_url: str) -> list[tuple[str, str]]:
    """The fallback URL gets the same parameters plus ErrorCode and ErrorUrl [UNVERIFIED for messaging:
    documented for Voice; reference §7.3]."""
    return [*params, ("ErrorCode", str(error_code)), ("ErrorUrl", error_url)]


def incoming_call(call_sid: str, account_sid: str, caller: str, called: str, status: str,
                  sender: Place | None, recipient: Place | None, direction: str = "inbound") -> list[tuple[str, str]]:
    """A voice webhook (Twilio's standard voice request parameters): `caller` is From, `called` To — on an
    outbound-api call, From is the account's number (reference twilio-more §3.6)."""
    return [("AccountSid", account_sid), ("ApiVersion", API_VERSION), ("CallSid", call_sid),
            ("CallStatus", status), ("Called", called), ("Caller", caller), ("Direction", direction),
            ("From", caller), ("To", called), *_geo("From", sender), *_geo("To", recipient),
            *[(k.replace("From", "Caller"), v) for k, v in _geo("From", sender)],
            *[(k.replace("To", "Called"), v) for k, v in _geo("To", recipient)]]


def sms_action(call_params: list[tuple[str, str]], sms_sid: str | None, sms_status: str) -> list[tuple[str, str]]:
    """Voice <Sms action>: the call's parameters plus SmsSid and SmsStatus (sending | invalid | failed)."""
    return [*call_params, ("SmsSid", sms_sid or ""), ("SmsStatus", sms_status)]


def caller_id_verified(account_sid: str, call_sid: str, phone_number: str, caller_id_sid: str) -> list[tuple[str, str]]:
    """The ValidationRequest's StatusCallback once the simulated phone keyed in the code ([UNVERIFIED] names:
    reference twilio-more §8.2)."""
    return [("AccountSid", account_sid), ("CallSid", call_sid), ("VerificationStatus", "success"),
            ("OutgoingCallerIdSid", caller_id_sid), ("PhoneNumber", phone_number)]


def call_status(voice: list[tuple[str, str]], status: str, sequence: int, at: float, duration: int | None,
                sip_code: int | None) -> list[tuple[str, str]]:
    """A call's status callback (reference twilio-more §3.5): the voice parameters with CallStatus set, plus
    Timestamp, CallbackSource, SequenceNumber; CallDuration, Duration (minutes) and SipResponseCode at the end."""
    params = [(k, status if k == "CallStatus" else v) for k, v in voice]
    params += [("Timestamp", formatdate(at, usegmt=False).replace("-0000", "+0000")),
               ("CallbackSource", "call-progress-events"), ("SequenceNumber", str(sequence))]
    if duration is not None:
        params += [("CallDuration", str(duration)), ("Duration", str(-(-duration // 60)))]
    if sip_code is not None:
        params.append(("SipResponseCode", str(sip_code)))
    return params


def gather_action(call_params: list[tuple[str, str]], digits: str, speech: str,
                  confidence: str) -> list[tuple[str, str]]:
    """<Gather action>: the call's parameters plus Digits (keys) or SpeechResult and Confidence (speech)."""
    params = [*call_params]
    if speech:
        params += [("SpeechResult", speech), ("Confidence", confidence)]
    else:
        params.append(("Digits", digits))
    return params


def record_action(call_params: list[tuple[str, str]], url: str, duration: int, sid: str,
                  digits: str) -> list[tuple[str, str]]:
    """<Record action>: the call's parameters plus RecordingUrl, RecordingDuration, RecordingSid and Digits (the
    key that ended it, or "hangup")."""
    return [*call_params, ("RecordingUrl", url), ("RecordingDuration", str(duration)), ("RecordingSid", sid),
            ("Digits", digits)]


def dial_action(call_params: list[tuple[str, str]], status: str, child_sid: str | None,
                duration: int | None, recording: tuple[str, str, int] | None = None) -> list[tuple[str, str]]:
    """<Dial action>: the call's parameters plus DialCallStatus, DialCallSid and DialCallDuration (once the
    dialled party answered), and RecordingUrl, RecordingSid and RecordingDuration when the dial was recorded
    (`recording`: url, sid, seconds)."""
    params = [*call_params, ("DialCallStatus", status)]
    if child_sid:
        params.append(("DialCallSid", child_sid))
    if duration is not None:
        params.append(("DialCallDuration", str(duration)))
    if recording is not None:
        params += [("RecordingUrl", recording[0]), ("RecordingSid", recording[1]),
                   ("RecordingDuration", str(recording[2]))]
    return params


def partial_result(call_params: list[tuple[str, str]], unstable: str, stable: str,
                   sequence: int) -> list[tuple[str, str]]:
    """<Gather partialResultCallback>: the call's parameters plus the words recognised so far
    (UnstableSpeechResult; StableSpeechResult, those that will not change) and SequenceNumber [UNVERIFIED
    beyond these names, from Twilio's docs for the attribute: Stability is not sent]."""
    return [*call_params, ("UnstableSpeechResult", unstable), ("StableSpeechResult", stable),
            ("SequenceNumber", str(sequence))]
