"""Wire format for Calls (spec api.v2010.account.call): create 201, list (To, From, ParentCallSid, Status,
StartTime/EndTime and their < > forms), fetch, update (Status, Url/Twiml redirect), delete 204."""
from __future__ import annotations

from aiohttp import web

from ...domain.voice.calls import NOT_EMULATED, STATUSES, Call, CallRequest
from ...domain.errors import INVALID_PARAMETER, error
from ...domain.numbers import parse
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/Calls"
_SUBRESOURCES = ("notifications", "recordings", "payments", "events", "siprec", "streams", "transcriptions",
                 "user_defined_message_subscriptions", "user_defined_messages")
_SUBRESOURCE_PATHS = {"user_defined_message_subscriptions": "UserDefinedMessageSubscriptions",
                      "user_defined_messages": "UserDefinedMessages", "siprec": "Siprec"}


def _formatted(number: str) -> str:
    parsed = parse(number)
    return parsed.national if parsed is not None and parsed.country in ("US", "CA") else number


def call_json(c: Call) -> dict:
    uri = account_uri(c.account_sid, f"/Calls/{c.sid}")
    return {
        "sid": c.sid, "date_created": rfc2822(c.date_created), "date_updated": rfc2822(c.date_updated),
        "parent_call_sid": c.parent_call_sid, "account_sid": c.account_sid, "to": c.to,
        "to_formatted": _formatted(c.to), "from": c.from_, "from_formatted": _formatted(c.from_),
        "phone_number_sid": c.phone_number_sid, "status": c.status if c.status in STATUSES else "queued",
        "start_time": rfc2822(c.start_time), "end_time": rfc2822(c.end_time),
        "duration": str(c.duration) if c.duration is not None else None, "price": c.price, "price_unit": "USD",
        "direction": c.direction, "answered_by": None, "api_version": "2010-04-01", "forwarded_from": None,
        "group_sid": None, "caller_name": None, "queue_time": "0", "trunk_sid": None, "uri": f"{uri}.json",
        "subresource_uris": {name: f"{uri}/{_SUBRESOURCE_PATHS.get(name, name.title())}.json"
                             for name in _SUBRESOURCES},
    }


@routes.post(BASE + ".json")
async def create_call(request: web.Request) -> web.Response:
    form = await Form.read(request)
    call = await request.app[EMULATOR].calls.create(request[ACCOUNT], CallRequest(
        to=form.get("To"), from_=form.get("From"), url=form.get("Url"), twiml=form.get("Twiml"),
        application_sid=form.get("ApplicationSid"), method=form.get("Method"), fallback_url=form.get("FallbackUrl"),
        fallback_method=form.get("FallbackMethod"), status_callback=form.get("StatusCallback"),
        status_callback_events=form.getall("StatusCallbackEvent"),
        status_callback_method=form.get("StatusCallbackMethod"), timeout=form.int("Timeout"),
        send_digits=form.get("SendDigits"), not_emulated=[name for name in NOT_EMULATED if name in form]))
    return json_response(call_json(call), status=201)


@routes.get(BASE + ".json")
async def list_calls(request: web.Request) -> web.Response:
    form = await Form.read(request)
    status = form.get("Status")
    if status is not None and status not in STATUSES:
        raise error(INVALID_PARAMETER, f"Status must be one of {', '.join(STATUSES)}, not {status!r}.")
    filters = {"to": form.get("To"), "from_": form.get("From"), "parent_call_sid": form.get("ParentCallSid"),
               "status": status}
    bounds = []  # (field, lowest, highest-exclusive) from the day filters
    for name, attr in (("StartTime", "start_time"), ("EndTime", "end_time")):
        on, until, since = form.day(name), form.day(f"{name}<"), form.day(f"{name}>")
        lower = max((d for d in (on, since) if d is not None), default=None)
        upper = min((d + 86400 for d in (on, until) if d is not None), default=None)
        if lower is not None or upper is not None:
            bounds.append((attr, lower, upper))

    def matches(c: Call) -> bool:
        if any(value is not None and getattr(c, attr) != value for attr, value in filters.items()):
            return False
        for attr, lower, upper in bounds:
            at = getattr(c, attr)
            if at is None or (lower is not None and at < lower) or (upper is not None and at >= upper):
                return False
        return True

    found = [c for c in await request.app[EMULATOR].calls.of_account(request[ACCOUNT]) if matches(c)]
    names = ("To", "From", "ParentCallSid", "Status", "StartTime", "StartTime<", "StartTime>", "EndTime",
             "EndTime<", "EndTime>")
    return await list_response(request, form, "calls", present(form, *names), in_memory(found), call_json)


async def _call(request: web.Request) -> Call:
    return await request.app[EMULATOR].calls.find(request[ACCOUNT], request.match_info["Sid"])


@routes.get(BASE + "/{Sid}.json")
async def fetch_call(request: web.Request) -> web.Response:
    return json_response(call_json(await _call(request)))


@routes.post(BASE + "/{Sid}.json")
async def update_call(request: web.Request) -> web.Response:
    form = await Form.read(request)
    call = await _call(request)
    updated = await request.app[EMULATOR].calls.update(
        call, form.get("Status"), form.get("Url"), form.get("Method"), form.get("Twiml"), form.get("FallbackUrl"),
        form.get("FallbackMethod"), form.get("StatusCallback"), form.get("StatusCallbackMethod"))
    return json_response(call_json(updated))


@routes.delete(BASE + "/{Sid}.json")
async def delete_call(request: web.Request) -> web.Response:
    await request.app[EMULATOR].calls.delete(await _call(request))
    return web.Response(status=204)
