"""Wire format for a service's sender pool: /v1/Services/{ServiceSid}/PhoneNumbers, /AlphaSenders,
/ShortCodes and /ChannelSenders (create, list, fetch, delete). `capabilities` is an array of strings here
(spec); a channel sender (WhatsApp, RCS) has `sender` and `sender_type` instead, and the service's SID as
`messaging_service_sid` (spec messaging v1 ChannelSender)."""
from __future__ import annotations

from aiohttp import web

from ...domain.messaging_services import ServiceSender
from ...engine import channels
from ...engine import messaging_services as services
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url, iso8601
from .services import BASE

routes = web.RouteTableDef()
PATHS = {"phone_number": "PhoneNumbers", "short_code": "ShortCodes", "alpha_sender": "AlphaSenders",
         channels.POOL_KIND: "ChannelSenders"}
KEYS = {"phone_number": "phone_numbers", "short_code": "short_codes", "alpha_sender": "alpha_senders",
        channels.POOL_KIND: "senders"}


def sender_json(s: ServiceSender, base: str) -> dict:
    if s.kind == channels.POOL_KIND:
        return {"account_sid": s.account_sid, "messaging_service_sid": s.service_sid, "sid": s.sid,
                "sender": s.address, "sender_type": channels.sender_type(s), "country_code": s.country or None,
                "date_created": iso8601(s.date_created), "date_updated": iso8601(s.date_updated),
                "url": f"{base}{BASE}/{s.service_sid}/{PATHS[s.kind]}/{s.sid}"}
    out = {
        "account_sid": s.account_sid,
        "capabilities": s.capabilities,
        "date_created": iso8601(s.date_created),
        "date_updated": iso8601(s.date_updated),
        "service_sid": s.service_sid,
        "sid": s.sid,
        "url": f"{base}{BASE}/{s.service_sid}/{PATHS[s.kind]}/{s.sid}",
    }
    if s.kind == "phone_number":
        out.update(phone_number=s.address, country_code=s.country)
    elif s.kind == "short_code":
        out.update(short_code=s.address, country_code=s.country)
    else:
        out["alpha_sender"] = s.address
    return out


def _service(request: web.Request):
    return services.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["ServiceSid"])


def _add_routes(kind: str) -> None:
    path = f"{BASE}/{{ServiceSid}}/{PATHS[kind]}"

    async def create(request: web.Request) -> web.Response:
        form = await Form.read(request)
        emu, service = request.app[EMULATOR], _service(request)
        if kind == "phone_number":
            member = await services.add_phone_number(emu, request[ACCOUNT], service, form.get("PhoneNumberSid"))
        elif kind == "short_code":
            member = await services.add_short_code(emu, request[ACCOUNT], service, form.get("ShortCodeSid"))
        elif kind == channels.POOL_KIND:
            member = await channels.add_to_pool(emu, request[ACCOUNT], service, form.get("Sid"))
        else:
            member = await services.add_alpha_sender(emu, request[ACCOUNT], service, form.get("AlphaSender"))
        return json_response(sender_json(member, base_url(request)), status=201)

    async def list_(request: web.Request) -> web.Response:
        form = await Form.read(request)
        found = services.senders(request.app[EMULATOR], _service(request), kind)
        base = base_url(request)
        return await v1_list_response(request, form, KEYS[kind], [], in_memory(found), lambda s: sender_json(s, base))

    async def fetch(request: web.Request) -> web.Response:
        member = services.sender(request.app[EMULATOR], _service(request), kind, request.match_info["Sid"])
        return json_response(sender_json(member, base_url(request)))

    async def delete(request: web.Request) -> web.Response:
        emu = request.app[EMULATOR]
        member = services.sender(emu, _service(request), kind, request.match_info["Sid"])
        await services.remove_sender(emu, member)
        return web.Response(status=204)

    routes.post(path)(create)
    routes.get(path)(list_)
    routes.get(path + "/{Sid}")(fetch)
    routes.delete(path + "/{Sid}")(delete)


for _kind in PATHS:
    _add_routes(_kind)
