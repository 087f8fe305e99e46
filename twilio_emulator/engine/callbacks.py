"""Status callbacks: at each planned step of a message that has a StatusCallback, POST the step to the app,
signed. Each request runs in its own task, so a slow or dead receiver never holds up the scheduler or other
messages; every attempt is logged and a failure becomes an 11200 alert. Retries are the dispatcher's (the
URL's connection overrides: by default one retry of a connection failure, as Twilio).

Crash-safe without an outbox of their own: a message's planned steps are stored with it, and every request
sent is in the webhook log, so after a restart recover() sends each step not logged yet, with the token the
first attempt had (Emulator.token: one per message and status).
"""
from __future__ import annotations

import asyncio

import logging
from typing import TYPE_CHECKING

from ..domain import faults
from ..domain.messages import CANCELED, FAILED, OUTBOUND_CALL, SCHEDULED, SENT, Message, Step
from ..store import messages as message_rows
from ..store import webhooks as rows
from ..webhooks import payloads
from ..webhooks.dispatcher import Attempt

if TYPE_CHECKING:
    from . import Emulator

log = logging.getLogger(__name__)
KIND = "status_callback"


class StatusCallbacks:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        # The latest callback task of each message: the next one waits for it, so that an app receives a
        # message's callbacks in the order of its statuses (each in its own task, they could overtake).
        self._last: dict[str, asyncio.Task] = {}
        self._held: dict[str, Step] = {}  # a callback a `reorder` fault rule holds until the next one went

    def schedule(self, msg: Message, steps: list[Step]) -> None:
        if msg.direction == OUTBOUND_CALL:
            # Voice <Sms statusCallback>: one request, when the message is sent or fails (reference §9.2).
            steps = [s for s in steps if s.status in (SENT, FAILED)]
        for step in steps:
            self.emu.scheduler.call_at(step.at, self._spawn, msg, step)

    async def recover(self) -> None:
        """After a restart: every step of a message with a StatusCallback that was not notified yet (a step
        that passed while the emulator was down is notified at once: late rather than never)."""
        done = await rows.notified(self.emu.store, KIND)
        for msg in await message_rows.with_status_callback(self.emu.store):
            self.schedule(msg, [s for s in msg.timeline if (msg.sid, s.status) not in done])

    def notify(self, msg: Message, step: Step) -> None:
        """Send the callback of `step` now (a change that was not planned, such as a cancel)."""
        self._spawn(msg, step)

    def _spawn(self, msg: Message, step: Step) -> None:
        held = self._held.pop(msg.sid, None)
        rule = self._fault(msg, step) if self.emu.faults.rules else None
        effect = rule.do["effect"] if rule is not None else None
        if effect == faults.DROP:
            self.emu.background.spawn(self._dropped(msg, step, rule.sid))
        elif effect == faults.DELAY:  # on its own, outside the chain: the ones after it overtake it
            self.emu.scheduler.call_at(self.emu.now() + rule.do["seconds"], self._spawn_alone, msg, step)
        elif effect == faults.REORDER:
            self._held[msg.sid] = step
        else:
            self._chain(msg, step)
            if effect == faults.DUPLICATE:  # the same request again, with the same idempotency token
                self._chain(msg, step)
        if held is not None:  # the step a reorder held goes after the one that followed it
            self._chain(msg, held)

    def _fault(self, msg: Message, step: Step):
        event = {"to": msg.to, "from": msg.from_, "status": step.status, "account_sid": msg.account_sid,
                 "url": msg.status_callback}
        # A reorder needs a later callback of the message to swap with.
        later = any(s.at > step.at for s in msg.timeline)
        return self.emu.faults.fire("callback", event,
                                    lambda r: r.do["effect"] != faults.REORDER or (later and msg.sid not in self._held))

    def _spawn_alone(self, msg: Message, step: Step) -> None:
        self.emu.background.spawn(self._send(msg, step))

    async def _dropped(self, msg: Message, step: Step, rule_sid: str) -> None:
        """A callback a `drop` rule ate: in the webhook log as not sent (so that a restart does not send it)."""
        attempt = Attempt("POST", msg.status_callback or "", payloads.status_callback(msg, step.status, step.error_code,
                                                                                     step.at), {},
                          error=f"dropped by fault rule {rule_sid}")
        logged = rows.Logged(msg.account_sid, msg.sid, KIND, attempt, self.emu.now())
        await self.emu.store.write(rows.log_attempt(*logged))
        self.emu.events.publish("webhook", logged)

    def _chain(self, msg: Message, step: Step) -> None:
        task = self.emu.background.spawn(self._send(msg, step, self._last.get(msg.sid)))
        self._last[msg.sid] = task
        task.add_done_callback(lambda t, sid=msg.sid: self._last.get(sid) is t and self._last.pop(sid))

    async def _send(self, msg: Message, step: Step, previous: asyncio.Task | None = None) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        emu = self.emu
        account = emu.accounts.get(msg.account_sid)
        if account is None:
            return
        if msg.status == SCHEDULED:  # only a scheduled message can be canceled before its steps
            current = await message_rows.get(emu.store, msg.account_sid, msg.sid)
            if current is None or (current.status == CANCELED and step.status != CANCELED):
                return  # canceled before this planned step: it never happens
        channel_sender = emu.channel_senders.by("sender_id", msg.from_ or "") if msg.channel else None
        params = payloads.status_callback(msg, step.status, step.error_code, step.at,
                                          channel_sender.sid if channel_sender else None)
        await notify(emu, account, msg.sid, KIND, f"status callback {step.status}",
                     msg.status_callback_method or "POST", msg.status_callback, params, f"status:{step.status}")


async def notify(emu: "Emulator", account, resource_sid: str, kind: str, label: str, method: str, url: str,
                 params: list[tuple[str, str]], event: str, timeout: float | None = None) -> Attempt:
    """One request whose answer Twilio does not act on (a status callback of a message or a call, a caller-ID
    verification): signed, with the idempotency token of (resource, event), in the webhook log, one serve-log
    line, and an 11200 alert when it fails (after the retries the URL's connection overrides allow, each one
    logged). The one bookkeeping of them all. `timeout`: the request's own budget (dispatcher.send)."""
    attempt = await emu.dispatcher.send(method, url, params, account.auth_token, token=emu.token(resource_sid, event),
                                        timeout=timeout)
    tries = rows.tries(account.sid, resource_sid, kind, attempt, emu.now())
    ops = [rows.log_attempt(*t) for t in tries]
    if not attempt.ok:
        alert = emu.new_alert(account.sid, 11200, failure_text(attempt), method, attempt.url, resource_sid)
        ops.append(rows.insert_alert(alert))
    await emu.store.write(*ops)
    if emu.activity.enabled:
        emu.activity.line(f"{resource_sid} {label} -> {method} {attempt.url} "
                          f"{attempt.status or attempt.error} ({attempt.duration_ms:.1f} ms)")
    for logged in tries:
        emu.events.publish("webhook", logged)
    return attempt


def failure_text(attempt: Attempt) -> str:
    # Twilio 11200 "HTTP retrieval failure": the request failed or came back with an error status.
    if attempt.error:
        return f"HTTP retrieval failure: {attempt.error}"
    return f"HTTP retrieval failure: the server answered {attempt.status}"
