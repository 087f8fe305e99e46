"""Sender queues (issue 18): the moment each sender will have sent what is queued, the rates set per sender,
and whether queueing applies (on with `realistic` timing, off with `instant` unless turned on: the serve
option, the plugin's ini option, POST /_emulator/v1/throughput). The rules are domain.throughput.

The queues are in memory: after a restart a sender starts with an empty queue [a simplification: the
messages already planned keep their planned moments]."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import numbers
from ..domain import throughput as rules
from ..domain.errors import INVALID_PARAMETER, error
from ..domain.throughput import Placement, SenderRate
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator


class Throughput:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        self.rates: Table[SenderRate] = Table("sender_rate", SenderRate)
        self.free_at: dict[str, float] = {}
        self.switched: bool | None = None  # the control API's choice, until reset

    @property
    def enabled(self) -> bool:
        if self.switched is not None:
            return self.switched
        setting = self.emu.settings.throughput
        return setting if setting is not None else self.emu.settings.timing == "realistic"

    def reset(self) -> None:
        self.free_at.clear()
        self.switched = None

    def rate(self, sender: str, to_country: str) -> tuple[float, float]:
        """(segments per second, queue depth in segments) of `sender` sending to `to_country`."""
        override = self.rates.get(sender)
        number = self.emu.numbers_by_e164.get(sender)
        if number is not None:
            kind, country = number.type, number.country
        else:
            kind = "alpha" if numbers.is_alphanumeric_sender(sender) else numbers.LOCAL
            parsed = numbers.parse(sender)
            country = parsed.country if parsed else ""
        rate = override.mps if override is not None and override.mps else rules.default_rate(kind, country, to_country)
        return rate, rules.depth(rate, override.queue_depth if override is not None else None)

    def backlog(self, sender: str, now: float) -> float:
        """Seconds of queued work `sender` has ahead of a message ready now."""
        return max(self.free_at.get(sender, 0.0) - now, 0.0)

    def place(self, sender: str, segments: int, ready: float, to_country: str, validity: float) -> Placement:
        """The message's place in `sender`'s queue, reserved unless the queue is full or the message would
        expire before its turn (then it never takes the sender's time). A scheduled message whose SendAt is
        past everything queued now goes at SendAt without holding back what is sent before it [a
        simplification: two scheduled bursts for one moment do not queue behind each other]."""
        rate, room = self.rate(sender, to_country)
        busy_until = self.free_at.get(sender, 0.0)
        placement, free_at = rules.place(busy_until, ready, segments, rate, room)
        if ready > self.emu.now() and ready >= busy_until:
            return placement
        if not placement.full and placement.start - ready <= validity:
            self.free_at[sender] = free_at
        return placement

    async def set(self, body: dict) -> dict:
        """{"enabled": bool, "senders": {"+1…": {"mps": n, "queue_depth": n}}} (both optional): the control
        API's and the scenario files' way in. Answers the state."""
        unknown = set(body) - {"enabled", "senders"}
        if unknown:
            raise error(INVALID_PARAMETER, f"{sorted(unknown)[0]}: throughput takes enabled and senders",
                        param=sorted(unknown)[0])
        enabled, senders = body.get("enabled"), body.get("senders") or {}
        if enabled is not None and not isinstance(enabled, bool):
            raise error(INVALID_PARAMETER, "enabled must be true or false", param="enabled")
        if not isinstance(senders, dict):
            raise error(INVALID_PARAMETER, "senders must be an object of address: {mps, queue_depth}",
                        param="senders")
        rows = [self.check(address, fields) for address, fields in senders.items()]
        for row in rows:
            await self.rates.save(self.emu.store, row)
        if enabled is not None:
            self.switched = enabled
        return self.state()

    @staticmethod
    def check(address, fields) -> SenderRate:
        if not isinstance(address, str) or not address or not isinstance(fields, dict):
            raise error(INVALID_PARAMETER, "senders maps an address to {mps, queue_depth}", param="senders")
        unknown = set(fields) - {"mps", "queue_depth"}
        if unknown:
            raise error(INVALID_PARAMETER, f"{sorted(unknown)[0]}: a sender takes mps and queue_depth",
                        param="senders")
        mps, depth = fields.get("mps"), fields.get("queue_depth")
        if mps is not None and (isinstance(mps, bool) or not isinstance(mps, (int, float)) or not 0 < mps <= 10000):
            raise error(INVALID_PARAMETER, f"mps must be a number of segments per second (0-10000], not {mps!r}",
                        param="mps")
        if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 1):
            raise error(INVALID_PARAMETER, f"queue_depth must be a positive integer, not {depth!r}",
                        param="queue_depth")
        return SenderRate(address=address, mps=float(mps) if mps is not None else None, queue_depth=depth)

    def state(self) -> dict:
        now = self.emu.now()
        return {"enabled": self.enabled,
                "senders": {r.address: {"mps": r.mps, "queue_depth": r.queue_depth} for r in self.rates.values()},
                "backlog": {s: round(self.free_at[s] - now, 3) for s in self.free_at if self.free_at[s] > now}}
