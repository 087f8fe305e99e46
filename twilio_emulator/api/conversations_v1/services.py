"""Wire format for Conversation Services (spec `/v1/Services`, `/v1/Services/{Sid}`: create 201, list
`services`, fetch, delete 204; no update). The path is also Messaging's: the host decides, and without one a SID
goes by its prefix (`IS…` here) and the bare collection stays Messaging's (api/products.py, reference
twilio-conversations §0). A service's conversations, users and roles are the conversation modules' routes
under the service (conversations.under_services); its own configuration and webhook configuration are here.
Push (`/Configuration/Notifications`, `/Bindings`) is not emulated: the router's 404."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversation_events import ChatService
from ...domain.conversation_events import WebhookConfig
from ...engine.conversations import settings
from .configuration import update_webhook_fields
from .conversations import SERVICE, service_sid
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


# ---- a service's configuration --------------------------------------------------------------------------------
def configuration_json(s: ChatService, base: str) -> dict:
    url = f"{base}{BASE}/{s.sid}/Configuration"
    return {"chat_service_sid": s.sid, "default_conversation_creator_role_sid": s.default_conversation_creator_role_sid,
            "default_conversation_role_sid": s.default_conversation_role_sid,
            "default_chat_service_role_sid": s.default_chat_service_role_sid, "url": url,
            "links": {"notifications": f"{url}/Notifications", "webhooks": f"{url}/Webhooks"},
            "reachability_enabled": s.reachability_enabled}


def _scoped_service(request: web.Request) -> ChatService:
    return settings.get_service(request.app[EMULATOR], request[ACCOUNT], service_sid(request))


@routes.get(SERVICE + "/Configuration")
async def fetch_service_configuration(request: web.Request) -> web.Response:
    return json_response(configuration_json(_scoped_service(request), base_url(request)))


@routes.post(SERVICE + "/Configuration")
async def update_service_configuration(request: web.Request) -> web.Response:
    form = await Form.read(request)
    service = await settings.configure_service(request.app[EMULATOR], request[ACCOUNT], _scoped_service(request), {
        "default_conversation_creator_role_sid": form.get("DefaultConversationCreatorRoleSid"),
        "default_conversation_role_sid": form.get("DefaultConversationRoleSid"),
        "default_chat_service_role_sid": form.get("DefaultChatServiceRoleSid"),
        "reachability_enabled": form.bool("ReachabilityEnabled")})
    return json_response(configuration_json(service, base_url(request)))


def webhook_config_json(c: WebhookConfig, base: str) -> dict:
    return {"account_sid": c.account_sid, "chat_service_sid": c.chat_service_sid, "pre_webhook_url": c.pre_webhook_url,
            "post_webhook_url": c.post_webhook_url, "filters": c.filters, "method": c.method,
            "url": f"{base}{BASE}/{c.chat_service_sid}/Configuration/Webhooks"}


@routes.get(SERVICE + "/Configuration/Webhooks")
async def fetch_service_webhooks(request: web.Request) -> web.Response:
    config = settings.webhook_config(request.app[EMULATOR], request[ACCOUNT], _scoped_service(request).sid)
    return json_response(webhook_config_json(config, base_url(request)))


@routes.post(SERVICE + "/Configuration/Webhooks")
async def update_service_webhooks(request: web.Request) -> web.Response:
    form = await Form.read(request)
    service = _scoped_service(request)
    fields = update_webhook_fields(form)
    config = await settings.set_webhook_config(request.app[EMULATOR], request[ACCOUNT], fields, service.sid)
    return json_response(webhook_config_json(config, base_url(request)))
