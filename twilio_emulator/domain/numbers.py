"""Phone numbers: E.164 parsing, types, capabilities, geo data and generation of available numbers.

Pure: phonenumbers and stdlib only; randomness is injected.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

LOCAL, MOBILE, TOLL_FREE = "local", "mobile", "toll-free"

_TYPES = {
    LOCAL: (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
    MOBILE: (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
    TOLL_FREE: (PhoneNumberType.TOLL_FREE,),
}
# Twilio's magic test range +1 500 555 xxxx (reference §13) parses as a PERSONAL_NUMBER; treat it as local.
_KIND_OF_TYPE = {
    PhoneNumberType.FIXED_LINE: LOCAL, PhoneNumberType.FIXED_LINE_OR_MOBILE: LOCAL,
    PhoneNumberType.MOBILE: MOBILE, PhoneNumberType.TOLL_FREE: TOLL_FREE,
    PhoneNumberType.PERSONAL_NUMBER: LOCAL, PhoneNumberType.VOIP: LOCAL,
}
NANP = ("US", "CA")

US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA", "Colorado": "CO",
    "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID",
    "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX",
    "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA", "West Virginia": "WV",
    "Wisconsin": "WI", "Wyoming": "WY", "Washington D.C.": "DC", "Puerto Rico": "PR",
    "Alberta": "AB", "British Columbia": "BC", "Manitoba": "MB", "New Brunswick": "NB",
    "Newfoundland and Labrador": "NL", "Nova Scotia": "NS", "Ontario": "ON", "Quebec": "QC",
    "Saskatchewan": "SK", "Prince Edward Island": "PE",
    # phonenumbers' own spellings
    "Washington State": "WA", "British Colombia": "BC",
}
_STATE_ABBRS = set(US_STATES.values())


# Published fictional ranges that phonenumbers rejects (issue 14, item 8): numbers regulators keep for drama
# and documentation, which Twilio's own guides text (the Messaging Services guide sends to +441632960675).
# Valid numbers of the simulated world, with the line type of their range: (E.164 prefix, digits after it,
# country, type). Ofcom's "Telephone numbers for drama purposes": 07700 900000-900999 (mobile) and the
# fictional area 01632 960000-960999; its other drama ranges (020 7946 0000-0999, 0113/0114/…/0161 496,
# 0191 498, 08081 570, 0909 879, 03069 990), ACMA's (0491 570 006 …, 02/03/07/08 5550 and 7010) and the
# NANP's 555-0100-0199 in a real area code are numbers phonenumbers already takes, with their types.
FICTIONAL = (
    ("+447700900", 3, "GB", PhoneNumberType.MOBILE),
    ("+441632960", 3, "GB", PhoneNumberType.FIXED_LINE),
)


def fictional(num: phonenumbers.PhoneNumber) -> tuple[str, PhoneNumberType] | None:
    """(country, type) of a number in one of the FICTIONAL ranges, else None."""
    e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164)
    for prefix, digits, country, kind in FICTIONAL:
        if e164.startswith(prefix) and len(e164) == len(prefix) + digits:
            return country, kind
    return None


def number_type(num: phonenumbers.PhoneNumber) -> PhoneNumberType:
    """phonenumbers' type of a number, FICTIONAL ranges included."""
    found = fictional(num)
    return found[1] if found else phonenumbers.number_type(num)


@dataclass(frozen=True)
class Number:
    e164: str
    country: str  # ISO 3166 alpha-2
    kind: str  # local | mobile | toll-free
    national: str  # e.g. "(415) 555-0100"
    city: str  # "" when unknown (Twilio sends empty geo fields, reference §7.1)
    state: str
    zip: str


