"""Wire format for IncomingPhoneNumbers (and its /Local, /Mobile, /TollFree views)."""
from __future__ import annotations

from aiohttp import web

from ...domain import numbers
from ...domain.fields import pascal
from ...domain.phone_numbers import SETTABLE, IncomingPhoneNumber
from ...engine import accounts
from ...engine import numbers as number_ops
from ..context import ACCOUNT, EMULATOR, PRINCIPAL
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers"
KINDS = {"Local": numbers.LOCAL, "Mobile": numbers.MOBILE, "TollFree": numbers.TOLL_FREE}
_PARAMS = {pascal(name): name for name in SETTABLE}  # SmsUrl -> sms_url


def phone_number_json(n: IncomingPhoneNumber) -> dict:
    return {
        "account_sid": n.account_sid,
        "address_sid": n.get("address_sid"),
        "address_requirements": "none",
        "api_version": n.get("api_version"),
        "beta": False,
        "capabilities": n.capabilities,
        "date_created": rfc2822(n.date_created),
        "date_updated": rfc2822(n.date_updated),
        "friendly_name": n.get("friendly_name"),
        "identity_sid": n.get("identity_sid"),
        "phone_number": n.phone_number,
        "origin": "twilio",
        "sid": n.sid,
        **{name: n.get(name) for name in (
            "sms_application_sid", "sms_fallback_method", "sms_fallback_url", "sms_method", "sms_url",
            "status_callback", "status_callback_method", "trunk_sid")},
        "uri": account_uri(n.account_sid, f"/IncomingPhoneNumbers/{n.sid}.json"),
        **{name: n.get(name) for name in (
            "voice_receive_mode", "voice_application_sid", "voice_caller_id_lookup", "voice_fallback_method",
            "voice_fallback_url", "voice_method", "voice_url", "emergency_status", "emergency_address_sid")},
        "emergency_address_status": "unregistered",
        "bundle_sid": n.get("bundle_sid"),
        "status": "in-use",
        "type": n.type,
    }


def _config(form: Form) -> dict:
    config = {name: form.get(param) for param, name in _PARAMS.items() if param in form}
    if "VoiceCallerIdLookup" in form:
        config["voice_caller_id_lookup"] = form.bool("VoiceCallerIdLookup")
    return config


async def _create(request: web.Request, kind: str | None) -> web.Response:
    form = await Form.read(request)
    number = await number_ops.buy(request.app[EMULATOR], request[ACCOUNT], form.get("PhoneNumber"),
                                  None if kind else form.get("AreaCode"), kind, _config(form))
    return json_response(phone_number_json(number), status=201)


async def _list(request: web.Request, kind: str | None) -> web.Response:
    form = await Form.read(request)
    found = number_ops.owned(request.app[EMULATOR], request[ACCOUNT], kind, form.get("PhoneNumber"),
                             form.get("FriendlyName"))
    form.bool("Beta")  # validated; every emulated number is beta=false
    return await list_response(request, form, "incoming_phone_numbers",
                               present(form, "Beta", "FriendlyName", "PhoneNumber", "Origin"), in_memory(found),
                               phone_number_json)


@routes.post(BASE + ".json")
async def create_incoming_phone_number(request: web.Request) -> web.Response:
    return await _create(request, None)


@routes.get(BASE + ".json")
async def list_incoming_phone_numbers(request: web.Request) -> web.Response:
    return await _list(request, None)


def _add_kind_routes(path_kind: str, kind: str) -> None:
    async def create(request: web.Request) -> web.Response:
        return await _create(request, kind)

    async def list_(request: web.Request) -> web.Response:
        return await _list(request, kind)
    routes.post(f"{BASE}/{path_kind}.json")(create)
    routes.get(f"{BASE}/{path_kind}.json")(list_)


for _path_kind, _kind in KINDS.items():  # registered before /{Sid}.json so that "Local" is not taken for a SID
    _add_kind_routes(_path_kind, _kind)


def _number(request: web.Request) -> IncomingPhoneNumber:
    return number_ops.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])


@routes.get(BASE + "/{Sid}.json")
async def fetch_incoming_phone_number(request: web.Request) -> web.Response:
    return json_response(phone_number_json(_number(request)))


@routes.post(BASE + "/{Sid}.json")
async def update_incoming_phone_number(request: web.Request) -> web.Response:
    form = await Form.read(request)
    number = _number(request)
    new_account = None
    if form.get("AccountSid"):  # Twilio: moves the number between a main account and its subaccounts
        new_account = accounts.resolve(request.app[EMULATOR], request[PRINCIPAL], form.get("AccountSid"))
    number = await number_ops.update(request.app[EMULATOR], number, _config(form), new_account)
    return json_response(phone_number_json(number))


@routes.delete(BASE + "/{Sid}.json")
async def delete_incoming_phone_number(request: web.Request) -> web.Response:
    await number_ops.release(request.app[EMULATOR], _number(request))
    return web.Response(status=204)
