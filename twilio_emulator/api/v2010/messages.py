"""Wire format for Messages. No business rules: those are in engine.messaging and domain.messages."""
from __future__ import annotations

import json

from aiohttp import web

from ...domain.messages import Message, invalid_validity_period, new_send_request
from ...engine import messaging
from ...store.messages import Filters
from ..context import ACCOUNT, EMULATOR, NOTE
from ..forms import Form
from ..paging import json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/Messages"
DAY = 86400.0


def message_json(m: Message) -> dict:
    uri = account_uri(m.account_sid, f"/Messages/{m.sid}")
    subresources = {"media": f"{uri}/Media.json"}
    if m.provide_feedback:  # [UNVERIFIED] feedback appears only with ProvideFeedback=true (reference §1.5)
        subresources["feedback"] = f"{uri}/Feedback.json"
    return {
        "account_sid": m.account_sid,
        "api_version": "2010-04-01",
        "body": m.body,
        "date_created": rfc2822(m.date_created),
        "date_sent": rfc2822(m.date_sent),
        "date_updated": rfc2822(m.date_updated),
        "direction": m.direction,
        "error_code": m.error_code,
        "error_message": m.error_message,
        "from": m.from_,
        "messaging_service_sid": m.messaging_service_sid,
        "num_media": str(m.num_media),  # Twilio: a string (spec)
        "num_segments": str(m.num_segments),  # Twilio: a string (spec)
        "price": m.price,
        "price_unit": m.price_unit,
        "sid": m.sid,
        "status": m.status,
        "subresource_uris": subresources,
        "to": m.to,
        "uri": f"{uri}.json",
    }


_str = json.encoder.encode_basestring_ascii  # the C string encoder json.dumps uses


def encode_message(m: Message) -> bytes:
    """json.dumps(message_json(m)), written out: the hot path of create and fetch (tests pin the equality).
    `null` for None is written inline for each optional field (a helper's call costs more than the test)."""
    uri = f"/2010-04-01/Accounts/{m.account_sid}/Messages/{m.sid}"
    feedback = f', "feedback": "{uri}/Feedback.json"' if m.provide_feedback else ""
    sent, error, from_, service, price, unit = \
        m.date_sent, m.error_message, m.from_, m.messaging_service_sid, m.price, m.price_unit
    created = rfc2822(m.date_created)
    updated = created if m.date_updated == m.date_created else rfc2822(m.date_updated)
    return (
        f'{{"account_sid": "{m.account_sid}", "api_version": "2010-04-01", "body": {_str(m.body)}, '
        f'"date_created": "{created}", "date_sent": {"null" if sent is None else _str(rfc2822(sent))}, '
        f'"date_updated": "{updated}", "direction": "{m.direction}", '
        f'"error_code": {"null" if m.error_code is None else int(m.error_code)}, '
        f'"error_message": {"null" if error is None else _str(error)}, '
        f'"from": {"null" if from_ is None else _str(from_)}, '
        f'"messaging_service_sid": {"null" if service is None else _str(service)}, '
        f'"num_media": "{int(m.num_media)}", "num_segments": "{int(m.num_segments)}", '
        f'"price": {"null" if price is None else _str(price)}, '
        f'"price_unit": {"null" if unit is None else _str(unit)}, "sid": "{m.sid}", "status": "{m.status}", '
        f'"subresource_uris": {{"media": "{uri}/Media.json"{feedback}}}, "to": {_str(m.to)}, "uri": "{uri}.json"}}'
    ).encode()


_JSON = {"Content-Type": "application/json; charset=utf-8"}  # what content_type= and charset= would build


def _message_response(m: Message, status: int = 200) -> web.Response:
    return web.Response(body=encode_message(m), status=status, headers=_JSON)


@routes.post(BASE + ".json")
async def create_message(request: web.Request) -> web.Response:
    form = await Form.read(request)
    emu = request.app[EMULATOR]
    message = await messaging.send(emu, request[ACCOUNT], new_send_request(
        to=form.get("To"), from_=form.get("From"), body=form.get("Body"), media_urls=form.getall("MediaUrl"),
        messaging_service_sid=form.get("MessagingServiceSid"), status_callback=form.get("StatusCallback"),
        provide_feedback=bool(form.bool("ProvideFeedback")), smart_encoded=form.bool("SmartEncoded"),
        validity_period=form.int("ValidityPeriod", invalid=invalid_validity_period),
        schedule_type=form.choice("ScheduleType", ("fixed",)), send_at=form.datetime("SendAt"),
        application_sid=form.get("ApplicationSid"), content_sid=form.get("ContentSid"),
        content_variables=form.get("ContentVariables"), fallback_from=form.get("FallbackFrom")))
    if emu.activity.enabled and not emu.activity.summarizing:  # the API call's line in the activity log (off with
        # --quiet and in the pytest plugin; under load the log counts the call instead)
        # A Messaging Service picks the sender when the message leaves the queue: until then there is no From.
        sender = message.from_ or f"service {message.messaging_service_sid}"
        request[NOTE] = (f"{message.sid} {message.status} from {sender} to {message.to}, "
                         f"{message.num_segments} segment(s)")
    return _message_response(message, status=201)


@routes.get(BASE + ".json")
async def list_messages(request: web.Request) -> web.Response:
    form = await Form.read(request)
    # Twilio: DateSent filters name GMT days: "on", "on and before" (<), "on and after" (>) (spec).
    on, until, since = form.day("DateSent"), form.day("DateSent<"), form.day("DateSent>")
    lower = max((d for d in (on, since) if d is not None), default=None)
    upper = min((d + DAY for d in (on, until) if d is not None), default=None)
    filters = Filters(to=form.get("To"), from_=form.get("From"), sent_on_or_after=lower, sent_before=upper)
    emu, account = request.app[EMULATOR], request[ACCOUNT]

    async def fetch(limit, after, before):
        return await messaging.page(emu, account, filters, limit, after, before)
    return await list_response(request, form, "messages",
                               present(form, "To", "From", "DateSent", "DateSent<", "DateSent>"), fetch,
                               message_json)


@routes.get(BASE + "/{Sid}.json")
async def fetch_message(request: web.Request) -> web.Response:
    message = await messaging.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])
    return _message_response(message)


@routes.post(BASE + "/{Sid}.json")
async def update_message(request: web.Request) -> web.Response:
    form = await Form.read(request)
    message = await messaging.update(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"],
                                     body=form.get("Body"), status=form.get("Status"))
    return json_response(message_json(message))


@routes.delete(BASE + "/{Sid}.json")
async def delete_message(request: web.Request) -> web.Response:
    await messaging.delete(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])
    return web.Response(status=204)
