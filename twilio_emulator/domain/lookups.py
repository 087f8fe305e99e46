"""Lookup (v1 and v2) from the simulated network: what Twilio says of a number is what the emulator's handset
of that number is (domain.carriers), so a lookup and a message to it agree. Pure: phonenumbers and stdlib.

Reference twilio-more §4. [UNVERIFIED] values the simulated network has no data for: packages answer their
spec shape with neutral values (no SIM swap, no forwarding, active line, low risk, no identity data), and a
package outside its country (caller_name: US only; call_forwarding: UK only) has error_code 60607
("unsupported country for package", docs errors/60607).
"""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult

from . import numbers
from .carriers import LANDLINE, MOBILE, TOLL_FREE, VOIP, Handset

UNSUPPORTED_COUNTRY = 60607
V2_PACKAGES = ("validation", "caller_name", "sim_swap", "call_forwarding", "line_status", "line_type_intelligence",
               "identity_match", "reassigned_number", "sms_pumping_risk", "phone_number_quality_score", "pre_fill")
V1_TYPES = ("carrier", "caller-name")
# Twilio's own numbers (a number of an account in the emulator): the spec example's carrier.
TWILIO_CARRIER = {"mobile_country_code": "240", "mobile_network_code": "38", "carrier_name": "Twilio - SMS/MMS-SVR"}

_REASONS = {ValidationResult.TOO_SHORT: "TOO_SHORT", ValidationResult.TOO_LONG: "TOO_LONG",
            ValidationResult.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
            ValidationResult.INVALID_LENGTH: "INVALID_LENGTH"}
_PARSE_ERRORS = {phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
                 phonenumbers.NumberParseException.TOO_SHORT_NSN: "TOO_SHORT",
                 phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT",
                 phonenumbers.NumberParseException.TOO_LONG: "TOO_LONG"}
_V2_LINE_TYPES = {MOBILE: "mobile", LANDLINE: "landline", VOIP: "nonFixedVoip", TOLL_FREE: "tollFree"}
_V2_BY_NUMBER_TYPE = {PhoneNumberType.PREMIUM_RATE: "premium", PhoneNumberType.SHARED_COST: "sharedCost",
                      PhoneNumberType.UAN: "uan", PhoneNumberType.PERSONAL_NUMBER: "personal",
                      PhoneNumberType.VOICEMAIL: "voicemail", PhoneNumberType.PAGER: "pager"}


@dataclass(frozen=True)
class Parsed:
    """The basic (free) answer of every lookup."""
    given: str
    number: numbers.Number | None  # None: not a valid number
    errors: tuple[str, ...]  # v2 validation_errors
    calling_code: str | None = None
    country: str | None = None

    @property
    def valid(self) -> bool:
        return self.number is not None


def parse(raw: str, country: str | None) -> Parsed:
    """`raw` as Lookup reads it: E.164, or national for `country` (default US, as Twilio's)."""
    region = (country or "US").upper()
    number = numbers.parse(raw, region)
    if number is not None:
        return Parsed(raw, number, (), str(phonenumbers.country_code_for_region(number.country)), number.country)
    try:
        parsed = phonenumbers.parse(raw, None if raw.strip().startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        return Parsed(raw, None, (_PARSE_ERRORS.get(exc.error_type, "NOT_A_NUMBER"),))
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return Parsed(raw, None, (_REASONS.get(reason, "INVALID_BUT_POSSIBLE"),))


def line_type(handset: Handset, n: numbers.Number) -> str:
    """Lookup v2's `type`: the handset's line type; numbers of a kind no handset has (premium rate, UAN …)
    by what phonenumbers says they are."""
    special = _V2_BY_NUMBER_TYPE.get(numbers.number_type(phonenumbers.parse(n.e164)))
    return special or _V2_LINE_TYPES.get(handset.line_type, "unknown")


def line_type_intelligence(handset: Handset, n: numbers.Number, ours: bool) -> dict:
    kind = line_type(handset, n)
    if ours:
        carrier = dict(TWILIO_CARRIER)
    elif kind in ("mobile", "landline", "fixedVoip", "nonFixedVoip"):
        carrier = {"mobile_country_code": None, "mobile_network_code": None, "carrier_name": handset.carrier}
    else:  # reference §4.2: no carrier data for toll-free, premium, UAN …
        carrier = {"mobile_country_code": None, "mobile_network_code": None, "carrier_name": None}
    return {**carrier, "type": kind, "error_code": None}


def caller_name(handset: Handset, n: numbers.Number) -> dict:
    if n.country != "US":
        return {"caller_name": None, "caller_type": None, "error_code": UNSUPPORTED_COUNTRY}
    return {"caller_name": handset.caller_name or None, "caller_type": handset.caller_type or None,
            "error_code": None}


def v1_carrier(handset: Handset, n: numbers.Number, ours: bool) -> dict:
    """v1's `carrier`: type is mobile, landline or voip (spec enum)."""
    info = line_type_intelligence(handset, n, ours)
    kind = {"mobile": "mobile", "landline": "landline"}.get(info["type"], "voip")
    return {"mobile_country_code": info["mobile_country_code"], "mobile_network_code": info["mobile_network_code"],
            "name": info["carrier_name"] or handset.carrier, "type": kind, "error_code": None}


def other_package(name: str, handset: Handset, n: numbers.Number, inputs: dict[str, str | None]) -> dict:
    """A package the simulated network has no data for, in its spec shape, with neutral values."""
    carrier = {"carrier_name": handset.carrier, "mobile_country_code": None, "mobile_network_code": None}
    if name == "sim_swap":
        return {"last_sim_swap": {"last_sim_swap_date": None, "swapped_period": "PT24H", "swapped_in_period": False},
                **carrier, "error_code": None}
    if name == "call_forwarding":
        if n.country != "GB":
            return {"call_forwarding_enabled": None, "error_code": UNSUPPORTED_COUNTRY}
        return {"call_forwarding_enabled": False, "error_code": None}
    if name == "line_status":
        return {"status": "active", "error_code": None}
    if name == "reassigned_number":
        return {"last_verified_date": inputs.get("LastVerifiedDate"), "is_number_reassigned": "no_data_available",
                "error_code": None}
    if name == "sms_pumping_risk":
        return {"carrier_risk_category": "low", "number_blocked": False, "number_blocked_date": None,
                "number_blocked_last_3_months": False, "sms_pumping_risk_score": 0, "error_code": None}
    if name == "identity_match":
        keys = ("first_name_match", "last_name_match", "address_lines_match", "city_match", "state_match",
                "postal_code_match", "address_country_match", "national_id_match", "date_of_birth_match")
        return {**dict.fromkeys(keys, "no_data_available"), "summary_score": 0, "error_code": None,
                "error_message": None}
    if name == "phone_number_quality_score":
        return {"carrier_risk_score": 0, "carrier_risk_category": "low", "disposable_phone_risk_score": 0,
                "disposable_phone_risk_category": "low", "quality_score": 100, "quality_category": "high",
                "velocity_risk_score": 0, "velocity_risk_category": "low", "error_code": None}
    if name == "pre_fill":
        return {"first_name": None, "last_name": None, "address_line": None, "country_code": n.country,
                "state": None, "postal_code": None, "error_code": None}
    raise KeyError(name)
