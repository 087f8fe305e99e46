"""Wire format for Applications (TwiML apps; spec api.v2010.account.application): create 201, fetch, list
(FriendlyName), update, delete 204."""
from __future__ import annotations

from aiohttp import web

from ...domain.applications import RULES, SETTABLE, Application
from ...domain.fields import pascal
from ...engine import applications
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/Applications"
_PARAMS = {pascal(name): name for name in SETTABLE}  # SmsUrl -> sms_url


def application_json(a: Application) -> dict:
    return {"account_sid": a.account_sid, "date_created": rfc2822(a.date_created),
            "date_updated": rfc2822(a.date_updated), "sid": a.sid,
            **{name: a.get(name) for name in SETTABLE},
            "uri": account_uri(a.account_sid, f"/Applications/{a.sid}.json")}


def _config(form: Form) -> dict:
    return {name: form.bool(param) if name in RULES.bools else form.get(param)
            for param, name in _PARAMS.items() if param in form}


@routes.post(BASE + ".json")
async def create_application(request: web.Request) -> web.Response:
    form = await Form.read(request)
    app = await applications.create(request.app[EMULATOR], request[ACCOUNT], _config(form))
    return json_response(application_json(app), status=201)


@routes.get(BASE + ".json")
async def list_applications(request: web.Request) -> web.Response:
    form = await Form.read(request)
    name = form.get("FriendlyName")
    found = [a for a in await applications.of_account(request.app[EMULATOR], request[ACCOUNT])
             if name is None or a.get("friendly_name") == name]
    return await list_response(request, form, "applications", present(form, "FriendlyName"), in_memory(found),
                               application_json)


async def _application(request: web.Request) -> Application:
    return await applications.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])


@routes.get(BASE + "/{Sid}.json")
async def fetch_application(request: web.Request) -> web.Response:
    return json_response(application_json(await _application(request)))


@routes.post(BASE + "/{Sid}.json")
async def update_application(request: web.Request) -> web.Response:
    form = await Form.read(request)
    app = await _application(request)
    return json_response(application_json(await applications.update(request.app[EMULATOR], app, _config(form))))


@routes.delete(BASE + "/{Sid}.json")
async def delete_application(request: web.Request) -> web.Response:
    await applications.delete(request.app[EMULATOR], await _application(request))
    return web.Response(status=204)