@lru_cache(maxsize=65536)
def parse(raw: str, default_region: str | None = None) -> Number | None:
    """A valid phone number, or None. E.164 is expected; a national number needs `default_region`."""
    raw = raw.strip()
    if not raw or len(raw) > 32 or ":" in raw:  # a channel address (whatsapp:+1…) is not a phone number
        return None
    try:
        num = phonenumbers.parse(raw, None if raw.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        return None
    made_up = None if phonenumbers.is_valid_number(num) else fictional(num)
    if made_up is None and not phonenumbers.is_valid_number(num):
        return None
    country = made_up[0] if made_up else phonenumbers.region_code_for_number(num) or ""
    kind = _KIND_OF_TYPE.get(made_up[1] if made_up else phonenumbers.number_type(num), LOCAL)
    city, state = _geo(num, country)
    return Number(
        e164=phonenumbers.format_number(num, PhoneNumberFormat.E164),
        country=country, kind=kind,
        national=phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL),
        city=city, state=state, zip="",  # Emulator: phonenumbers has no postal codes
    )


def _geo(num: phonenumbers.PhoneNumber, country: str) -> tuple[str, str]:
    # Imported on first use: phonenumbers' geocoder data takes a quarter of a second to load, which the
    # pytest plugin's session start should not pay before the first number is parsed.
    from phonenumbers import geocoder
    desc = geocoder.description_for_number(num, "en")
    if country in NANP:
        if ", " in desc:  # "San Francisco, CA"
            city, _, state = desc.rpartition(", ")
            return city.upper(), state if state in _STATE_ABBRS else ""
        return "", US_STATES.get(desc, "")  # "New Jersey"
    return desc.upper() if desc != _country_name(country) else "", ""


def _country_name(country: str) -> str:
    from phonenumbers import geocoder
    from phonenumbers.geodata import GEOCODE_DATA  # noqa: F401  (loaded lazily by geocoder)
    return geocoder._region_display_name(country, "en") if country else ""


def capabilities(number: Number) -> dict[str, bool]:
    """What a Twilio number of this kind can do, in the v2010 shape {voice, sms, mms, fax}.

    Emulator: a simplification of Twilio's per-country catalogue: every US/CA number does SMS and MMS;
    elsewhere mobile numbers do SMS (no MMS) and local (landline) numbers are voice-only.
    """
    if number.country in NANP:
        return {"voice": True, "sms": True, "mms": True, "fax": number.kind == LOCAL}
    return {"voice": True, "sms": number.kind == MOBILE, "mms": False, "fax": False}


ALPHA_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 \-+_&]{1,11}$")  # reference §5.2
# [UNVERIFIED] where an alphanumeric sender ID cannot be used; Twilio publishes a longer per-country table.
ALPHA_UNSUPPORTED = frozenset({"US", "CA", "PR", "CN"})
# [UNVERIFIED] countries where an alphanumeric sender ID must be pre-registered (a subset of Twilio's
# "International support for Alphanumeric Sender ID" table). The emulator has no registration: a message from an
# alphanumeric sender to one of them records alert SENDER_ID_NOT_REGISTERED and still goes (issue 5).
ALPHA_REGISTRATION_REQUIRED = frozenset({"AE", "BD", "EG", "ID", "IN", "JO", "KW", "NG", "OM", "PH", "QA", "SA", "SG",
                                         "TR", "VN"})
# [UNVERIFIED] the code Twilio logs for it: 21657 "The Sender ID is invalid" (docs errors/21657), as a warning.
SENDER_ID_NOT_REGISTERED = 21657


SHORT_CODE = "short-code"  # the `type` of a short code the account owns (engine.numbers keeps them with numbers)
_SHORT_CODE = re.compile(r"^[0-9]{3,8}$")


def is_country(code: str) -> bool:
    """An ISO 3166 alpha-2 code phonenumbers knows (it has a calling code)."""
    return len(code) == 2 and phonenumbers.country_code_for_region(code.upper()) != 0


