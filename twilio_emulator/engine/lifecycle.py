"""What must happen at the moment a message changes status. The status itself needs nothing: a message's
planned timeline is applied by the clock when it is read (domain.messages.observe), so a status step costs
no write and no job. Only observers that must act at that moment get a scheduler job: the activity log's
line per status change, and status callbacks.
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
        if activity.summarizing:  # under load: a change is counted at its moment, unless it is an error
            self._count(msg, exact)
            return
        lines, previous, parties, sid = self._lines, msg.status, f" (from {msg.from_} to {msg.to})", msg.sid
        for at, status, error_code, _ in msg.timeline:
            key = (int(at / TICK), at) if exact else int(at / TICK)
            bucket = lines.get(key)
            if bucket is None:
                bucket = self._bucket(lines, key, at, exact, self._changed)
            if error_code:
                bucket.append(f"{sid} {previous} -> {status}{parties} error {error_code}")
            else:
                bucket.append(f"{sid} {previous} -> {status}{parties}")
            previous = status

    def _count(self, msg: Message, exact: bool) -> None:
        """track() while the log sums up: each change's new status (the status's own string: nothing made per
        message) in the bucket of its moment; an error step is still a line of its own."""
        counted = self._counted
        for at, status, error_code, _ in msg.timeline:
            if error_code or exact:  # (a manual clock's buckets are keyed by the exact moment too)
                self._count_one(msg, at, status, error_code, exact)
                continue
            key = int(at / TICK)
            bucket = counted.get(key)
            if bucket is None:
                bucket = self._bucket(counted, key, at, False, self._counted_due)
            bucket.append(status)

    def _count_one(self, msg: Message, at: float, status: str, error_code: int | None, exact: bool) -> None:
        """_count() for one step that is an error (a line of its own), or on a manual clock."""
        key = (int(at / TICK), at) if exact else int(at / TICK)
        buckets, due = (self._lines, self._changed) if error_code else (self._counted, self._counted_due)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = self._bucket(buckets, key, at, exact, due)
        if not error_code:
            bucket.append(status)
            return
        steps = [step.status for step in msg.timeline]
        i = steps.index(status)
        previous = steps[i - 1] if i else msg.status
        bucket.append(f"{msg.sid} {previous} -> {status} (from {msg.from_} to {msg.to}) error {error_code}")

    def _bucket(self, buckets: dict, key: int | tuple[int, float], at: float, exact: bool, due) -> list[str]:
        """A new bucket, and its job: at the bucket's end (real clock), so that no line is printed before its
        moment."""
        bucket = buckets[key] = []
        self.emu.scheduler.call_at(at if exact else max(at, (key + 1) * TICK), due, key)
        return bucket

    def _changed(self, key: int | tuple[int, float]) -> None:
        self.emu.activity.lines(self._lines.pop(key, []))

    def _counted_due(self, key: int | tuple[int, float]) -> None:
        self.emu.activity.count_changes(self._counted.pop(key, []))
