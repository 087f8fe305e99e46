"""The verbs of a parsed TwiML document, with their attributes read and checked.

Messaging TwiML (reference §9.1): <Message to from action method statusCallback> with text or <Body>, and
<Media> (up to 10); <Redirect method>. Voice TwiML, as far as messaging needs it (§9.2): <Say>, <Play>,
<Pause>, <Hangup>, <Reject>, <Redirect>, <Sms>. Execution stops at the first <Redirect> (later verbs are
unreachable, as in Twilio). Unknown verbs, attributes and bad nesting are 12200 warnings: the offending
part is skipped and the rest carried out [UNVERIFIED that Twilio continues; reference §9.1].
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .errors import INVALID_ACTION, INVALID_REDIRECT, INVALID_STATUS_CALLBACK, SCHEMA_WARNING, TwimlWarning

MAX_MEDIA = 10
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Message:
    to: str | None
    from_: str | None
    body: str
    media: tuple[str, ...] = ()
    action: str | None = None
    method: str = "POST"
    status_callback: str | None = None


@dataclass(frozen=True)
class Redirect:
    url: str
    method: str = "POST"


@dataclass(frozen=True)
class Sms:
    """Voice <Sms>: defaults (to = caller, from = called number) are filled in by the engine."""
    to: str | None
    from_: str | None
    body: str
    action: str | None = None
    method: str = "POST"
    status_callback: str | None = None


@dataclass(frozen=True)
class Say:
    text: str
    voice: str | None = None
    language: str | None = None
    loop: int = 1  # 0: until the call ends (the emulator says it LOOP_FOREVER times)


@dataclass(frozen=True)
class Play:
    url: str
    loop: int = 1
    digits: str | None = None  # DTMF tones played instead of a URL


@dataclass(frozen=True)
class Pause:
    length: int = 1


@dataclass(frozen=True)
class Hangup:
    reject: bool = False


@dataclass(frozen=True)
class Gather:
    """<Gather>: listens for keys and/or speech while its nested <Say>/<Play>/<Pause> play."""
    prompts: tuple = ()
    dtmf: bool = True
    speech: bool = False
    action: str | None = None  # None: the current document's URL
    method: str = "POST"
    timeout: int = 5
    speech_timeout: int | None = None  # None: "auto"
    max_speech_time: int = 60
    finish_on_key: str = "#"
    num_digits: int | None = None
    action_on_empty_result: bool = False
    language: str = "en-US"
    hints: str | None = None
    partial_result_callback: str | None = None
    partial_result_callback_method: str = "POST"


@dataclass(frozen=True)
class Record:
    action: str | None = None  # None: the current document's URL
    method: str = "POST"
    timeout: int = 5
    finish_on_key: str = "1234567890*#"
    max_length: int = 3600
    play_beep: bool = True
    trim: str = "trim-silence"
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_events: tuple[str, ...] = ("completed",)
    transcribe: bool = False
    transcribe_callback: str | None = None


@dataclass(frozen=True)
class Number:
    """<Dial><Number> (or a bare number inside <Dial>)."""
    number: str
    send_digits: str | None = None
    url: str | None = None
    method: str = "POST"
    status_callback: str | None = None
    status_callback_events: tuple[str, ...] = ("completed",)
    status_callback_method: str = "POST"


@dataclass(frozen=True)
class Dial:
    targets: tuple = ()  # Number, or Unsupported for a noun the emulator does not dial (<Client>, <Sip> …)
    action: str | None = None
    method: str = "POST"
    timeout: int = 30
    time_limit: int = 14400
    caller_id: str | None = None
    hangup_on_star: bool = False
    sequential: bool = False
    record: str = "do-not-record"  # record-from-answer, record-from-ringing (and their -dual forms)
    trim: str = "do-not-trim"
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_events: tuple[str, ...] = ("completed",)


DIAL_RECORD = ("do-not-record", "record-from-answer", "record-from-ringing", "record-from-answer-dual",
               "record-from-ringing-dual", "true", "false")


@dataclass(frozen=True)
class Unsupported:
    """A real voice verb the emulator does not carry out (<Dial>, <Gather>, …): recorded, then skipped."""
    tag: str


@dataclass
class Program:
    verbs: list = field(default_factory=list)
    warnings: list[TwimlWarning] = field(default_factory=list)


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


def _check_attrs(el: etree._Element, allowed: tuple[str, ...], out: Program) -> None:
    for name in el.attrib:
        if name not in allowed:
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{el.tag}> has an unknown attribute {name!r}"))


def _method(el: etree._Element, code: int, out: Program) -> str | None:
    method = el.get("method", "POST")
    if method.upper() not in METHODS:
        out.warnings.append(TwimlWarning(code, f"<{el.tag}> method must be GET or POST, not {method!r}"))
        return None
    return method.upper()


def _children(el: etree._Element):
    for child in el:
        if isinstance(child.tag, str):  # elements only (comments and PIs are removed by the parser anyway)
            yield child


def _message(el: etree._Element, out: Program) -> Message | None:
    _check_attrs(el, ("to", "from", "action", "method", "statusCallback"), out)
    body, media = None, []
    for child in _children(el):
        if child.tag == "Body":
            body = (body or "") + (child.text or "")
        elif child.tag == "Media":
            if len(media) == MAX_MEDIA:
                out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<Message> has more than {MAX_MEDIA} <Media>; "
                                                                 "the rest are ignored"))
                continue
            media.append(_text(child))
        else:
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{child.tag}> is not allowed inside <Message>"))
    if body is None:  # text directly inside <Message> is its body (the SDK's message(body=...))
        body = el.text or ""
    method = _method(el, INVALID_ACTION, out)
    if method is None:
        return None
    if el.get("statusCallback") is not None and not el.get("statusCallback"):
        out.warnings.append(TwimlWarning(INVALID_STATUS_CALLBACK, "<Message statusCallback> is empty"))
    return Message(to=el.get("to") or None, from_=el.get("from") or None, body=body.strip(), media=tuple(media),
                   action=el.get("action") or None, method=method, status_callback=el.get("statusCallback") or None)


def _redirect(el: etree._Element, out: Program) -> Redirect | None:
    _check_attrs(el, ("method",), out)
    method = _method(el, INVALID_REDIRECT, out)
    url = _text(el)
    if not url:
        out.warnings.append(TwimlWarning(INVALID_REDIRECT, "<Redirect> has no URL"))
        return None
    return Redirect(url, method) if method else None


def messaging(root: etree._Element) -> Program:
    """The verbs of a messaging <Response>, in order, up to and including the first <Redirect>."""
    out = Program()
    _check_attrs(root, (), out)
    for el in _children(root):
        if el.tag == "Message":
            verb = _message(el, out)
        elif el.tag == "Redirect":
            verb = _redirect(el, out)
            if verb is not None:
                out.verbs.append(verb)
                break
            continue
        else:
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{el.tag}> is not a messaging TwiML verb"))
            continue
        if verb is not None:
            out.verbs.append(verb)
    return out


VOICE_VERBS_NOT_EMULATED = ("Enqueue", "Leave", "Connect", "Pay", "Prompt", "Refer", "Start", "Stop", "Echo",
                            "Queue")
DIAL_NOUNS_NOT_EMULATED = ("Client", "Sip", "Queue", "Conference", "Application", "WhatsApp")
# Attributes the emulator knows but cannot honour: carried out without them, with a warning alert that says so.
NOT_HONOURED = {
    "Gather": ("speechModel", "enhanced", "debug", "profanityFilter"),
    "Record": ("recordingConfigurationId",),
    "Dial": ("recordingConfigurationId", "recordingTrack", "referUrl", "referMethod", "events", "passports",
             "ringTone"),
    "Number": ("byoc", "machineDetection", "amdStatusCallback", "amdStatusCallbackMethod", "machineDetectionTimeout",
               "machineDetectionSpeechThreshold", "machineDetectionSpeechEndThreshold",
               "machineDetectionSilenceTimeout"),
}
HONOURED = {
    "Gather": ("input", "action", "method", "timeout", "speechTimeout", "maxSpeechTime", "finishOnKey", "numDigits",
               "actionOnEmptyResult", "language", "hints", "bargeIn", "partialResultCallback",
               "partialResultCallbackMethod"),
    "Record": ("action", "method", "timeout", "finishOnKey", "maxLength", "playBeep", "trim",
               "recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent",
               "transcribe", "transcribeCallback"),
    "Dial": ("action", "method", "timeout", "hangupOnStar", "timeLimit", "callerId", "answerOnBridge", "sequential",
             "record", "trim", "recordingStatusCallback", "recordingStatusCallbackMethod",
             "recordingStatusCallbackEvent"),
    "Number": ("sendDigits", "url", "method", "statusCallback", "statusCallbackEvent", "statusCallbackMethod"),
}


def _attrs(el: etree._Element, out: Program) -> None:
    """Warn of each attribute of `el` that is unknown, or known and not honoured by the emulator."""
    for name in el.attrib:
        if name in NOT_HONOURED.get(el.tag, ()):
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{el.tag} {name}> is not emulated: the verb is carried "
                                                             "out without it"))
        elif name not in HONOURED.get(el.tag, ()):
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{el.tag}> has an unknown attribute {name!r}"))


def _flag(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() == "true"


def _events(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value.replace(",", " ").split()) if value else default


LOOP_FOREVER = 10  # what loop="0" ("until the call ends") repeats in the emulator [emulator choice]


def _loop(el: etree._Element) -> int:
    loop = _int(el.get("loop"), 1)
    return LOOP_FOREVER if loop == 0 else min(loop, 1000)


def _prompt(el: etree._Element, out: Program):
    if el.tag == "Say":
        _check_attrs(el, ("voice", "language", "loop"), out)
        return Say(_text(el), el.get("voice"), el.get("language"), _loop(el))
    if el.tag == "Play":
        _check_attrs(el, ("loop", "digits"), out)
        return Play(_text(el), _loop(el), el.get("digits") or None)
    if el.tag == "Pause":
        _check_attrs(el, ("length",), out)
        return Pause(_int(el.get("length"), 1))
    return None


def _gather(el: etree._Element, out: Program) -> Gather | None:
    _attrs(el, out)
    method = _method(el, INVALID_ACTION, out)
    if method is None:
        return None
    prompts = []
    for child in _children(el):
        prompt = _prompt(child, out)
        if prompt is None:
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{child.tag}> is not allowed inside <Gather>"))
        else:
            prompts.append(prompt)
    kinds = set((el.get("input") or "dtmf").replace(",", " ").split())
    if not kinds or not kinds <= {"dtmf", "speech"}:
        out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<Gather input> takes dtmf, speech or both, not "
                                                         f"{el.get('input')!r}: dtmf is used"))
        kinds = {"dtmf"}
    speech_timeout = el.get("speechTimeout")
    num_digits = _int(el.get("numDigits"), 0) or None
    return Gather(prompts=tuple(prompts), dtmf="dtmf" in kinds, speech="speech" in kinds,
                  action=el.get("action") or None, method=method, timeout=_int(el.get("timeout"), 5),
                  speech_timeout=None if speech_timeout in (None, "auto") else _int(speech_timeout, 5),
                  max_speech_time=_int(el.get("maxSpeechTime"), 60),
                  finish_on_key=el.get("finishOnKey", "#"), num_digits=num_digits,
                  action_on_empty_result=_flag(el.get("actionOnEmptyResult"), False),
                  language=el.get("language") or "en-US", hints=el.get("hints"),
                  partial_result_callback=el.get("partialResultCallback") or None,
                  partial_result_callback_method=(el.get("partialResultCallbackMethod") or "POST").upper())


def _record(el: etree._Element, out: Program) -> Record | None:
    _attrs(el, out)
    method = _method(el, INVALID_ACTION, out)
    if method is None:
        return None
    return Record(action=el.get("action") or None, method=method, timeout=_int(el.get("timeout"), 5),
                  finish_on_key=el.get("finishOnKey", "1234567890*#"), max_length=_int(el.get("maxLength"), 3600) or 3600,
                  play_beep=_flag(el.get("playBeep"), True), trim=el.get("trim") or "trim-silence",
                  recording_status_callback=el.get("recordingStatusCallback") or None,
                  recording_status_callback_method=(el.get("recordingStatusCallbackMethod") or "POST").upper(),
                  recording_status_callback_events=_events(el.get("recordingStatusCallbackEvent"), ("completed",)),
                  transcribe=_flag(el.get("transcribe"), False), transcribe_callback=el.get("transcribeCallback"))


def _dial(el: etree._Element, out: Program) -> Dial | None:
    _attrs(el, out)
    method = _method(el, INVALID_ACTION, out)
    if method is None:
        return None
    targets = []
    bare = _text(el)
    if bare:
        targets.append(Number(bare))
    for child in _children(el):
        if child.tag == "Number":
            _attrs(child, out)
            targets.append(Number(_text(child), send_digits=child.get("sendDigits") or None,
                                  url=child.get("url") or None, method=(child.get("method") or "POST").upper(),
                                  status_callback=child.get("statusCallback") or None,
                                  status_callback_events=_events(child.get("statusCallbackEvent"), ("completed",)),
                                  status_callback_method=(child.get("statusCallbackMethod") or "POST").upper()))
        elif child.tag in DIAL_NOUNS_NOT_EMULATED:
            targets.append(Unsupported(child.tag))
        else:
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{child.tag}> is not allowed inside <Dial>"))
    record = el.get("record") or "do-not-record"
    if record not in DIAL_RECORD:
        out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<Dial record> takes {', '.join(DIAL_RECORD[:5])}, not "
                                                         f"{record!r}: not recorded"))
        record = "do-not-record"
    record = {"true": "record-from-answer", "false": "do-not-record"}.get(record, record)
    return Dial(targets=tuple(targets), action=el.get("action") or None, method=method, record=record,
                trim=el.get("trim") or "do-not-trim",
                recording_status_callback=el.get("recordingStatusCallback") or None,
                recording_status_callback_method=(el.get("recordingStatusCallbackMethod") or "POST").upper(),
                recording_status_callback_events=_events(el.get("recordingStatusCallbackEvent"), ("completed",)),
                timeout=_int(el.get("timeout"), 30) or 30, time_limit=_int(el.get("timeLimit"), 14400) or 14400,
                caller_id=el.get("callerId") or None, hangup_on_star=_flag(el.get("hangupOnStar"), False),
                sequential=_flag(el.get("sequential"), False))


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def voice(root: etree._Element) -> Program:
    """The verbs of a voice <Response>, in order, up to and including the first <Redirect> or <Hangup>."""
    out = Program()
    for el in _children(root):
        tag = el.tag
        if tag in ("Say", "Play", "Pause"):
            out.verbs.append(_prompt(el, out))
        elif tag in ("Hangup", "Reject"):
            out.verbs.append(Hangup(reject=tag == "Reject"))
            break
        elif tag == "Redirect":
            verb = _redirect(el, out)
            if verb is not None:
                out.verbs.append(verb)
                break
        elif tag in ("Gather", "Record", "Dial"):
            verb = {"Gather": _gather, "Record": _record, "Dial": _dial}[tag](el, out)
            if verb is not None:
                out.verbs.append(verb)
        elif tag == "Sms":
            _check_attrs(el, ("to", "from", "action", "method", "statusCallback"), out)
            method = _method(el, INVALID_ACTION, out)
            if method is not None:
                out.verbs.append(Sms(to=el.get("to") or None, from_=el.get("from") or None, body=_text(el),
                                     action=el.get("action") or None, method=method,
                                     status_callback=el.get("statusCallback") or None))
        elif tag in VOICE_VERBS_NOT_EMULATED:
            out.verbs.append(Unsupported(tag))
        else:
            out.warnings.append(TwimlWarning(SCHEMA_WARNING, f"<{tag}> is not a voice TwiML verb"))
    return out
