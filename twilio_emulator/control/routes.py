"""Control API routes. Errors: {"error": "...", "status": N}. No auth: the emulator listens on loopback."""
from __future__ import annotations

import asyncio
import json

from aiohttp import web

from dataclasses import asdict

from ..api import inputs
from ..api.context import EMULATOR, NOTE
from ..api.render import rfc2822
from ..api.routing import add_unmatched, add_wrapped, record_bug
from ..api.v2010.messages import message_json
from ..api.v2010.short_codes import short_code_json
from ..api.messaging_v2.senders import sender_json
from ..domain.channels import INBOUND_EXTRAS
from ..domain.errors import NotFound, TwilioError
from ..domain.verify import Verification
from ..domain.voice.calls import Call
from ..engine import accounts, caller_ids, handsets, messaging, scenarios, watch
from ..engine import channels as channel_ops
from ..engine import content as content_ops
from ..engine import opt_outs
from . import views
from ..store import webhooks as webhook_rows

routes = web.RouteTableDef()
PREFIX = "/_emulator/v1"  # where server.py mounts this sub-application
# On a control_error response: the text for the serve log (a typed key from aiohttp 3.14, as context.py's).
ERROR_NOTE = web.ResponseKey("error_note", str) if hasattr(web, "ResponseKey") else "twilio_emulator.error_note"


def control_error(status: int, message: str, **more) -> web.Response:
    """The control API's error answer; control_errors puts its message on the request's serve-log line."""
    response = web.json_response({"error": message, "status": status, **more}, status=status)
    response[ERROR_NOTE] = f"{more['code']} {message}" if more.get("code") else message
    if status == 413:  # the rest of the body is never read: no keep-alive after it
        response.force_close()
    return response


@routes.get("/messages/wait")
async def wait_for_message(request: web.Request) -> web.Response:
    """Long-poll until a message matching sid/to/from/status/body (substring) exists; 408 after `timeout` s."""
    q = request.query
    try:
        timeout = float(q.get("timeout", "10"))
    except ValueError:
        return control_error(400, "timeout must be a number of seconds")
    if not 0 <= timeout <= 300:
        return control_error(400, "timeout must be between 0 and 300 seconds")
    statuses = tuple(s for s in q.get("status", "").split(",") if s)
    emulator = request.config_dict[EMULATOR]
    waiting = asyncio.ensure_future(messaging.wait_for_match(emulator, timeout, sid=q.get("sid"), to=q.get("to"),
                                                             from_=q.get("from"), statuses=statuses,
                                                             body=q.get("body")))
    closing = asyncio.ensure_future(emulator.closing.wait())  # the server is ending: answer now, not at timeout
    try:
        await asyncio.wait((waiting, closing), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiting, closing):
            task.cancel()
    if not waiting.done() or waiting.cancelled():
        return control_error(503, "the emulator is shutting down")
    try:
        msg = waiting.result()
    except asyncio.TimeoutError:
        return control_error(408, f"no matching message within {timeout:g} s")
    return web.Response(body=json.dumps(message_json(msg)).encode(), content_type="application/json")


HEARTBEAT = 15.0  # seconds: a comment line on an idle stream, so that a client that left is noticed


def _event(emu, change) -> bytes:
    if isinstance(change, Call):
        return f"event: call\ndata: {json.dumps(call_json(change))}\n\n".encode()
    if isinstance(change, Verification):
        return f"event: verification\ndata: {json.dumps(verification_json(emu, change))}\n\n".encode()
    if isinstance(change, webhook_rows.Logged):
        row = webhook_rows.as_row(change)
        data = {**attempt_row_json(row), "resource_sid": row["resource_sid"], "kind": row["kind"]}
        return f"event: webhook\ndata: {json.dumps(data)}\n\n".encode()
    return f"event: message\ndata: {json.dumps(message_json(change))}\n\n".encode()


def attempt_row_json(row: dict) -> dict:
    """A logged request as GET /webhooks lists it."""
    return {**row, "date_created": rfc2822(row["date_created"])}


