"""Verified caller IDs (OutgoingCallerIds) and the trial rules that rest on them: a trial account texts only
its verified numbers (reference twilio-more §8). A ValidationRequest starts the verification call; the
simulated phone answers at once and keys in the code [emulator choice: CallDelay and Extension are accepted,
the verification takes no time], so the caller ID exists when the request returns, and its StatusCallback
(if any) reports success.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import numbers
from ..domain.accounts import (ALREADY_VERIFIED, MAX_VERIFIED, TRIAL, TRIAL_LIMIT, Account, CallerId, unverified)
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..domain.fields import MAX_FRIENDLY_NAME
from ..domain.messages import valid_callback_url
from ..domain.sids import is_sid
from ..store import records
from ..webhooks import payloads
from .callbacks import notify

if TYPE_CHECKING:
    from . import Emulator

KIND = "caller_id"


async def of_account(emu: "Emulator", account: Account) -> list[CallerId]:
    return await records.load_for_account(emu.store, KIND, account.sid, CallerId)


async def check_recipient(emu: "Emulator", account: Account, to: str) -> None:
    """21608 unless a trial account verified `to` (a full account texts anyone)."""
    if account.type == TRIAL and to not in {c.phone_number for c in await of_account(emu, account)}:
        raise unverified(to)


async def verify(emu: "Emulator", account: Account, phone_number: str | None, friendly_name: str | None = None,
                 call_delay: int | None = None, status_callback: str | None = None,
                 status_callback_method: str | None = None) -> tuple[CallerId, str, str]:
    """A ValidationRequest: (the new caller ID, the verification call's SID, the validation code)."""
    parsed = numbers.parse(phone_number or "")
    if parsed is None:
        # [UNVERIFIED] code: the Messages API's for an invalid number.
        raise error(21211, f"The phone number {phone_number!r} is not a valid phone number.")
    if call_delay is not None and not 0 <= call_delay <= 60:
        raise error(INVALID_PARAMETER, "CallDelay must be between 0 and 60 seconds.")
    if status_callback is not None and not valid_callback_url(status_callback):
        raise error(21609, f"StatusCallback {status_callback!r} is not a valid URL.")
    method = (status_callback_method or "POST").upper()
    if method not in ("GET", "POST"):
        raise error(INVALID_PARAMETER, "StatusCallbackMethod must be GET or POST.")
    existing = await of_account(emu, account)
    if any(c.phone_number == parsed.e164 for c in existing):
        raise error(ALREADY_VERIFIED, f"Phone number {parsed.e164} is already verified for your account.")
    if account.type == TRIAL and len(existing) >= MAX_VERIFIED:
        raise error(TRIAL_LIMIT, f"A trial account verifies at most {MAX_VERIFIED} numbers; delete one first "
                    "or upgrade the account.")
    now = emu.now()
    caller_id = CallerId(sid=emu.sids.new("PN"), account_sid=account.sid, phone_number=parsed.e164,
                         friendly_name=(friendly_name or parsed.national)[:MAX_FRIENDLY_NAME], date_created=now, date_updated=now)
    call_sid, code = emu.sids.new("CA"), f"{emu.rng.randrange(10 ** 6):06d}"
    await emu.store.write(records.put(KIND, caller_id))
    if status_callback:
        emu.background.spawn(_report(emu, account, method, status_callback, call_sid, caller_id))
    return caller_id, call_sid, code


async def add_verified(emu: "Emulator", account: Account, phone_number: str) -> CallerId:
    """A number verified without a request (scenario files' `verified_numbers`)."""
    return (await verify(emu, account, phone_number))[0]


async def get(emu: "Emulator", account: Account, sid: str) -> CallerId:
    found = await records.load(emu.store, KIND, sid, CallerId) if is_sid(sid, "PN") else None
    if found is None or found.account_sid != account.sid:
        raise NotFound()
    return found


async def update(emu: "Emulator", caller_id: CallerId, friendly_name: str | None) -> CallerId:
    if friendly_name is not None:
        caller_id.friendly_name, caller_id.date_updated = friendly_name[:MAX_FRIENDLY_NAME], emu.now()
        await emu.store.write(records.put(KIND, caller_id))
    return caller_id


async def delete(emu: "Emulator", caller_id: CallerId) -> None:
    await emu.store.write(records.delete(KIND, caller_id.sid))


async def _report(emu: "Emulator", account: Account, method: str, url: str, call_sid: str,
                  caller_id: CallerId) -> None:
    params = payloads.caller_id_verified(account.sid, call_sid, caller_id.phone_number, caller_id.sid)
    await notify(emu, account, call_sid, "verification_callback", "verification callback", method, url, params,
                 "verification")
