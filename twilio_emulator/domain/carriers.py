"""Handsets and their carriers: who owns a number in the simulated network, and what the carrier decides
for a message sent to it. Pure: phonenumbers and stdlib only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from . import numbers
from .voice.calls import CALL_BEHAVIOURS
from .errors import INVALID_PARAMETER, error
from .messages import DELIVERED, FAILED, MIN_STEP, READ, SENT, UNDELIVERED, Step, delivery_plan
from .voice.script import check_script

_step = tuple.__new__  # Step(…) without its Python-level constructor (plan: three a message)

MOBILE, LANDLINE, VOIP, TOLL_FREE = "mobile", "landline", "voip", "toll-free"
LINE_TYPES = (MOBILE, LANDLINE, VOIP, TOLL_FREE)
DELIVER, NO_RECEIPT = "deliver", "no_receipt"
BEHAVIOURS = (DELIVER, UNDELIVERED, FAILED, NO_RECEIPT)

# Delivery errors and the titles Twilio gives them (docs, errors/30003 … 30011; reference §6.3).
DELIVERY_ERRORS = {
    30001: "Queue overflow",
    30002: "Account suspended",
    30003: "Unreachable destination handset",
    30004: "Message blocked",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
    30011: "MMS not supported by the receiving phone number in this region",
    # [UNVERIFIED] what a message from a short code to a carrier without short codes ends with: Twilio's
    # "cannot route" code (docs errors/21612 lists networks that do not take short codes).
    21612: "The 'To' phone number is not currently reachable using the 'From' phone number via SMS",
}
_LINE_TYPE = {PhoneNumberType.MOBILE: MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE: MOBILE,
              PhoneNumberType.FIXED_LINE: LANDLINE, PhoneNumberType.VOIP: VOIP, PhoneNumberType.TOLL_FREE: TOLL_FREE}


@dataclass
class Handset:
    """An end user's phone. Exists implicitly for any valid number; declared ones override the defaults."""
    number: str  # E.164
    carrier: str
    line_type: str  # mobile | landline | voip | toll-free
    country: str
    city: str = ""
    state: str = ""
    zip: str = ""
    mms: bool = True
    short_codes: bool = True  # whether its carrier takes messages from short codes
    behaviour: str = DELIVER  # deliver | undelivered | failed | no_receipt
    error_code: int | None = None  # with undelivered/failed
    delays: dict[str, float] = field(default_factory=dict)  # per-step overrides, e.g. {"delivered": 30}
    caller_name: str = ""  # what a Lookup's caller_name package answers (CNAM: US numbers only)
    caller_type: str = ""  # BUSINESS | CONSUMER | "" (unknown)
    call_behaviour: str = "answer"  # a call to it: answer | busy | no-answer | failed (domain.voice.calls)
    # Channels (issue 16): whether its user has WhatsApp (its identity whatsapp:+number) and an RCS-capable
    # messaging app, whether it reports `read` on WhatsApp/RCS, and the WhatsApp profile name it shows.
    # Emulator defaults: WhatsApp on a mobile, no RCS (so a pool's RCS sender falls back to SMS unless a
    # test says the phone has RCS), read receipts on [UNVERIFIED: Meta's default is on].
    whatsapp: bool = True
    rcs: bool = False
    read_receipts: bool = True
    profile_name: str = ""
    # What its user does on a call (domain.voice.script): press keys, say words, wait, record, hang up.
    call_script: tuple = ()


@lru_cache(maxsize=65536)
def default_handset(number: str) -> Handset | None:
    """The handset a valid number has when nobody declared one: carrier, line type and geo from
    phonenumbers. Landlines fail SMS with 30006 (Twilio: "Landline or unreachable carrier").
    Cached (phonenumbers is slow): callers never change it; declaring a handset builds a new one."""
    parsed = numbers.parse(number)
    if parsed is None:
        return None
    num = phonenumbers.parse(parsed.e164)
    line_type = _LINE_TYPE.get(numbers.number_type(num), MOBILE)
    from phonenumbers import carrier as carrier_data  # on first use: its data is slow to load
    name = carrier_data.name_for_number(num, "en") or f"Emulated {parsed.country} {line_type.title()} Carrier"
    handset = Handset(number=parsed.e164, carrier=name, line_type=line_type, country=parsed.country,
                      city=parsed.city, state=parsed.state, zip=parsed.zip, mms=parsed.country in numbers.NANP)
    if line_type == LANDLINE:
        handset.mms, handset.behaviour, handset.error_code = False, UNDELIVERED, 30006
    return handset


@lru_cache(maxsize=4096)
def twilio_number_handset(number: str) -> Handset | None:
    """What answers a message sent to a number a Twilio account owns: Twilio itself, which takes SMS and MMS
    from any carrier and hands them to the owner's webhook (engine.inbound). Emulator: always delivered."""
    base = default_handset(number)
    if base is None:
        return None
    return Handset(number=base.number, carrier="Twilio", line_type=VOIP, country=base.country, city=base.city,
                   state=base.state, zip=base.zip, mms=True)


STEPS = ("sending", "sent", "delivered", "read")
_TEXT_FIELDS = ("number", "carrier", "line_type", "country", "city", "state", "zip", "behaviour", "caller_name",
                "caller_type", "call_behaviour", "profile_name")
