"""The one input edge: every request body and query string of the REST API and the control API becomes Python
values here, or an error that names what is wrong. Nothing malformed gets past it (issue 13).

- Sizes: a declared Content-Length over the limit is refused at once (413), before a byte is read; a body
  that turns out larger while it is read, too.
- Forms (application/x-www-form-urlencoded, what every Twilio SDK sends): percent-decoded and decoded as the
  declared charset (UTF-8 by default) strictly, field by field, so that an undecodable field is named.
  Charsets that are not ASCII-compatible (UTF-16, UTF-32) or unknown are refused: a form body is ASCII.
- multipart/form-data: text fields are read like form fields (each part's own charset); a file part, a
  missing boundary or a broken part is refused.
- JSON (control API): UTF-8, at most MAX_DEPTH levels deep, no NaN or Infinity, and no string that is not
  valid Unicode text (a lone surrogate, which JSON's \\ud800 escapes can make and UTF-8 cannot store).
- A client that disconnects mid-body is not an error of ours: ClientGone (the wrappers do not record it).

Errors are TwilioErrors carrying the parameter they are about: the REST wrapper renders them as Twilio's
error JSON, the control wrapper in its own shape.
"""
from __future__ import annotations

import codecs
import json
import math
import re
from urllib.parse import unquote_to_bytes

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDict, MultiDictProxy

from ..domain.errors import INVALID_PARAMETER, TwilioError

MAX_DEPTH = 32  # nesting of JSON arrays and objects; no control document needs more than a few levels
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

# The code Twilio gives a parameter whose text is unusable: the parameter's own code where it has one
# (21602 Body, 21620 MediaUrl: Twilio's codes for an invalid body and media URL), else 20001.
TEXT_CODES = {"Body": 21602, "MediaUrl": 21620}


class BadInput(TwilioError):
    """A request the edge refuses; `param` names the parameter, when one is to blame."""

    def __init__(self, message: str, param: str | None = None, code: int | None = None, status: int = 400):
        super().__init__(message, code=code or TEXT_CODES.get(param or "", INVALID_PARAMETER), status=status)
        self.param = param


class TooLarge(BadInput):
    """A body over the limit. Its answer says `Connection: close` (api.errors, control.routes): aiohttp then
    reads and drops what the client still sends for its lingering time at most, and closes."""

    def __init__(self, limit: int):
        # [UNVERIFIED] Twilio's code for an oversized request body; 413 is the HTTP status.
        super().__init__(f"The request body is too large (the limit is {limit} bytes).", status=413)


class ClientGone(BadInput):
    """The client went away before its request body arrived: nobody reads the answer, and it is no bug."""

    def __init__(self) -> None:
        super().__init__("The request body was incomplete: the client disconnected.")


def refuse_oversized(request: web.BaseRequest, limit: int) -> None:
    """A declared Content-Length over `limit`: refused before anything is read (the connection is closed
    after the answer, so that the body is never waited for)."""
    length = request.headers.get("Content-Length")
    if length is not None:
        try:
            over = int(length) > limit
        except ValueError:
            raise BadInput("Content-Length is not a number.") from None
        if over:
            _linger_briefly(request)
            raise TooLarge(limit)


LINGER = 0.5  # seconds a refused connection stays open after its answer


def _linger_briefly(request: web.BaseRequest) -> None:
    """After an answer to a request whose body was not read, aiohttp reads and drops what the client still sends
    for its lingering time (10 s) before it closes, so that the client reads the answer rather than a reset. A
    body declared over the limit is never going to be read: the connection closes LINGER seconds after the 413.
    (aiohttp has no per-request setting for it; RequestHandler._lingering_time is per connection.)"""
    protocol = request.protocol
    if hasattr(protocol, "_lingering_time"):
        protocol._lingering_time = min(protocol._lingering_time, LINGER)


async def body(request: web.BaseRequest, limit: int) -> bytes:
    """The whole body, at most `limit` bytes. (A declared Content-Length over it was refused already: both
    APIs' wrappers call refuse_oversized before any handler runs.)"""
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise TooLarge(limit) from None
    except (ConnectionError, HttpProcessingError):  # disconnected, or a broken chunked encoding
        raise ClientGone() from None


_CHARSETS: dict[str, str] = {}  # declared name -> codec name, for the names already checked


def _codec(name: str, param: str | None = None) -> str:
    """The codec a declared charset names; BadInput for an unknown one."""
    found = _CHARSETS.get(name)
    if found is not None:
        return found
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise BadInput(f"{param + ': u' if param else 'U'}nknown charset {name!r}.", param) from None
    if len(_CHARSETS) < 256:
        _CHARSETS[name] = codec
    return codec


def _form_charset(request: web.BaseRequest) -> str:
    name = request.charset or "utf-8"
    codec = _codec(name)
    if codec.startswith(("utf-16", "utf-32")):
        raise BadInput(f"Charset {name!r} is not ASCII-compatible; send the body as UTF-8.")
    return codec


# Bytes looked for by their value: `b"+" in raw` first tries b"+" as an integer and formats a TypeError it then
# drops (CPython 3.11: ~150 ns a test, ten times `43 in raw`), and a form's fields take several tests each.
_PLUS, _PERCENT, _BACKSLASH = ord("+"), ord("%"), ord("\\")


_SEPARATOR_ESCAPE = re.compile(rb"%(?:26|3[Dd])").search  # an escaped & or =: one C search, not three `in` tests