def is_short_code(value: str) -> bool:
    """3 to 8 digits: a short code (US ones have 5 or 6; other countries use 3 to 8)."""
    return value[:1] != "+" and bool(_SHORT_CODE.match(value))  # an E.164 number (the common case) at a glance


def is_alphanumeric_sender(value: str) -> bool:
    """1-11 characters of letters, digits, space, - + _ &, at least one letter (reference §5.2)."""
    return bool(ALPHA_SENDER.match(value))


# ---- available numbers ---------------------------------------------------------------------------------------

_KEYPAD = {c: d for d, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS",
                                    "8": "TUV", "9": "WXYZ"}.items() for c in letters}


def contains_pattern(pattern: str) -> re.Pattern[str] | None:
    """Twilio's Contains: digits, keypad letters, `*` = any one digit; None when the pattern is malformed.

    A leading `+` anchors the pattern at the start of the E.164 number, country code included
    (`+1415*******`: the spec's "+" anchor; issue 14, a pattern copied from an E.164 number found nothing);
    `$` anchors it at the end. Emulator: `%` is not supported.
    """
    if not 2 <= len(pattern) <= 16 or not re.fullmatch(r"\+?[0-9A-Za-z*]+\$?", pattern):
        return None
    body = pattern.strip("+$").upper()
    regex = "".join(r"\d" if c == "*" else _KEYPAD.get(c, c) for c in body)
    return re.compile(("^" if pattern.startswith("+") else "") + regex + ("$" if pattern.endswith("$") else ""))


@lru_cache(maxsize=1)
def nanp_area_codes() -> dict[str, tuple[str, str, str]]:
    """Area code -> (country, state, city) for every geographic NANP area code of the US and Canada: those of
    phonenumbers' fixed-line numbers. Not the 5XX personal-communications codes, 600/622/633, 900 premium
    rate and the like, whose numbers phonenumbers also takes (issue 14, item 12: searches offered +1529…)."""
    out = {}
    for ac in range(200, 1000):
        num = phonenumbers.parse(f"+1{ac}2345678")
        if not phonenumbers.is_valid_number(num) or phonenumbers.number_type(num) not in _TYPES[LOCAL]:
            continue
        n = parse(f"+1{ac}2345678")
        if n and n.country in NANP:
            out[str(ac)] = (n.country, n.state, n.city)
    return out


@lru_cache(maxsize=1)
def nanp_localities() -> dict[str, tuple[str, ...]]:
    """City (upper case) -> the NANP number prefixes (area code and exchange digits, without the +1) that
    phonenumbers' geocoder places there: what an InLocality search draws from, so that it finds a city's
    numbers in O(results) instead of guessing area codes."""
    from phonenumbers.geodata import GEOCODE_DATA  # loaded on first use (see _geo)
    out: dict[str, list[str]] = {}
    for prefix, names in GEOCODE_DATA.items():
        if prefix[:1] == "1" and len(prefix) >= 6:
            city, _, state = names.get("en", "").rpartition(", ")
            if city and state in _STATE_ABBRS:
                out.setdefault(city.upper(), []).append(prefix[1:])
    return {city: tuple(sorted(found)) for city, found in out.items()}


@dataclass(frozen=True)
class SearchCriteria:
    country: str
    kind: str
    area_code: str | None = None
    contains: re.Pattern[str] | None = None
    in_region: str | None = None
    in_locality: str | None = None
    sms: bool | None = None
    mms: bool | None = None
    voice: bool | None = None
    fax: bool | None = None


def search_available(criteria: SearchCriteria, rng: random.Random, limit: int,
                     taken: set[str] | frozenset[str] = frozenset()) -> list[Number]:
    """Generate up to `limit` valid numbers matching `criteria`, none of them in `taken`."""
    found: dict[str, Number] = {}
    for _ in range(max(200, limit * 60)):
        if len(found) >= limit:
            break
        candidate = _candidate(criteria, rng)
        if candidate is None:
            return []  # nothing of this kind exists in this country
        n = parse(candidate)
        if n is None or n.e164 in taken or n.e164 in found or n.kind != criteria.kind or n.country != criteria.country:
            continue
        if not _matches(n, criteria):
            continue
        found[n.e164] = n
    return list(found.values())


