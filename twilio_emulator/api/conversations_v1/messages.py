"""Wire format for a conversation's Messages and their Delivery Receipts (spec
`/v1/Conversations/{ConversationSid}/Messages`, `…/Messages/{MessageSid}/Receipts`): create 201, list `messages`
(Order asc|desc), fetch, update, delete 204; receipts list `delivery_receipts` and fetch."""
from __future__ import annotations

from aiohttp import web

from ...domain import conversations as rules
from ...domain.conversations import ConversationMessage
from ...domain.errors import NotFound
from ...engine import conversations as engine
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, present, v1_list_response
from ..render import base_url, iso8601
from .conversations import BASE as CONVERSATIONS, MAX_PAGE, conversation, conversation_url, hooks_on, under_services

routes = web.RouteTableDef()
BASE = CONVERSATIONS + "/{ConversationSid}/Messages"
MAX_RECEIPTS_PAGE = 50  # spec


def message_json(m: ConversationMessage, base: str, statuses: list[str | None]) -> dict:
    url = f"{conversation_url(base, m.account_sid, m.chat_service_sid, m.conversation_sid)}/Messages/{m.sid}"
    return {"account_sid": m.account_sid, "chat_service_sid": m.chat_service_sid, "conversation_sid": m.conversation_sid, "sid": m.sid, "index": m.index,
            "author": m.author, "body": m.body, "media": m.media, "attributes": m.attributes,
            "participant_sid": m.participant_sid, "date_created": iso8601(m.date_created),
            "date_updated": iso8601(m.date_updated), "url": url, "delivery": rules.delivery(statuses),
            "links": {"delivery_receipts": f"{url}/Receipts", "channel_metadata": f"{url}/ChannelMetadata"},
            "content_sid": m.content_sid}


async def render(request: web.Request, m: ConversationMessage) -> dict:
    emu = request.app[EMULATOR]
    statuses = [engine.receipt_status(r, copy)[0] for r, copy in await engine.receipts_of(emu, m)]
    return message_json(m, base_url(request), statuses)


def fields(form: Form) -> dict:
    return {"author": form.get("Author"), "body": form.get("Body"), "attributes": form.get("Attributes"),
            "media_sid": form.get("MediaSid"), "content_sid": form.get("ContentSid"),
            "date_created": form.datetime("DateCreated"), "date_updated": form.datetime("DateUpdated")}


def _message(request: web.Request, name: str = "Sid") -> ConversationMessage:
    return engine.get_message(request.app[EMULATOR], conversation(request, "ConversationSid"),
                              request.match_info[name])


@routes.post(BASE)
async def create_message(request: web.Request) -> web.Response:
    form = await Form.read(request)
    c = conversation(request, "ConversationSid")
    m = await engine.add_message(request.app[EMULATOR], request[ACCOUNT], c, fields(form), hooks_on=hooks_on(request))
    return json_response(await render(request, m), status=201)


@routes.get(BASE)
async def list_messages(request: web.Request) -> web.Response:
    form = await Form.read(request)
    order = form.choice("Order", ("asc", "desc"))
    found = engine.messages_of(request.app[EMULATOR], conversation(request, "ConversationSid"), order == "desc")
    rendered = {m.sid: await render(request, m) for m in found}  # receipts read from the store, once each
    return await v1_list_response(request, form, "messages", present(form, "Order"), in_memory(found),
                                  lambda m: rendered[m.sid], max_size=MAX_PAGE)


@routes.get(BASE + "/{Sid}")
async def fetch_message(request: web.Request) -> web.Response:
    return json_response(await render(request, _message(request)))


@routes.post(BASE + "/{Sid}")
async def update_message(request: web.Request) -> web.Response:
    form = await Form.read(request)
    m = await engine.update_message(request.app[EMULATOR], request[ACCOUNT], _message(request), fields(form),
                                    hooks_on(request))
    return json_response(await render(request, m))


@routes.delete(BASE + "/{Sid}")
async def delete_message(request: web.Request) -> web.Response:
    await engine.delete_message(request.app[EMULATOR], request[ACCOUNT], _message(request), hooks_on(request))
    return web.Response(status=204)


def receipt_json(m: ConversationMessage, r, copy, base: str) -> dict:
    status, error_code = engine.receipt_status(r, copy)
    return {"account_sid": m.account_sid, "chat_service_sid": m.chat_service_sid, "conversation_sid": m.conversation_sid,
            "sid": r.sid, "message_sid": m.sid,
            "channel_message_sid": r.channel_message_sid, "participant_sid": r.participant_sid, "status": status,
            "error_code": error_code, "date_created": iso8601(r.date_created),
            "date_updated": iso8601(copy.date_updated if copy is not None else r.date_created),
            "url": f"{conversation_url(base, m.account_sid, m.chat_service_sid, m.conversation_sid)}/Messages/{m.sid}"
                   f"/Receipts/{r.sid}"}


@routes.get(BASE + "/{MessageSid}/Receipts")
async def list_receipts(request: web.Request) -> web.Response:
    form = await Form.read(request)
    m = _message(request, "MessageSid")
    base = base_url(request)
    found = await engine.receipts_of(request.app[EMULATOR], m)
    return await v1_list_response(request, form, "delivery_receipts", [], in_memory(found, lambda rc: rc[0].sid),
                                  lambda rc: receipt_json(m, rc[0], rc[1], base), sid_of=lambda rc: rc[0].sid,
                                  max_size=MAX_RECEIPTS_PAGE)


@routes.get(BASE + "/{MessageSid}/Receipts/{Sid}")
async def fetch_receipt(request: web.Request) -> web.Response:
    m = _message(request, "MessageSid")
    for r, copy in await engine.receipts_of(request.app[EMULATOR], m):
        if r.sid == request.match_info["Sid"]:
            return json_response(receipt_json(m, r, copy, base_url(request)))
    raise NotFound()


under_services(routes)