def parse_form(raw: bytes, charset: str = "utf-8") -> MultiDictProxy:
    """An application/x-www-form-urlencoded body: `+` is a space, %XX a byte, repeated keys kept in order;
    each name and value decoded strictly, so that an undecodable one is named in the error."""
    if charset == "utf-8" and _SEPARATOR_ESCAPE(raw) is None:
        # The common case, the body at once: unquoted and decoded in one step each, then split. The same
        # parameters as field by field, since no escape makes a separator (no %26 or %3D) and & and = are
        # never part of a UTF-8 character; where decoding fails, _by_field says which parameter is to blame.
        # (Not for other charsets: in ISO-2022-JP, say, a character's bytes may include an = or &.)
        try:
            text = _unquote(raw).decode()
        except UnicodeDecodeError:
            return _by_field(raw, charset)
        out: MultiDict = MultiDict()
        add = out.add
        for pair in text.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                add(name, value)
        return MultiDictProxy(out)
    return _by_field(raw, charset)


def _by_field(raw: bytes, charset: str) -> MultiDictProxy:
    """parse_form, one field at a time: each name and value unquoted and decoded on its own."""
    out: MultiDict = MultiDict()
    add = out.add
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        # Inline, the common case: a name or value without `+` or `%` is decoded as it is.
        if _PLUS in name or _PERCENT in name:
            name = _unquote(name)
        if _PLUS in value or _PERCENT in value:
            value = _unquote(value)
        try:
            key = name.decode(charset)
        except UnicodeDecodeError:
            key = _decode(name, charset, None)  # raises, naming what it could not decode
        try:
            add(key, value.decode(charset))
        except UnicodeDecodeError:
            add(key, _decode(value, charset, key))
    return MultiDictProxy(out)


def _unquote(raw: bytes) -> bytes:
    """`+` as a space and %XX as its byte; most names and many values have neither, and skip both steps."""
    if _PLUS in raw:
        raw = raw.replace(b"+", b" ")
    if _PERCENT not in raw:
        return raw
    if _escape_decode is not None and _BACKSLASH not in raw:
        # Every %XX as \xXX, decoded in C (a quarter of unquote_to_bytes' time). A % that starts no valid
        # escape makes it raise ValueError; unquote_to_bytes then keeps that % as it is, as always.
        try:
            return _escape_decode(raw.replace(b"%", b"\\x"))[0]
        except ValueError:
            pass
    return unquote_to_bytes(raw)


# codecs.escape_decode: CPython's decoder of backslash escapes in bytes (pickle uses it), undocumented: where it
# is missing, unquote_to_bytes does all the work.
_escape_decode = getattr(codecs, "escape_decode", None)


def _decode(raw: bytes, charset: str, param: str | None) -> str:
    try:
        return raw.decode(charset)
    except UnicodeDecodeError:
        what = f"{param} is" if param is not None else "A parameter name is"
        raise BadInput(f"{what} not valid {charset} text.", param) from None


async def form(request: web.Request, limit: int) -> MultiDictProxy:
    """The parameters of a request: its form body (POST, PUT), else its query string."""
    if request.method not in ("POST", "PUT") or not request.body_exists:
        return request.query
    kind = request.content_type
    if kind == MULTIPART:
        return await _multipart(request, limit)
    raw = await body(request, limit)
    if kind not in (FORM, "application/octet-stream", ""):
        # Emulator: as aiohttp's request.post(), a body of another type carries no parameters [UNVERIFIED
        # what Twilio does; no SDK sends one]: the handler then answers what is missing.
        return MultiDictProxy(MultiDict())
    return parse_form(raw.rstrip(), _form_charset(request))


async def _multipart(request: web.Request, limit: int) -> MultiDictProxy:
    out: MultiDict = MultiDict()
    try:
        reader = await request.multipart()
        size = 0
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                raise BadInput("multipart/form-data: every part must be a named form field.")
            if part.filename is not None:
                raise BadInput(f"{part.name}: file uploads are not accepted (send form fields).", part.name)
            raw = await part.read(decode=True)
            size += len(raw)
            if size > limit:
                raise TooLarge(limit)
            out.add(part.name, _decode(raw, _codec(part.get_charset("utf-8"), part.name), part.name))
    except BadInput:
        raise
    except (ConnectionError, HttpProcessingError):
        raise ClientGone() from None
    except (ValueError, AssertionError, LookupError, RuntimeError) as exc:  # aiohttp's reader on a broken body
        raise BadInput(f"Malformed multipart/form-data body: {exc}") from None
    return MultiDictProxy(out)


async def json_body(request: web.BaseRequest, limit: int):
    """A JSON body as Python values (None for an empty body)."""
    raw = await body(request, limit)
    if not raw.strip():
        return None
    return parse_json(raw)


def parse_json(raw: bytes | str):
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise BadInput("The body is not valid UTF-8.") from None
    except RecursionError:
        raise BadInput(f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels).") from None
    except ValueError as exc:
        raise BadInput(f"The body is not valid JSON: {exc}") from None
    check_tree(value)
    return value


def _no_constant(name: str):
    raise BadInput(f"{name} is not a JSON number.")


def check_tree(value) -> None:
    """Depth, and every string (object keys too) storable as UTF-8. Iterative: no recursion to exhaust."""
    stack = [(value, 1, None)]
    while stack:
        item, depth, name = stack.pop()
        if isinstance(item, str):
            check_text(item, name)
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadInput(f"{name or 'A number'} is out of range.", name)
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadInput(f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels).")
            if isinstance(item, dict):
                for key, child in item.items():
                    check_text(key, None)
                    stack.append((child, depth + 1, key))
            else:
                stack.extend((child, depth + 1, name) for child in item)


def check_text(value: str, param: str | None) -> None:
    """Text that UTF-8 can carry: no lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        what = param or "A name"
        raise BadInput(f"{what} is not valid Unicode text (it holds a lone surrogate).", param) from None
