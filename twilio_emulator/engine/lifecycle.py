"""What must happen at the moment a message changes status. The status itself needs nothing: a message's
planned timeline is applied by the clock when it is read (domain.messages.observe), so a status step costs
no write and no job. Only observers that must act at that moment get a scheduler job: the activity log's
line per status change (and, with issue 3, status callbacks).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.messages import DELIVERED, Message
from .scheduler import TICK

if TYPE_CHECKING:
    from . import Emulator


class Lifecycle:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        # As domain.messages.delivery_plan takes them (hashable: it caches the plan per delays).
        self.delays = tuple(sorted(emu.settings.delays().items()))
        # Activity-log lines waiting for their moment, bucketed by scheduler tick: one scheduler entry per
        # bucket instead of one per status step. Finished strings, not Message objects: thousands of
        # messages in flight then hold nothing the garbage collector has to walk.
        # Keyed by the tick (real clock), or by (tick, the exact moment) on a manual clock.
        self._lines: dict[int | tuple[int, float], list[str]] = {}
        # While the log sums up (ActivityLog.summarizing): the new statuses of the changes it will count, likewise.
        self._counted: dict[int | tuple[int, float], list[str]] = {}

    def track(self, msg: Message) -> None:
        """Schedule the moments of `msg`'s planned steps that someone has to act on."""
        if msg.status_callback:
            self.emu.callbacks.schedule(msg, msg.timeline)
        if msg.to in self.emu.numbers_by_e164:  # to a number of ours: it arrives there as an inbound message
            for step in msg.timeline:
                if step.status == DELIVERED:
                    self.emu.scheduler.call_at(step.at, self.emu.inbound.from_network, msg)
        activity = self.emu.activity
        if not activity.enabled:
            return
        exact = self.emu.clock.mode == "manual"  # a manual clock shows every moment exactly: no buckets
        summing = activity.summarizing  # under load: a change is counted at its moment, unless it is an error
        previous, parties, sid = msg.status, f" (from {msg.from_} to {msg.to})", msg.sid
        for at, status, error_code, _ in msg.timeline:
            key = (int(at / TICK), at) if exact else int(at / TICK)
            counted = summing and not error_code
            buckets = self._counted if counted else self._lines
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = []
                # At the bucket's end (real clock), so that no line is printed before its moment.
                self.emu.scheduler.call_at(at if exact else max(at, (key + 1) * TICK),
                                           self._counted_due if counted else self._changed, key)
            if counted:
                bucket.append(status)  # the status's own string: nothing made per message
            elif error_code:
                bucket.append(f"{sid} {previous} -> {status}{parties} error {error_code}")
            else:
                bucket.append(f"{sid} {previous} -> {status}{parties}")
            previous = status

    def _changed(self, key: int | tuple[int, float]) -> None:
        self.emu.activity.lines(self._lines.pop(key, []))

    def _counted_due(self, key: int | tuple[int, float]) -> None:
        self.emu.activity.count_changes(self._counted.pop(key, []))
