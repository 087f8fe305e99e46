"""Wire format for SMS/ShortCodes: list (FriendlyName, ShortCode filters), fetch, update. Twilio has no
create or delete here: short codes are provisioned (the emulator's control API does it)."""
from __future__ import annotations

from aiohttp import web

from ...domain.phone_numbers import IncomingPhoneNumber
from ...engine import numbers as number_ops
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes"
_PARAMS = {"FriendlyName": "friendly_name", "ApiVersion": "api_version", "SmsUrl": "sms_url",
           "SmsMethod": "sms_method", "SmsFallbackUrl": "sms_fallback_url", "SmsFallbackMethod": "sms_fallback_method"}


def short_code_json(c: IncomingPhoneNumber) -> dict:
    return {
        "account_sid": c.account_sid,
        "api_version": c.get("api_version"),
        "date_created": rfc2822(c.date_created),
        "date_updated": rfc2822(c.date_updated),
        "friendly_name": c.get("friendly_name"),
        "short_code": c.phone_number,
        "sid": c.sid,
        # Twilio shows an unset URL as null here (spec example), unlike IncomingPhoneNumbers' "".
        "sms_fallback_method": c.get("sms_fallback_method"),
        "sms_fallback_url": c.get("sms_fallback_url") or None,
        "sms_method": c.get("sms_method"),
        "sms_url": c.get("sms_url") or None,
        "uri": account_uri(c.account_sid, f"/SMS/ShortCodes/{c.sid}.json"),
    }


@routes.get(BASE + ".json")
async def list_short_codes(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = number_ops.short_codes(request.app[EMULATOR], request[ACCOUNT], form.get("ShortCode"),
                                   form.get("FriendlyName"))
    return await list_response(request, form, "short_codes", present(form, "FriendlyName", "ShortCode"),
                               in_memory(found), short_code_json)


def _short_code(request: web.Request) -> IncomingPhoneNumber:
    return number_ops.get_short_code(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])


@routes.get(BASE + "/{Sid}.json")
async def fetch_short_code(request: web.Request) -> web.Response:
    return json_response(short_code_json(_short_code(request)))


@routes.post(BASE + "/{Sid}.json")
async def update_short_code(request: web.Request) -> web.Response:
    form = await Form.read(request)
    code = _short_code(request)
    config = {name: form.get(param) for param, name in _PARAMS.items() if param in form}
    return json_response(short_code_json(await number_ops.update(request.app[EMULATOR], code, config)))
