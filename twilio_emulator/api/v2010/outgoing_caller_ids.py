"""Wire format for OutgoingCallerIds (verified numbers) and ValidationRequests (a POST to the same list, which
answers 200, not 201: spec CreateValidationRequest)."""
from __future__ import annotations

from aiohttp import web

from ...domain.accounts import CallerId
from ...engine import caller_ids
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds"


def caller_id_json(c: CallerId) -> dict:
    return {"sid": c.sid, "date_created": rfc2822(c.date_created), "date_updated": rfc2822(c.date_updated),
            "friendly_name": c.friendly_name, "account_sid": c.account_sid, "phone_number": c.phone_number,
            "uri": account_uri(c.account_sid, f"/OutgoingCallerIds/{c.sid}.json")}


@routes.post(BASE + ".json")
async def create_validation_request(request: web.Request) -> web.Response:
    form = await Form.read(request)
    caller_id, call_sid, code = await caller_ids.verify(
        request.app[EMULATOR], request[ACCOUNT], form.get("PhoneNumber"), form.get("FriendlyName"),
        form.int("CallDelay"), form.get("StatusCallback"), form.get("StatusCallbackMethod"))
    return json_response({"account_sid": caller_id.account_sid, "call_sid": call_sid,
                          "friendly_name": caller_id.friendly_name, "phone_number": caller_id.phone_number,
                          "validation_code": code})


@routes.get(BASE + ".json")
async def list_caller_ids(request: web.Request) -> web.Response:
    form = await Form.read(request)
    number, name = form.get("PhoneNumber"), form.get("FriendlyName")
    found = [c for c in await caller_ids.of_account(request.app[EMULATOR], request[ACCOUNT])
             if (number is None or c.phone_number == number) and (name is None or c.friendly_name == name)]
    return await list_response(request, form, "outgoing_caller_ids", present(form, "PhoneNumber", "FriendlyName"),
                               in_memory(found), caller_id_json)


async def _caller_id(request: web.Request) -> CallerId:
    return await caller_ids.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])


@routes.get(BASE + "/{Sid}.json")
async def fetch_caller_id(request: web.Request) -> web.Response:
    return json_response(caller_id_json(await _caller_id(request)))


@routes.post(BASE + "/{Sid}.json")
async def update_caller_id(request: web.Request) -> web.Response:
    form = await Form.read(request)
    caller_id = await _caller_id(request)
    return json_response(caller_id_json(await caller_ids.update(request.app[EMULATOR], caller_id,
                                                                form.get("FriendlyName"))))


@routes.delete(BASE + "/{Sid}.json")
async def delete_caller_id(request: web.Request) -> web.Response:
    await caller_ids.delete(request.app[EMULATOR], await _caller_id(request))
    return web.Response(status=204)
