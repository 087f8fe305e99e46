"""TwiML Applications (v2010 Applications, reference twilio-more §2): a set of voice and messaging URLs that
numbers point at with SmsApplicationSid / VoiceApplicationSid instead of their own. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field

from .fields import Rules, check

# Settable fields (spec CreateApplication/UpdateApplication: identical sets) and what an unset one shows
# [UNVERIFIED defaults: the methods POST, as for numbers].
SETTABLE = {
    "friendly_name": None, "api_version": "2010-04-01", "voice_url": None, "voice_method": "POST",
    "voice_fallback_url": None, "voice_fallback_method": "POST", "status_callback": None,
    "status_callback_method": "POST", "voice_caller_id_lookup": False, "sms_url": None, "sms_method": "POST",
    "sms_fallback_url": None, "sms_fallback_method": "POST", "sms_status_callback": None,
    "message_status_callback": None, "public_application_connect_enabled": False,
}
RULES = Rules(
    SETTABLE,
    methods=("voice_method", "voice_fallback_method", "status_callback_method", "sms_method", "sms_fallback_method"),
    urls=("voice_url", "voice_fallback_url", "status_callback", "sms_url", "sms_fallback_url", "sms_status_callback",
          "message_status_callback"),
    enums={"api_version": ("2010-04-01", "2008-08-01")},
    bools=("voice_caller_id_lookup", "public_application_connect_enabled"))
MAX_PER_ACCOUNT = 1000  # docs usage/api/applications
NOT_ACCESSIBLE = 21420  # docs errors/21420 "ApplicationSid is not accessible"
INVALID_APPLICATION = 21218  # docs errors/21218 "Invalid ApplicationSid"


def check_config(config: dict) -> None:
    check(config, RULES)


@dataclass
class Application:
    sid: str  # AP…
    account_sid: str
    date_created: float
    date_updated: float
    config: dict = field(default_factory=dict)  # the SETTABLE fields that were set

    def get(self, name: str):
        """A field as Twilio shows it: an unset one, or a URL cleared with an empty value, is its unset value
        (null for every URL of an application, as the spec's nullable uri fields say)."""
        value = self.config.get(name, SETTABLE[name])
        return SETTABLE[name] if value == "" and name in RULES.urls else value
