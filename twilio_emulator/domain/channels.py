"""Channels other than SMS/MMS: WhatsApp and RCS addresses, their senders (the Senders API's `XE…` resources),
WhatsApp's 24-hour customer-service window, and what a channel message carries that an SMS does not.
Pure: no I/O; time comes in as `now` (epoch seconds).

Facts: reference twilio-more §5 (WhatsApp), §6 (RCS); spec messaging v2 (Senders), v1 (ChannelSenders).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from . import numbers
from .errors import INVALID_PARAMETER, error

WHATSAPP, RCS = "whatsapp", "rcs"
CHANNELS = (WHATSAPP, RCS)
_PREFIX = re.compile(r"^([a-z]+):(.*)$", re.S)

# Sender statuses (spec channels_sender_enum_status).
CREATING, ONLINE, OFFLINE = "CREATING", "ONLINE", "OFFLINE"
PENDING_VERIFICATION, VERIFYING = "PENDING_VERIFICATION", "VERIFYING"
SENDER_TYPES = {WHATSAPP: "WhatsApp", RCS: "RCS"}  # a pool member's sender_type (spec messaging v1)

# Twilio error codes of the channels (reference twilio-more §5.4).
NO_CHANNEL = 63007  # no Channel for the From address (also a sender not online yet)
NOT_ON_CHANNEL = 63003  # the channel could not find the To address (not a WhatsApp user)
OUTSIDE_WINDOW = 63016
OUTSIDE_WINDOW_TEXT = ("Failed to send freeform message because you are outside the allowed window. If you are "
                       "using WhatsApp, please use a Message Template.")
WINDOW = 24 * 3600.0  # the customer-service window, from the user's last message (docs errors/63016)


class Address(NamedTuple):
    """A `To`/`From` value split: channel "" for a phone number, short code or alphanumeric ID."""
    channel: str
    value: str  # the E.164 number of `whatsapp:+1…`, the agent id of `rcs:acme_agent`, or the value itself

    @property
    def text(self) -> str:
        return f"{self.channel}:{self.value}" if self.channel else self.value


# A NamedTuple's constructor is a Python function around tuple.__new__: the hot paths call the latter directly.
_address = tuple.__new__


def split(address: str | None) -> Address:
    """`whatsapp:+14155550100` -> ("whatsapp", "+14155550100"); any other prefix (`messenger:`) keeps its
    channel name, so that the caller refuses it rather than reads it as a number."""
    if not address or ":" not in address:  # the common case (a phone number) without the regex
        return _address(Address, ("", address or ""))
    found = _PREFIX.match(address)
    if found is None:
        return Address("", address)
    return Address(found.group(1), found.group(2))


def channel_of(address: str | None) -> str:
    return split(address).channel


def of_number(channel: str, e164: str) -> str:
    return f"{channel}:{e164}"


@dataclass
class ChannelSender:
    """A WhatsApp or RCS sender (Senders API, `XE…`). Its status moves on the virtual clock: `status` is what
    it was set to at `date_updated`, and `next_status` is what it becomes at `ready_at` (CREATING -> ONLINE,
    or -> PENDING_VERIFICATION when the number needs the OTP; VERIFYING -> ONLINE)."""
    sid: str
    account_sid: str
    sender_id: str  # whatsapp:+E164 | rcs:<agent id>
    status: str
    date_created: float
    date_updated: float
    ready_at: float | None = None
    next_status: str | None = None
    configuration: dict = field(default_factory=dict)
    webhook: dict = field(default_factory=dict)
    profile: dict = field(default_factory=dict)
    friendly_name: str | None = None
    otp: str | None = None  # the code the number's phone was sent (shown by the control API only)

    @property
    def channel(self) -> str:
        return channel_of(self.sender_id)

    @property
    def number(self) -> str:
        """The E.164 number of a WhatsApp sender; the agent id of an RCS one."""
        return split(self.sender_id).value

    def status_at(self, now: float) -> str:
        if self.ready_at is not None and self.next_status and now >= self.ready_at:
            return self.next_status
        return self.status

    def online(self, now: float) -> bool:
        return self.status_at(now) == ONLINE


WEBHOOK_FIELDS = ("callback_url", "callback_method", "fallback_url", "fallback_method", "status_callback_url",
                  "status_callback_method")
CONFIGURATION_FIELDS = ("waba_id", "verification_method", "verification_code", "voice_application_sid",
                        "account_type")
PROFILE_TEXT = ("name", "about", "address", "description", "logo_url", "banner_url", "privacy_url",
                "terms_of_service_url", "accent_color", "vertical")
PROFILE_LISTS = {"websites": ("website", "label"), "emails": ("email", "label"),
                 "phone_numbers": ("phone_number", "label")}


def check_sender_id(sender_id) -> Address:
    """A Senders API `sender_id`: `whatsapp:+E164` or `rcs:<agent id>` [spec]; 400 naming the field else
    ([UNVERIFIED] code: 20001, Twilio's generic invalid parameter)."""
    if not isinstance(sender_id, str) or not sender_id:
        raise error(INVALID_PARAMETER, "sender_id is required: whatsapp:+E164 or rcs:<agent id>.", param="sender_id")
    address = split(sender_id)
    if address.channel == WHATSAPP:
        parsed = numbers.parse(address.value)
        if parsed is None or parsed.e164 != address.value:
            raise error(INVALID_PARAMETER, f"sender_id {sender_id} must be whatsapp: and an E.164 phone number.",
                        param="sender_id")
    elif address.channel == RCS:
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", address.value):
            raise error(INVALID_PARAMETER, f"sender_id {sender_id} must be rcs: and an agent id (letters, digits, "
                                           "_ . -).", param="sender_id")
    else:
        raise error(INVALID_PARAMETER, f"sender_id {sender_id} must start with whatsapp: or rcs:.", param="sender_id")
    return address


def _object(value, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise error(INVALID_PARAMETER, f"{name} must be an object.", param=name)
    return {k: v for k, v in value.items() if v is not None}  # the SDK sends every key, null when unset


def check_parts(body: dict, channel: str) -> tuple[dict, dict, dict]:
    """(configuration, webhook, profile) of a create or update body, each checked: known keys, strings,
    http(s) URLs, POST/PUT methods (spec enums)."""
    from .fields import MAX_FRIENDLY_NAME  # fields and messages import this module
    from .messages import is_http_url
    configuration = _object(body.get("configuration"), "configuration")
    webhook = _object(body.get("webhook"), "webhook")
    profile = _object(body.get("profile"), "profile")
    for name, part, known in (("configuration", configuration, CONFIGURATION_FIELDS),
                              ("webhook", webhook, WEBHOOK_FIELDS),
                              ("profile", profile, PROFILE_TEXT + tuple(PROFILE_LISTS))):
        unknown = sorted(set(part) - set(known))
        if unknown:
            raise error(INVALID_PARAMETER, f"{name}.{unknown[0]} is not a field of {name}.", param=name)
    for key, value in (*configuration.items(), *webhook.items(),
                       *[(k, v) for k, v in profile.items() if k in PROFILE_TEXT]):
        if not isinstance(value, str):
            raise error(INVALID_PARAMETER, f"{key} must be a string, not {value!r}.", param=key)
    if configuration.get("verification_method") not in (None, "sms", "voice"):
        raise error(INVALID_PARAMETER, "configuration.verification_method must be sms or voice.",
                    param="verification_method")
    for key in ("callback_url", "fallback_url", "status_callback_url"):
        if webhook.get(key) and not is_http_url(webhook[key]):
            raise error(INVALID_PARAMETER, f"webhook.{key} is not a valid URL: {webhook[key]}", param=key)
    for key, allowed in (("callback_method", ("POST", "PUT")), ("fallback_method", ("POST", "PUT")),
                         ("status_callback_method", ("POST", "GET"))):  # spec enums; a status callback's free
        if key in webhook:
            webhook[key] = webhook[key].upper()
            if webhook[key] not in allowed:
                raise error(INVALID_PARAMETER, f"webhook.{key} must be {' or '.join(allowed)}.", param=key)
    for key, (item_key, _) in PROFILE_LISTS.items():
        items = profile.get(key)
        if items is not None and not (isinstance(items, list) and all(
                isinstance(i, dict) and isinstance(i.get(item_key), str) for i in items)):
            raise error(INVALID_PARAMETER, f"profile.{key} must be a list of objects with {item_key}.", param=key)
    if len(profile.get("name", "")) > MAX_FRIENDLY_NAME:
        raise error(INVALID_PARAMETER, "profile.name is too long.", param="name")
    return configuration, webhook, profile


def in_window(last_inbound: float | None, now: float) -> bool:
    """Whether free-form messages may go: the user wrote within the last 24 hours (docs errors/63016)."""
    return last_inbound is not None and now - last_inbound < WINDOW


@dataclass
class Conversation:
    """The WhatsApp customer-service window of one (business sender, user): when the user last wrote."""
    account_sid: str
    sender: str  # whatsapp:+E164 of the business
    user: str  # whatsapp:+E164 of the user
    last_inbound: float

    @property
    def sid(self) -> str:  # the record key
        return f"{self.sender}|{self.user}"


# Inbound WhatsApp extras (reference twilio-more §5.6): the control API's field -> the webhook parameter.
# [UNVERIFIED] that Twilio sends each only when it applies (captures show them on the messages they describe).
INBOUND_EXTRAS = {
    "profile_name": "ProfileName", "message_type": "MessageType", "button_text": "ButtonText",
    "button_payload": "ButtonPayload", "button_type": "ButtonType", "latitude": "Latitude",
    "longitude": "Longitude", "address": "Address", "label": "Label", "forwarded": "Forwarded",
    "frequently_forwarded": "FrequentlyForwarded", "original_replied_message_sid": "OriginalRepliedMessageSid",
    "original_replied_message_sender": "OriginalRepliedMessageSender", "referral_body": "ReferralBody",
    "referral_headline": "ReferralHeadline", "referral_source_id": "ReferralSourceId",
    "referral_source_type": "ReferralSourceType", "referral_source_url": "ReferralSourceUrl",
    "referral_media_id": "ReferralMediaId", "referral_media_content_type": "ReferralMediaContentType",
    "referral_media_url": "ReferralMediaUrl", "referral_ctwa_clid": "ReferralCtwaClid",
}
MESSAGE_TYPES = ("text", "image", "video", "audio", "document", "location", "button", "interactive", "sticker",
                 "contacts", "reaction", "unsupported")


def check_extras(extras: dict) -> dict[str, str]:
    """Inbound channel extras as given to the control API (snake_case or the webhook's PascalCase names):
    {webhook parameter: text}. Raises TwilioError naming an unknown field or a value that is not text."""
    by_param = {v: v for v in INBOUND_EXTRAS.values()}
    out = {}
    for key, value in extras.items():
        param = INBOUND_EXTRAS.get(key) or by_param.get(key)
        if param is None:
            raise error(INVALID_PARAMETER, f"{key} is not a WhatsApp inbound field (one of "
                        f"{', '.join(INBOUND_EXTRAS)}).", param=key)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str):
            raise error(INVALID_PARAMETER, f"{key} must be text, not {value!r}.", param=key)
        out[param] = value
    if "MessageType" in out and out["MessageType"] not in MESSAGE_TYPES:
        raise error(INVALID_PARAMETER, f"message_type must be one of {', '.join(MESSAGE_TYPES)}.",
                    param="message_type")
    return out


def message_type(extras: dict[str, str], body: str, media_types: list[str]) -> str:
    """MessageType of an inbound WhatsApp message: as given, else from what it holds [UNVERIFIED: the full
    list of values; captures show `text` and `interactive`]."""
    if "MessageType" in extras:
        return extras["MessageType"]
    if "ButtonPayload" in extras or "ButtonText" in extras:
        return "button"
    if "Latitude" in extras:
        return "location"
    if media_types:
        kind = media_types[0].split("/", 1)[0]
        return {"image": "image", "video": "video", "audio": "audio"}.get(kind, "document")
    return "text"


def price(channel: str) -> str:
    """Emulator: a flat price per WhatsApp or RCS message (USD) [UNVERIFIED: Twilio's channel prices vary by
    country and conversation category]."""
    return "-0.00500" if channel == WHATSAPP else "-0.00750"
