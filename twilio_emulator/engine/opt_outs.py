"""Opt-out (reference §11): who opted out of which sender, and the 21610 refusal of a send to them (the
keywords themselves are handled with the inbound message: engine.inbound). Opt-outs are few: kept in memory
(write-through) and in store.records."""
from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from ..domain.errors import error
from ..domain.messaging_services import MessagingService
from ..domain.opt_out import BLOCKED, AdvancedOptOut, OptOut, check_advanced
from ..domain.phone_numbers import IncomingPhoneNumber
from ..store import Op
from . import messaging_services as services
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator

KIND = "opt_out"


def table() -> Table[OptOut]:
    """Opt-outs by "scope:handset" (OptOut.sid), grouped by handset."""
    return Table(KIND, OptOut, groups={"handset": attrgetter("handset")})


def advanced_table() -> Table[AdvancedOptOut]:
    """Messaging Services' Advanced Opt-Out configurations, by service SID (issue 19)."""
    return Table("advanced_opt_out", AdvancedOptOut)


async def set_advanced(emu: "Emulator", service: MessagingService, config) -> AdvancedOptOut:
    """Give `service` its Advanced Opt-Out configuration (checked: domain.opt_out.check_advanced); an empty
    one ({}) removes it (Twilio's defaults again)."""
    if config in ({}, None):
        current = emu.advanced_opt_outs.get(service.sid)
        if current is not None:
            await emu.advanced_opt_outs.remove(emu.store, current)
        return AdvancedOptOut(service.account_sid, service.sid, {})
    entry = AdvancedOptOut(account_sid=service.account_sid, service_sid=service.sid, config=check_advanced(config))
    return await emu.advanced_opt_outs.save(emu.store, entry)


def advanced_of(emu: "Emulator", service: MessagingService | None) -> dict | None:
    entry = emu.advanced_opt_outs.get(service.sid) if service is not None else None
    return entry.config if entry is not None else None


def _blocked(emu: "Emulator", scope: str, handset: str) -> bool:
    return OptOut("", scope, handset, 0.0).sid in emu.opt_outs


def _scopes(emu: "Emulator", service: MessagingService | None, sender: str) -> set[str]:
    """What an opt-out may have been recorded against for a message from `sender`: the sender itself, its
    Messaging Service, and the service the message goes through."""
    scopes = {sender}
    number = emu.numbers_by_e164.get(sender)
    own = services.of_number(emu, number)
    for s in (service, own):
        if s is not None:
            scopes.add(s.sid)
    return scopes


def check(emu: "Emulator", service: MessagingService | None, sender: str, to: str) -> None:
    """Raises 21610 when `to` opted out of `sender` or of its service (Twilio refuses the request: 400)."""
    if emu.opt_outs.rows and any(_blocked(emu, scope, to) for scope in _scopes(emu, service, sender)):
        raise error(BLOCKED[0], f"{BLOCKED[1]}: {to} replied STOP to this sender.")


def opted_out(emu: "Emulator", number: IncomingPhoneNumber, handset: str) -> bool:
    return any(_blocked(emu, scope, handset) for scope in _scopes(emu, None, number.phone_number))


def entry(emu: "Emulator", number: IncomingPhoneNumber, handset: str) -> OptOut:
    """The opt-out of `handset`, which texted STOP to `number`: blocked from the number's Messaging Service,
    or from the number alone when it is in none. Stored with record_op() (with the confirmation that goes
    out before it), then remember()ed."""
    service = services.of_number(emu, number)
    return OptOut(account_sid=number.account_sid, scope=service.sid if service else number.phone_number,
                  handset=handset, date_created=emu.now())


def record_op(emu: "Emulator", opt_out: OptOut) -> Op:
    return emu.opt_outs.put(opt_out)


def remember(emu: "Emulator", opt_out: OptOut) -> None:
    emu.opt_outs.remember(opt_out)


async def lift(emu: "Emulator", number: IncomingPhoneNumber, handset: str) -> None:
    """`handset` texted START to `number`: every block that stopped the number reaching it goes."""
    scopes = _scopes(emu, None, number.phone_number)
    gone = [o for o in emu.opt_outs.group("handset", handset).values() if o.scope in scopes]
    await emu.store.write(*[emu.opt_outs.delete(o) for o in gone])
    for o in gone:
        emu.opt_outs.forget(o)