def _matches(n: Number, c: SearchCriteria) -> bool:
    national = n.e164[1 + len(str(phonenumbers.country_code_for_region(c.country))):]
    # A pattern anchored at the start (a leading +) is matched against the E.164 digits, the others against
    # the national number (contains_pattern).
    if c.contains and not c.contains.search(n.e164[1:] if c.contains.pattern.startswith("^") else national):
        return False
    if c.in_region and n.state != c.in_region.upper():
        return False
    if c.in_locality and n.city != c.in_locality.upper():
        return False
    caps = capabilities(n)
    return all(want is None or caps[k] == want
               for k, want in (("sms", c.sms), ("mms", c.mms), ("voice", c.voice), ("fax", c.fax)))


def _candidate(c: SearchCriteria, rng: random.Random) -> str | None:
    cc = str(phonenumbers.country_code_for_region(c.country))
    if c.country in NANP and c.kind != TOLL_FREE:
        codes = nanp_area_codes()
        if c.in_locality:  # a prefix the geocoder places in that city (in the area code and region asked for)
            pool = [p for p in nanp_localities().get(c.in_locality.upper(), ())
                    if (not c.area_code or p.startswith(c.area_code)) and p[:3] in codes
                    and codes[p[:3]][0] == c.country and (not c.in_region or codes[p[:3]][1] == c.in_region.upper())]
            if not pool:
                return None
            prefix = rng.choice(pool)
            return f"+{cc}{prefix}" + "".join(str(rng.randint(0, 9)) for _ in range(10 - len(prefix)))
        if c.area_code:
            prefix = c.area_code
        else:
            pool = [ac for ac, (country, state, _) in codes.items()
                    if country == c.country and (not c.in_region or state == c.in_region.upper())]
            if not pool:
                return None
            prefix = rng.choice(sorted(pool))
        digits = prefix + str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(6))
    else:
        template = None
        for ptype in _TYPES[c.kind]:
            template = phonenumbers.example_number_for_type(c.country, ptype)
            if template:
                break
        if template is None:
            return None
        nsn = str(template.national_number)
        keep = max(1, len(nsn) - 6)
        digits = nsn[:keep] + "".join(str(rng.randint(0, 9)) for _ in range(len(nsn) - keep))
        if c.area_code and c.country in NANP:
            digits = c.area_code + digits[3:] if c.kind != TOLL_FREE else digits
    digits = _plant(digits, c.contains, rng, fixed=len(c.area_code or ""), country_code=cc)
    return f"+{cc}{digits}"


def _plant(digits: str, pattern: re.Pattern[str] | None, rng: random.Random, fixed: int,
           country_code: str = "") -> str:
    """Write a literal Contains pattern into the random part of the number so that searches find matches."""
    if pattern is None:
        return digits
    src = pattern.pattern
    anchored_start, anchored_end = src.startswith("^"), src.endswith("$")
    tokens = re.findall(r"\\d|\d", src.strip("^$"))
    if anchored_start:  # anchored at the start of the E.164 number: its country code comes first
        if "".join(tokens[:len(country_code)]) != country_code:
            return digits  # another country's numbers: nothing here can match
        tokens = tokens[len(country_code):]
    if not tokens or len(tokens) > len(digits):
        return digits
    lo = 0 if anchored_start else fixed
    hi = len(digits) - len(tokens)
    if lo > hi:
        return digits
    start = hi if anchored_end else (lo if anchored_start else rng.randint(lo, hi))
    planted = "".join(str(rng.randint(0, 9)) if t == r"\d" else t for t in tokens)
    return digits[:start] + planted + digits[start + len(tokens):]
