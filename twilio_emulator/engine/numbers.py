"""Phone numbers: buy, update, release, list, and search the numbers available to buy."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain import magic_numbers, numbers
from ..domain.accounts import TRIAL, TRIAL_LIMIT, Account
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..domain.phone_numbers import IncomingPhoneNumber, check_config
from ..domain.sids import is_sid
from . import applications

if TYPE_CHECKING:
    from . import Emulator


async def buy(emu: "Emulator", account: Account, phone_number: str | None, area_code: str | None,
              kind: str | None, config: dict) -> IncomingPhoneNumber:
    """Provision a number: the one asked for, or any free one in a US area code."""
    check_config(config)
    await applications.check_refs(emu, account.sid, config)
    if account.type == TRIAL and any(n.account_sid == account.sid for n in emu.numbers.values()):
        # Reference twilio-more §8.3: one phone number per trial project (10002 on a second purchase).
        raise error(TRIAL_LIMIT, "Trial accounts are allowed only one Twilio number; upgrade the account to "
                    "buy another.")
    if phone_number:
        parsed = numbers.parse(phone_number)
        if parsed is None or (kind and parsed.kind != kind):
            raise error(21421, f"PhoneNumber {phone_number} is invalid.", param="phone_number")
        if parsed.e164 in emu.numbers_by_e164:
            raise error(21422, f"PhoneNumber {parsed.e164} is not available.", param="phone_number")
    elif area_code:
        if not (area_code.isdigit() and len(area_code) == 3 and area_code in numbers.nanp_area_codes()):
            raise error(21451, f"AreaCode {area_code} is invalid.", param="area_code")
        country = numbers.nanp_area_codes()[area_code][0]
        found = numbers.search_available(
            numbers.SearchCriteria(country=country, kind=numbers.LOCAL, area_code=area_code),
            emu.rng, 1, taken=emu.numbers_by_e164.keys())
        if not found:
            raise error(21452, f"No phone numbers found in area code {area_code}.",  # [UNVERIFIED] message
                        param="area_code")
        parsed = found[0]
    else:
        raise error(21421, "A 'PhoneNumber' or 'AreaCode' is required.")  # [UNVERIFIED] code for neither given
    now = emu.now()
    config = {k: v for k, v in config.items() if v is not None}
    config.setdefault("friendly_name", parsed.national)
    number = IncomingPhoneNumber(
        sid=emu.sids.new("PN"), account_sid=account.sid, phone_number=parsed.e164, type=parsed.kind,
        country=parsed.country, capabilities=numbers.capabilities(parsed), date_created=now, date_updated=now,
        config=config)
    await _save(emu, number)
    return number


SHORT_CODE_FIELDS = ("friendly_name", "sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method", "api_version")


async def provision_short_code(emu: "Emulator", account: Account, short_code: str, country: str = "US",
                               config: dict | None = None) -> IncomingPhoneNumber:
    """Give the account a short code. Twilio provisions short codes after an application (no API creates
    them); the emulator does it through its control API. A short code is kept with the account's numbers
    (type short-code, SID SC…, its code as phone_number): it sends, receives and joins services like one."""
    if not isinstance(short_code, str) or not numbers.is_short_code(short_code):
        raise error(INVALID_PARAMETER, f"short_code must be 3 to 8 digits, not {short_code!r}")
    if not isinstance(country, str) or not numbers.is_country(country):
        raise error(INVALID_PARAMETER, f"country must be an ISO country code, not {country!r}")
    if short_code in emu.numbers_by_e164:
        raise error(21422, f"Short code {short_code} is already provisioned.")
    config = {k: v for k, v in (config or {}).items() if v is not None}
    unknown = set(config) - set(SHORT_CODE_FIELDS)
    if unknown:
        raise error(INVALID_PARAMETER, f"unknown short code fields: {', '.join(sorted(unknown))}")
    check_config(config)
    config.setdefault("friendly_name", short_code)
    now = emu.now()
    code = IncomingPhoneNumber(sid=emu.sids.new("SC"), account_sid=account.sid, phone_number=short_code,
                               type=numbers.SHORT_CODE, country=country.upper(),
                               capabilities={"voice": False, "sms": True, "mms": True, "fax": False},
                               date_created=now, date_updated=now, config=config)
    await _save(emu, code)
    return code


def short_codes(emu: "Emulator", account: Account, short_code: str | None,
                friendly_name: str | None) -> list[IncomingPhoneNumber]:
    return owned(emu, account, numbers.SHORT_CODE, short_code, friendly_name)


def get_short_code(emu: "Emulator", account: Account, sid: str) -> IncomingPhoneNumber:
    code = emu.numbers.get(sid) if is_sid(sid, "SC") else None
    if code is None or code.account_sid != account.sid:
        raise NotFound()
    return code


async def _save(emu: "Emulator", number: IncomingPhoneNumber) -> None:
    await emu.numbers.save(emu.store, number)


def get(emu: "Emulator", account: Account, sid: str) -> IncomingPhoneNumber:
    number = emu.numbers.get(sid) if is_sid(sid, "PN") else None
    if number is None or number.account_sid != account.sid:
        raise NotFound()
    return number


async def update(emu: "Emulator", number: IncomingPhoneNumber, config: dict,
                 new_account: Account | None = None) -> IncomingPhoneNumber:
    check_config(config)
    await applications.check_refs(emu, new_account.sid if new_account else number.account_sid, config)
    if config.get("sms_fallback_url") and not (config.get("sms_url") or number.get("sms_url")):
        raise error(21406, "Cannot set SmsFallbackUrl without setting SmsUrl.")
    number.config.update({k: v for k, v in config.items() if v is not None})
    if new_account is not None:
        number.account_sid = new_account.sid  # transfer between a parent and its subaccounts
    number.date_updated = emu.now()
    await _save(emu, number)
    return number


async def release(emu: "Emulator", number: IncomingPhoneNumber) -> None:
    from . import messaging_services
    await messaging_services.forget_number(emu, number)
    await emu.numbers.remove(emu.store, number)


def owned(emu: "Emulator", account: Account, kind: str | None, phone_number: str | None,
          friendly_name: str | None) -> list[IncomingPhoneNumber]:
    """The account's numbers, oldest first. PhoneNumber matches partially, `*` standing for any digit."""
    out = [n for n in emu.numbers.values() if n.account_sid == account.sid
           and (n.type == kind if kind else n.type != numbers.SHORT_CODE)]
    if friendly_name is not None:
        out = [n for n in out if n.get("friendly_name") == friendly_name]
    if phone_number:
        pattern = re.compile(re.escape(phone_number.strip()).replace(r"\*", r"\d"))
        out = [n for n in out if pattern.search(n.phone_number)]
    return sorted(out, key=lambda n: (n.date_created, n.sid))