_FLAGS = ("mms", "short_codes", "whatsapp", "rcs", "read_receipts")
CALLER_TYPES = ("", "BUSINESS", "CONSUMER")


def check(handset: Handset) -> Handset:
    """Validate a declared handset, types first, so that no stored value can break a later message (issue 13);
    raises TwilioError naming the field (the control API and scenario files turn it into their own error).
    Returns it with its delays as floats."""
    for name in _TEXT_FIELDS:
        if not isinstance(getattr(handset, name), str):
            raise error(INVALID_PARAMETER, f"{name} must be a string, not {getattr(handset, name)!r}", param=name)
    if not handset.carrier.strip():
        raise error(INVALID_PARAMETER, "carrier must not be empty", param="carrier")
    if handset.line_type not in LINE_TYPES:
        raise error(INVALID_PARAMETER, f"line_type must be one of {', '.join(LINE_TYPES)}", param="line_type")
    if handset.caller_type not in CALLER_TYPES:
        raise error(INVALID_PARAMETER, "caller_type must be BUSINESS, CONSUMER or empty", param="caller_type")
    if handset.call_behaviour not in CALL_BEHAVIOURS:
        raise error(INVALID_PARAMETER, f"call_behaviour must be one of {', '.join(CALL_BEHAVIOURS)}",
                    param="call_behaviour")
    if handset.behaviour not in BEHAVIOURS:
        raise error(INVALID_PARAMETER, f"behaviour must be one of {', '.join(BEHAVIOURS)}", param="behaviour")
    for name in _FLAGS:
        if not isinstance(getattr(handset, name), bool):
            raise error(INVALID_PARAMETER, f"{name} must be true or false", param=name)
    if handset.error_code is not None and (isinstance(handset.error_code, bool)
                                           or not isinstance(handset.error_code, int)):
        raise error(INVALID_PARAMETER, f"error_code must be an integer, not {handset.error_code!r}")
    if handset.behaviour in (DELIVER, NO_RECEIPT):
        handset.error_code = None
    else:
        if handset.error_code is None:
            handset.error_code = 30008 if handset.behaviour == FAILED else 30003
        if not 30000 <= handset.error_code < 40000:
            raise error(INVALID_PARAMETER, "error_code must be a Twilio delivery error (30xxx)")
    try:
        handset.call_script = tuple(check_script(list(handset.call_script) if isinstance(handset.call_script, (list, tuple))
                                                 else handset.call_script))
    except ValueError as exc:
        raise error(INVALID_PARAMETER, f"call_{exc}", param="call_script") from None
    if not isinstance(handset.delays, dict):
        raise error(INVALID_PARAMETER, "delays must be an object of step: seconds (sending, sent, delivered, read)")
    for step, seconds in handset.delays.items():
        if step not in STEPS or isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or not 0 <= seconds <= 86400:
            raise error(INVALID_PARAMETER, "delays take sending/sent/delivered/read, a number from 0 to 86400 seconds "
                                           f"each, not {step!r}: {seconds!r}")
    handset.delays = {step: float(seconds) for step, seconds in handset.delays.items()}
    return handset


def verdict(handset: Handset, mms: bool, short_code: bool = False) -> tuple[str, int | None]:
    """What the carrier does with a message: (behaviour, error code)."""
    if short_code and not handset.short_codes:
        return FAILED, 21612
    if mms and not handset.mms:
        return UNDELIVERED, 30011
    return handset.behaviour, handset.error_code


def plan(start: str, now: float, delays: tuple[tuple[str, float], ...], handset: Handset,
         mms: bool, short_code: bool = False, read: bool = False) -> list[Step]:
    """The message's timeline from `now` as this handset's carrier will play it:
    deliver      queued -> sending -> sent -> delivered (-> read: `read`, a WhatsApp/RCS read receipt)
    no_receipt   queued -> sending -> sent            (sent is final: no delivery receipt)
    undelivered  queued -> sending -> sent -> undelivered (code)
    failed       queued -> sending -> failed (code)   (never sent: no date_sent, no price)
    """
    if handset.delays:
        delays = tuple(sorted({**dict(delays), **handset.delays}.items()))
    behaviour, code = verdict(handset, mms, short_code)
    # Each step is `now + offset`, one addition: exactly what decoding the stored offset gives back.
    steps = []  # a loop, not a comprehension: in CPython 3.11 that is a function made and called each time
    for status, offset in delivery_plan(start, delays):
        steps.append(_step(Step, (now + offset, status, None, None)))
    text = DELIVERY_ERRORS.get(code, "Unknown error") if code else None
    if behaviour == NO_RECEIPT:
        steps = [s for s in steps if s.status != "delivered"]
    elif behaviour == UNDELIVERED:
        steps[-1] = Step(steps[-1].at, UNDELIVERED, code, text)
    elif behaviour == FAILED:
        sent = next(i for i, s in enumerate(steps) if s.status == SENT)
        steps = steps[:sent] + [Step(steps[sent].at, FAILED, code, text)]
    if read and steps and steps[-1].status == DELIVERED:
        steps.append(Step(steps[-1].at + max(dict(delays).get(READ, 0.0), MIN_STEP), READ))
    return steps
