"""Wire format for the Content API v1 (`content.twilio.com`, spec content v1): `/v1/Content` (JSON bodies;
create 201, list `contents`, fetch, PUT, delete) and its WhatsApp `ApprovalRequests`, and
`/v1/ContentAndApprovals`. ISO 8601 dates (spec examples). The rules are in domain.content."""
from __future__ import annotations

from aiohttp import web

from ...domain.content import UNSUBMITTED, Content
from ...engine import content as engine
from ..context import ACCOUNT, EMULATOR
from ..forms import Form, json_object
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
BASE = "/v1/Content"


def content_json(c: Content, base: str) -> dict:
    url = f"{base}{BASE}/{c.sid}"
    return {"account_sid": c.account_sid, "date_created": iso8601(c.date_created),
            "date_updated": iso8601(c.date_updated), "friendly_name": c.friendly_name, "language": c.language,
            "links": {"approval_create": f"{url}/ApprovalRequests/whatsapp",
                      "approval_fetch": f"{url}/ApprovalRequests"},
            "sid": c.sid, "types": c.types, "url": url, "variables": c.variables}


def approval_json(c: Content, now: float) -> dict:
    """The WhatsApp approval object (spec approval_create; in fetch under `whatsapp`)."""
    status, approval = c.approval_at(now)
    content_type = next(iter(c.types), None)
    if approval is None:
        return {"type": "whatsapp", "name": "", "category": "", "content_type": content_type, "status": UNSUBMITTED,
                "rejection_reason": "", "allow_category_change": True}
    return {"type": "whatsapp", "name": approval.name, "category": approval.category, "content_type": content_type,
            "status": status, "rejection_reason": approval.rejection_reason if status == "rejected" else "",
            "allow_category_change": True}


def _content(request: web.Request, name: str = "Sid") -> Content:
    return engine.get(request.app[EMULATOR], request[ACCOUNT], request.match_info[name])


@routes.post(BASE)
async def create_content(request: web.Request) -> web.Response:
    body = await json_object(request)
    content = await engine.create(request.app[EMULATOR], request[ACCOUNT], body)
    return json_response(content_json(content, base_url(request)), status=201)


@routes.get(BASE)
async def list_content(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = engine.listed(request.app[EMULATOR], request[ACCOUNT])
    base = base_url(request)
    return await v1_list_response(request, form, "contents", [], in_memory(found), lambda c: content_json(c, base))


@routes.get(BASE + "/{Sid}")
async def fetch_content(request: web.Request) -> web.Response:
    return json_response(content_json(_content(request), base_url(request)))


@routes.put(BASE + "/{Sid}")
async def update_content(request: web.Request) -> web.Response:
    content = _content(request)
    body = await json_object(request)
    updated = await engine.update(request.app[EMULATOR], content, body)
    return json_response(content_json(updated, base_url(request)))


@routes.delete(BASE + "/{Sid}")
async def delete_content(request: web.Request) -> web.Response:
    await engine.delete(request.app[EMULATOR], _content(request))
    return web.Response(status=204)


@routes.post(BASE + "/{ContentSid}/ApprovalRequests/whatsapp")
async def create_approval(request: web.Request) -> web.Response:
    content = _content(request, "ContentSid")
    body = await json_object(request)
    emu = request.app[EMULATOR]
    await engine.submit(emu, content, body)
    out = approval_json(content, emu.now())
    out.pop("type")
    out["status"] = "received"  # as submitted; the clock decides it (engine.content.submit)
    return json_response(out, status=201)


@routes.get(BASE + "/{Sid}/ApprovalRequests")
async def fetch_approval(request: web.Request) -> web.Response:
    content = _content(request)
    return json_response({"sid": content.sid, "account_sid": content.account_sid,
                          "whatsapp": approval_json(content, request.app[EMULATOR].now()),
                          "url": f"{base_url(request)}{BASE}/{content.sid}/ApprovalRequests"})


@routes.get("/v1/ContentAndApprovals")
async def list_content_and_approvals(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    found, now = engine.listed(emu, request[ACCOUNT]), emu.now()

    def render(c: Content) -> dict:
        out = content_json(c, base_url(request))
        out.pop("links"), out.pop("url")
        return {**out, "approval_requests": approval_json(c, now)}
    return await v1_list_response(request, form, "contents", [], in_memory(found), render)


