"""TwiML Applications: create, read, update, delete; and the application a number's or a message's
ApplicationSid names, which must be one of the same account (21420 for a number, reference twilio-more §2.6)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.accounts import Account
from ..domain.applications import MAX_PER_ACCOUNT, NOT_ACCESSIBLE, Application, check_config
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..domain.sids import is_sid
from ..store import records

if TYPE_CHECKING:
    from . import Emulator

KIND = "application"


async def of_account(emu: "Emulator", account: Account) -> list[Application]:
    return await records.load_for_account(emu.store, KIND, account.sid, Application)


async def find(emu: "Emulator", account_sid: str, sid: str) -> Application | None:
    """The account's application `sid`, or None (unknown, deleted, another account's)."""
    found = await records.load(emu.store, KIND, sid, Application) if is_sid(sid, "AP") else None
    return found if found is not None and found.account_sid == account_sid else None


async def get(emu: "Emulator", account: Account, sid: str) -> Application:
    found = await find(emu, account.sid, sid)
    if found is None:
        raise NotFound()
    return found


async def create(emu: "Emulator", account: Account, config: dict) -> Application:
    check_config(config)
    if len(await of_account(emu, account)) >= MAX_PER_ACCOUNT:
        # [UNVERIFIED] code: the docs give the limit, not the error.
        raise error(INVALID_PARAMETER, f"An account may have at most {MAX_PER_ACCOUNT} applications.")
    now = emu.now()
    app = Application(sid=emu.sids.new("AP"), account_sid=account.sid, date_created=now, date_updated=now,
                      config={k: v for k, v in config.items() if v is not None})
    await emu.store.write(records.put(KIND, app))
    return app


async def update(emu: "Emulator", app: Application, config: dict) -> Application:
    check_config(config)
    app.config.update({k: v for k, v in config.items() if v is not None})
    app.date_updated = emu.now()
    await emu.store.write(records.put(KIND, app))
    return app


async def delete(emu: "Emulator", app: Application) -> None:
    """Numbers that name it keep the SID (reference §2.6): their traffic then raises an alert."""
    await emu.store.write(records.delete(KIND, app.sid))


async def check_refs(emu: "Emulator", account_sid: str, config: dict) -> None:
    """A number's SmsApplicationSid / VoiceApplicationSid must name an application of its account."""
    for name in ("sms_application_sid", "voice_application_sid"):
        sid = config.get(name)
        if sid and await find(emu, account_sid, sid) is None:
            param = "SmsApplicationSid" if name.startswith("sms") else "VoiceApplicationSid"
            raise error(NOT_ACCESSIBLE, f"{param} {sid} is not accessible: no application of this account has "
                                        "that SID.")


MISCONFIGURED_WEBHOOK = 11321  # docs errors/11321 (warning): Twilio could not send the incoming message's webhook


async def voice_status_callback(emu: "Emulator", number) -> tuple[str | None, str]:
    """Where an inbound call's status callback goes: the StatusCallback of the number's voice application when
    it names one, else the number's own ((None, "POST") when there is none)."""
    source = number
    if number.get("voice_application_sid"):
        source = await find(emu, number.account_sid, number.get("voice_application_sid"))
        if source is None:
            return None, "POST"
    return source.get("status_callback") or None, (source.get("status_callback_method") or "POST").upper()


async def target(emu: "Emulator", number, channel: str) -> tuple[tuple[str, str, str, str], str]:
    """Where a number's incoming `channel` ("sms" or "voice") goes: ((url, method, fallback url, fallback
    method), why there is no url when url is ""). Its application's URLs when it names one (all of the
    number's own are then ignored: spec SmsApplicationSid/VoiceApplicationSid), else its own."""
    if number is None:
        return ("", "POST", "", "POST"), "the number was released"
    app_sid = number.get(f"{channel}_application_sid")
    source, owner = number, f"the number {number.phone_number}"
    if app_sid:
        app = await find(emu, number.account_sid, app_sid)
        if app is None:
            return ("", "POST", "", "POST"), (f"the {channel.title()}ApplicationSid of {number.phone_number}, "
                                              f"{app_sid}, names no application (deleted?)")
        source, owner = app, f"its application {app_sid}"
    url = source.get(f"{channel}_url") or ""
    config = (url, source.get(f"{channel}_method") or "POST", source.get(f"{channel}_fallback_url") or "",
              source.get(f"{channel}_fallback_method") or "POST")
    return config, "" if url else f"{owner} has no {channel.title()}Url"
