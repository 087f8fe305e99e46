"""Wire format for the Senders API, `/v2/Channels/Senders` (spec messaging v2): JSON bodies, 202 on create and
update, `senders` list envelope; no dates in the resource. The rules are in engine.channels."""
from __future__ import annotations

from aiohttp import web

from ...domain.channels import CHANNELS, RCS, WEBHOOK_FIELDS, ChannelSender
from ...domain.errors import INVALID_PARAMETER, error
from ...engine import channels
from ..context import ACCOUNT, EMULATOR
from ..forms import Form, json_object
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url

routes = web.RouteTableDef()
BASE = "/v2/Channels/Senders"
_CONFIGURATION = ("waba_id", "verification_method", "verification_code", "voice_application_sid", "account_type")


def sender_json(s: ChannelSender, now: float, base: str, status: str | None = None) -> dict:
    """`status`: as the request that changed it answers (CREATING, VERIFYING), before the clock moves it on."""
    status = status or s.status_at(now)
    out = {
        "sid": s.sid,
        "status": status,
        "sender_id": s.sender_id,
        "friendly_name": s.friendly_name,
        "configuration": {**dict.fromkeys(_CONFIGURATION), **s.configuration, "verification_code": None},
        "webhook": {**dict.fromkeys(WEBHOOK_FIELDS), **s.webhook},
        "profile": {"name": None, **s.profile},
        "properties": {"quality_rating": "HIGH", "messaging_limit": "10K Customers/24hr"} if status == "ONLINE"
        else {"quality_rating": None, "messaging_limit": None},  # spec example values, once online
        "offline_reasons": None,
        "compliance": None,
        "url": f"{base}{BASE}/{s.sid}",
    }
    if s.channel == RCS:  # spec rcs_compliance_response [UNVERIFIED: carriers as the emulator's one US route]
        country = "ONLINE" if status == "ONLINE" else "TWILIO_REVIEW"
        registration = f"CR{s.sid[2:]}"  # the emulator's stand-in for the sender's compliance registration
        out["compliance"] = {"registration_sid": registration, "countries": [
            {"country": "US", "registration_sid": registration, "status": country,
             "carriers": [{"name": "Emulated US Carrier", "status": "APPROVED" if country == "ONLINE"
                           else "CARRIER_REVIEW"}]}]}
    return out


def _respond(request: web.Request, s: ChannelSender, status: int = 200, changed: bool = False) -> web.Response:
    now = request.app[EMULATOR].now()
    return json_response(sender_json(s, now, base_url(request), s.status if changed else None), status=status)


@routes.post(BASE)
async def create_sender(request: web.Request) -> web.Response:
    body = await json_object(request)
    sender = await channels.create(request.app[EMULATOR], request[ACCOUNT], body)
    return _respond(request, sender, 202, changed=True)


@routes.get(BASE)
async def list_senders(request: web.Request) -> web.Response:
    form = await Form.read(request)
    channel = form.get("Channel")
    if channel not in CHANNELS:  # required (spec)
        raise error(INVALID_PARAMETER, "Channel is required: whatsapp or rcs.", param="Channel")
    emu = request.app[EMULATOR]
    found = channels.listed(emu, request[ACCOUNT], channel)
    now, base = emu.now(), base_url(request)
    return await v1_list_response(request, form, "senders", [("Channel", channel)], in_memory(found),
                                  lambda s: sender_json(s, now, base))


@routes.get(BASE + "/{Sid}")
async def fetch_sender(request: web.Request) -> web.Response:
    return _respond(request, channels.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"]))


@routes.post(BASE + "/{Sid}")
async def update_sender(request: web.Request) -> web.Response:
    emu = request.app[EMULATOR]
    sender = channels.get(emu, request[ACCOUNT], request.match_info["Sid"])
    body = await json_object(request)
    return _respond(request, await channels.update(emu, sender, body), 202, changed=True)


@routes.delete(BASE + "/{Sid}")
async def delete_sender(request: web.Request) -> web.Response:
    emu = request.app[EMULATOR]
    await channels.delete(emu, channels.get(emu, request[ACCOUNT], request.match_info["Sid"]))
    return web.Response(status=204)
