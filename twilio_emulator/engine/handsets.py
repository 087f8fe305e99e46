"""The simulated phones: declare a handset, look one up (declared, else the default for its number), and
read what it received."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import carriers, numbers
from ..domain.carriers import Handset
from ..domain.errors import INVALID_PARAMETER, error
from ..domain.channels import CHANNELS, split
from ..domain.messages import DELIVERED, READ, SENT, Message, observe
from ..store import messages as rows
from .waiting import wait_until

if TYPE_CHECKING:
    from . import Emulator


def _number(address: str) -> str:
    """The phone number of a WhatsApp/RCS identity (whatsapp:+1… is the handset +1…'s WhatsApp)."""
    found = split(address)
    return found.value if found.channel in CHANNELS else address


def get(emu: "Emulator", number: str) -> Handset | None:
    """The handset for a valid number (or a WhatsApp/RCS identity of one): the declared one, else Twilio for
    a number the emulator's accounts own, else the default; None for an invalid number."""
    parsed = numbers.parse(_number(number))
    if parsed is None:
        return None
    return of_number(emu, parsed.e164)


def of_number(emu: "Emulator", e164: str) -> Handset | None:
    """get() for a number already parsed, in E.164 (the create path's To): nothing to parse again."""
    declared = emu.handsets.get(e164)
    if declared is not None:
        return declared
    if e164 in emu.numbers_by_e164:  # a number of ours: Twilio receives it (engine.inbound)
        return carriers.twilio_number_handset(e164)
    return carriers.default_handset(e164)


async def declare(emu: "Emulator", number: str, **fields) -> Handset:
    """Declare (or update) the handset of `number`; unspecified fields keep their current value."""
    current = get(emu, number)
    if current is None:
        raise error(INVALID_PARAMETER, f"{number} is not a valid phone number")
    unknown = set(fields) - {"carrier", "line_type", "mms", "short_codes", "behaviour", "error_code", "delays",
                             "city", "state", "zip", "caller_name", "caller_type", "call_behaviour", "whatsapp", "rcs",
                             "read_receipts", "profile_name", "call_script"}
    if unknown:
        raise error(INVALID_PARAMETER, f"unknown handset fields: {', '.join(sorted(unknown))}")
    values = {**current.__dict__, **{k: v for k, v in fields.items() if v is not None}}
    if "behaviour" in fields and fields.get("error_code") is None:
        values["error_code"] = None  # a new behaviour brings its own default code
    if fields.get("line_type") == carriers.LANDLINE and current.line_type != carriers.LANDLINE:
        # A handset made a landline takes a landline's defaults: no MMS, SMS undelivered with 30006.
        if fields.get("mms") is None:
            values["mms"] = False
        if fields.get("behaviour") is None:
            values["behaviour"], values["error_code"] = carriers.UNDELIVERED, fields.get("error_code") or 30006
    handset = carriers.check(Handset(**values))
    await emu.handsets.save(emu.store, handset)
    return handset


def _address(number: str) -> str | None:
    """The To a handset's messages have: its E.164 number, or whatsapp:/rcs: and it; None when invalid."""
    found = split(number)
    parsed = numbers.parse(found.value if found.channel in CHANNELS else number)
    if parsed is None:
        return None
    return f"{found.channel}:{parsed.e164}" if found.channel in CHANNELS else parsed.e164


def _received(seen: Message) -> bool:
    """Whether a message (as it stands) has reached the handset: delivered (or read), or sent by a carrier
    that gives no delivery receipt (sent is then its final status)."""
    return seen.status in (DELIVERED, READ) or (seen.status == SENT and not seen.timeline)


async def inbox(emu: "Emulator", number: str) -> list[Message]:
    """What the handset has received by now, oldest first."""
    return (await inbox_and_pending(emu, number))[0]


async def inbox_and_pending(emu: "Emulator", number: str) -> tuple[list[Message], list[Message]]:
    """What the handset has received by now (oldest first), and the messages to it still on their way.
    `number` is one identity of the phone: +1… its SMS/MMS (and RCS) inbox, whatsapp:+1… its WhatsApp chats."""
    address = _address(number)
    if address is None:
        return [], []
    now = emu.now()
    received, pending = [], []
    for msg in await rows.to_number(emu.store, tuple(emu.accounts), address):
        seen = observe(msg, now)
        if _received(seen):
            received.append(seen)
        elif not seen.is_final:
            pending.append(seen)
    return received, pending


async def wait_inbox(emu: "Emulator", number: str, count: int,
                     timeout: float) -> tuple[list[Message], list[Message]]:
    """The handset's inbox and pending messages once it has received at least `count` messages, or as they
    stand after `timeout` seconds of real time. Wakes on new messages to it and on the next planned step of
    those pending (through the scheduler, so the manual clock works too); never polls."""
    target = _address(number) or number

    async def look():
        received, pending = await inbox_and_pending(emu, number)
        soonest = min((m.timeline[0].at for m in pending if m.timeline), default=None)
        return len(received) >= count, (received, pending), soonest

    return (await wait_until(emu, look, lambda kind, m: kind == "message" and m.to == target, timeout))[1]