def sms_sender(emu: "Emulator", account: Account, from_: str, to: numbers.Number) -> str:
    """The sender for `from_`: an SMS-capable number of the account in E.164 (or Twilio's magic test
    sender), a short code of the account for its own country, or an alphanumeric sender ID where the
    destination country takes them; else Twilio's error."""
    if numbers.is_short_code(from_):
        code = emu.numbers_by_e164.get(from_)
        if code is None or code.account_sid != account.sid:
            raise magic_numbers.not_sms_capable(from_)
        if code.country != to.country:  # Twilio: a short code sends only within its own country
            raise error(21659, f"'From' {from_} is a short code of {code.country}; it cannot send to {to.e164}.")
        return from_
    parsed = numbers.parse(from_)
    if parsed is None and numbers.is_alphanumeric_sender(from_):
        if to.country in numbers.ALPHA_UNSUPPORTED:
            # [UNVERIFIED] code: Twilio answers that the destination cannot be reached from this sender.
            raise error(21612, f"The 'To' phone number: {to.e164}, is not currently reachable using the 'From' "
                               f"phone number: {from_} via SMS.")
        return from_
    if parsed is not None and parsed.e164 == magic_numbers.VALID_FROM:
        return parsed.e164
    number = emu.numbers_by_e164.get(parsed.e164) if parsed else None
    if number is None or number.account_sid != account.sid or not number.sms_capable:
        raise magic_numbers.not_sms_capable(from_)
    return number.phone_number


# ---- available numbers ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Country:
    code: str
    name: str
    kinds: tuple[str, ...]


# Emulator: the countries whose numbers can be searched; each offers the kinds phonenumbers has examples for.
COUNTRIES = {c.code: c for c in (
    Country("US", "United States", (numbers.LOCAL, numbers.TOLL_FREE)),
    Country("CA", "Canada", (numbers.LOCAL, numbers.TOLL_FREE)),
    Country("GB", "United Kingdom", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("AU", "Australia", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("DE", "Germany", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("FR", "France", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("IE", "Ireland", (numbers.LOCAL, numbers.MOBILE)),
    Country("NL", "Netherlands", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("ES", "Spain", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("SE", "Sweden", (numbers.LOCAL, numbers.MOBILE)),
    Country("BR", "Brazil", (numbers.LOCAL, numbers.MOBILE)),
    Country("MX", "Mexico", (numbers.LOCAL, numbers.MOBILE, numbers.TOLL_FREE)),
    Country("JP", "Japan", (numbers.LOCAL, numbers.TOLL_FREE)),
    Country("IN", "India", (numbers.MOBILE,)),
)}


def country(code: str) -> Country:
    found = COUNTRIES.get(code.upper())
    if found is None:
        raise NotFound()
    return found


def search(emu: "Emulator", criteria: numbers.SearchCriteria, limit: int) -> list[numbers.Number]:
    return numbers.search_available(criteria, emu.rng, limit, taken=emu.numbers_by_e164.keys())
