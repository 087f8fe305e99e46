"""The simulated phones: declare a handset, look one up (declared, else the default for its number), and
read what it received."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import carriers, numbers
from ..domain.carriers import Handset
from ..domain.errors import INVALID_PARAMETER, error
from ..domain.messages import DELIVERED, SENT, Message, observe
from ..store import messages as rows
from ..store import records

if TYPE_CHECKING:
    from . import Emulator


def get(emu: "Emulator", number: str) -> Handset | None:
    """The handset for a valid number: the declared one, else Twilio for a number the emulator's accounts own,
    else the default; None for an invalid number."""
    parsed = numbers.parse(number)
    if parsed is None:
        return None
    declared = emu.handsets.get(parsed.e164)
    if declared is not None:
        return declared
    if parsed.e164 in emu.numbers_by_e164:  # a number of ours: Twilio receives it (engine.inbound)
        return carriers.twilio_number_handset(parsed.e164)
    return carriers.default_handset(parsed.e164)


async def declare(emu: "Emulator", number: str, **fields) -> Handset:
    """Declare (or update) the handset of `number`; unspecified fields keep their current value."""
    current = get(emu, number)
    if current is None:
        raise error(INVALID_PARAMETER, f"{number} is not a valid phone number")
    unknown = set(fields) - {"carrier", "line_type", "mms", "short_codes", "behaviour", "error_code", "delays",
                             "city", "state", "zip"}
    if unknown:
        raise error(INVALID_PARAMETER, f"unknown handset fields: {', '.join(sorted(unknown))}")
    values = {**current.__dict__, **{k: v for k, v in fields.items() if v is not None}}
    if "behaviour" in fields and fields.get("error_code") is None:
        values["error_code"] = None  # a new behaviour brings its own default code
    handset = carriers.check(Handset(**values))
    await emu.store.write(records.put("handset", handset, key=f"handset:{handset.number}"))
    emu.handsets[handset.number] = handset
    return handset


async def inbox(emu: "Emulator", number: str) -> list[Message]:
    """What the handset has received by now, oldest first: delivered messages, and sent ones whose carrier
    gives no delivery receipt (sent is their final status)."""
    parsed = numbers.parse(number)
    if parsed is None:
        return []
    now = emu.now()
    received = []
    for msg in await rows.to_number(emu.store, tuple(emu.accounts), parsed.e164):
        seen = observe(msg, now)
        if seen.status == DELIVERED or (seen.status == SENT and not seen.timeline):
            received.append(seen)
    return received
