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


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Pause:
    length: int = 1


@dataclass(frozen=True)
class Hangup:
    reject: bool = False


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


VOICE_VERBS_NOT_EMULATED = ("Dial", "Gather", "Record", "Enqueue", "Leave", "Connect", "Pay", "Prompt", "Refer",
                            "Start", "Stop", "Echo", "Queue")


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
        if tag == "Say":
            _check_attrs(el, ("voice", "language", "loop"), out)
            out.verbs.append(Say(_text(el), el.get("voice"), el.get("language")))
        elif tag == "Play":
            _check_attrs(el, ("loop", "digits"), out)
            out.verbs.append(Play(_text(el)))
        elif tag == "Pause":
            _check_attrs(el, ("length",), out)
            out.verbs.append(Pause(_int(el.get("length"), 1)))
        elif tag in ("Hangup", "Reject"):
            out.verbs.append(Hangup(reject=tag == "Reject"))
            break
        elif tag == "Redirect":
            verb = _redirect(el, out)
            if verb is not None:
                out.verbs.append(verb)
                break
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
