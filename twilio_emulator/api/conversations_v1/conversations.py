"""Wire format for Conversations (spec conversations v1 `/v1/Conversations`): create 201, list `conversations`
(State filter), fetch by SID or unique name, update, delete 204. Form bodies; ISO 8601 dates; absolute URLs on
the host the caller used. The rules are in domain.conversations, the use cases in engine.conversations.

Every conversation resource is also under a Conversation Service (`/v1/Services/{ChatServiceSid}/...`, the
spec's twin of each path): `under_services` registers a module's routes there too, and `service_sid` tells a
handler which service its path names (None: the account's default service, the docs' "shortened URL"). A
resource of a service other than the default is shown at its service-scoped URL."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversations import Conversation
from ...engine import conversations as engine
from ...engine.conversations import settings
from ...domain.errors import INVALID_PARAMETER, TwilioError
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, present, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
BASE = "/v1/Conversations"
SERVICE = "/v1/Services/{ChatServiceSid}"
MAX_PAGE = 100  # spec: PageSize maximum of Conversations, Participants, Messages


def under_services(table: web.RouteTableDef) -> web.RouteTableDef:
    """Each route of `table` again under `/v1/Services/{ChatServiceSid}`, with the same handler."""
    for r in list(table):
        if isinstance(r, web.RouteDef):
            table.route(r.method, SERVICE + r.path.removeprefix("/v1"))(r.handler)
    return table


def service_sid(request: web.Request) -> str | None:
    """The Conversation Service a service-scoped path names (a 404 when it is not one of the account's), or None
    on the account's paths (its default service)."""
    sid = request.match_info.get("ChatServiceSid")
    if sid is None:
        return None
    return settings.get_service(request.app[EMULATOR], request[ACCOUNT], sid).sid


def root(base: str, account_sid: str, chat_service_sid: str | None) -> str:
    """Where a resource of the service lives: `/v1` for the account's default service (or None), else the
    service's path."""
    if chat_service_sid is None or engine.is_default(account_sid, chat_service_sid):
        return f"{base}/v1"
    return f"{base}/v1/Services/{chat_service_sid}"


def conversation_url(base: str, account_sid: str, chat_service_sid: str | None, sid: str) -> str:
    return f"{root(base, account_sid, chat_service_sid)}/Conversations/{sid}"


def conversation_json(c: Conversation, base: str, now: float) -> dict:
    url = conversation_url(base, c.account_sid, c.chat_service_sid, c.sid)
    return {"account_sid": c.account_sid, "chat_service_sid": c.chat_service_sid,
            "messaging_service_sid": c.messaging_service_sid, "sid": c.sid, "friendly_name": c.friendly_name,
            "unique_name": c.unique_name, "attributes": c.attributes, "state": c.state_at(now),
            "date_created": iso8601(c.date_created), "date_updated": iso8601(c.date_updated),
            "timers": {k: iso8601(v) for k, v in c.timers_json(now).items()}, "url": url,
            "links": {"participants": f"{url}/Participants", "messages": f"{url}/Messages",
                      "webhooks": f"{url}/Webhooks", "export": f"{url}/Export"},
            "bindings": None}


def fields(form: Form) -> dict:
    """Create/update parameters in snake_case (None: not given). Email bindings are refused, not ignored."""
    if "Bindings.Email.Address" in form or "Bindings.Email.Name" in form:
        raise TwilioError("Email bindings (Bindings.Email.*) are not emulated.", code=INVALID_PARAMETER)
    return {"friendly_name": form.get("FriendlyName"), "unique_name": form.get("UniqueName"),
            "attributes": form.get("Attributes"), "messaging_service_sid": form.get("MessagingServiceSid"),
            "state": form.get("State"), "timers_inactive": form.get("Timers.Inactive"),
            "timers_closed": form.get("Timers.Closed"), "date_created": form.datetime("DateCreated"),
            "date_updated": form.datetime("DateUpdated")}


def conversation(request: web.Request, name: str = "Sid") -> Conversation:
    return engine.get(request.app[EMULATOR], request[ACCOUNT], request.match_info[name], service_sid(request))


def hooks_on(request: web.Request) -> bool:
    """X-Twilio-Webhook-Enabled: true: this REST action tells the post-event webhooks (reference §2.5)."""
    return request.headers.get("X-Twilio-Webhook-Enabled", "").lower() == "true"


def respond(request: web.Request, c: Conversation, status: int = 200) -> web.Response:
    return json_response(conversation_json(c, base_url(request), request.app[EMULATOR].now()), status=status)


@routes.post(BASE)
async def create_conversation(request: web.Request) -> web.Response:
    form = await Form.read(request)
    return respond(request, await engine.create(request.app[EMULATOR], request[ACCOUNT], fields(form), hooks_on(request),
                                                service_sid(request)), 201)


@routes.get(BASE)
async def list_conversations(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    found = engine.listed(emu, request[ACCOUNT], form.choice("State", ("initializing", "inactive", "active",
                                                                        "closed")), service_sid(request))
    base, now = base_url(request), emu.now()
    return await v1_list_response(request, form, "conversations", present(form, "State"), in_memory(found),
                                  lambda c: conversation_json(c, base, now), max_size=MAX_PAGE)


@routes.get(BASE + "/{Sid}")
async def fetch_conversation(request: web.Request) -> web.Response:
    return respond(request, conversation(request))


@routes.post(BASE + "/{Sid}")
async def update_conversation(request: web.Request) -> web.Response:
    form = await Form.read(request)
    c = conversation(request)
    return respond(request, await engine.update(request.app[EMULATOR], request[ACCOUNT], c, fields(form),
                                                hooks_on(request)))


@routes.delete(BASE + "/{Sid}")
async def delete_conversation(request: web.Request) -> web.Response:
    await engine.delete(request.app[EMULATOR], request[ACCOUNT], conversation(request), hooks_on(request))
    return web.Response(status=204)


under_services(routes)
