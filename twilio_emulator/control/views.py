"""Control API reads for the web inspector (issue 17), and for anyone else who wants the same views: the
accounts (with their credentials: the control API is on loopback, and the inspector calls the REST API as
the account), the phones of an account's conversations, a filtered page of its messages, one message in
full, the declared handsets, opt-outs, channel senders, and the world exported as a scenario document."""
from __future__ import annotations

import json
import tomllib
from dataclasses import asdict

from aiohttp import web

from ..api.context import EMULATOR
from ..api.messaging_v2.senders import sender_json
from ..api.render import rfc2822
from ..api.v2010.messages import message_json
from ..domain.messages import (ACCEPTED, CANCELED, DELIVERED, FAILED, QUEUED, READ, RECEIVED, RECEIVING, SCHEDULED,
                               SENDING, SENT, UNDELIVERED)
from ..engine import inspect

routes = web.RouteTableDef()
STATUSES = (ACCEPTED, SCHEDULED, QUEUED, SENDING, SENT, DELIVERED, READ, UNDELIVERED, FAILED, CANCELED, RECEIVING,
            RECEIVED)


class BadQuery(web.HTTPBadRequest):
    def __init__(self, text: str):
        super().__init__(text=text)


def _account(request: web.Request) -> str:
    emu = request.config_dict[EMULATOR]
    sid = request.query.get("account_sid") or emu.settings.account_sid
    if sid not in emu.accounts:
        raise web.HTTPNotFound(text=f"no account {sid}")
    return sid


def _json(data, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


@routes.get("/accounts")
async def list_accounts(request: web.Request) -> web.Response:
    """Every account, oldest first: {"accounts": [{"sid", "friendly_name", "auth_token", "type", "status",
    "owner_account_sid"}], "default": the start-up account's SID}."""
    emu = request.config_dict[EMULATOR]
    found = sorted(emu.accounts.values(), key=lambda a: (a.date_created, a.sid))
    return _json({"accounts": [{"sid": a.sid, "friendly_name": a.friendly_name, "auth_token": a.auth_token,
                                "type": a.type, "status": a.status, "owner_account_sid": a.owner_account_sid}
                               for a in found], "default": emu.settings.account_sid})


@routes.get("/phones")
async def list_phones(request: web.Request) -> web.Response:
    """The phones (addresses) the account's messages went to or came from, newest conversation first, each
    with its newest message: {"phones": [{"address", "last": <Message JSON>}]}."""
    found = await inspect.phones(request.config_dict[EMULATOR], _account(request))
    return _json({"phones": [{"address": address, "last": message_json(m)} for address, m in found]})


@routes.get("/messages")
async def browse_messages(request: web.Request) -> web.Response:
    """A page of the account's messages, newest first: ?number= (to or from it), status=, direction=inbound
    |outbound, q= (text in the body), before= (the `next` of the page before), limit= (1-200, default 50).
    {"messages": [...], "next": cursor or null}."""
    q = request.query
    status, direction = q.get("status") or None, q.get("direction") or None
    if status is not None and status not in STATUSES:
        raise BadQuery(f"status must be one of {', '.join(STATUSES)}")
    if direction not in (None, "inbound", "outbound"):
        raise BadQuery("direction must be inbound or outbound")
    try:
        limit = int(q.get("limit", "50"))
    except ValueError:
        raise BadQuery("limit must be an integer") from None
    if not 1 <= limit <= 200:
        raise BadQuery("limit must be between 1 and 200")
    found, cursor = await inspect.browse(request.config_dict[EMULATOR], _account(request), number=q.get("number") or None,
                                         status=status, direction=direction, text=q.get("q") or None,
                                         before=q.get("before") or None, limit=limit)
    return _json({"messages": [message_json(m) for m in found], "next": cursor})


@routes.get("/messages/{sid}/detail")
async def message_detail(request: web.Request) -> web.Response:
    """One message in full: {"message": <Message JSON>, "timeline": [{"status", "date", "error_code",
    "planned"}], "webhooks": [every request made for it, as GET /webhooks], "alerts": [...], "media": [URLs]}."""
    emu = request.config_dict[EMULATOR]
    msg, timeline, attempts, alerts = await inspect.detail(emu, _account(request), request.match_info["sid"])
    if msg is None:
        raise web.HTTPNotFound(text=f"no message {request.match_info['sid']}")
    media = [emu.inbound.media_url(m.account_sid, msg.sid, m.sid) for m in msg.media]
    return _json({"message": message_json(msg), "channel_data": msg.channel_data,
                  "timeline": [{**t, "date": rfc2822(t["at"]), "at": t["at"]} for t in timeline],
                  "webhooks": [{**w, "date_created": rfc2822(w["date_created"])} for w in attempts],
                  "alerts": [{**asdict(a), "date_created": rfc2822(a.date_created)} for a in alerts],
                  "media": [{"url": url, "content_type": m.content_type} for url, m in zip(media, msg.media)]})


@routes.get("/handsets")
async def list_handsets(request: web.Request) -> web.Response:
    """The declared handsets (the others have their defaults: GET /handsets/{number})."""
    emu = request.config_dict[EMULATOR]
    return _json({"handsets": [asdict(h) for h in emu.handsets.values()]})


@routes.get("/opt_outs")
async def list_opt_outs(request: web.Request) -> web.Response:
    """Who opted out of what: {"opt_outs": [{"handset", "scope" (a service SID or a number), "date"}]}."""
    emu, account_sid = request.config_dict[EMULATOR], _account(request)
    found = sorted((o for o in emu.opt_outs.values() if o.account_sid == account_sid), key=lambda o: o.date_created)
    return _json({"opt_outs": [{"handset": o.handset, "scope": o.scope, "date": rfc2822(o.date_created)}
                               for o in found]})


@routes.get("/senders")
async def list_senders(request: web.Request) -> web.Response:
    """The account's WhatsApp/RCS senders as the Senders API shows them."""
    emu, account_sid = request.config_dict[EMULATOR], _account(request)
    found = sorted((s for s in emu.channel_senders.values() if s.account_sid == account_sid),
                   key=lambda s: (s.date_created, s.sid))
    return _json({"senders": [sender_json(s, emu.now(), "https://messaging.twilio.com") for s in found]})


@routes.get("/scenario")
async def export_scenario(request: web.Request) -> web.Response:
    """The account's world as a scenario document (JSON, which `--fixtures`, load_scenario and POST /scenario
    read back): numbers, short codes, senders, services with their pools, declared handsets, templates."""
    doc = inspect.export(request.config_dict[EMULATOR], _account(request))
    return _json(doc)


def parse_toml(text) -> dict:
    """A scenario file's TOML text (what the inspector uploads), for POST /scenario's {"toml": "…"}."""
    if not isinstance(text, str):
        raise BadQuery("toml must be the text of a scenario file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadQuery(f"not valid TOML: {exc}") from None

