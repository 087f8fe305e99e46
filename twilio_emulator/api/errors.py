"""The only place that turns errors into Twilio's error JSON and picks their HTTP status.

Shape: {"code", "message", "more_info", "status"} (+ "detail" for 401). Never `type` with `title`: that
would make twilio-python raise TwilioServiceException instead of TwilioRestException (reference §0.1.4).
"""
from __future__ import annotations

import asyncio
import json
import re

from aiohttp import web

from ..domain.errors import AuthenticationFailed, MethodNotAllowed, NotFound, TwilioError
from ..engine import Emulator
from . import inputs
from .auth import authorize
from .context import ACCOUNT, EMULATOR, NOTE
from .routing import record_bug


def error_response(exc: TwilioError) -> web.Response:
    body = {"code": exc.code, "message": exc.message,
            "more_info": f"https://www.twilio.com/docs/errors/{exc.code}", "status": exc.status}
    headers = {}
    if isinstance(exc, AuthenticationFailed):
        body["detail"] = exc.detail
        headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    response = web.Response(body=json.dumps(body).encode(), status=exc.status, headers=headers,
                            content_type="application/json", charset="utf-8")
    if exc.status == 413:  # the rest of the body is never read: no keep-alive after it
        response.force_close()
    return response


def from_http_exception(request: web.Request, exc: web.HTTPException) -> TwilioError:
    if exc.status == 404:  # no route has the path: Twilio's 404, saying that it may be a path not emulated
        found = NotFound(request.path)
        found.message += (" (the emulator serves no such path: if Twilio has it, it is not emulated; "
                          "`twilio-emulator routes` lists what is)")
        return found
    if exc.status == 405:
        return MethodNotAllowed(request.method)
    if exc.status == 413:
        return inputs.TooLarge(request.config_dict[EMULATOR].settings.max_body_bytes)
    return TwilioError(exc.reason, code=exc.status * 100 if exc.status >= 400 else 20500, status=exc.status)


def twilio_api(handler, emu: Emulator | None = None, product_check=None):
    """Wraps every REST handler (api.add_routes, see api/routing.py): refuse an oversized body, check the
    Twilio host the request names (`product_check`, api/products.py), authorize (api/auth.py), run the
    handler, and answer any error in Twilio's shape. `emu`: the app's emulator, known at registration (else
    looked up on each request: request.app costs three Python calls each time)."""
    public = getattr(handler, "public", False)

    async def twilio_route(request: web.Request) -> web.StreamResponse:
        try:
            e = emu if emu is not None else request.config_dict[EMULATOR]
            inputs.refuse_oversized(request, e.settings.max_body_bytes)
            if product_check is not None:
                product_check(request)
            authorize(request, public, e)
            if e.faults.rules:  # issue 18: an api fault rule answers before the handler
                answer = await _fault(request)
                if answer is not None:
                    return answer
            return await handler(request)
        except TwilioError as exc:
            return noted_error(request, exc)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return noted_error(request, from_http_exception(request, exc))
        except Exception as exc:  # a bug of ours: still a Twilio-shaped answer
            record_bug(request, exc)
            return noted_error(request, TwilioError("Internal server error.", code=20500, status=500))
    return twilio_route


_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


def resource_of(path: str) -> str:
    """The resource a path is about, as a fault rule names it: the last segment that is not a SID or a
    number (`/2010-04-01/Accounts/AC…/Messages/SM….json` -> Messages, `…/Media.json` -> Media)."""
    for segment in reversed(path.split("/")):
        name = segment[:-5] if segment.endswith(".json") else segment
        if name and not _SID.fullmatch(name) and not name.startswith("+"):
            return name
    return ""


async def _fault(request: web.Request) -> web.Response | None:
    """An `api` fault rule acting on this request (engine.faults): its latency, then its error in Twilio's
    shape (nothing stored: the handler never runs); a 429 says Twilio-Concurrent-Requests (reference
    twilio-more §9.4) [UNVERIFIED: the value, here one over Twilio's reported default of 100]."""
    account = request.get(ACCOUNT)
    rule = request.app[EMULATOR].faults.fire("api", {
        "method": request.method, "resource": resource_of(request.path),
        "account_sid": account.sid if account is not None else None})
    if rule is None:
        return None
    if rule.do.get("latency"):
        await asyncio.sleep(rule.do["latency"])
    if "status" not in rule.do:
        return None
    response = noted_error(request, TwilioError(f"{rule.do['message']} (fault rule {rule.sid})", code=rule.do["code"],
                                                status=rule.do["status"]))
    if rule.do["status"] == 429:
        response.headers["Twilio-Concurrent-Requests"] = "101"
        response.headers["Retry-After"] = "1"
    return response


def noted_error(request: web.Request, exc: TwilioError) -> web.Response:
    """The error's answer, and its code and message on the request's serve-log line (issue 14, item 10). A
    NotFound from the engine, which knows no request, names the request's path here."""
    if isinstance(exc, NotFound) and exc.path is None:
        exc = NotFound(request.path)
    request[NOTE] = f"{exc.code} {exc.message}"
    return error_response(exc)
