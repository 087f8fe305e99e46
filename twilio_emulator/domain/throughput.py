"""Sender throughput and queues (issue 18; reference twilio-more §9): each sender drains its queue at its rate
in message segments per second; a message waits in `queued` for its turn; the queue holds at most the
sender's rate times the validity maximum (10 h) of segments. Pure: a sender's queue is the moment it will
have sent everything already queued (`free_at`), so placing a message costs O(1) however long the queue.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import numbers
from .messages import MAX_VALIDITY

QUEUE_FULL_DIRECT = (21611, "This 'From' number has exceeded the maximum number of queued messages")
QUEUE_FULL_SERVICE = (30001, "Queue overflow")


def default_rate(kind: str, sender_country: str, to_country: str) -> float:
    """Segments per second (reference §9.1): US/CA long code 1; toll-free 3 to US/CA, 10 abroad; any number
    to a country outside +1 10; short code 100; alphanumeric sender ID 10. [UNVERIFIED: 10DLC campaign tiers
    and high-throughput toll-free are not modelled; a number of another country sends at 10.]"""
    if kind == "short-code":
        return 100.0
    if kind == "alpha":
        return 10.0
    if to_country not in numbers.NANP:
        return 10.0
    if kind == numbers.TOLL_FREE:
        return 3.0
    return 1.0 if sender_country in numbers.NANP else 10.0


@dataclass
class SenderRate:
    """A sender's rate and queue depth set by a scenario or the control API, in place of the defaults."""
    address: str  # E.164, short code or alphanumeric ID
    mps: float | None = None
    queue_depth: int | None = None  # segments

    @property
    def sid(self) -> str:  # the record key
        return self.address


def depth(rate: float, override: int | None) -> float:
    """How many segments the queue holds: the override, else rate x 36 000 s (reference §9.2)."""
    return float(override) if override is not None else rate * MAX_VALIDITY


@dataclass(frozen=True)
class Placement:
    start: float  # when the message leaves the queue (its 'sending' moment)
    full: bool  # the queue had no room: nothing was reserved


def place(free_at: float, ready: float, segments: int, rate: float, room: float) -> tuple[Placement, float]:
    """Where a message of `segments` that is ready at `ready` goes in a queue that is busy until `free_at`:
    (its placement, the queue's new free_at). `room`: the queue's depth in segments."""
    start = max(ready, free_at)
    if (start - ready) * rate + segments > room:
        return Placement(start, True), free_at
    return Placement(start, False), start + segments / rate
