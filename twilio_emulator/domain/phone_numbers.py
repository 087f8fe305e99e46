"""IncomingPhoneNumber: a number an account owns, with its webhooks. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field

from .fields import Rules, check

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
RULES = Rules(SETTABLE, METHOD_FIELDS, URL_FIELDS, SID_FIELDS, ENUM_FIELDS, ("voice_caller_id_lookup",))


def check_config(config: dict) -> None:
    """A number's settable fields (REST create/update, short codes of the control API, scenario files)."""
    check(config, RULES)


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
