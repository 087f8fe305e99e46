"""Moves outbound messages through their statuses on the scheduler: queued -> sending -> sent -> delivered.

Messages in flight are kept in memory (one entry each, dropped when final). A step is synchronous: it
updates the in-memory message, queues a conditional UPDATE (so that a step never overwrites a status another
operation set meanwhile) and schedules the next step; the event is published once the UPDATE has committed,
so whoever waits on it reads the new status from the store.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..domain import numbers
from ..domain.messages import NEXT_STATUS, SCHEDULED, SENT, Message, price_for
from ..store import messages as message_rows

if TYPE_CHECKING:
    from . import Emulator

log = logging.getLogger("twilio_emulator.messages")


class Lifecycle:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        self.inflight: dict[str, Message] = {}
        self.delays = emu.settings.delays()

    def track(self, msg: Message) -> None:
        """Start moving a freshly stored message along."""
        if msg.is_final:
            return
        self.inflight[msg.sid] = msg
        self._schedule_next(msg)

    def forget(self, sid: str) -> None:
        self.inflight.pop(sid, None)

    async def recover(self) -> None:
        """After a restart: every message that was not final continues from where it stood."""
        for msg in await message_rows.open_messages(self.emu.store):
            if msg.direction.startswith("outbound"):
                self.track(msg)

    def _schedule_next(self, msg: Message) -> None:
        nxt = NEXT_STATUS.get(msg.status)
        if nxt is None:
            return
        if msg.status == SCHEDULED and msg.send_at is not None:
            self.emu.scheduler.call_at(msg.send_at, self._step, msg.sid, msg.status)
        else:
            self.emu.scheduler.call_later(self.delays.get(nxt, 0.0), self._step, msg.sid, msg.status)

    def _step(self, sid: str, expected: str) -> None:
        msg = self.inflight.get(sid)
        if msg is None or msg.status != expected:
            return  # canceled, deleted or already moved on
        self.transition(msg, NEXT_STATUS[expected])

    def transition(self, msg: Message, status: str, error_code: int | None = None,
                   error_message: str | None = None) -> None:
        """Move `msg` to `status` now; the event is published once that is committed."""
        old = msg.status
        now = self.emu.now()
        msg.status, msg.date_updated = status, now
        if error_code is not None:
            msg.error_code, msg.error_message = error_code, error_message
        if status == SENT:
            parsed = numbers.parse(msg.to)
            msg.date_sent = now
            msg.price = price_for(msg, parsed.country if parsed else "")
        self.emu.store.write_then(lambda error: self._committed(error, msg, status),
                                  message_rows.update_status(msg, expect_status=old))
        if self.emu.activity.enabled:
            self.emu.activity.line(f"{msg.sid} {old} -> {status} (from {msg.from_} to {msg.to})")
        if msg.is_final:
            self.inflight.pop(msg.sid, None)
        else:
            self._schedule_next(msg)

    def _committed(self, error: Exception | None, msg: Message, status: str) -> None:
        if error is not None:
            log.error("%s: storing status %s failed: %s", msg.sid, status, error)
            return
        self.emu.events.publish("message", msg)
