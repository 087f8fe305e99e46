"""Twilio Verify v2 (reference twilio-more §11): services, verifications and their checks, as rules. Pure.

- A verification is pending until approved (the right code, or an update), canceled, out of checks
  (max_attempts_reached) or expired (VALIDITY after it started); then it is gone (fetch and check: 404).
- A resend while it is pending sends the same code and adds to `send_code_attempts`; the sixth send is refused
  (60203, HTTP 429).
- A wrong code answers pending / valid false; the fifth wrong one ends it (60202, HTTP 429).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import TwilioError

VALIDITY = 600.0  # seconds a code is valid (docs rate-limits-and-timeouts: 10 minutes by default)
MAX_SENDS = 5  # sends of one verification (docs errors/60203)
MAX_CHECKS = 5  # wrong checks: the fifth ends the verification (docs errors/60202) [UNVERIFIED: 5th or 6th]
MAX_FRIENDLY_NAME = 30  # docs errors/60200 (the spec's text says 32)
CODE_LENGTHS = range(4, 11)
DEFAULT_CODE_LENGTH = 6  # [UNVERIFIED] default
PENDING, APPROVED, CANCELED, EXPIRED, MAX_ATTEMPTS = "pending", "approved", "canceled", "expired", \
    "max_attempts_reached"
CHANNELS = ("sms", "call", "email", "whatsapp", "sna", "auto")
EMULATED_CHANNELS = ("sms", "call", "whatsapp", "auto")
RISK_CHECKS = ("enable", "disable")
MANAGED_SENDER = "+18885550142"  # the Twilio-managed number Verify's SMS come from [emulator choice: Twilio
# does not say which; a fictional toll-free number no account has]
# The Twilio-managed sender's messages and calls belong to Twilio, not to the customer: they are not in the
# account's Messages or Calls (reference twilio-more §11.6 [UNVERIFIED]). The emulator keeps them in an account
# of its own, so that handsets, the control API and the inspector (under that account) still show them.
MANAGED_ACCOUNT_SID = "AC" + "0" * 24 + "7e51f1ed"
MANAGED_ACCOUNT_NAME = "Twilio Verify (Twilio-managed senders)"
GLOBAL = "all"  # a MessagingConfiguration for every country without one of its own (spec: Country "all")

INVALID_PARAMETER = 60200
MAX_CHECKS_REACHED = 60202
MAX_SENDS_REACHED = 60203
NOT_SUPPORTED = 60204
LANDLINE = 60205
TEMPLATE_NOT_FOUND = 60228
FRAUD_GUARD = 60410
GEO_PERMISSIONS = 60605
WHATSAPP_NOT_CONFIGURED = 68008

# Verify's languages (docs verify/supported-languages); every one keeps the English text [UNVERIFIED: the
# localised texts are not documented in what the reference read].
LOCALES = frozenset("af ar ca cs da de el en en-GB es es-419 et fi fr fr-CA he hi hr hu id it ja ko lt ms nb nl pl "
                    "pt pt-BR ro ru sk sv th tl tr uk vi zh zh-CN zh-HK bg bn gu kn ml mr sl sw ta te ur".split())
WARNING = "Don\u2019t share this code with anyone; our employees will never ask for the code."


def invalid(param: str, why: str = "") -> TwilioError:
    """60200, naming the parameter as Twilio does ("Invalid parameter: To")."""
    return TwilioError(f"Invalid parameter: {param}" + (f" ({why})" if why else ""), code=INVALID_PARAMETER,
                       status=400, param=param)


@dataclass
class VerifyService:
    sid: str  # VA…
    account_sid: str
    friendly_name: str
    date_created: float
    date_updated: float
    code_length: int = DEFAULT_CODE_LENGTH
    lookup_enabled: bool = False
    skip_sms_to_landlines: bool = False
    dtmf_input_required: bool = True
    tts_name: str | None = None
    psd2_enabled: bool = False
    do_not_share_warning_enabled: bool = False
    custom_code_enabled: bool = False
    default_template_sid: str | None = None
    whatsapp_msg_service_sid: str | None = None
    whatsapp_from: str | None = None
    verify_event_subscription_enabled: bool = False


@dataclass
class MessagingConfiguration:
    """The Messaging Service a service's SMS to one country (or GLOBAL) go through."""
    service_sid: str
    account_sid: str
    country: str
    messaging_service_sid: str
    date_created: float
    date_updated: float

    @property
    def key(self) -> str:
        return f"{self.service_sid}:{self.country}"


