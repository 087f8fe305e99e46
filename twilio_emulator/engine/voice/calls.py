"""Voice calls for <Sms> (seed "TwiML Voice: <Sms>"): a caller dials one of our numbers -> the number's
voice_url -> voice TwiML, run far enough for messaging. <Say>/<Play>/<Pause> go to the transcript, <Hangup>
and <Reject> end the call, <Redirect> fetches the next document, <Sms> sends a message (direction
outbound-call): to = the caller and from = the called number unless given; with `action`, Twilio requests
it with SmsSid and SmsStatus (sending | invalid) and the call continues with the TwiML it returns (verbs
after the <Sms> are unreachable); without, the call goes on to the next verb. `statusCallback` gets one
POST when the message is sent or fails (engine.callbacks). Reference §9.2.
"""
from __future__ import annotations

import asyncio
import copy
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from ...domain import numbers
from ...config import CALL_TIMINGS
from ...domain.accounts import TRIAL, Account
from ...domain.applications import INVALID_APPLICATION
from ...domain.voice.calls import (INBOUND, BUSY, CANCELED, COMPLETED, DEFAULT_TIMEOUT, EVENT_OF, FAILED, FINAL, FROM_NOT_OURS,
                            GENERIC, IN_PROGRESS, INITIATED, INVALID_STATE, INVALID_TO, INVALID_URL, MAX_TWIML,
                            NO_ANSWER, OUTBOUND_API, QUEUED, RINGING, SIP_CODES, Call, CallRequest, check_request,
                            events_of, method_of, price)
from ...domain.errors import INVALID_PARAMETER, NotFound, TwilioError, error
from ...domain.messages import MIN_STEP, OUTBOUND_CALL, Message, SendRequest, valid_callback_url
from ...domain.sids import is_sid
from ...store import records
from ...store.webhooks import Alert
from ...twiml import errors as E
from ...twiml import verbs
from ...twiml.errors import TwimlError, TwimlWarning
from ...webhooks import payloads
from ...webhooks.dispatcher import Attempt
from ...domain.voice.script import Caller
from .. import applications, caller_ids, documents, handsets, messaging
from . import verbs as call_verbs
from ..callbacks import notify
from ..inbound import REPLY_WARNING
from ..sessions import Session, Text, answer_of_body
from ..waiting import wait_until

if TYPE_CHECKING:
    from .. import Emulator

log = logging.getLogger(__name__)
KIND = "call"


@dataclass
class _Managed:
    """A Twilio-managed caller (Verify's calls): no number of the account."""
    phone_number: str
    sid: str | None = None


@dataclass
class CallOutcome:
    call: Call
    webhooks: list[Attempt]
    alerts: list[Alert]
    messages: list[Message]


