"""Wire format for a conversation's Participants (spec `/v1/Conversations/{ConversationSid}/Participants`):
create 201, list `participants`, fetch by SID or identity, update, delete 204."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversations import Participant
from ...engine import conversations as engine
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url, iso8601
from .conversations import BASE as CONVERSATIONS, MAX_PAGE, conversation, conversation_url, hooks_on, under_services

routes = web.RouteTableDef()
BASE = CONVERSATIONS + "/{ConversationSid}/Participants"


def participant_json(p: Participant, base: str) -> dict:
    binding = None
    if p.binding:  # spec examples: only the keys the participant has
        binding = {k: v for k, v in p.binding.items() if v is not None}
    return {"account_sid": p.account_sid, "chat_service_sid": p.chat_service_sid,
            "conversation_sid": p.conversation_sid, "sid": p.sid,
            "identity": p.identity, "attributes": p.attributes, "messaging_binding": binding,
            "role_sid": p.role_sid, "date_created": iso8601(p.date_created), "date_updated": iso8601(p.date_updated),
            "url": f"{conversation_url(base, p.account_sid, p.chat_service_sid, p.conversation_sid)}/Participants/{p.sid}",
            "last_read_message_index": p.last_read_message_index, "last_read_timestamp": p.last_read_timestamp}


def fields(form: Form) -> dict:
    return {"identity": form.get("Identity"), "attributes": form.get("Attributes"), "role_sid": form.get("RoleSid"),
            "messaging_binding_address": form.get("MessagingBinding.Address"),
            "messaging_binding_proxy_address": form.get("MessagingBinding.ProxyAddress"),
            "messaging_binding_projected_address": form.get("MessagingBinding.ProjectedAddress"),
            "last_read_message_index": form.int("LastReadMessageIndex", lo=0),
            "last_read_timestamp": form.get("LastReadTimestamp"),
            "date_created": form.datetime("DateCreated"), "date_updated": form.datetime("DateUpdated")}


def _participant(request: web.Request) -> Participant:
    return engine.get_participant(request.app[EMULATOR], conversation(request, "ConversationSid"),
                                  request.match_info["Sid"])


@routes.post(BASE)
async def create_participant(request: web.Request) -> web.Response:
    form = await Form.read(request)
    c = conversation(request, "ConversationSid")
    p = await engine.add_participant(request.app[EMULATOR], request[ACCOUNT], c, fields(form), hooks_on(request))
    return json_response(participant_json(p, base_url(request)), status=201)


@routes.get(BASE)
async def list_participants(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = engine.participants_of(request.app[EMULATOR], conversation(request, "ConversationSid"))
    base = base_url(request)
    return await v1_list_response(request, form, "participants", [], in_memory(found),
                                  lambda p: participant_json(p, base), max_size=MAX_PAGE)


@routes.get(BASE + "/{Sid}")
async def fetch_participant(request: web.Request) -> web.Response:
    return json_response(participant_json(_participant(request), base_url(request)))


@routes.post(BASE + "/{Sid}")
async def update_participant(request: web.Request) -> web.Response:
    form = await Form.read(request)
    p = await engine.update_participant(request.app[EMULATOR], request[ACCOUNT], _participant(request), fields(form),
                                        hooks_on(request))
    return json_response(participant_json(p, base_url(request)))


@routes.delete(BASE + "/{Sid}")
async def delete_participant(request: web.Request) -> web.Response:
    await engine.remove_participant(request.app[EMULATOR], request[ACCOUNT], _participant(request), hooks_on(request))
    return web.Response(status=204)


under_services(routes)
