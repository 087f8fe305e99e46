"""Wire format for API Keys. The secret is shown once, in the create response (spec new_key)."""
from __future__ import annotations

from aiohttp import web

from ...domain.accounts import ApiKey
from ...engine import accounts
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response
from ..render import rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/Keys"


def key_json(k: ApiKey) -> dict:
    return {"sid": k.sid, "friendly_name": k.friendly_name, "date_created": rfc2822(k.date_created),
            "date_updated": rfc2822(k.date_updated)}


@routes.post(BASE + ".json")
async def create_key(request: web.Request) -> web.Response:
    form = await Form.read(request)
    key = await accounts.create_key(request.app[EMULATOR], request[ACCOUNT], form.get("FriendlyName"))
    return json_response({**key_json(key), "secret": key.secret}, status=201)


@routes.get(BASE + ".json")
async def list_keys(request: web.Request) -> web.Response:
    form = await Form.read(request)
    keys = accounts.list_keys(request.app[EMULATOR], request[ACCOUNT])
    return await list_response(request, form, "keys", [], in_memory(keys), key_json)


def _key(request: web.Request) -> ApiKey:
    return accounts.get_key(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])


@routes.get(BASE + "/{Sid}.json")
async def fetch_key(request: web.Request) -> web.Response:
    return json_response(key_json(_key(request)))


@routes.post(BASE + "/{Sid}.json")
async def update_key(request: web.Request) -> web.Response:
    form = await Form.read(request)
    key = await accounts.update_key(request.app[EMULATOR], _key(request), form.get("FriendlyName"))
    return json_response(key_json(key))


@routes.delete(BASE + "/{Sid}.json")
async def delete_key(request: web.Request) -> web.Response:
    await accounts.delete_key(request.app[EMULATOR], _key(request))
    return web.Response(status=204)
