"""The debugger's alerts of an account (Twilio Monitor): listing with filters, and fetching one."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.accounts import Account
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..store import webhooks as rows
from ..store.webhooks import Alert

if TYPE_CHECKING:
    from . import Emulator

LOG_LEVELS = ("error", "warning", "notice", "debug")


async def alerts(emu: "Emulator", account: Account, log_level: str | None, start: float | None,
                 end: float | None) -> list[Alert]:
    """The account's alerts, newest first (as Twilio lists them), narrowed by LogLevel and StartDate/EndDate."""
    if log_level is not None and log_level not in LOG_LEVELS:
        raise error(INVALID_PARAMETER, f"LogLevel must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}.")
    found = [a for a in await rows.alerts(emu.store, account.sid)
             if (log_level is None or a.log_level == log_level) and (start is None or a.date_created >= start)
             and (end is None or a.date_created <= end)]
    return found[::-1]


async def alert(emu: "Emulator", account: Account, sid: str) -> Alert:
    for found in await rows.alerts(emu.store, account.sid):
        if found.sid == sid:
            return found
    raise NotFound()
