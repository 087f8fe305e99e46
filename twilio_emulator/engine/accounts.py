"""Accounts, subaccounts, API keys and authentication: load, call domain rules, save, update the cache."""
from __future__ import annotations

import hmac
import time
from typing import TYPE_CHECKING

from ..domain.accounts import (ACCOUNT_STATUSES, ACCOUNT_TYPES, CLOSED, MAX_VERIFIED, TRIAL, TRIAL_LIMIT, Account,
                               ApiKey, may_access)
from ..domain.errors import INVALID_PARAMETER, AuthenticationFailed, NotFound, error
from ..domain.fields import MAX_FRIENDLY_NAME
from ..domain.sids import is_sid

if TYPE_CHECKING:
    from . import Emulator


async def ensure_account(emu: "Emulator", sid: str, auth_token: str) -> Account:
    """The start-up account: created if missing; its token follows the configuration."""
    account = emu.accounts.get(sid)
    now = emu.now()
    if account is None:
        account = Account(sid=sid, auth_token=auth_token, friendly_name="Twilio Emulator account",
                          date_created=now, date_updated=now)
    elif account.auth_token == auth_token:
        return account
    account.auth_token, account.date_updated = auth_token, now
    await _save(emu, account)
    return account


async def _save(emu: "Emulator", account: Account) -> None:
    await emu.accounts.save(emu.store, account)
    emu.auth_cache.clear()


def authenticate_header(emu: "Emulator", header: str | None, decode) -> Account:
    """authenticate() for an Authorization header, remembering the answer per header value. The memory is
    dropped whenever any credential changes (new token, key deleted, account closed)."""
    cached = emu.auth_cache.get(header) if header else None
    if cached is not None:
        return cached
    account = authenticate(emu, *decode(header))
    if header and len(emu.auth_cache) < 10_000:
        emu.auth_cache[header] = account
    return account


def authenticate(emu: "Emulator", username: str | None, password: str | None) -> Account:
    """The account whose credentials these are (Account SID + auth token, or API key SID + secret)."""
    if not username:
        raise AuthenticationFailed("No credentials provided.")
    account = None
    if username.startswith("SK"):
        key = emu.keys.get(username)
        if key and hmac.compare_digest(key.secret.encode(), (password or "").encode()):
            account = emu.accounts.get(key.account_sid)
    else:
        candidate = emu.accounts.get(username)
        if candidate and hmac.compare_digest(candidate.auth_token.encode(), (password or "").encode()):
            account = candidate
    if account is None or account.status == CLOSED:
        raise AuthenticationFailed()
    return account


def resolve(emu: "Emulator", principal: Account, account_sid: str) -> Account:
    """The account a path names, if these credentials may act on it.

    Twilio: an unknown AccountSid in the path is 404/20404 (captured, reference sdk.md §5.1); valid
    credentials for another account get 401/20003 (docs, error 20003) — never another account's data.
    """
    target = emu.accounts.get(account_sid)
    if target is None:
        raise NotFound()
    if not may_access(principal, target):
        raise AuthenticationFailed()
    return target


async def create_subaccount(emu: "Emulator", parent: Account, friendly_name: str | None) -> Account:
    if parent.owner_account_sid:
        # Twilio: subaccounts cannot have subaccounts of their own. [UNVERIFIED] code and status.
        raise error(20003, "Subaccounts cannot create subaccounts.", status=403)
    now = emu.now()
    if not friendly_name:
        friendly_name = "SubAccount Created at " + time.strftime("%Y-%m-%d %I:%M %p", time.gmtime(now))
    account = Account(sid=emu.sids.new("AC"), auth_token=emu.sids.secret(), friendly_name=friendly_name[:MAX_FRIENDLY_NAME],
                      date_created=now, date_updated=now, owner_account_sid=parent.sid)
    await _save(emu, account)
    return account


