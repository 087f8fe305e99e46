"""Wire format for conversation-scoped webhooks (spec `/v1/Conversations/{ConversationSid}/Webhooks`): create 201,
list `webhooks` (at most 5 a page, and a conversation has at most 5), fetch, update, delete 204."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversation_events import ScopedWebhook
from ...engine.conversations import settings
from ...domain.errors import INVALID_PARAMETER, TwilioError
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url, iso8601
from .conversations import BASE as CONVERSATIONS, conversation, conversation_url, under_services

routes = web.RouteTableDef()
BASE = CONVERSATIONS + "/{ConversationSid}/Webhooks"
MAX_PAGE = 5  # spec


def scoped_json(w: ScopedWebhook, base: str) -> dict:
    return {"sid": w.sid, "account_sid": w.account_sid, "chat_service_sid": w.chat_service_sid,
            "conversation_sid": w.conversation_sid, "target": w.target,
            "url": f"{conversation_url(base, w.account_sid, w.chat_service_sid, w.conversation_sid)}/Webhooks/{w.sid}",
            "configuration": {"url": w.url, "method": w.method, "filters": w.filters},
            "date_created": iso8601(w.date_created), "date_updated": iso8601(w.date_updated)}


def fields(form: Form) -> dict:
    return {"target": form.get("Target"), "url": form.get("Configuration.Url"),
            "method": form.get("Configuration.Method"),
            "filters": form.getall("Configuration.Filters") if "Configuration.Filters" in form else None,
            "triggers": form.getall("Configuration.Triggers"), "flow_sid": form.get("Configuration.FlowSid"),
            "replay_after": form.get("Configuration.ReplayAfter")}


def _webhook(request: web.Request) -> ScopedWebhook:
    return settings.get_scoped(request.app[EMULATOR], conversation(request, "ConversationSid"),
                               request.match_info["Sid"])


@routes.post(BASE)
async def create_webhook(request: web.Request) -> web.Response:
    form = await Form.read(request)
    c = conversation(request, "ConversationSid")
    w = await settings.add_scoped(request.app[EMULATOR], request[ACCOUNT], c, fields(form))
    return json_response(scoped_json(w, base_url(request)), status=201)


@routes.get(BASE)
async def list_webhooks(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = settings.scoped_of(request.app[EMULATOR], conversation(request, "ConversationSid"))
    base = base_url(request)
    return await v1_list_response(request, form, "webhooks", [], in_memory(found), lambda w: scoped_json(w, base),
                                  max_size=MAX_PAGE)


@routes.get(BASE + "/{Sid}")
async def fetch_webhook(request: web.Request) -> web.Response:
    return json_response(scoped_json(_webhook(request), base_url(request)))


@routes.post(BASE + "/{Sid}")
async def update_webhook(request: web.Request) -> web.Response:
    form = await Form.read(request)
    given = fields(form)
    if given["target"] is not None or given["replay_after"] is not None:
        raise TwilioError("Target and Configuration.ReplayAfter are set on create only.", code=INVALID_PARAMETER)
    w = await settings.update_scoped(request.app[EMULATOR], _webhook(request), given)
    return json_response(scoped_json(w, base_url(request)))


@routes.delete(BASE + "/{Sid}")
async def delete_webhook(request: web.Request) -> web.Response:
    await settings.remove_scoped(request.app[EMULATOR], _webhook(request))
    return web.Response(status=204)


under_services(routes)