class Calls:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        self._last: dict[str, asyncio.Task] = {}  # each call's latest status callback: the next one waits for it
        self._inputs: dict[str, asyncio.Queue] = {}  # a live call's input (POST /calls/{sid}/input), by call

    async def place(self, from_: str | None, to: str | None, script: list[dict] | None = None,
                    live: bool = False) -> tuple[Call, asyncio.Task]:
        """`from_` calls our number `to`: the call starts ringing and its TwiML runs in a task whose result is
        the CallOutcome. `script`: what the caller does (domain.voice.script; default: its handset's call_script,
        none for a live call). `live`: once the script has run out, a <Gather> or <Record> waits (its timeout,
        on the virtual clock) for input given while the call runs (input()). Raises TwilioError (nothing
        stored) for a call that cannot be placed."""
        emu = self.emu
        if not to or not from_:
            raise error(INVALID_PARAMETER, "From (the caller) and To (one of the emulator's numbers) are required.")
        parsed_to = numbers.parse(to)
        number = emu.numbers_by_e164.get(parsed_to.e164) if parsed_to else None
        if number is None:
            raise TwilioError(f"{to} is not a phone number of any account in this emulator.", code=20404, status=404)
        if not number.capabilities.get("voice"):
            raise error(INVALID_PARAMETER, f"{number.phone_number} cannot receive calls (no voice capability).")
        caller = numbers.parse(from_, parsed_to.country)
        if caller is None:
            raise error(21212, f"From {from_!r} is not a valid phone number.")
        if script is None:
            script = [] if live else list(handsets.get(emu, caller.e164).call_script)
        callback, callback_method = await applications.voice_status_callback(emu, number)
        now = emu.now()
        call = Call(sid=emu.sids.new("CA"), account_sid=number.account_sid, from_=caller.e164,
                    to=number.phone_number, status=RINGING, date_created=now, date_updated=now,
                    phone_number_sid=number.sid, start_time=now, script=script, status_callback=callback,
                    status_callback_method=callback_method, live=live)
        await emu.store.write(records.put(KIND, call))
        if live:
            self._inputs[call.sid] = asyncio.Queue()
        return call, emu.background.spawn(self._run(copy.deepcopy(call), number))

    async def get(self, sid: str) -> Call | None:
        return await records.load(self.emu.store, KIND, sid, Call)

    async def wait(self, sid: str, statuses: tuple[str, ...], timeout: float) -> Call | None:
        """The call once its status is one of `statuses` ("final": any final one; "listening": a live call
        waiting for input, or ended), or as it stands after `timeout` seconds of real time; None when there is
        no such call."""
        wanted = FINAL if "final" in statuses else frozenset(statuses)
        listening = "listening" in statuses

        async def look():
            call = await self.get(sid)
            holds = call is None or call.status in wanted or (listening and (call.listening or call.is_final))
            return holds, call, None

        return (await wait_until(self.emu, look, lambda kind, c: kind == KIND and c.sid == sid, timeout))[1]

    # ---- the Calls resource: calls the account places ------------------------------------------------------
    async def create(self, account: Account, req: CallRequest, managed: bool = False, also: tuple = ()) -> Call:
        """Calls.create: checked whole (nothing stored on an error), then queued; the call then moves on the
        virtual clock: initiated, ringing, and answered, busy, no-answer or failed as its handset does.
        `managed`: `req.from_` is a Twilio-managed number (Verify's), not one of the account's. `also`: writes
        that commit in the same transaction as the call."""
        emu = self.emu
        check_request(req)
        to = numbers.parse(req.to)
        if to is None:
            raise error(INVALID_TO, f"The 'To' number {req.to} is not a valid phone number.")
        source = emu.numbers_by_e164.get(req.from_)
        if managed:
            source = _Managed(req.from_)
        elif source is None or source.account_sid != account.sid or not source.capabilities.get("voice"):
            verified = {c.phone_number: c for c in await caller_ids.of_account(emu, account)}
            source = verified.get(req.from_)
            if source is None:
                raise error(FROM_NOT_OURS, f"The source phone number provided, {req.from_}, is not yet verified for "
                            "your account. You may only make calls from phone numbers that you've verified or "
                            "purchased from Twilio.")
        if account.type == TRIAL and to.e164 not in {c.phone_number for c in await caller_ids.of_account(emu, account)}:
            raise error(21219, f"The number {to.e164} is unverified. Trial accounts may only make calls to verified "
                        "numbers.")
        url, method, fallback_url, fallback_method = req.url, req.method, req.fallback_url, req.fallback_method
        status_callback, status_callback_method = req.status_callback, req.status_callback_method
        if req.application_sid:  # the application drives the call; the request's own URLs are ignored (spec)
            app = await applications.find(emu, account.sid, req.application_sid)
            if app is None:
                raise error(INVALID_APPLICATION, f"ApplicationSid {req.application_sid} is not an application of this "
                            "account.")
            if not app.get("voice_url"):
                raise error(INVALID_URL, f"The application {app.sid} has no VoiceUrl.")
            url, method = app.get("voice_url"), app.get("voice_method")
            fallback_url, fallback_method = app.get("voice_fallback_url"), app.get("voice_fallback_method")
            status_callback, status_callback_method = app.get("status_callback"), app.get("status_callback_method")
        now = emu.now()
        call = Call(sid=emu.sids.new("CA"), account_sid=account.sid, from_=source.phone_number, to=to.e164,
                    status=QUEUED, date_created=now, date_updated=now, direction=OUTBOUND_API,
                    phone_number_sid=source.sid, status_callback=status_callback,
                    status_callback_method=method_of(status_callback_method, "StatusCallbackMethod"),
                    events=tuple(events_of(req.status_callback_events)) or ("completed",),
                    timeout=req.timeout or DEFAULT_TIMEOUT, url=None if req.twiml and not req.url else url,
                    method=method_of(method, "Method"), fallback_url=fallback_url,
                    fallback_method=method_of(fallback_method, "FallbackMethod"),
                    twiml=req.twiml if not url else None,  # Twiml is ignored when Url is given too (spec)
                    send_digits=req.send_digits, script=list(handsets.get(emu, to.e164).call_script))
        await emu.store.write(records.put(KIND, call), *also)
        if emu.activity.enabled:
            emu.activity.line(f"{call.sid} call from {call.from_} to {call.to} queued")
        self._schedule(call, INITIATED, now + self._delay("initiated"))
        return call

    async def of_account(self, account: Account) -> list[Call]:
        """The account's calls, newest first."""
        found = await records.load_for_account(self.emu.store, KIND, account.sid, Call)  # oldest first
        return sorted(found, key=lambda c: c.date_created)[::-1]

    async def find(self, account: Account, sid: str) -> Call:
        call = await self.get(sid) if is_sid(sid, "CA") else None
        if call is None or call.account_sid != account.sid:
            raise NotFound()
        return call

    async def update(self, call: Call, status: str | None, url: str | None, method: str | None,
                     twiml: str | None, fallback_url: str | None, fallback_method: str | None,
                     status_callback: str | None, status_callback_method: str | None) -> Call:
        """Hang up (Status=canceled while queued or ringing, Status=completed at any time) or redirect a live
        call to new TwiML (Url or Twiml; 21220 unless in progress)."""
        emu = self.emu
        if status is not None and status not in (CANCELED, COMPLETED):
            raise error(GENERIC, f"Status must be canceled or completed, not {status!r}.")
        if url and not valid_callback_url(url) or fallback_url and not valid_callback_url(fallback_url):
            raise error(INVALID_URL, f"Url {url or fallback_url!r} is not a valid URL.")
        if status_callback and not valid_callback_url(status_callback):
            raise error(GENERIC, f"StatusCallback {status_callback!r} is not a valid URL.")
        if twiml is not None and len(twiml) > MAX_TWIML:
            raise error(GENERIC, f"Twiml must be {MAX_TWIML} characters or fewer.")
        for name, value in (("Method", method), ("FallbackMethod", fallback_method),
                            ("StatusCallbackMethod", status_callback_method)):
            method_of(value, name)
        if (url or twiml) and call.status != IN_PROGRESS:
            raise error(INVALID_STATE, f"Call {call.sid} is {call.status}: only a call in progress can be redirected.")
        if status_callback is not None:
            call.status_callback = status_callback
        if status_callback_method is not None:
            call.status_callback_method = method_of(status_callback_method, "StatusCallbackMethod")
        if status == CANCELED:  # Twilio: a call already in progress is not affected
            if call.status in (QUEUED, RINGING):
                await self._end(call, CANCELED, None, callback=call.status != QUEUED)
            return call
        if status == COMPLETED:
            if not call.is_final:
                answered = call.status == IN_PROGRESS
                await self._end(call, COMPLETED if answered else CANCELED, self._talked(call) if answered else None)
            return call
        if url or twiml:
            call.url, call.twiml = (url, None) if url else (None, twiml)
            call.method, call.fallback_url = method_of(method, "Method"), fallback_url
            call.fallback_method = method_of(fallback_method, "FallbackMethod")
            call.plan += 1  # what was planned for the old TwiML does not happen
            call.date_updated = emu.now()
            await emu.store.write(records.put(KIND, call))
            self._schedule(call, "redirect", emu.now())
        elif status_callback is not None or status_callback_method is not None:
            await emu.store.write(records.put(KIND, call))
        return call

    async def delete(self, call: Call) -> None:
        if not call.is_final:
            # [UNVERIFIED] code, as for messages: "Cannot delete this resource before it is complete".
            raise error(20009, "Cannot delete a call before it has ended.")
        await self.emu.store.write(records.delete(KIND, call.sid))

    async def recover(self) -> None:
        """After a restart: a call cannot outlive the emulator; one that had not ended has failed [emulator
        choice], with its final status callback."""
        for call in await records.load_all(self.emu.store, KIND, Call):
            if not call.is_final:
                await self._end(call, FAILED, None)

    def _talked(self, call: Call) -> int:
        """Seconds since the call was answered (Twilio's duration: the answered time, not the ringing)."""
        return max(1, round(self.emu.now() - (call.answered_at or self.emu.now())))

    def _delay(self, step: str) -> float:
        return CALL_TIMINGS[self.emu.settings.timing][step]

    def _schedule(self, call: Call, step: str, at: float) -> None:
        self.emu.scheduler.call_at(at, self._step, call.sid, call.plan, step)

    def _step(self, sid: str, plan: int, step: str):
        work = self._advance(sid, plan, step)
        if self.emu.clock.mode == "manual":
            return work  # advance() waits for it: the call's TwiML takes no virtual time
        self.emu.background.spawn(work)
        return None

    async def _advance(self, sid: str, plan: int, step: str) -> None:
        emu = self.emu
        call = await self.get(sid)
        if call is None or call.plan != plan or call.is_final:
            return  # deleted, redirected, hung up
        now = emu.now()
        handset = handsets.get(emu, call.to)
        behaviour = handset.call_behaviour if handset else FAILED
        if step == INITIATED:
            call.start_time = call.date_updated = now
            await self._save(call, INITIATED)
            if behaviour == FAILED:
                self._schedule(call, FAILED, now + MIN_STEP)
            else:
                self._schedule(call, RINGING, now + self._delay("ringing"))
        elif step == RINGING:
            call.status, call.date_updated = RINGING, now
            await self._save(call, RINGING)
            if behaviour == BUSY:
                self._schedule(call, BUSY, now + self._delay("answered"))
            elif behaviour == NO_ANSWER:
                self._schedule(call, NO_ANSWER, now + call.timeout)
            else:
                self._schedule(call, IN_PROGRESS, now + self._delay("answered"))
        elif step in (IN_PROGRESS, "redirect"):
            if step == IN_PROGRESS:
                call.status, call.date_updated, call.answered_at = IN_PROGRESS, now, now
                if call.send_digits:  # dialed to the answering party before the TwiML runs
                    call.transcript.append({"verb": "SendDigits", "digits": call.send_digits})
                await self._save(call, IN_PROGRESS)
            heard = len(call.transcript)
            target = (call.url, call.method, call.fallback_url or "", call.fallback_method) if call.url else None
            outcome = await self._converse(call, "outgoing_call" if step == IN_PROGRESS else "redirect", IN_PROGRESS,
                                           target, twiml=call.twiml)
            current = await self.get(sid)  # the TwiML may have taken real time: hung up or redirected since?
            if current is None or current.plan != plan or current.is_final:
                return
            current.transcript = outcome.call.transcript
            await emu.store.write(records.put(KIND, current))
            self._schedule(current, COMPLETED, emu.now() + _duration(current.transcript[heard:]))
        else:  # a final status
            await self._end(call, step, self._talked(call) if step == COMPLETED else None)

    async def _save(self, call: Call, status: str) -> None:
        """Store the call as it now stands, and send the status callback of `status` if it asked for it."""
        params = self._callback_params(call, status) if self._wants(call, status) else None
        await self.emu.store.write(records.put(KIND, call))
        self.emu.events.publish(KIND, call)
        if params is not None:
            self._send_callback(call, params)
        if self.emu.activity.enabled:
            self.emu.activity.line(f"{call.sid} call {status} (from {call.from_} to {call.to})")

    async def _end(self, call: Call, status: str, duration: int | None, callback: bool = True) -> None:
        """The call's final status: its end time, duration and price (once answered), and its callback."""
        now = self.emu.now()
        waiting = self._inputs.pop(call.sid, None)
        if waiting is not None:  # ended while a verb listens (a REST hang-up): the caller is gone
            waiting.put_nowait([{"hangup": True}])
        call.status, call.date_updated, call.end_time, call.plan = status, now, now, call.plan + 1
        call.listening = False
        if status == COMPLETED:
            call.duration = duration or 0
            parsed = numbers.parse(call.from_ if call.direction == INBOUND else call.to)
            call.price = price(call.duration, parsed.country if parsed else "US")
        else:
            call.duration = 0 if status != CANCELED else None
        if callback:
            await self._save(call, status)
        else:
            await self.emu.store.write(records.put(KIND, call))
            self.emu.events.publish(KIND, call)

    # ---- a live call's input ---------------------------------------------------------------------------------
    async def input(self, sid: str, steps: list[dict]) -> Call:
        """What the caller of a live call does next (checked steps, as a script's): taken by the <Gather> or
        <Record> that listens now, or by the next one."""
        call = await self.get(sid)
        if call is None:
            raise NotFound()
        if not call.live:
            raise TwilioError(f"Call {sid} is not live: give its caller a script, or place it with \"live\": true.",
                              code=INVALID_STATE, status=409)
        queue = self._inputs.get(sid)
        if call.is_final or queue is None:
            raise TwilioError(f"Call {sid} has ended ({call.status}).", code=INVALID_STATE, status=409)
        queue.put_nowait(steps)
        return call

    async def listen(self, call: Call, caller: Caller, timeout: float) -> bool:
        """A live call's verb waits for its caller's input: up to `timeout` seconds on the virtual clock (the
        manual clock: until advanced past it). True when input came (added to `caller`). The call, with what it
        heard so far, is stored first, so that the test sees it listening."""
        queue = self._inputs.get(call.sid)
        if queue is None:
            return False
        if queue.empty():
            call.listening = True
            await self.emu.store.write(records.put(KIND, call))
            self.emu.events.publish(KIND, call)
            timed_out = asyncio.get_running_loop().create_future()
            self.emu.scheduler.call_at(self.emu.now() + timeout, lambda: timed_out.done() or timed_out.set_result(None))
            getter = asyncio.ensure_future(queue.get())
            closing = asyncio.ensure_future(self.emu.closing.wait())
            try:
                await asyncio.wait((getter, timed_out, closing), return_when=asyncio.FIRST_COMPLETED)
            finally:
                closing.cancel()
                timed_out.cancel()
                call.listening = False
            if not getter.done():
                getter.cancel()
                return False
            caller.add(getter.result())
            return True
        caller.add(queue.get_nowait())
        return True

    # ---- a <Dial>'s child call (engine.call_verbs) ------------------------------------------------------------
    async def dial_step(self, child: Call, status: str) -> None:
        """The dialled leg reaches `status` (initiated, ringing, in-progress): stored, with its callback."""
        child.status, child.date_updated = status, self.emu.now()
        await self._save(child, status)

    async def dial_end(self, child: Call, status: str, duration: int | None) -> None:
        await self._end(child, status, duration)

    async def whisper(self, child: Call, callee: Caller, url: str, method: str, parent_params) -> None:
        """<Number url>: the dialled phone hears this TwiML before the two are connected."""
        outcome = await self._converse(child, "dial_number_url", IN_PROGRESS, (url, method, "", "POST"),
                                       caller=callee)
        child.transcript = outcome.call.transcript

    def _wants(self, call: Call, status: str) -> bool:
        return bool(call.status_callback) and EVENT_OF.get(status, "completed") in call.events

    def _callback_params(self, call: Call, status: str) -> list[tuple[str, str]]:
        """The callback of `status` (its SequenceNumber taken: the caller stores the call after this)."""
        voice = payloads.incoming_call(call.sid, call.account_sid, call.from_, call.to, status,
                                       handsets.get(self.emu, call.from_), handsets.get(self.emu, call.to),
                                       call.direction)
        final = status in FINAL
        params = payloads.call_status(voice, status, call.sequence, self.emu.now(),
                                      call.duration if final else None, SIP_CODES.get(status) if final else None)
        call.sequence += 1
        return params

    def _send_callback(self, call: Call, params: list[tuple[str, str]]) -> None:
        previous = self._last.get(call.sid)
        task = self.emu.background.spawn(self._deliver(call.sid, call.account_sid, call.status_callback,
                                                       call.status_callback_method, params, previous))
        self._last[call.sid] = task
        task.add_done_callback(lambda t, sid=call.sid: self._last.get(sid) is t and self._last.pop(sid))

    async def _deliver(self, sid: str, account_sid: str, url: str, method: str, params: list[tuple[str, str]],
                       previous: asyncio.Task | None) -> None:
        """One status callback, after the call's previous one (so that they arrive in order)."""
        if previous is not None:
            await asyncio.wait([previous])
        emu = self.emu
        account = emu.accounts.get(account_sid)
        if account is None:
            return
        fields = dict(params)
        await notify(emu, account, sid, "call_status_callback", f"call status callback {fields['CallStatus']}",
                     method, url, params, f"call:{fields['CallStatus']}:{fields['SequenceNumber']}")

    async def _run(self, call: Call, number) -> CallOutcome:
        """An inbound call: the number's voice URL (or its application's) answers it; then it ends."""
        emu = self.emu
        if emu.activity.enabled:
            emu.activity.line(f"{call.sid} call from {call.from_} to {call.to}")
        target, why = await applications.target(emu, number, "voice")
        outcome = await self._converse(call, "incoming_call", RINGING, target, why)
        call.status, call.answered_at = IN_PROGRESS, call.answered_at or emu.now()
        await self._end(call, COMPLETED, _duration(call.transcript))
        return outcome

    async def _converse(self, call: Call, kind: str, status: str, target: tuple[str, str, str, str] | None,
                        why: str = "", twiml: str | None = None, caller: Caller | None = None) -> CallOutcome:
        """Run the call's voice TwiML: fetched from `target` (url, method, fallback url, fallback method), or
        the inline `twiml`; what it does goes to the call's transcript (and its <Sms> to messages). `caller`:
        the phone that listens (default: the one the call's script describes); what it has not done yet stays
        with the call."""
        emu = self.emu
        account = emu.accounts[call.account_sid]
        caller = caller if caller is not None else Caller(call.script)
        params = payloads.incoming_call(call.sid, call.account_sid, call.from_, call.to, status,
                                        handsets.get(emu, call.from_), handsets.get(emu, call.to), call.direction)
        if call.parent_call_sid:
            params.append(("ParentCallSid", call.parent_call_sid))
        # [UNVERIFIED] a call's cookies live for the call (reference twilio-more §1.2).
        session = Session(emu, account, call.sid, params, conversation=call.sid)
        outcome = CallOutcome(call, session.webhooks, session.alerts, [])
        try:
            if twiml is not None:
                answer, doc_url = answer_of_body(twiml.encode("utf-8"), "text/xml"), ""
                if isinstance(answer, TwimlError):
                    await session.alert(answer.code, f"Twiml: {answer.message}", None, None)
                    answer = None
            elif not target or not target[0]:
                await session.alert(applications.MISCONFIGURED_WEBHOOK, f"Call {call.sid} to {call.to} reached no "
                                    f"webhook: {why}", None, None, level="warning")
                answer = None
            else:
                url, method, fallback_url, fallback_method = target
                answer, doc_url = await session.fetch(kind, method, url, fallback_method, fallback_url)
            # The requests that follow (redirects, <Sms action>) are made while the call is in progress.
            session.params = [(k, IN_PROGRESS if k == "CallStatus" else v) for k, v in session.params]
            if answer is not None:
                try:
                    await self._carry_out(session, outcome, answer, doc_url, caller)
                finally:
                    await session.flush_warnings()
            call.script = caller.remaining()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug of ours: recorded (tests fail on it), never raised into the loop
            log.exception("call %s failed", call.sid)
            emu.record_internal_error(f"call {call.sid}: {exc!r}")
        return outcome

    async def _carry_out(self, session: Session, outcome: CallOutcome, answer, doc_url: str, caller: Caller) -> None:
        call = outcome.call

        async def run(document, url: str) -> documents.Next | None:
            if caller.hung_up:  # the answer to a request made as the phone hung up: the call is over
                return None
            if isinstance(document, Text):  # Twilio plays audio answers; text is not voice TwiML
                await session.alert(E.INVALID_CONTENT_TYPE, "Invalid Content-Type for voice TwiML: text/plain", None,
                                    url)
                return None
            program = verbs.voice(document)
            for warning in program.warnings:
                session.warn(warning, url)
            following = None  # the request whose TwiML continues the call
            for verb in program.verbs:
                if isinstance(verb, (verbs.Say, verbs.Play, verbs.Pause)):
                    call_verbs.heard(call, verb)
                elif isinstance(verb, (verbs.Gather, verbs.Record, verbs.Dial)):
                    if isinstance(verb, verbs.Gather):
                        following = await call_verbs.gather(self, session, call, caller, verb, url)
                    elif isinstance(verb, verbs.Record):
                        following = await call_verbs.record(self, session, call, caller, verb, url)
                    else:
                        following = await call_verbs.dial(self, session, call, caller, verb, url)
                    if following is not None or caller.hung_up:
                        return following
                elif isinstance(verb, verbs.Unsupported):
                    call.transcript.append({"verb": verb.tag, "emulated": False})
                elif isinstance(verb, verbs.Hangup):
                    call.transcript.append({"verb": "Reject" if verb.reject else "Hangup"})
                    return None
                elif isinstance(verb, verbs.Redirect):
                    following = documents.Next("redirect", verb.method, verb.url, invalid=E.INVALID_REDIRECT)
                elif isinstance(verb, verbs.Sms):
                    sid, status = await self._sms(session, outcome, verb, url)
                    if verb.action:
                        following = documents.Next("sms_action", verb.method, verb.action,
                                                   payloads.sms_action(session.params, sid, status),
                                                   invalid=E.INVALID_ACTION)
                        break
            return following  # None: the end of the document, the call ends

        await documents.follow(session, answer, doc_url, run, "call")

    async def _sms(self, session: Session, outcome: CallOutcome, verb: verbs.Sms,
                   doc_url: str) -> tuple[str | None, str]:
        """Send an <Sms>: (its SID, SmsStatus for the action URL: sending, or invalid when refused)."""
        call = outcome.call
        # To the other party, from our number: on an inbound call the caller and the called number; on an
        # outgoing one the called party and the calling number (seed "TwiML Voice: <Sms>").
        remote, ours = (call.to, call.from_) if call.direction == OUTBOUND_API else (call.from_, call.to)
        req = SendRequest(to=verb.to or remote, from_=verb.from_ or ours, body=verb.body,
                          status_callback=urljoin(doc_url, verb.status_callback) if verb.status_callback else None)
        try:
            msg = await messaging.send(self.emu, session.account, req, direction=OUTBOUND_CALL)
        except TwilioError as exc:
            code = REPLY_WARNING.get(exc.code, exc.code)
            session.warn(TwimlWarning(code, f"<Sms> not sent: {exc.message} ({exc.code})"), doc_url)
            call.transcript.append({"verb": "Sms", "to": req.to, "from": req.from_, "body": req.body,
                                    "sid": None, "status": "invalid", "error_code": exc.code})
            return None, "invalid"
        outcome.messages.append(msg)
        call.transcript.append({"verb": "Sms", "to": msg.to, "from": msg.from_, "body": msg.body, "sid": msg.sid,
                                "status": "sending"})
        return msg.sid, "sending"



def _duration(transcript: list[dict]) -> int:
    """How long a call's TwiML takes, from what it did [emulator choice]: each <Pause> its length, each <Say>
    or <Play> a second, what listened or dialled the seconds it took; at least one second."""
    seconds = 0.0
    for step in transcript:
        if "seconds" in step:
            seconds += step["seconds"]
        elif step["verb"] == "Pause":
            seconds += int(step.get("length") or 1)
        elif step["verb"] in ("Say", "Play"):
            seconds += 1
    return max(1, round(seconds))
