"""Wire format for Users and Roles (spec `/v1/Users`, `/v1/Roles`; plain CRUD, reference §1.12), a user's
conversations (`/v1/Users/{UserSid}/Conversations`: those where a participant has the user's identity; fetch,
update its notification level and read horizon, delete to leave), ConversationWithParticipants
(`POST /v1/ConversationWithParticipants`) and ParticipantConversations
(`GET /v1/ParticipantConversations?Identity=|Address=`). All of them are under a Conversation Service too."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversation_events import Role, User
from ...engine import conversations as engine
from ...engine.conversations import settings
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, present, v1_list_response
from ..render import base_url, iso8601
from .conversations import (conversation_json, conversation_url, fields as conversation_fields, hooks_on, root,
                            service_sid, under_services)
from .participants import participant_json

routes = web.RouteTableDef()
USERS, ROLES = "/v1/Users", "/v1/Roles"
MAX_PAGE = 50  # spec: Users, Roles, ParticipantConversations


def user_json(u: User, base: str) -> dict:
    url = f"{root(base, u.account_sid, u.chat_service_sid)}/Users/{u.sid}"
    return {"sid": u.sid, "account_sid": u.account_sid, "chat_service_sid": u.chat_service_sid, "role_sid": u.role_sid,
            "identity": u.identity, "friendly_name": u.friendly_name, "attributes": u.attributes, "is_online": None,
            "is_notifiable": None, "date_created": iso8601(u.date_created), "date_updated": iso8601(u.date_updated),
            "url": url, "links": {"user_conversations": f"{url}/Conversations"}}


def role_json(r: Role, base: str) -> dict:
    return {"sid": r.sid, "account_sid": r.account_sid, "chat_service_sid": r.chat_service_sid,
            "friendly_name": r.friendly_name, "type": r.type, "permissions": r.permissions,
            "date_created": iso8601(r.date_created), "date_updated": iso8601(r.date_updated),
            "url": f"{root(base, r.account_sid, r.chat_service_sid)}/Roles/{r.sid}"}


def _user_fields(form: Form) -> dict:
    return {"identity": form.get("Identity"), "friendly_name": form.get("FriendlyName"),
            "attributes": form.get("Attributes"), "role_sid": form.get("RoleSid")}


@routes.post(USERS)
async def create_user(request: web.Request) -> web.Response:
    form = await Form.read(request)
    user = await settings.add_user(request.app[EMULATOR], request[ACCOUNT], _user_fields(form), service_sid(request))
    return json_response(user_json(user, base_url(request)), status=201)


@routes.get(USERS)
async def list_users(request: web.Request) -> web.Response:
    form = await Form.read(request)
    base = base_url(request)
    return await v1_list_response(request, form, "users", [],
                                  in_memory(settings.users_of(request.app[EMULATOR], request[ACCOUNT],
                                                              service_sid(request))),
                                  lambda u: user_json(u, base), max_size=MAX_PAGE)


def _user(request: web.Request, name: str = "Sid") -> User:
    return settings.get_user(request.app[EMULATOR], request[ACCOUNT], request.match_info[name], service_sid(request))


@routes.get(USERS + "/{Sid}")
async def fetch_user(request: web.Request) -> web.Response:
    return json_response(user_json(_user(request), base_url(request)))


@routes.post(USERS + "/{Sid}")
async def update_user(request: web.Request) -> web.Response:
    form = await Form.read(request)
    fields = _user_fields(form)
    fields.pop("identity")
    user = await settings.update_user(request.app[EMULATOR], request[ACCOUNT], _user(request), fields)
    return json_response(user_json(user, base_url(request)))


@routes.delete(USERS + "/{Sid}")
async def delete_user(request: web.Request) -> web.Response:
    await settings.remove_user(request.app[EMULATOR], _user(request))
    return web.Response(status=204)


@routes.post(ROLES)
async def create_role(request: web.Request) -> web.Response:
    form = await Form.read(request)
    role = await settings.add_role(request.app[EMULATOR], request[ACCOUNT], {
        "friendly_name": form.get("FriendlyName"), "type": form.get("Type"), "permissions": form.getall("Permission")},
        service_sid(request))
    return json_response(role_json(role, base_url(request)), status=201)


@routes.get(ROLES)
async def list_roles(request: web.Request) -> web.Response:
    form = await Form.read(request)
    base = base_url(request)
    return await v1_list_response(request, form, "roles", [],
                                  in_memory(settings.roles_of(request.app[EMULATOR], request[ACCOUNT],
                                                              service_sid(request))),
                                  lambda r: role_json(r, base), max_size=MAX_PAGE)


def _role(request: web.Request) -> Role:
    return settings.get_role(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"], service_sid(request))


@routes.get(ROLES + "/{Sid}")
async def fetch_role(request: web.Request) -> web.Response:
    return json_response(role_json(_role(request), base_url(request)))


@routes.post(ROLES + "/{Sid}")
async def update_role(request: web.Request) -> web.Response:
    form = await Form.read(request)
    role = await settings.update_role(request.app[EMULATOR], _role(request), form.getall("Permission"))
    return json_response(role_json(role, base_url(request)))


@routes.delete(ROLES + "/{Sid}")
async def delete_role(request: web.Request) -> web.Response:
    await settings.remove_role(request.app[EMULATOR], _role(request))
    return web.Response(status=204)


@routes.post("/v1/ConversationWithParticipants")
async def create_conversation_with_participants(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    c = await engine.create_with_participants(emu, request[ACCOUNT], conversation_fields(form),
                                              form.getall("Participant"), hooks_on(request), service_sid(request))
    body = conversation_json(c, base_url(request), emu.now())
    body["url"] = f"{root(base_url(request), c.account_sid, c.chat_service_sid)}/ConversationWithParticipants"  # spec
    return json_response(body, status=201)


@routes.get("/v1/ParticipantConversations")
async def list_participant_conversations(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    found = engine.participant_conversations(emu, request[ACCOUNT], form.get("Identity"), form.get("Address"),
                                             service_sid(request))
    base, now = base_url(request), emu.now()

    def row(pc) -> dict:
        p, c = pc
        convo, url = conversation_json(c, base, now), conversation_url(base, c.account_sid, c.chat_service_sid, c.sid)
        return {"account_sid": p.account_sid, "chat_service_sid": p.chat_service_sid, "participant_sid": p.sid,
                "participant_user_sid": None, "participant_identity": p.identity,
                "participant_messaging_binding": participant_json(p, base)["messaging_binding"],
                "conversation_sid": c.sid, "conversation_unique_name": c.unique_name,
                "conversation_friendly_name": c.friendly_name, "conversation_attributes": c.attributes,
                "conversation_date_created": convo["date_created"], "conversation_date_updated": convo["date_updated"],
                "conversation_created_by": None, "conversation_state": convo["state"],
                "conversation_timers": convo["timers"],
                "links": {"participant": f"{url}/Participants/{p.sid}", "conversation": url}}
    return await v1_list_response(request, form, "conversations", present(form, "Identity", "Address"),
                                  in_memory(found, lambda pc: pc[0].sid), row, sid_of=lambda pc: pc[0].sid,
                                  max_size=MAX_PAGE)


# ---- a user's conversations -----------------------------------------------------------------------------------
NOTIFICATION_LEVELS = ("default", "muted")  # spec enum


def user_conversation_json(emu, u: User, p, c, base: str) -> dict:
    convo = conversation_json(c, base, emu.now())
    url = conversation_url(base, c.account_sid, c.chat_service_sid, c.sid)
    return {"account_sid": c.account_sid, "chat_service_sid": c.chat_service_sid, "conversation_sid": c.sid,
            "unread_messages_count": engine.unread(emu, p), "last_read_message_index": p.last_read_message_index,
            "participant_sid": p.sid, "user_sid": u.sid, "friendly_name": c.friendly_name,
            "conversation_state": convo["state"], "timers": convo["timers"], "attributes": c.attributes,
            "date_created": convo["date_created"], "date_updated": convo["date_updated"], "created_by": None,
            "notification_level": p.notification_level, "unique_name": c.unique_name,
            "url": f"{root(base, u.account_sid, u.chat_service_sid)}/Users/{u.sid}/Conversations/{c.sid}",
            "links": {"participant": f"{url}/Participants/{p.sid}", "conversation": url}}


def _user_conversation(request: web.Request):
    emu, user = request.app[EMULATOR], _user(request, "UserSid")
    p, c = engine.user_conversation(emu, user, request.match_info["ConversationSid"])
    return emu, user, p, c


@routes.get(USERS + "/{UserSid}/Conversations")
async def list_user_conversations(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu, user = request.app[EMULATOR], _user(request, "UserSid")
    base = base_url(request)
    return await v1_list_response(request, form, "conversations", [],
                                  in_memory(engine.user_conversations(emu, user), lambda pc: pc[1].sid),
                                  lambda pc: user_conversation_json(emu, user, pc[0], pc[1], base),
                                  sid_of=lambda pc: pc[1].sid, max_size=MAX_PAGE)


@routes.get(USERS + "/{UserSid}/Conversations/{ConversationSid}")
async def fetch_user_conversation(request: web.Request) -> web.Response:
    emu, user, p, c = _user_conversation(request)
    return json_response(user_conversation_json(emu, user, p, c, base_url(request)))


@routes.post(USERS + "/{UserSid}/Conversations/{ConversationSid}")
async def update_user_conversation(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu, user, p, c = _user_conversation(request)
    p = await engine.update_participant(emu, request[ACCOUNT], p, {
        "notification_level": form.choice("NotificationLevel", NOTIFICATION_LEVELS),
        "last_read_message_index": form.int("LastReadMessageIndex", lo=0),
        "last_read_timestamp": form.get("LastReadTimestamp")})
    return json_response(user_conversation_json(emu, user, p, c, base_url(request)))


@routes.delete(USERS + "/{UserSid}/Conversations/{ConversationSid}")
async def delete_user_conversation(request: web.Request) -> web.Response:
    """The user leaves the conversation: its participant is removed."""
    emu, _, p, _ = _user_conversation(request)
    await engine.remove_participant(emu, request[ACCOUNT], p)
    return web.Response(status=204)


under_services(routes)