@dataclass
class Verification:
    sid: str  # VE…
    service_sid: str
    account_sid: str
    to: str
    channel: str
    code: str
    date_created: float
    date_updated: float
    status: str = PENDING
    checks: int = 0  # wrong codes so far
    send_code_attempts: list[dict] = field(default_factory=list)  # {time, channel, attempt_sid}
    amount: str | None = None
    payee: str | None = None
    lookup: dict = field(default_factory=dict)
    message_sids: list[str] = field(default_factory=list)  # each send's Message (SM…) or Call (CA…)
    message_accounts: list[str] = field(default_factory=list)  # the account each is in (the customer's or Twilio's)

    def status_at(self, now: float) -> str:
        """Its status at `now`: a pending one expires VALIDITY after it started."""
        if self.status == PENDING and now >= self.date_created + VALIDITY:
            return EXPIRED
        return self.status

    def open_at(self, now: float) -> bool:
        return self.status_at(now) == PENDING


def check_service_fields(fields: dict, creating: bool) -> None:
    """Create/update parameters (snake_case; None: not given)."""
    name = fields.get("friendly_name")
    if creating and not name:
        raise invalid("FriendlyName", "required")
    if name is not None and not 0 < len(name) <= MAX_FRIENDLY_NAME:
        raise invalid("FriendlyName", f"1 to {MAX_FRIENDLY_NAME} characters")
    length = fields.get("code_length")
    if length is not None and length not in CODE_LENGTHS:
        raise invalid("CodeLength", "4 to 10")


def new_code(rng, length: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(length))


def check_custom_code(code: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z]{4,10}", code):
        raise invalid("CustomCode", "4 to 10 letters or digits")
    return code


def check_locale(locale: str | None) -> None:
    """An unsupported Locale is a 404 (reference §11.7) [UNVERIFIED code]."""
    if locale is not None and locale not in LOCALES:
        raise TwilioError(f"Locale {locale} is not supported by Verify.", code=20404, status=404, param="Locale")


def sms_text(service: VerifyService, code: str, custom_friendly_name: str | None, app_hash: str | None) -> str:
    """The SMS (reference §11.6): `Your <name> verification code is: <code>`, the do-not-share warning when the
    service enables it, and the `<#> … <hash>` form for Android's SMS Retriever when AppHash is given."""
    text = f"Your {custom_friendly_name or service.friendly_name} verification code is: {code}"
    if service.do_not_share_warning_enabled:
        text += f". {WARNING}"
    if app_hash:
        text = f"<#> {text} {app_hash}"
    return text


def spoken(service: VerifyService, code: str, custom_friendly_name: str | None) -> str:
    """What the call says: the code digit by digit, twice [UNVERIFIED wording]."""
    digits = " ".join(code)
    return (f"Your {custom_friendly_name or service.friendly_name} verification code is: {digits}. "
            f"Again, your code is: {digits}.")


def attempt(sid: str, channel: str, at_iso: str) -> dict:
    return {"time": at_iso, "channel": channel.upper(), "attempt_sid": sid}


def check_code(v: Verification, code: str) -> bool:
    """Counts a wrong code; raises 60202 (and ends it) at the MAX_CHECKS-th wrong one."""
    if code == v.code:
        v.status = APPROVED
        return True
    v.checks += 1
    if v.checks >= MAX_CHECKS:
        v.status = MAX_ATTEMPTS
        raise TwilioError("Max check attempts reached", code=MAX_CHECKS_REACHED, status=429)
    return False


def blocked(to_e164: str, country: str | None, fraud_prefixes: list[str], blocked_countries: list[str]) -> TwilioError | None:
    """Fraud Guard (a blocked prefix: 60410) and Geo-Permissions (a country not allowed: 60605, HTTP 403) as the
    emulator was told (control API, scenario files)."""
    if any(to_e164.startswith(p) for p in fraud_prefixes):
        return TwilioError("Verification delivery attempt blocked: Fraud Guard blocked this prefix.",
                           code=FRAUD_GUARD, status=403)
    if country is not None and country in blocked_countries:
        return TwilioError(f"Verify Geo-Permissions do not allow sending to {country}.", code=GEO_PERMISSIONS,
                           status=403)
    return None
