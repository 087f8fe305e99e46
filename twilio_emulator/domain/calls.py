"""Simulated incoming voice calls, as far as messaging needs them: a call runs the number's voice TwiML, and
its transcript records what the caller would have heard and what <Sms> sent. Pure.

Emulator: no audio, no Calls REST resource; <Dial>, <Gather> and friends are recorded as not emulated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

RINGING, IN_PROGRESS, COMPLETED = "ringing", "in-progress", "completed"


@dataclass
class Call:
    sid: str  # CA…
    account_sid: str
    from_: str  # the caller
    to: str  # the called number (ours)
    status: str
    date_created: float
    date_updated: float
    direction: str = "inbound"
    # What happened, in order: {"verb": "Say", "text": …}, {"verb": "Sms", "sid": …, "status": …}, …
    transcript: list[dict] = field(default_factory=list)
