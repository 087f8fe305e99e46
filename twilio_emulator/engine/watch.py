"""Live streams of what happens to messages: every new message and each of its status changes, at the moment
it happens (the `messages tail --follow` stream, and the inspector's). A status step is planned, not an
event (domain.messages.observe applies it on read), so a watcher asks the scheduler to wake it at each
planned step of the messages it sees; nothing polls.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, AsyncIterator

from ..domain.messages import Message, observe
from ..store import messages as rows

if TYPE_CHECKING:
    from . import Emulator

RECENT = 200  # messages still in flight when a watcher starts: its steps ahead are watched too


@asynccontextmanager
async def message_changes(emu: "Emulator", account_sid: str | None = None, webhooks: bool = False,
                          verifications: bool = False, calls: bool = False) -> AsyncIterator[asyncio.Queue]:
    """A queue that gets each message of the account (of every account: None) as it stands at every change
    from now on: when it is created or received, at each planned status step, on a cancel or a redaction;
    until the context ends. With `webhooks`, also each request made for them, as it is logged (a
    store.webhooks.Logged). With `verifications`, also each Verify verification at each change (created, sent
    again, checked, approved or canceled). With `calls`, also each call at each change of its status."""
    queue: asyncio.Queue[Message] = asyncio.Queue()
    closed = False
    latest: dict[str, Message] = {}  # each message in flight as last published (a cancel replaces its plan)
    shown: dict[str, str] = {}  # the status last yielded for it: a change is yielded once

    def show(view: Message) -> None:
        if closed or shown.get(view.sid) == view.status:
            return
        shown[view.sid] = view.status
        if view.is_final:
            latest.pop(view.sid, None)
            shown.pop(view.sid, None)
        queue.put_nowait(view)

    def at_step(sid: str, when: float) -> None:
        msg = latest.get(sid)
        if msg is not None:
            show(observe(msg, when))

    def follow(msg: Message, now: float) -> None:
        latest[msg.sid] = msg
        for step in msg.timeline:
            if step.at > now:
                emu.scheduler.call_at(step.at, at_step, msg.sid, step.at)

    def published(kind: str, obj) -> None:
        if kind == "webhook" and webhooks and not closed and (account_sid is None or obj.account_sid == account_sid):
            queue.put_nowait(obj)
        elif kind in ("verification", "call") and (verifications if kind == "verification" else calls) and \
                not closed and (account_sid is None or obj.account_sid == account_sid):
            queue.put_nowait(obj)
        elif kind == "message" and (account_sid is None or obj.account_sid == account_sid):
            now = emu.now()
            follow(obj, now)
            shown.pop(obj.sid, None)  # published: a change (a redaction keeps the status), always shown
            show(observe(obj, now))

    stop = emu.events.listen(published)
    try:
        now = emu.now()
        for msg in await rows.recent_matching(emu.store, limit=RECENT):
            if (account_sid is None or msg.account_sid == account_sid) and not observe(msg, now).is_final:
                follow(msg, now)
        yield queue
    finally:
        closed = True
        stop()
