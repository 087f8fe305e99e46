"""Outbound media: an MMS stays queued while Twilio downloads each MediaUrl (domain.media says what the answers
mean); then it follows the carrier's plan from that moment, or fails with the download's code (an alert too).

The plan is made when the message is created, as for any message, but held in the outbox (store.outbox
media_fetches) instead of the message's timeline; the download starts at once, or at SendAt for a
scheduled message. The write that releases the plan (or the failure) removes the outbox row, so a download
interrupted by a crash is done once after the restart. Real clock: each download is a task of its own (a
slow media server holds up nothing else). Manual clock: the download is a scheduler job, so advance() waits
for it and the message moves on at the virtual moment it was due.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..domain import media as rules
from ..domain import numbers
from ..domain.messages import CANCELED, DELIVERED, FAILED, MIN_STEP, Message, Step, apply_plan, observe
from ..store import Op, outbox
from ..store import messages as rows
from ..store import webhooks as log_rows
from ..webhooks.dispatcher import Attempt

if TYPE_CHECKING:
    from . import Emulator

log = logging.getLogger(__name__)
KIND = "media_fetch"  # its rows in the webhook log


class MediaFetches:
    def __init__(self, emu: "Emulator"):
        self.emu = emu

    def hold(self, msg: Message, plan: list[Step], due: float) -> Op:
        """The outbox row that keeps `plan` (from `due`) until the media of `msg` are in."""
        return outbox.media_fetch(msg.sid, msg.account_sid, due, plan)

    def schedule(self, sid: str, account_sid: str, due: float) -> None:
        self.emu.scheduler.call_at(due, self._due, sid, account_sid)

    async def recover(self) -> None:
        """After a restart: every download that had not finished, at its moment (at once if it passed)."""
        for sid, account_sid, due in await outbox.pending_media_fetches(self.emu.store):
            self.schedule(sid, account_sid, due)

    def _due(self, sid: str, account_sid: str):
        work = self._fetch(sid, account_sid)
        if self.emu.clock.mode == "manual":
            return work  # awaited by advance(): the download takes no virtual time
        self.emu.background.spawn(work)
        return None

    async def _fetch(self, sid: str, account_sid: str) -> None:
        emu = self.emu
        held = await outbox.held_plan(emu.store, sid)
        msg = await rows.get(emu.store, account_sid, sid)
        if held is None or msg is None or observe(msg, emu.now()).status == CANCELED:
            if held is not None:
                await emu.store.write(outbox.media_fetched(sid))
            return
        due, offsets = held
        items = await rows.media_for(emu.store, sid)
        channel = msg.channel
        downloads, remaining = [], rules.limit(channel)
        fetching = emu.settings.media_fetch
        for item in items:
            got = await emu.dispatcher.download(item.url, max(remaining, 0)) if fetching else rules.unfetched(item.url)
            downloads.append(got)
            remaining -= got.size
            if rules.verdict(downloads, channel) is not None:
                break
        now = emu.now()
        refusal = rules.verdict(downloads, channel)
        logged = [log_rows.Logged(account_sid, sid, KIND, _as_attempt(d), now) for d in downloads] if fetching else []
        ops: list[Op] = [log_rows.log_attempt(*entry) for entry in logged]
        if not fetching:  # never silent: the message says its media was taken on trust
            ops.append(log_rows.insert_alert(emu.new_alert(
                account_sid, rules.NOT_FETCHED, "media not fetched (serve --no-media-fetch): "
                + ", ".join(f"{d.url} taken as {d.content_type or 'no type'}" for d in downloads), "GET",
                downloads[0].url, sid, level="info")))
        if refusal is not None:  # nothing is sent: the message fails where it stood (no price)
            steps = [Step(now + MIN_STEP, FAILED, refusal.code, refusal.title)]
            ops.append(log_rows.insert_alert(emu.new_alert(account_sid, refusal.code, refusal.detail, "GET",
                                                           downloads[-1].url, sid)))
        else:
            steps = [Step(now + s.at, s.status, s.error_code, s.error_message) for s in offsets]
            ops += [rows.set_media_type(item.sid, rules.media_type(d.content_type), now)
                    for item, d in zip(items, downloads)]
        parsed = numbers.parse(msg.to)
        apply_plan(msg, [*msg.timeline, *steps], parsed.country if parsed else "US")
        ops += [rows.update(msg), outbox.media_fetched(sid)]
        if msg.to in emu.numbers_by_e164:  # to a number of ours: on delivery it arrives there (engine.inbound)
            delivered = next((s.at for s in steps if s.status == DELIVERED), None)
            if delivered is not None:
                ops.append(outbox.arrival(sid, account_sid, delivered))
        await emu.store.write(*ops)
        msg.media = items
        view = observe(msg, now)
        for entry in logged:
            emu.events.publish("webhook", entry)
        emu.events.publish("message", view)
        emu.lifecycle.track(view)
        if emu.activity.enabled:
            emu.activity.line(f"{sid} media fetched: {refusal.code} {refusal.detail}" if refusal else
                              f"{sid} media fetched: " + ", ".join(f"{rules.media_type(d.content_type)} "
                                                                   f"{d.size} bytes" for d in downloads))


def _as_attempt(d: rules.Download) -> Attempt:
    return Attempt("GET", d.url, [], {"User-Agent": "TwilioProxy/1.1"}, status=d.status, error=d.error,
                   content_type=d.content_type, duration_ms=d.duration_ms)
