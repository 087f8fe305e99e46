"""Messaging Services: a sender pool plus configuration, and Twilio's choice of `From` for each message.
Pure: the engine passes in the service, its senders and the sticky mappings.

Sender selection, in Twilio's order (issue 5; Twilio docs "Sender selection" in the Messaging Services seed):
sticky sender (when enabled) -> short code of the recipient's country (unless the recipient's carrier does not
take short codes and fallback_to_long_code is on: then a long code) -> alphanumeric sender for countries that
take one, unless a short code exists there -> country geomatch (a number of the recipient's country; else an
SMS-capable US number) -> area-code geomatch for US/CA (same or overlay area code) -> the sender with the
fewest sticky mappings (Twilio's "scaler"). A message that failed is never rerouted.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import numbers
from .errors import INVALID_PARAMETER, error
from .fields import MAX_FRIENDLY_NAME, pascal
from .messages import invalid_validity_period, is_http_url, valid_validity_period

# Settable fields and their defaults on create (Twilio's defaults for a new service; spec example for the
# values it shows) [UNVERIFIED for smart_encoding: the console turns it on, the spec example shows false].
SETTABLE = {
    "friendly_name": None, "inbound_request_url": None, "inbound_method": "POST", "fallback_url": None,
    "fallback_method": "POST", "status_callback": None, "sticky_sender": True, "mms_converter": True,
    "smart_encoding": True, "scan_message_content": "inherit", "fallback_to_long_code": True,
    "area_code_geomatch": True, "validity_period": 36000, "synchronous_validation": False,
    "usecase": "undeclared", "use_inbound_webhook_on_number": False,
}
SCAN_MESSAGE_CONTENT = ("inherit", "enable", "disable")
USECASES = ("notifications", "marketing", "verification", "discussion", "poll", "undeclared")
MAX_SENDERS = 400  # Twilio's default pool size limit (error 21714)

# Overlay area codes: codes that serve the same region, so a sender in one matches a recipient in the other.
# Source: NANPA's list of overlay complexes; a small real subset [UNVERIFIED completeness].
_OVERLAYS = [
    {"212", "332", "646", "917"}, {"718", "347", "929", "917"}, {"415", "628"}, {"510", "341"},
    {"408", "669"}, {"650"}, {"213", "323"}, {"310", "424"}, {"818", "747"}, {"312", "872"},
    {"773", "872"}, {"617", "857"}, {"202", "771"}, {"305", "786"}, {"214", "469", "972", "945"},
    {"713", "281", "832", "346"}, {"404", "470", "678", "943"}, {"206", "564"}, {"416", "647", "437"},
    {"514", "438"}, {"604", "778", "236", "672"},
]


@dataclass
class MessagingService:
    sid: str
    account_sid: str
    date_created: float
    date_updated: float
    config: dict = field(default_factory=dict)  # the SETTABLE fields that differ from the defaults

    def get(self, name: str):
        return self.config.get(name, SETTABLE[name])


@dataclass
class ServiceSender:
    """A member of a service's sender pool: a phone number (sid PN…), a short code (SC…) or an alphanumeric
    sender (AI…)."""
    sid: str
    account_sid: str
    service_sid: str
    kind: str  # "phone_number" | "short_code" | "alpha_sender"
    address: str  # E.164, the short code, or the alphanumeric ID
    country: str  # ISO country of a phone number or short code; "" for an alpha sender
    capabilities: list[str]  # as the v1 API shows them: ["MMS", "SMS", "Voice"]
    date_created: float
    date_updated: float


URL_FIELDS = {"inbound_request_url": "InboundRequestUrl", "fallback_url": "FallbackUrl",
              "status_callback": "StatusCallback"}


def check_config(config: dict) -> dict:
    """Validate settable fields (already snake_case, typed by the API layer); raises TwilioError."""
    name = config.get("friendly_name")
    if name is not None and len(name) > MAX_FRIENDLY_NAME:
        raise error(INVALID_PARAMETER, f"FriendlyName must be at most {MAX_FRIENDLY_NAME} characters.",
                    param="friendly_name")
    for key in ("inbound_method", "fallback_method"):
        if config.get(key) is not None and config[key] not in ("GET", "POST"):
            raise error(INVALID_PARAMETER, f"{pascal(key)} must be GET or POST.", param=key)
    for key, param in URL_FIELDS.items():  # "" clears one (it then reads null)
        if config.get(key) and not is_http_url(config[key]):
            # [UNVERIFIED] Twilio's code for a service URL that is not one: 20001, as for a number's URLs.
            raise error(INVALID_PARAMETER, f"{param} is not a valid URL: {config[key]}", param=key)
    period = config.get("validity_period")
    if period is not None and not valid_validity_period(period):
        raise invalid_validity_period()
    return config


def _area_code(e164: str) -> str | None:
    return e164[2:5] if e164.startswith("+1") and len(e164) == 12 else None


def same_area(a: str, b: str) -> bool:
    """Same area code, or codes of one overlay complex (US/CA)."""
    ca, cb = _area_code(a), _area_code(b)
    if ca is None or cb is None:
        return False
    return ca == cb or any(ca in group and cb in group for group in _OVERLAYS)


def select_sender(service: MessagingService, senders: list[ServiceSender], to: numbers.Number,
                  sticky: str | None, mappings: dict[str, int], takes_short_codes: bool = True,
                  busy: dict[str, float] | None = None) -> ServiceSender | None:
    """The sender Twilio would pick for a message to `to`, or None when the pool has no usable one.
    `sticky`: the address this recipient is mapped to; `mappings`: how many recipients each address has;
    `takes_short_codes`: whether the recipient's carrier takes messages from short codes; `busy`: with sender
    queues on, the seconds of work each address has queued (the Scaler picks the least busy)."""
    phones = [s for s in senders if s.kind == "phone_number" and "SMS" in s.capabilities]
    if service.get("sticky_sender") and sticky is not None:
        for sender in senders:
            if sender.address != sticky:
                continue
            # Remapped once the pool has a number of the recipient's country and this one is not.
            if not (sender.kind == "phone_number" and sender.country != to.country
                    and any(p.country == to.country for p in phones)):
                return sender
    codes = [s for s in senders if s.kind == "short_code" and s.country == to.country]
    if codes and (takes_short_codes or not service.get("fallback_to_long_code")):
        return min(codes, key=lambda s: (s.date_created, s.sid))
    alphas = [s for s in senders if s.kind == "alpha_sender"]
    if alphas and not codes and to.country not in numbers.ALPHA_UNSUPPORTED:
        return alphas[0]
    local = [s for s in phones if s.country == to.country]
    if not local:
        local = [s for s in phones if s.country == "US"]  # Twilio: else an SMS-capable US number
    if not local:
        return None
    if service.get("area_code_geomatch") and to.country in numbers.NANP:
        nearby = [s for s in local if same_area(s.address, to.e164)]
        local = nearby or local
    if busy is not None:
        return min(local, key=lambda s: (busy.get(s.address, 0.0), mappings.get(s.address, 0), s.date_created, s.sid))
    return min(local, key=lambda s: (mappings.get(s.address, 0), s.date_created, s.sid))


@dataclass
class StickyMapping:
    """Sticky sender: the address a recipient has been sent from by a service, reused for them next time."""
    account_sid: str
    service_sid: str
    to: str
    sender: str

    @property
    def sid(self) -> str:  # the record key (store.records)
        return f"{self.service_sid}:{self.to}"
