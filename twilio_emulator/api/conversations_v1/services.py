"""Wire format for Conversation Services (spec `/v1/Services`, `/v1/Services/{Sid}`: create 201, list
`services`, fetch, delete 204; no update). The path is also Messaging's: the host decides, and without one a SID
goes by its prefix (`IS…` here) and the bare collection stays Messaging's (api/products.py, reference
twilio-conversations §0). What lives under a service of one's own is not emulated yet: the router's 404."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversation_events import ChatService
from ...engine.conversations import settings
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
BASE = "/v1/Services"  # the parameter is named as Messaging's route names it, so that the two share the path
MAX_PAGE = 100  # spec


def service_json(s: ChatService, base: str) -> dict:
    url = f"{base}{BASE}/{s.sid}"
    return {"account_sid": s.account_sid, "sid": s.sid, "friendly_name": s.friendly_name,
            "date_created": iso8601(s.date_created), "date_updated": iso8601(s.date_updated), "url": url,
            "links": {name: f"{url}/{path}" for name, path in (
                ("conversations", "Conversations"), ("users", "Users"), ("roles", "Roles"), ("bindings", "Bindings"),
                ("configuration", "Configuration"), ("participant_conversations", "ParticipantConversations"))}}


@routes.post(BASE)
async def create_service(request: web.Request) -> web.Response:
    form = await Form.read(request)
    service = await settings.add_service(request.app[EMULATOR], request[ACCOUNT], form.get("FriendlyName"))
    return json_response(service_json(service, base_url(request)), status=201)


@routes.get(BASE)
async def list_services(request: web.Request) -> web.Response:
    form = await Form.read(request)
    base = base_url(request)
    return await v1_list_response(request, form, "services", [],
                                  in_memory(settings.services_of(request.app[EMULATOR], request[ACCOUNT])),
                                  lambda s: service_json(s, base), max_size=MAX_PAGE)


def _service(request: web.Request) -> ChatService:
    return settings.get_service(request.app[EMULATOR], request[ACCOUNT], request.match_info["ServiceSid"])


@routes.get(BASE + "/{ServiceSid}")
async def fetch_service(request: web.Request) -> web.Response:
    return json_response(service_json(_service(request), base_url(request)))


@routes.delete(BASE + "/{ServiceSid}")
async def delete_service(request: web.Request) -> web.Response:
    await settings.remove_service(request.app[EMULATOR], request[ACCOUNT], _service(request))
    return web.Response(status=204)
