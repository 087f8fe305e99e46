"""Wire format for Verifications (spec `/v2/Services/{ServiceSid}/Verifications`: create 201, fetch, update with
Status) and VerificationCheck (`/v2/Services/{ServiceSid}/VerificationCheck`: 200 [UNVERIFIED: the spec lists
201 with a 200 example; the SDK takes either])."""
from __future__ import annotations

from aiohttp import web

from ...domain.verify import Verification
from ...engine import verify as engine
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import json_response
from ..render import base_url, iso8601
from .services import BASE, flag, service

routes = web.RouteTableDef()
VERIFICATIONS = BASE + "/{ServiceSid}/Verifications"


def verification_json(v: Verification, base: str, now: float) -> dict:
    return {"sid": v.sid, "service_sid": v.service_sid, "account_sid": v.account_sid, "to": v.to,
            "channel": v.channel, "status": v.status_at(now), "valid": v.status == "approved", "lookup": v.lookup,
            "amount": v.amount, "payee": v.payee, "send_code_attempts": v.send_code_attempts,
            "date_created": iso8601(v.date_created), "date_updated": iso8601(v.date_updated), "sna": None,
            "url": f"{base}{BASE}/{v.service_sid}/Verifications/{v.sid}"}


def check_json(v: Verification, now: float) -> dict:
    return {"sid": v.sid, "service_sid": v.service_sid, "account_sid": v.account_sid, "to": v.to,
            "channel": v.channel, "status": v.status_at(now), "valid": v.status == "approved", "amount": v.amount,
            "payee": v.payee, "date_created": iso8601(v.date_created), "date_updated": iso8601(v.date_updated),
            "sna_attempts_error_codes": []}


@routes.post(VERIFICATIONS)
async def create_verification(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    v = await engine.start(emu, request[ACCOUNT], service(request, "ServiceSid"), {
        "to": form.get("To"), "channel": form.get("Channel"), "custom_friendly_name": form.get("CustomFriendlyName"),
        "custom_message": form.get("CustomMessage"), "send_digits": form.get("SendDigits"),
        "locale": form.get("Locale"), "custom_code": form.get("CustomCode"), "amount": form.get("Amount"),
        "payee": form.get("Payee"), "rate_limits": form.get("RateLimits"),
        "channel_configuration": form.get("ChannelConfiguration"), "app_hash": form.get("AppHash"),
        "template_sid": form.get("TemplateSid"), "device_ip": form.get("DeviceIp"),
        "enable_sna_client_token": flag(form, "EnableSnaClientToken"), "risk_check": form.get("RiskCheck"),
        "tags": form.get("Tags")})
    return json_response(verification_json(v, base_url(request), emu.now()), status=201)


def _verification(request: web.Request) -> Verification:
    return engine.get(request.app[EMULATOR], request[ACCOUNT], service(request, "ServiceSid"),
                      request.match_info["Sid"])


@routes.get(VERIFICATIONS + "/{Sid}")
async def fetch_verification(request: web.Request) -> web.Response:
    return json_response(verification_json(_verification(request), base_url(request), request.app[EMULATOR].now()))


@routes.post(VERIFICATIONS + "/{Sid}")
async def update_verification(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    v = await engine.update(emu, service(request, "ServiceSid"), _verification(request), form.get("Status"))
    return json_response(verification_json(v, base_url(request), emu.now()))


@routes.post(BASE + "/{ServiceSid}/VerificationCheck")
async def check_verification(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    v = await engine.check(emu, request[ACCOUNT], service(request, "ServiceSid"), form.get("To"),
                           form.get("VerificationSid"), form.get("Code"))
    return json_response(check_json(v, emu.now()))
