"""The voice verbs that listen to the phone or connect it: <Gather>, <Record> and <Dial>, carried out for a call
(engine.voice.calls) by what its phone's script says (domain.voice.script.Caller). Each answers the request that continues
the call (its action, with the verb's own parameters), or None to go on with the next verb; a phone that hangs
up ends the call once that request was made (Caller.hung_up).

Twilio's rules followed (docs twiml/gather, twiml/record, twiml/dial):
- <Gather> without input falls through to the next verb, unless actionOnEmptyResult; without `action` it
  requests the current document's URL; a phone that hangs up during it ends the call without a request.
- <Record> with no audio goes on with the next verb without a request; otherwise it requests `action` (or the
  current document) with RecordingUrl, RecordingDuration, RecordingSid and Digits (the key that ended it, or
  "hangup" — the request is made after a hang-up too, and its answer is not carried out).
- <Dial> makes a child call (ParentCallSid) that the dialled handset's call_behaviour answers, or not; with
  `action`, it requests it with DialCallStatus, DialCallSid and DialCallDuration; without, the call goes on
  with the next verb. Nouns the emulator does not dial (<Client>, <Sip>, <Queue>, <Conference> …) fail with a
  13224 warning alert that says they are not emulated.
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from ...domain import numbers
from ...domain.voice.calls import (ANSWER, BUSY, COMPLETED, FAILED, IN_PROGRESS, INITIATED, NO_ANSWER, OUTBOUND_DIAL,
                            RINGING, Call)
from ...domain.voice.script import DEFAULT_TALK, SPEECH_CONFIDENCE, Caller
from ...twiml import errors as E
from ...twiml import verbs
from ...twiml.errors import TwimlWarning
from ...webhooks import payloads
from .. import documents, handsets
from ..callbacks import notify
from . import recordings

if TYPE_CHECKING:
    from .calls import Calls
    from ..sessions import Session

DIAL_INVALID = 13224  # docs errors/13224: <Dial> an unsupported or invalid destination
DIAL_NUMBER_INVALID = 13223  # docs errors/13223: <Dial><Number> not a valid phone number
RING = 4.0  # seconds a dialled phone rings before it answers or is busy [emulator choice]


def heard(call: Call, verb) -> None:
    """A prompt the phone hears: <Say>, <Play>, <Pause>, in the transcript."""
    if isinstance(verb, verbs.Say):  # `loop` times, each heard
        call.transcript += [{"verb": "Say", "text": verb.text, "voice": verb.voice, "language": verb.language}
                            for _ in range(verb.loop)]
    elif isinstance(verb, verbs.Play) and verb.digits:  # DTMF tones: half a second each [emulator choice]
        call.transcript.append({"verb": "Play", "digits": verb.digits, "seconds": 0.5 * len(verb.digits)})
    elif isinstance(verb, verbs.Play):
        call.transcript += [{"verb": "Play", "url": verb.url} for _ in range(verb.loop)]
    elif isinstance(verb, verbs.Pause):
        call.transcript.append({"verb": "Pause", "length": verb.length})


def _target(action: str | None, doc_url: str) -> str | None:
    """The URL a verb's result goes to: its action, else the current document's (none for inline TwiML)."""
    return action or doc_url or None


async def gather(calls: "Calls", session: "Session", call: Call, caller: Caller, verb: verbs.Gather,
                 doc_url: str) -> documents.Next | None:
    for prompt in verb.prompts:
        heard(call, prompt)
    if caller.done:  # a live call: its caller's input, within the timeout
        await calls.listen(call, caller, verb.timeout)
    got = caller.gather(verb.dtmf, verb.speech, verb.timeout, verb.finish_on_key, verb.num_digits,
                        verb.max_speech_time)
    call.transcript.append({"verb": "Gather", "input": [k for k, on in (("dtmf", verb.dtmf), ("speech", verb.speech))
                                                        if on],
                            "digits": got.digits, "speech": got.speech, "hangup": got.hangup,
                            "timed_out": got.empty and not got.hangup, "seconds": got.seconds})
    if got.speech and verb.partial_result_callback:
        await _partial_results(calls, session, call, verb, got.speech, doc_url)
    if got.hangup or (got.empty and not verb.action_on_empty_result):
        return None
    target = _target(verb.action, doc_url)
    if target is None:
        return None
    return documents.Next("gather_action", verb.method, target,
                          payloads.gather_action(session.params, got.digits, got.speech, SPEECH_CONFIDENCE),
                          invalid=E.INVALID_ACTION)


async def _partial_results(calls: "Calls", session: "Session", call: Call, verb: verbs.Gather, speech: str,
                           doc_url: str) -> None:
    """The words as they are recognised, one request per word, before the action's (signed and logged like a
    status callback: Twilio does not act on the answers)."""
    words, url = speech.split(), urljoin(doc_url, verb.partial_result_callback)
    mark = len(call.transcript)  # which gather of the call: the requests' idempotency tokens differ per gather
    for i in range(len(words)):
        params = payloads.partial_result(session.params, " ".join(words[:i + 1]), " ".join(words[:i]), i)
        await notify(calls.emu, session.account, call.sid, "partial_result_callback",
                     f"partial speech result {i}", verb.partial_result_callback_method, url, params,
                     f"partial:{mark}:{i}")


async def record(calls: "Calls", session: "Session", call: Call, caller: Caller, verb: verbs.Record,
                 doc_url: str) -> documents.Next | None:
    emu = calls.emu
    if caller.done and await calls.listen(call, caller, verb.timeout):  # a live call: speech, then its end
        while not caller.ends_recording() and await calls.listen(call, caller, verb.timeout):
            pass
    got = caller.record(verb.timeout, verb.finish_on_key, verb.max_length)
    length = got.seconds if verb.trim != "do-not-trim" else got.waited
    entry = {"verb": "Record", "beep": verb.play_beep, "seconds": got.waited, "digits": got.digits,
             "recording_sid": None}
    call.transcript.append(entry)
    if not got.seconds:  # no audio: no recording, the next verb
        return None
    rec = await recordings.create(emu, call.account_sid, call.sid, length, got.words, emu.now())
    entry.update(recording_sid=rec.sid, duration=rec.duration, said=got.words)
    if verb.recording_status_callback:
        emu.background.spawn(recordings.tell(emu, session.account, rec, urljoin(doc_url, verb.recording_status_callback),
                                             verb.recording_status_callback_method,
                                             verb.recording_status_callback_events))
    if verb.transcribe or verb.transcribe_callback:  # a transcribeCallback means transcribe (Twilio's docs)
        callback = urljoin(doc_url, verb.transcribe_callback) if verb.transcribe_callback else None
        emu.background.spawn(recordings.transcribe(emu, session.account, rec, callback, "POST", list(session.params)))
    target = _target(verb.action, doc_url)
    if target is None:
        return None
    return documents.Next("record_action", verb.method, target,
                          payloads.record_action(session.params, recordings.url(emu, rec), rec.duration, rec.sid,
                                                 got.digits),
                          invalid=E.INVALID_ACTION)


async def dial(calls: "Calls", session: "Session", call: Call, caller: Caller, verb: verbs.Dial,
               doc_url: str) -> documents.Next | None:
    """Dial the targets in order until one answers (Twilio rings them together unless `sequential`; the
    emulator's first answering one wins either way)."""
    status, child, talked = FAILED, None, None
    if not verb.targets:
        session.warn(TwimlWarning(DIAL_INVALID, "<Dial> has nothing to dial"), doc_url)
    for target in verb.targets:
        if isinstance(target, verbs.Unsupported):
            session.warn(TwimlWarning(DIAL_INVALID, f"<Dial><{target.tag}> is not emulated: the dial fails"), doc_url)
            call.transcript.append({"verb": "Dial", "noun": target.tag, "emulated": False, "status": FAILED})
            continue
        status, child, talked = await _dial_number(calls, session, call, caller, verb, target, doc_url)
        if status == COMPLETED:
            break
    recording = None
    if verb.record != "do-not-record" and status == COMPLETED:
        recording = await _record_dial(calls, session, call, verb, talked, doc_url)
    if verb.action is None:
        return None
    return documents.Next("dial_action", verb.method, verb.action,
                          payloads.dial_action(session.params, status, child.sid if child else None, talked,
                                               recording),
                          invalid=E.INVALID_ACTION)


async def _record_dial(calls: "Calls", session: "Session", call: Call, verb: verbs.Dial, talked: int,
                       doc_url: str) -> tuple[str, str, int]:
    """<Dial record>: a recording of the parent call (source DialVerb) from the answer (or the ringing), two
    channels for the -dual forms; its status callback. (RecordingUrl, RecordingSid, RecordingDuration)."""
    emu = calls.emu
    seconds = talked + (RING if verb.record.startswith("record-from-ringing") else 0)
    rec = await recordings.create(emu, call.account_sid, call.sid, seconds, "", emu.now(), source="DialVerb",
                                  channels=2 if verb.record.endswith("-dual") else 1)
    call.transcript[-1]["recording_sid"] = rec.sid
    if verb.recording_status_callback:
        emu.background.spawn(recordings.tell(emu, session.account, rec, urljoin(doc_url, verb.recording_status_callback),
                                             verb.recording_status_callback_method,
                                             verb.recording_status_callback_events))
    return recordings.url(emu, rec), rec.sid, rec.duration


async def _dial_number(calls: "Calls", session: "Session", call: Call, caller: Caller, verb: verbs.Dial,
                       target: verbs.Number, doc_url: str) -> tuple[str, Call | None, int | None]:
    """One <Number>: its child call, as the dialled handset answers it. (DialCallStatus, the child, seconds
    talked once answered)."""
    emu = calls.emu
    parsed = numbers.parse(target.number)
    if parsed is None:
        session.warn(TwimlWarning(DIAL_NUMBER_INVALID, f"<Dial><Number> {target.number!r} is not a valid phone "
                                                       "number"), doc_url)
        call.transcript.append({"verb": "Dial", "to": target.number, "status": FAILED})
        return FAILED, None, None
    handset = handsets.get(emu, parsed.e164)
    behaviour = handset.call_behaviour if handset else FAILED
    now = emu.now()
    # The caller ID: callerId, else the caller's number on an inbound call, the account's on an outbound one.
    child = Call(sid=emu.sids.new("CA"), account_sid=call.account_sid, from_=verb.caller_id or call.from_,
                 to=parsed.e164, status=INITIATED, date_created=now, date_updated=now, direction=OUTBOUND_DIAL,
                 parent_call_sid=call.sid, start_time=now, status_callback=target.status_callback,
                 status_callback_method=target.status_callback_method,
                 events=target.status_callback_events, timeout=verb.timeout, url=target.url, method=target.method,
                 send_digits=target.send_digits, script=list(handset.call_script) if handset else [])
    await calls.dial_step(child, INITIATED)
    await calls.dial_step(child, RINGING)
    entry = {"verb": "Dial", "to": parsed.e164, "call_sid": child.sid}
    call.transcript.append(entry)
    if behaviour != ANSWER:
        final = {BUSY: BUSY, NO_ANSWER: NO_ANSWER}.get(behaviour, FAILED)
        entry.update(status=final, seconds=verb.timeout if final == NO_ANSWER else RING)
        await calls.dial_end(child, final, None)
        return final, child, None
    child.answered_at = now
    await calls.dial_step(child, IN_PROGRESS)
    callee = Caller(child.script or [{"wait": DEFAULT_TALK}, {"hangup": True}])
    if target.send_digits:
        child.transcript.append({"verb": "SendDigits", "digits": target.send_digits})
    if target.url:  # the whisper: TwiML the dialled phone hears before the two are connected
        await calls.whisper(child, callee, urljoin(doc_url, target.url), target.method, session.params)
    if callee.hung_up:
        talk = 0.0
    else:
        talk, _ = callee.talk(verb.time_limit)
        if not callee.hung_up and callee.done:
            talk = min(verb.time_limit, talk + DEFAULT_TALK)
    if verb.hangup_on_star and caller.press_star():
        talk = 0.0
    else:
        heard_for, _ = caller.talk(talk)  # the caller may hang up first
        talk = min(talk, heard_for) if caller.hung_up else talk
    seconds = max(1, round(talk))
    entry.update(status=COMPLETED, seconds=RING + talk, talked=seconds)
    await calls.dial_end(child, COMPLETED, seconds)
    return COMPLETED, child, seconds

