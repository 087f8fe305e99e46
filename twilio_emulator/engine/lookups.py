"""Lookup: the simulated network's answer about a number (domain.lookups), from the handset messages to it
reach (engine.handsets: declared, Twilio for a number of ours, else the default for the number)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import lookups
from ..domain.carriers import Handset
from . import handsets

if TYPE_CHECKING:
    from . import Emulator


def lookup(emu: "Emulator", raw: str, country: str | None) -> tuple[lookups.Parsed, Handset | None, bool]:
    """(what the number is, its handset or None when invalid, whether it is a number of the emulator's)."""
    parsed = lookups.parse(raw, country)
    if not parsed.valid:
        return parsed, None, False
    return parsed, handsets.of_number(emu, parsed.number.e164), parsed.number.e164 in emu.numbers_by_e164