def visible_accounts(emu: "Emulator", principal: Account, friendly_name: str | None,
                     status: str | None) -> list[Account]:
    """The principal's own account and its subaccounts, oldest first."""
    out = [a for a in emu.accounts.values() if may_access(principal, a)]
    if friendly_name is not None:
        out = [a for a in out if a.friendly_name == friendly_name]
    if status is not None:
        out = [a for a in out if a.status == status]
    return sorted(out, key=lambda a: (a.date_created, a.sid))


async def update_account(emu: "Emulator", account: Account, friendly_name: str | None,
                         status: str | None) -> Account:
    if status is not None and status not in ACCOUNT_STATUSES:
        raise error(INVALID_PARAMETER, f"Status must be one of {', '.join(ACCOUNT_STATUSES)}.")
    if account.status == CLOSED:
        raise error(INVALID_PARAMETER, "A closed account cannot be updated.")
    if friendly_name is not None:
        account.friendly_name = friendly_name[:MAX_FRIENDLY_NAME]
    if status is not None:
        account.status = status
    account.date_updated = emu.now()
    await _save(emu, account)
    return account


async def set_type(emu: "Emulator", account: Account, kind: str, verified_numbers: list[str] | None = None) -> Account:
    """Make the account a trial or a full one (`type` Trial/Full, reference twilio-more §8); a trial's
    `verified_numbers` become its OutgoingCallerIds (those it has already are kept)."""
    if kind not in ACCOUNT_TYPES:
        raise error(INVALID_PARAMETER, f"type must be one of {', '.join(ACCOUNT_TYPES)}, not {kind!r}.")
    if verified_numbers is not None and (not isinstance(verified_numbers, list)
                                         or not all(isinstance(n, str) for n in verified_numbers)):
        raise error(INVALID_PARAMETER, "verified_numbers must be a list of E.164 numbers.")
    from ..domain import numbers
    from . import caller_ids
    have = {c.phone_number for c in await caller_ids.of_account(emu, account)}
    new = []
    for number in verified_numbers or []:  # all checked before anything changes
        parsed = numbers.parse(number)
        if parsed is None:
            raise error(21211, f"verified_numbers: {number!r} is not a valid phone number.")
        if parsed.e164 not in have and parsed.e164 not in new:
            new.append(parsed.e164)
    if kind == TRIAL and len(have) + len(new) > MAX_VERIFIED:
        raise error(TRIAL_LIMIT, f"A trial account verifies at most {MAX_VERIFIED} numbers.")
    if account.type != kind:
        account.type, account.date_updated = kind, emu.now()
        await _save(emu, account)
    for number in new:
        await caller_ids.add_verified(emu, account, number)
    return account


# ---- API keys ---------------------------------------------------------------------------------------------

async def create_key(emu: "Emulator", account: Account, friendly_name: str | None) -> ApiKey:
    now = emu.now()
    key = ApiKey(sid=emu.sids.new("SK"), account_sid=account.sid, friendly_name=(friendly_name or "")[:MAX_FRIENDLY_NAME],
                 secret=emu.sids.secret(), date_created=now, date_updated=now)
    return await emu.keys.save(emu.store, key)


def list_keys(emu: "Emulator", account: Account) -> list[ApiKey]:
    return sorted((k for k in emu.keys.values() if k.account_sid == account.sid), key=lambda k: k.date_created)


def get_key(emu: "Emulator", account: Account, sid: str) -> ApiKey:
    key = emu.keys.get(sid) if is_sid(sid, "SK") else None
    if key is None or key.account_sid != account.sid:
        raise NotFound()
    return key


async def update_key(emu: "Emulator", key: ApiKey, friendly_name: str | None) -> ApiKey:
    if friendly_name is not None:
        key.friendly_name = friendly_name[:MAX_FRIENDLY_NAME]
    key.date_updated = emu.now()
    return await emu.keys.save(emu.store, key)


async def delete_key(emu: "Emulator", key: ApiKey) -> None:
    await emu.keys.remove(emu.store, key)
    emu.auth_cache.clear()
