"""IncomingPhoneNumber: a number an account owns, with its webhooks. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import INVALID_PARAMETER, error
from .messages import is_http_url
from .sids import is_sid

# Settable fields and their defaults as Twilio shows an unset value (spec fetch example, reference §3.1).
SETTABLE = {
    "friendly_name": None, "sms_url": "", "sms_method": "POST", "sms_fallback_url": "",
    "sms_fallback_method": "POST", "sms_application_sid": "", "status_callback": "",
    "status_callback_method": "POST", "voice_url": None, "voice_method": "POST", "voice_fallback_url": None,
    "voice_fallback_method": "POST", "voice_application_sid": "", "voice_caller_id_lookup": False,
    "voice_receive_mode": "voice", "emergency_status": "Inactive", "emergency_address_sid": None,
    "trunk_sid": None, "identity_sid": None, "address_sid": None, "bundle_sid": None, "api_version": "2010-04-01",
}
METHOD_FIELDS = ("sms_method", "sms_fallback_method", "status_callback_method", "voice_method",
                 "voice_fallback_method")
URL_FIELDS = ("sms_url", "sms_fallback_url", "status_callback", "voice_url", "voice_fallback_url")
# SID fields and the prefix the spec's pattern gives each (^AP[0-9a-fA-F]{32}$ …); "" clears one.
SID_FIELDS = {"sms_application_sid": "AP", "voice_application_sid": "AP", "trunk_sid": "TK", "identity_sid": "RI",
              "address_sid": "AD", "emergency_address_sid": "AD", "bundle_sid": "BU"}
ENUM_FIELDS = {"voice_receive_mode": ("voice", "fax"), "emergency_status": ("Active", "Inactive")}


def pascal(name: str) -> str:
    """sms_url -> SmsUrl: the parameter a field is set by."""
    return "".join(part.capitalize() for part in name.split("_"))


def check_config(config: dict) -> None:
    """The one validator of a number's settable fields (REST create/update, short codes of the control API,
    scenario files): types, methods (upper-cased in place), URLs, SID patterns, enums, FriendlyName's length.
    Raises TwilioError naming the parameter. None values mean "not given" and are skipped."""
    unknown = set(config) - set(SETTABLE)
    if unknown:
        raise error(INVALID_PARAMETER, f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in config.items():
        if value is None:
            continue
        if name == "voice_caller_id_lookup":
            if not isinstance(value, bool):
                raise error(INVALID_PARAMETER, "VoiceCallerIdLookup must be true or false.")
        elif not isinstance(value, str):
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be a string, not {value!r}.")
    for name in METHOD_FIELDS:
        value = config.get(name)
        if value is not None and value.upper() not in ("GET", "POST"):
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be GET or POST.")
        if value is not None:
            config[name] = value.upper()
    for name in URL_FIELDS:
        value = config.get(name)
        if value and not is_http_url(value):
            raise error(INVALID_PARAMETER, f"{pascal(name)} is not a valid URL: {value}")
    for name, prefix in SID_FIELDS.items():
        value = config.get(name)
        # [UNVERIFIED] Twilio's code for a SID parameter that breaks the spec's pattern: 20001.
        if value and not is_sid(value, prefix):
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be a SID of the form {prefix} + 32 hex digits, "
                                           f"not {value!r}.")
    for name, allowed in ENUM_FIELDS.items():
        value = config.get(name)
        if value is not None and value not in allowed:
            raise error(INVALID_PARAMETER, f"{pascal(name)} must be one of {', '.join(allowed)}, not {value!r}.")
    if config.get("friendly_name") is not None and len(config["friendly_name"]) > 64:
        raise error(INVALID_PARAMETER, "FriendlyName must be 64 characters or fewer.")


@dataclass
class IncomingPhoneNumber:
    sid: str
    account_sid: str
    phone_number: str
    type: str  # local | mobile | toll-free
    country: str
    capabilities: dict[str, bool]
    date_created: float
    date_updated: float
    config: dict = field(default_factory=dict)  # the SETTABLE fields

    def get(self, name: str):
        return self.config.get(name, SETTABLE[name])

    @property
    def sms_capable(self) -> bool:
        return self.capabilities.get("sms", False)