@routes.get("/messages/stream")
async def message_stream(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: `event: message` with the Message JSON at every change of every message of
    `account_sid` (all accounts without it) from now on: created or received, each status step as it
    happens, canceled, redacted. With `events=message,webhook`, also `event: webhook` with each request made
    for them as GET /webhooks lists it (the inspector's live detail); with `verification`, `event: verification`
    with a Verify verification (as GET /verifications lists it) at each change; with `call`, `event: call` with a
    call (as GET /calls/{sid} shows it) at each change of its status. Runs until the client goes or the
    server stops."""
    emu, account_sid = request.config_dict[EMULATOR], request.query.get("account_sid")
    wanted = set(request.query.get("events", "message").split(","))
    if not wanted <= {"message", "webhook", "verification", "call"}:
        return control_error(400, "events takes message, webhook, verification and call, comma-separated")
    if account_sid is not None and account_sid not in emu.accounts:
        return control_error(404, f"no account {account_sid}")
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    closing = asyncio.ensure_future(emu.closing.wait())
    try:
        async with watch.message_changes(emu, account_sid, webhooks="webhook" in wanted,
                                         verifications="verification" in wanted,
                                         calls="call" in wanted) as changes:
            await response.prepare(request)
            await response.write(b": stream of message changes\n\n")
            while not closing.done():
                change = asyncio.ensure_future(changes.get())
                await asyncio.wait((change, closing), timeout=HEARTBEAT, return_when=asyncio.FIRST_COMPLETED)
                if change.done():
                    chunk = _event(emu, change.result())
                else:
                    change.cancel()
                    chunk = b": still here\n\n"
                try:
                    await response.write(chunk)
                except (ConnectionError, RuntimeError):  # the client went away
                    break
    finally:
        closing.cancel()
    return response


def _limit(request: web.Request) -> int:
    return request.config_dict[EMULATOR].settings.max_body_bytes


async def _json_body(request: web.Request) -> dict:
    """A JSON object body (through the one input edge, api/inputs.py); an empty body is {}."""
    body = await inputs.json_body(request, _limit(request))
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise inputs.BadInput("body must be a JSON object")
    return body


def control_errors(handler):
    """Wraps every control handler (api/routing.py): errors in the control API's own shape, {"error", "status"}."""
    async def control_route(request: web.Request) -> web.StreamResponse:
        try:
            inputs.refuse_oversized(request, _limit(request))
            return _noted(request, await handler(request))
        except TwilioError as exc:
            if isinstance(exc, NotFound) and exc.path is None:  # the engine knows no request: name its path
                exc = NotFound(request.path)
            status = exc.status if 400 <= exc.status < 500 else 400
            more = {"param": exc.param} if getattr(exc, "param", None) else {}
            return _noted(request, control_error(status, exc.message, code=exc.code, **more))
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return _noted(request, control_error(
                exc.status, exc.text if exc.text and not exc.text.startswith(str(exc.status)) else exc.reason))
        except Exception as exc:  # a bug of ours: still an answer in the control shape
            record_bug(request, exc)
            return _noted(request, control_error(500, "Internal server error."))
    return control_route


def _noted(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """An error answer's message on the request's serve-log line (issue 14, item 10)."""
    note = response.get(ERROR_NOTE)
    if note is not None:
        request[NOTE] = note
    return response


async def _params(request: web.Request) -> dict:
    """A JSON object, or a form (Twilio-style: repeated MediaUrl fields make a list)."""
    if request.content_type == "application/json" or not request.body_exists:
        return await _json_body(request)
    form = await inputs.form(request, _limit(request))
    out = {k: form.get(k) for k in form.keys()}
    if "MediaUrl" in form:
        out["MediaUrl"] = form.getall("MediaUrl")
    return out


def _strings(value, name: str) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise web.HTTPBadRequest(text=f"{name} must be a URL or a list of URLs")
    return values


def _flag(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1", "yes"))


def attempt_json(a) -> dict:
    """One outgoing webhook request, as GET /webhooks lists them."""
    return {"method": a.method, "url": a.url, "params": [list(p) for p in a.params], "headers": a.headers,
            "response_status": a.status, "response_body": a.body, "error": a.error,
            "duration_ms": round(a.duration_ms, 3)}


def alert_json(a) -> dict:
    return {**asdict(a), "date_created": rfc2822(a.date_created)}


@routes.post("/inbound")
async def inbound(request: web.Request) -> web.Response:
    """A handset texts one of our numbers: {"From", "To", "Body", "MediaUrl": [...], "MessagingServiceSid",
    "wait"}. 201 with the inbound Message's Twilio JSON; with "wait": true, after its webhook and TwiML were
    carried out, with "outcome": {"webhooks", "replies", "alerts"}. A WhatsApp message (From whatsapp:+1…,
    To a WhatsApp sender) takes its own fields too, by the webhook's name or in snake_case: ProfileName,
    MessageType, ButtonText, ButtonPayload, Latitude, Longitude, Address, Label, Forwarded, Referral… (domain
    channels.INBOUND_EXTRAS)."""
    body = await _params(request)
    for name in ("From", "To", "Body", "MessagingServiceSid"):
        if body.get(name) is not None and not isinstance(body[name], str):
            return control_error(400, f"{name} must be a string")
    known = set(INBOUND_EXTRAS) | set(INBOUND_EXTRAS.values())
    extras = {k: v for k, v in body.items() if k in known}
    emu = request.config_dict[EMULATOR]
    msg, task = await emu.inbound.receive(body.get("From"), body.get("To"), body.get("Body"),
                                          _strings(body.get("MediaUrl"), "MediaUrl"), body.get("MessagingServiceSid"),
                                          extras=extras)
    if not _flag(body.get("wait")):
        return web.json_response(message_json(msg), status=201)
    outcome = await asyncio.shield(task)
    return web.json_response({**message_json(outcome.message), "outcome": {
        "webhooks": [attempt_json(a) for a in outcome.webhooks],
        "replies": [message_json(m) for m in outcome.replies],
        "alerts": [alert_json(a) for a in outcome.alerts]}}, status=201)


def _sender_json(request: web.Request, sender) -> dict:
    """A channel sender as the Senders API shows it, plus the OTP its phone was sent (`otp`, while one is
    awaited): what a person reads off the phone to verify the number."""
    emu = request.config_dict[EMULATOR]
    return {**sender_json(sender, emu.now(), "https://messaging.twilio.com"), "account_sid": sender.account_sid,
            "otp": sender.otp}


@routes.post("/senders")
async def add_sender(request: web.Request) -> web.Response:
    """A WhatsApp or RCS sender, ONLINE at once: {"sender_id": "whatsapp:+1…" | "rcs:agent", "account_sid"
    (default: the start-up account), "webhook": {...}, "profile": {...}, "configuration": {...},
    "friendly_name"} (the Senders API's body). 201 with the sender."""
    emu, body = request.config_dict[EMULATOR], await _json_body(request)
    account = _account(emu, body.pop("account_sid", None))
    sender = await channel_ops.create(emu, account, body, online=True)
    return web.json_response(_sender_json(request, sender), status=201)


@routes.get("/senders/{sid}")
async def fetch_sender(request: web.Request) -> web.Response:
    sender = request.config_dict[EMULATOR].channel_senders.get(request.match_info["sid"])
    if sender is None:
        return control_error(404, f"no sender {request.match_info['sid']}")
    return web.json_response(_sender_json(request, sender))


@routes.post("/content/{sid}/approval")
async def decide_approval(request: web.Request) -> web.Response:
    """Decide a Content template's WhatsApp approval now: {"status": "approved" | "rejected" | "paused" |
    "disabled" | "pending", "rejection_reason", "name", "category"} (WhatsApp's review, which Twilio has no API
    for). Answers {"sid", "status"}."""
    emu, body = request.config_dict[EMULATOR], await _json_body(request)
    content = emu.contents.get(request.match_info["sid"])
    if content is None:
        return control_error(404, f"no content {request.match_info['sid']}")
    unknown = set(body) - {"status", "rejection_reason", "name", "category"}
    if unknown:
        return control_error(400, f"unknown fields: {', '.join(sorted(unknown))}")
    await content_ops.decide(emu, content, body)
    return web.json_response({"sid": content.sid, "status": content.approval_at(emu.now())[0]})


def _account(emu, sid):
    if sid is not None and not isinstance(sid, str):
        raise TwilioError(f"account_sid must be a string, not {sid!r}", code=20001, status=400)
    account = emu.accounts.get(sid or emu.settings.account_sid)
    if account is None:
        raise TwilioError(f"no account {sid}", code=20404, status=404)
    return account


def call_json(call) -> dict:
    return {"sid": call.sid, "account_sid": call.account_sid, "from": call.from_, "to": call.to,
            "status": call.status, "direction": call.direction, "date_created": rfc2822(call.date_created),
            "date_updated": rfc2822(call.date_updated), "transcript": call.transcript, "live": call.live,
            "listening": call.listening}


@routes.post("/calls")
async def place_call(request: web.Request) -> web.Response:
    """A caller dials one of our numbers: {"From", "To", "script", "live", "wait"}. `script`: what the caller
    does, e.g. [{"press": "1"}, {"say": "billing"}, {"wait": 3}, {"record": 5}, {"hangup": true}] (default: its
    handset's call_script). `live`: what it does next comes with POST /calls/{sid}/input while the call runs.
    201 with the call (status ringing); with "wait": true, once the call has ended, with its transcript and
    "outcome": {"webhooks", "messages", "alerts"}."""
    from ..domain.voice.script import check_script
    body = await _params(request)
    for name in ("From", "To"):
        if body.get(name) is not None and not isinstance(body[name], str):
            return control_error(400, f"{name} must be a string")
    script = None
    if body.get("script") is not None:
        try:
            script = check_script(body["script"])
        except ValueError as exc:
            return control_error(400, str(exc))
    if body.get("live") is not None and not isinstance(body["live"], bool):
        return control_error(400, "live must be true or false")
    emu = request.config_dict[EMULATOR]
    call, task = await emu.calls.place(body.get("From"), body.get("To"), script, live=bool(body.get("live")))
    if not _flag(body.get("wait")):
        return web.json_response(call_json(call), status=201)
    outcome = await asyncio.shield(task)
    return web.json_response({**call_json(outcome.call), "outcome": {
        "webhooks": [attempt_json(a) for a in outcome.webhooks],
        "messages": [message_json(m) for m in outcome.messages],
        "alerts": [alert_json(a) for a in outcome.alerts]}}, status=201)


@routes.get("/calls/{sid}")
async def fetch_call(request: web.Request) -> web.Response:
    """A call with its transcript; `?wait=completed,busy&timeout=10`: once it has one of those statuses
    (`wait=final`: any final one), waiting up to `timeout` seconds of real time (default 10)."""
    emu = request.config_dict[EMULATOR]
    wanted = request.query.get("wait")
    if wanted is None:
        call = await emu.calls.get(request.match_info["sid"])
    else:
        statuses = tuple(s.strip() for s in wanted.split(",") if s.strip())
        if not statuses:
            return control_error(400, "wait: one or more call statuses, or final")
        call = await emu.calls.wait(request.match_info["sid"], statuses, _timeout(request))
    if call is None:
        return control_error(404, f"no call {request.match_info['sid']}")
    return web.json_response(call_json(call))


INPUTS = {"digits": "press", "speech": "say", "record": "record", "wait": "wait", "hangup": "hangup"}


@routes.post("/calls/{sid}/input")
async def call_input(request: web.Request) -> web.Response:
    """What the caller of a live call does now: {"digits": "1#"}, {"speech": "billing"}, {"record": 4} (seconds
    of speech), {"wait": 2} or {"hangup": true} — taken by the <Gather> or <Record> listening now, or by the
    next one. Answers the call as it stands; 409 when it is not live or has ended."""
    from ..domain.voice.script import check_script
    body = await _json_body(request)
    if len(body) != 1 or next(iter(body)) not in INPUTS:
        return control_error(400, f"give one of {', '.join(INPUTS)}, e.g. {{\"digits\": \"1\"}}")
    (name, value), = body.items()
    try:
        steps = check_script([{INPUTS[name]: value}])
    except ValueError as exc:
        return control_error(400, str(exc).replace(f"script[0].{INPUTS[name]}", name))
    call = await request.config_dict[EMULATOR].calls.input(request.match_info["sid"], steps)
    return web.json_response(call_json(call))


def _timeout(request: web.Request, default: float = 10.0) -> float:
    raw = request.query.get("timeout")
    try:
        value = float(raw) if raw is not None else default
    except ValueError:
        raise web.HTTPBadRequest(text="timeout must be a number of seconds") from None
    if not 0 <= value <= 300:
        raise web.HTTPBadRequest(text="timeout must be between 0 and 300 seconds")
    return value


@routes.post("/short_codes")
async def add_short_code(request: web.Request) -> web.Response:
    """Provision a short code (Twilio provisions them; no API creates one): {"short_code", "country" (default
    US), "account_sid" (default: the start-up account), "friendly_name", "sms_url", "sms_method",
    "sms_fallback_url", "sms_fallback_method"}. Answers 201 with the Twilio JSON of the short code."""
    body = await _json_body(request)
    code = body.pop("short_code", None)
    if not isinstance(code, str):
        return control_error(400, "short_code (3 to 8 digits, as a string) is required")
    created = await request.config_dict[EMULATOR].add_short_code(code, **body)
    return web.json_response(short_code_json(created), status=201)


def handset_json(h) -> dict:
    return asdict(h)


@routes.post("/handsets")
async def declare_handset(request: web.Request) -> web.Response:
    """Declare or update a handset: {"number", "carrier", "line_type", "mms", "behaviour", "error_code",
    "delays", "city", "state", "zip"} (all but number optional)."""
    body = await _json_body(request)
    number = body.pop("number", None)
    if not isinstance(number, str):
        return control_error(400, "number (E.164) is required")
    handset = await handsets.declare(request.config_dict[EMULATOR], number, **body)
    return web.json_response(handset_json(handset))


@routes.get("/handsets/{number}")
async def fetch_handset(request: web.Request) -> web.Response:
    handset = handsets.get(request.config_dict[EMULATOR], request.match_info["number"])
    if handset is None:
        return control_error(404, f"{request.match_info['number']} is not a valid phone number")
    return web.json_response(handset_json(handset))


@routes.get("/handsets/{number}/messages")
async def handset_messages(request: web.Request) -> web.Response:
    """What the handset received, oldest first, as Twilio Message JSON, and the messages to it still on their
    way ("pending"). With `count`, waits (up to `timeout` seconds, default 10) until it has received that many."""
    emu, number = request.config_dict[EMULATOR], request.match_info["number"]
    q = request.query
    if "count" in q:
        try:
            count, timeout = int(q["count"]), float(q.get("timeout", "10"))
        except ValueError:
            return control_error(400, "count must be an integer and timeout a number of seconds")
        if count < 0 or not 0 <= timeout <= 300:
            return control_error(400, "count must be 0 or more, timeout between 0 and 300 seconds")
        found, pending = await handsets.wait_inbox(emu, number, count, timeout)
    else:
        found, pending = await handsets.inbox_and_pending(emu, number)
    return web.json_response({"messages": [message_json(m) for m in found],
                              "pending": [message_json(m) for m in pending]})


@routes.get("/conversations/{sid}/messages")
async def conversation_messages(request: web.Request) -> web.Response:
    """A conversation's messages (by SID, or a unique name only one conversation has), oldest first, as the
    Conversations API shows them. With `count`, waits (up to `timeout` seconds, default 10) until it has that
    many; the answer says whether it does ("complete")."""
    from ..api.conversations_v1.messages import message_json as conversation_message_json
    from ..engine import conversations
    emu = request.config_dict[EMULATOR]
    try:
        count, timeout = int(request.query.get("count", "0")), float(request.query.get("timeout", "10"))
    except ValueError:
        return control_error(400, "count must be an integer and timeout a number of seconds")
    if count < 0 or not 0 <= timeout <= 300:
        return control_error(400, "count must be 0 or more, timeout between 0 and 300 seconds")
    try:
        c = conversations.find(emu, request.match_info["sid"])
    except NotFound:
        return control_error(404, f"no conversation {request.match_info['sid']}")
    found = await conversations.wait_messages(emu, c, count, timeout)
    base = f"{request.scheme}://{request.host}/conversations"  # the product's prefix reaches it without a host
    out = []
    for m in found:
        statuses = [conversations.receipt_status(r, copy)[0] for r, copy in await conversations.receipts_of(emu, m)]
        out.append(conversation_message_json(m, base, statuses))
    return web.json_response({"conversation_sid": c.sid, "messages": out, "complete": len(found) >= count})


@routes.post("/accounts/{sid}")
async def configure_account(request: web.Request) -> web.Response:
    """Make an account a trial or a full one: {"type": "Trial" | "Full", "verified_numbers": ["+1…", …]}
    (both optional; verified numbers are added to those it has). Answers the account's type and verified
    numbers."""
    emu, body = request.config_dict[EMULATOR], await _json_body(request)
    account = emu.accounts.get(request.match_info["sid"])
    if account is None:
        return control_error(404, f"no account {request.match_info['sid']}")
    unknown = set(body) - {"type", "verified_numbers"}
    if unknown:
        return control_error(400, f"unknown fields: {', '.join(sorted(unknown))} (allowed: type, verified_numbers)")
    await accounts.set_type(emu, account, body.get("type", account.type), body.get("verified_numbers"))
    verified = [c.phone_number for c in await caller_ids.of_account(emu, account)]
    return web.json_response({"sid": account.sid, "type": account.type, "verified_numbers": verified})


def verification_json(emu, v) -> dict:
    return {"sid": v.sid, "service_sid": v.service_sid, "account_sid": v.account_sid, "to": v.to,
            "channel": v.channel, "code": v.code, "status": v.status_at(emu.now()), "wrong_checks": v.checks,
            "send_code_attempts": v.send_code_attempts, "message_sids": v.message_sids,
            "messages": [{"sid": sid, "account_sid": account} for sid, account in zip(v.message_sids, v.message_accounts)],
            "date_created": rfc2822(v.date_created), "date_updated": rfc2822(v.date_updated)}


@routes.get("/verifications")
async def list_verifications(request: web.Request) -> web.Response:
    """Verify's verifications, their codes included, oldest first: `?to=+1…` those to one phone (any account),
    `?account_sid=AC…` those of one account; both optional."""
    from ..engine import verify
    emu = request.config_dict[EMULATOR]
    found = verify.sent_to(emu, request.query.get("to"), request.query.get("account_sid"))
    return web.json_response({"verifications": [verification_json(emu, v) for v in found]})


def _blocks_json(blocks) -> dict:
    return {"account_sid": blocks.account_sid, "fraud_guard_prefixes": blocks.fraud_guard_prefixes,
            "blocked_countries": blocks.blocked_countries}


@routes.get("/accounts/{sid}/verify")
async def fetch_verify_blocks(request: web.Request) -> web.Response:
    """Where the account's verifications are blocked: Fraud Guard prefixes (60410), Geo-Permissions (60605)."""
    from ..engine import verify
    emu = request.config_dict[EMULATOR]
    account = _account(emu, request.match_info["sid"])
    return web.json_response(_blocks_json(verify.blocks_of(emu, account.sid)))


@routes.post("/accounts/{sid}/verify")
async def set_verify_blocks(request: web.Request) -> web.Response:
    """{"fraud_guard_prefixes": ["+23480", …], "blocked_countries": ["CU", …]} (each optional; replaces the
    list it gives): Verify refuses a verification to such a phone with 60410 or 60605 (HTTP 403)."""
    from ..engine import verify
    emu, body = request.config_dict[EMULATOR], await _json_body(request)
    account = _account(emu, request.match_info["sid"])
    unknown = set(body) - {"fraud_guard_prefixes", "blocked_countries"}
    if unknown:
        return control_error(400, f"unknown fields: {', '.join(sorted(unknown))} (allowed: fraud_guard_prefixes, "
                                  "blocked_countries)")
    try:
        blocks = await verify.set_blocks(emu, account.sid, body.get("fraud_guard_prefixes"),
                                         body.get("blocked_countries"))
    except ValueError as exc:
        return control_error(400, str(exc))
    return web.json_response(_blocks_json(blocks))


@routes.post("/scenario")
async def load_scenario(request: web.Request) -> web.Response:
    """Load a scenario document (a fixtures/ file, parsed): {"scenario": {...}, "account_sid": optional}, or
    the text of a TOML file as {"toml": "…"} (the inspector's upload). Answers 201 with how many of each
    thing it created; 400 with "where" naming the faulty entry."""
    body = await _json_body(request)
    if "toml" in body:
        body["scenario"] = views.parse_toml(body.pop("toml"))
    account_sid = body.get("account_sid")
    if account_sid is not None and not isinstance(account_sid, str):
        return control_error(400, "account_sid must be a string")
    try:
        counts = await scenarios.apply(request.config_dict[EMULATOR], body.get("scenario"), account_sid)
    except scenarios.ScenarioError as exc:
        return web.json_response({"error": exc.message, "where": exc.where, "status": 400}, status=400)
    return web.json_response({"loaded": counts}, status=201)


def fault_json(rule) -> dict:
    return {"id": rule.sid, "where": rule.where, "match": rule.match, "do": rule.do, "times": rule.times,
            "probability": rule.probability, "seed": rule.seed, "fired": rule.fired, "seen": rule.seen,
            "date_created": rfc2822(rule.date_created)}


@routes.post("/faults")
async def add_fault(request: web.Request) -> web.Response:
    """A fault rule (issue 18): {"where": "api" | "callback" | "webhook" | "carrier", "match": {...},
    "do": {...}, "times": N | "probability": p, "seed": n}. 201 with it and its "id"; 400 naming the field."""
    rule = await request.config_dict[EMULATOR].faults.add(await _json_body(request))
    return web.json_response(fault_json(rule), status=201)


@routes.get("/faults")
async def list_faults(request: web.Request) -> web.Response:
    """Every rule, oldest first, with how often each fired ("fired") and matched ("seen")."""
    return web.json_response({"faults": [fault_json(r) for r in request.config_dict[EMULATOR].faults.listed()]})


@routes.get("/faults/{id}")
async def fetch_fault(request: web.Request) -> web.Response:
    return web.json_response(fault_json(request.config_dict[EMULATOR].faults.get(request.match_info["id"])))


@routes.delete("/faults/{id}")
async def delete_fault(request: web.Request) -> web.Response:
    await request.config_dict[EMULATOR].faults.remove(request.match_info["id"])
    return web.Response(status=204)


def _service_of(request: web.Request):
    emu = request.config_dict[EMULATOR]
    service = emu.services.get(request.match_info["sid"])
    if service is None:
        raise TwilioError(f"no Messaging Service {request.match_info['sid']}", code=20404, status=404)
    return emu, service


@routes.get("/services/{sid}/advanced_opt_out")
async def fetch_advanced_opt_out(request: web.Request) -> web.Response:
    """A Messaging Service's Advanced Opt-Out configuration ({} when it has none: Twilio's defaults)."""
    emu, service = _service_of(request)
    return web.json_response(opt_outs.advanced_of(emu, service) or {})


@routes.post("/services/{sid}/advanced_opt_out")
async def set_advanced_opt_out(request: web.Request) -> web.Response:
    """Set it (issue 19): {"opt_out": {"keywords": ["STOP", "BAJA"], "reply": "…"}, "opt_in": {…},
    "help": {…}, "languages": {"es": {…}}, "countries": {"MX": {…}}}; STOP, START and HELP cannot be removed;
    {} goes back to Twilio's defaults. Answers the configuration as kept (keywords upper-case)."""
    emu, service = _service_of(request)
    entry = await opt_outs.set_advanced(emu, service, await _json_body(request))
    return web.json_response(entry.config)


@routes.get("/services/{sid}/conversations")
async def fetch_service_conversations(request: web.Request) -> web.Response:
    """Whether the Messaging Service's inbound messages autocreate conversations."""
    from ..engine.conversations import settings
    emu, service = _service_of(request)
    return web.json_response({"autocreate": settings.service_autocreates(emu, service.sid)})


@routes.post("/services/{sid}/conversations")
async def set_service_conversations(request: web.Request) -> web.Response:
    """{"autocreate": true}: the console's "Autocreate a Conversation" (Twilio's API has no field for it): an
    unbound inbound message to any number of the service's pool makes a conversation instead of reaching a
    webhook; false: back to the service's inbound handling."""
    from ..engine.conversations import settings
    emu, service = _service_of(request)
    body = await _json_body(request)
    unknown = set(body) - {"autocreate"}
    if unknown or "autocreate" not in body:
        return control_error(400, "the body is {\"autocreate\": true | false}")
    return web.json_response({"autocreate": await settings.set_service_autocreation(emu, service, body["autocreate"])})


@routes.get("/throughput")
async def fetch_throughput(request: web.Request) -> web.Response:
    """Whether sender queues apply, the rates set per sender, and each busy sender's backlog in seconds."""
    return web.json_response(request.config_dict[EMULATOR].throughput.state())


@routes.post("/throughput")
async def set_throughput(request: web.Request) -> web.Response:
    """{"enabled": true | false, "senders": {"+1…": {"mps": 5, "queue_depth": 100}}} (both optional): turn the
    sender queues on or off (until reset; default: on with realistic timing) and set senders' rates."""
    emu = request.config_dict[EMULATOR]
    return web.json_response(await emu.throughput.set(await _json_body(request)))


@routes.post("/drain")
async def drain(request: web.Request) -> web.Response:
    """Wait until every webhook request already started (and what follows from it) has finished."""
    await request.config_dict[EMULATOR].drain()
    return web.json_response({"drained": True})


@routes.post("/reset")
async def reset(request: web.Request) -> web.Response:
    await request.config_dict[EMULATOR].reset()
    return web.json_response({"reset": True})


def _clock_json(emu) -> dict:
    now = emu.now()
    return {"mode": emu.clock.mode, "now": now, "date": rfc2822(now)}


@routes.get("/clock")
async def fetch_clock(request: web.Request) -> web.Response:
    return web.json_response(_clock_json(request.config_dict[EMULATOR]))


@routes.post("/clock")
async def set_clock(request: web.Request) -> web.Response:
    body = await _json_body(request)
    if body.get("mode") not in ("real", "manual"):
        return control_error(400, 'mode must be "real" or "manual"')
    emu = request.config_dict[EMULATOR]
    emu.set_clock(body["mode"])
    return web.json_response(_clock_json(emu))


@routes.post("/clock/advance")
async def advance_clock(request: web.Request) -> web.Response:
    body = await _json_body(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 10 * 365 * 86400:
        return control_error(400, "seconds must be a number from 0 to ten years")
    emu = request.config_dict[EMULATOR]
    if emu.clock.mode != "manual":
        return control_error(409, 'the clock is real: POST /clock {"mode": "manual"} first')
    ran = await emu.advance(seconds)
    return web.json_response({**_clock_json(emu), "jobs_run": ran})


@routes.get("/alerts")
async def list_alerts(request: web.Request) -> web.Response:
    """Debugger alerts (11200 …), oldest first; ?account_sid= narrows them to one account."""
    found = await webhook_rows.alerts(request.config_dict[EMULATOR].store, request.query.get("account_sid"))
    return web.json_response({"alerts": [alert_json(a) for a in found]})


@routes.get("/webhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    """Every outgoing webhook request with its parameters, headers, response and duration, oldest first;
    ?sid= narrows them to one resource (a message)."""
    found = await webhook_rows.attempts(request.config_dict[EMULATOR].store, request.query.get("sid"))
    return web.json_response({"webhooks": [attempt_row_json(w) for w in found]})


def build() -> web.Application:
    """The control API as a sub-application: its error wrapper touches only its own routes."""
    app = web.Application()
    add_wrapped(app.router, routes, control_errors)
    add_wrapped(app.router, views.routes, control_errors)
    add_unmatched(app.router, control_errors)
    return app
