"""Messages: send, fetch, list, redact, cancel, delete, and their Media. Load -> domain rules -> save -> effects."""
from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from ..domain.accounts import TRIAL, Account, trial_body
from ..domain.applications import INVALID_APPLICATION
from ..domain.errors import INVALID_PARAMETER, NotFound, TwilioError, error
from ..domain import carriers, channels, magic_numbers, numbers
from ..domain import content as content_rules
from ..domain.messages import (ACCEPTED, CANCELED, DEFAULT_VALIDITY, DELIVERED, FAILED, MIN_STEP, OUTBOUND_API, QUEUED,
                               SCHEDULED, Media, Message, SendRequest, Step, apply_plan, check_schedule, expire,
                               mms_as_sms, new_message, observe, queue_wait, service_in_from, time_of,
                               validate_send)
from ..domain.sids import is_sid
from ..domain.throughput import QUEUE_FULL_DIRECT, QUEUE_FULL_SERVICE
from ..domain.smart_encoding import smart_encode
from ..store import Op, outbox
from ..store import messages as rows
from ..store import webhooks as log_rows
from . import applications, caller_ids, handsets
from . import channels as channel_ops
from . import content as content_ops
from . import messaging_services as services
from . import numbers as number_ops
from . import opt_outs
from .waiting import wait_until

if TYPE_CHECKING:
    from . import Emulator

@dataclasses.dataclass(slots=True)
class Draft:
    """A message being made by send(): each step reads what the earlier ones decided and adds its own."""
    req: SendRequest
    to: numbers.Number
    body: str | None
    channel: str | None
    now: float
    fail: tuple[int, str] | None = None
    service: dict | None = None
    application: dict | None = None
    template: object = None
    rendered: object = None
    send_at: float | None = None
    handset: object = None
    channel_sender: object = None
    media_urls: list | tuple = ()
    sender: str | None = None
    msg: Message | None = None
    start: str = QUEUED  # its first status: queued, accepted (through a service) or scheduled
    converted: bool = False
    held: tuple | None = None


async def send(emu: "Emulator", account: Account, req: SendRequest, direction: str = OUTBOUND_API,
               fail: tuple[int, str] | None = None, also: tuple[Op, ...] = (), auto_reply: bool = False,
               managed: bool = False) -> Message:
    """Create and plan an outbound message, in named steps. `fail` (code, text): Twilio refuses it after
    accepting it (e.g. 14107, reply rate exceeded): the message fails at once instead of going to the carrier.
    `also`: writes that commit in the same transaction as the message (the progress of the work that sends it).
    `auto_reply`: Twilio's own answer to a keyword (STOP, HELP …), which a trial's rules do not hold back
    [UNVERIFIED]. `managed`: `req.from_` is a Twilio-managed sender (Verify's), not a number of the account:
    used as it is, without the trial notice [UNVERIFIED]."""
    req = service_in_from(req)
    to, body, channel = validate_send(req)
    d = Draft(req, to, body, channel, emu.now(), fail)
    await _resolve(emu, account, d)
    _choose_channel(emu, account, d)
    _render(d)
    if account.type == TRIAL and not auto_reply:  # only to verified numbers, and Twilio says it is a trial
        await caller_ids.check_recipient(emu, account, to.e164)
        if not managed:
            d.body = trial_body(d.body)
    if not d.channel:
        magic_numbers.check(to.e164, req.from_, bool(d.media_urls))
    _choose_sender(emu, account, d, managed)
    _refusals(emu, d, managed)
    _make(emu, account, d, direction)
    if emu.faults.rules and d.fail is None:
        d.handset = _carrier_fault(emu, account.sid, to, d.sender, d.handset)
    _plan(emu, d)
    await _commit(emu, account, d, also)
    return observe(d.msg, d.now)  # as it stands at creation: queued (accepted, scheduled), nothing sent yet


async def _resolve(emu: "Emulator", account: Account, d: Draft) -> None:
    """The resources the request names: its Messaging Service, Application and Content template, and SendAt."""
    req = d.req
    d.service = services.resolve(emu, account, req.messaging_service_sid) if req.messaging_service_sid else None
    if req.application_sid:
        d.application = await applications.find(emu, account.sid, req.application_sid)
        if d.application is None:  # [UNVERIFIED] code: 21218 is Calls' "Invalid ApplicationSid" (reference §2.6)
            raise error(INVALID_APPLICATION, f"ApplicationSid {req.application_sid} is not an application of this "
                        "account.")
    d.template = content_ops.for_message(emu, account, req.content_sid) if req.content_sid else None
    if req.schedule_type or req.send_at is not None:
        if d.service is None:
            # Twilio: scheduling needs a Messaging Service (35118), checked before SendAt itself.
            raise error(35118, "MessagingServiceSid is required to schedule a message.")
        d.send_at = check_schedule(req.schedule_type, req.send_at, d.now)
    d.handset = handsets.of_number(emu, d.to.e164)


def _choose_channel(emu: "Emulator", account: Account, d: Draft) -> None:
    """The WhatsApp/RCS sender, when the message goes on a channel."""
    req, service, channel = d.req, d.service, d.channel
    if req.from_ and channel:  # whatsapp:+… / rcs:… From: an online sender of the account, else 63007
        d.channel_sender = channel_ops.sender_for(emu, account, req.from_)
    elif service is not None and not req.from_ and channel:  # a channel To: the pool's sender of that channel
        d.channel_sender = channel_ops.in_pool(emu, service, channel)
        if d.channel_sender is None:
            raise error(channels.NO_CHANNEL, f"The Messaging Service has no online {channel} sender for To "
                                             f"{req.to}.")
    elif service is not None and not req.from_:
        # RCS first when the pool has an RCS sender and the phone takes RCS; else SMS/MMS from the pool, the
        # same message (reference twilio-more §6) [UNVERIFIED: the Message's `to` stays the E.164 number].
        rcs = channel_ops.in_pool(emu, service, channels.RCS)
        if req.fallback_from is not None and rcs is None:
            raise error(21667, "FallbackFrom requires a Messaging Service with an RCS sender.")
        if rcs is not None and d.handset.rcs:
            d.channel_sender, d.channel = rcs, channels.RCS


def _render(d: Draft) -> None:
    """The body and media the handset gets: the template's, or the request's; smart-encoded when asked."""
    if d.template is not None:
        d.rendered = content_rules.render(d.template, d.req.content_variables, rich=bool(d.channel))
        d.body, d.media_urls = d.rendered.body, d.rendered.media
    else:
        d.media_urls = d.req.media_urls
    if d.channel == channels.WHATSAPP and len(d.media_urls) > 1:
        # [UNVERIFIED] code; WhatsApp takes one media item per message (reference twilio-more §5.7).
        raise error(21623, "A WhatsApp message takes one media item (MediaUrl) at most.")
    smart = d.req.smart_encoded if d.req.smart_encoded is not None else \
        bool(d.service and d.service.get("smart_encoding"))
    if smart and not d.channel:  # [UNVERIFIED] the message's body shows the replaced text, as the handset gets it
        d.body = smart_encode(d.body)


def _choose_sender(emu: "Emulator", account: Account, d: Draft, managed: bool) -> None:
    req = d.req
    if d.channel_sender is not None:
        d.sender = d.channel_sender.sender_id
    elif managed:
        d.sender = req.from_
    elif req.from_:
        d.sender = number_ops.sms_sender(emu, account, req.from_, d.to)
    elif req.fallback_from is not None:  # RCS not possible: the pinned fallback sender, one of the account's
        d.sender = number_ops.sms_sender(emu, account, req.fallback_from, d.to)
    else:
        try:
            d.sender = services.pick(emu, d.service, d.to, d.handset)
        except TwilioError as exc:  # no usable sender: accepted, then failed (Twilio does not refuse the call)
            d.sender, d.fail = None, (exc.code, exc.message)


def _refusals(emu: "Emulator", d: Draft, managed: bool) -> None:
    """What refuses the message itself (an opt-out: nothing stored), or fails it once accepted (WhatsApp's
    window and templates, unless Twilio itself sends it with its own approved template: `managed`; a phone
    without RCS)."""
    if d.sender is not None and d.channel != channels.WHATSAPP:  # WhatsApp has no STOP (reference api §11)
        opt_outs.check(emu, d.service, d.sender, d.to.e164)
    if d.channel == channels.WHATSAPP and d.fail is None and not managed:
        d.fail = _whatsapp_refusal(emu, d.sender, f"{d.channel}:{d.to.e164}", d.template, d.rendered, d.handset)
    elif d.channel == channels.RCS and d.fail is None and not d.handset.rcs:
        d.fail = (channels.NOT_ON_CHANNEL, f"{d.to.e164} cannot receive RCS messages.")  # [UNVERIFIED] code


def _make(emu: "Emulator", account: Account, d: Draft, direction: str) -> None:
    """The Message: its SID, addresses, body (an MMS turned into an SMS with links), and status callback."""
    req, service, channel, media_urls = d.req, d.service, d.channel, d.media_urls
    start = d.start = SCHEDULED if d.send_at is not None else ACCEPTED if service is not None else QUEUED
    sid = emu.sids.new("MM" if media_urls else "SM")
    media_sids = [emu.sids.new("ME") for _ in media_urls] if media_urls else []  # (a comprehension is a call)
    d.converted = bool(media_urls) and not channel and not d.handset.mms and service is not None and \
        bool(service.get("mms_converter"))
    body = d.body
    if d.converted:  # Twilio's MMS converter: the handset gets an SMS with a link to each media item
        body = mms_as_sms(body, [emu.inbound.media_url(account.sid, sid, m) for m in media_sids])
    # A channel To is kept as given (normalised to E.164); an RCS message chosen by the pool keeps the number.
    to_address = f"{channel}:{d.to.e164}" if channel and channels.channel_of(req.to) else d.to.e164
    msg = d.msg = new_message(sid=sid, account_sid=account.sid, to=to_address, from_=d.sender, body=body,
                              direction=direction, status=start, now=d.now, media_urls=media_urls,
                              media_sids=media_sids, req=req, as_sms=d.converted)
    if channel:
        msg.num_segments = 1  # no GSM-7/UCS-2 segments on WhatsApp/RCS (reference twilio-more §5.5)
    if d.rendered is not None:
        msg.channel_data = {"content_sid": d.template.sid, "content_type": d.rendered.type,
                            "content": d.rendered.spec}
    sender, application = d.channel_sender, d.application
    if sender is not None and not msg.status_callback and not application:
        msg.status_callback = sender.webhook.get("status_callback_url")
        if msg.status_callback and sender.webhook.get("status_callback_method", "POST") == "GET":
            msg.status_callback_method = "GET"
    if application is not None and not msg.status_callback:  # the message's own StatusCallback wins (spec)
        msg.status_callback = application.get("message_status_callback") or application.get("sms_status_callback")
    if service is not None and not msg.status_callback:
        msg.status_callback = service.get("status_callback")


def _plan(emu: "Emulator", d: Draft) -> None:
    """Its timeline: failed at once, or the carrier's plan from now (or SendAt), after its wait in the sender's
    queue, cut by its ValidityPeriod; held back while its media is downloaded."""
    msg, now, send_at, fail = d.msg, d.now, d.send_at, d.fail
    service, channel = d.service, d.channel
    validity = d.req.validity_period or (service.get("validity_period") if service else None) or DEFAULT_VALIDITY
    wait = 0.0
    if fail is None and d.sender is not None and not channel and emu.throughput.enabled:
        ready = send_at if send_at is not None else now
        placed = emu.throughput.place(d.sender, msg.num_segments, ready, d.to.country, validity)
        if placed.full and d.req.from_:  # the request itself is refused (nothing stored): docs errors/21611
            raise error(*QUEUE_FULL_DIRECT)
        if placed.full:  # through a service: accepted, then failed (docs errors/21611, 30001)
            fail = QUEUE_FULL_SERVICE
        else:
            wait = placed.start - ready
    mms = bool(d.media_urls) and not d.converted and not channel
    read = bool(channel) and d.handset.read_receipts
    short_code = d.sender is not None and numbers.is_short_code(d.sender)
    start = d.start
    if fail is not None:
        plan = [Step(now + MIN_STEP, FAILED, *fail)]
    elif send_at is not None:  # scheduled -> queued at SendAt, then the carrier's plan from there
        plan = [Step(send_at, QUEUED), *carriers.plan(QUEUED, send_at, emu.lifecycle.delays, d.handset,
                                                      mms, short_code, read)]
    else:
        plan = carriers.plan(start, now, emu.lifecycle.delays, d.handset, mms, short_code, read)
    if fail is None:  # the per-message ValidityPeriod wins over the service's
        if wait:  # waiting in the sender's queue: everything from 'sending' on comes that much later
            plan = queue_wait(plan, wait)
        plan = expire(plan, send_at if send_at is not None else now, validity)
    if d.media_urls and fail is None:  # the carrier's plan waits for the media to be downloaded (engine.media)
        if send_at is not None:  # scheduled: queued at SendAt, downloaded then
            d.held, plan = (plan[1:], send_at), plan[:1]
        else:
            d.held, plan = (plan, now), []
    apply_plan(msg, plan, d.to.country)


async def _commit(emu: "Emulator", account: Account, d: Draft, also: tuple[Op, ...]) -> None:
    """One write: the message, its media hold, its arrival at a number of ours, the caller's `also`, an alert;
    then the effects: the sticky sender, the event, the lifecycle, the media download."""
    msg, sid = d.msg, d.msg.sid
    ops = rows.insert(msg)
    if d.held is not None:
        ops.append(emu.media.hold(msg, *d.held))
    if not d.channel and d.to.e164 in emu.numbers_by_e164:  # to a number of ours: it arrives there (engine.inbound)
        delivered = next((step.at for step in msg.timeline if step.status == DELIVERED), None)
        if delivered is not None:
            ops.append(outbox.arrival(sid, account.sid, delivered))
    ops += also
    sender = d.sender
    if sender is not None and d.to.country in numbers.ALPHA_REGISTRATION_REQUIRED and \
            numbers.is_alphanumeric_sender(sender):
        ops.append(log_rows.insert_alert(emu.new_alert(
            account.sid, numbers.SENDER_ID_NOT_REGISTERED, f"Alphanumeric Sender ID {sender} is not registered for "
            f"{d.to.country}, where registration is required; the message was sent anyway", None, None, sid,
            level="warning")))
    await emu.store.write(*ops)
    if d.service is not None and sender is not None and not d.req.from_:
        await services.remember(emu, d.service, d.to.e164, sender)
    emu.events.publish("message", msg)
    emu.lifecycle.track(msg)
    if d.held is not None:
        emu.media.schedule(sid, account.sid, d.held[1])


def _carrier_fault(emu: "Emulator", account_sid: str, to: numbers.Number, sender: str | None, handset):
    """A carrier fault rule (issue 18) on this message: the handset as the carrier will treat it this time —
    undelivered/failed with the rule's code, or its delivery `seconds` later."""
    rule = emu.faults.fire("carrier", {"to": to.e164, "from": sender, "country": to.country,
                                       "account_sid": account_sid})
    if rule is None:
        return handset
    if rule.do.get("effect") == "delay":
        delays = dict(handset.delays)
        delays["delivered"] = delays.get("delivered", dict(emu.lifecycle.delays).get("delivered", 0.0)) + \
            rule.do["seconds"]
        return dataclasses.replace(handset, delays=delays)
    return dataclasses.replace(handset, behaviour=rule.do["status"], error_code=rule.do["error_code"])


def _whatsapp_refusal(emu: "Emulator", sender: str, user: str, template, rendered, handset) -> tuple[int, str] | None:
    """What WhatsApp does with a message Twilio accepted (201, then failed: reference twilio-more §5.3
    [UNVERIFIED that 63016 is not refused at the API]): 63003 when the phone has no WhatsApp; outside the
    24-hour window a free-form message (any Body: since 2025-04 template text in Body too) is 63016, and
    so is a template that is not approved for WhatsApp, or one of the types that cannot open a conversation;
    63028 when ContentVariables name a placeholder the template does not have; 63021 over 1024 characters."""
    if not handset.whatsapp:
        return channels.NOT_ON_CHANNEL, f"{user} is not a WhatsApp user (Twilio could not find the To address)."
    if rendered is not None and rendered.unknown_variables:
        return 63028, (f"Number of parameters does not match the template: {', '.join(rendered.unknown_variables)} "
                       "is no placeholder of it.")
    if channel_ops.window_open(emu, sender, user):
        return None
    if template is None:
        return channels.OUTSIDE_WINDOW, channels.OUTSIDE_WINDOW_TEXT
    status, _ = template.approval_at(emu.now())
    if status != content_rules.APPROVED:
        return channels.OUTSIDE_WINDOW, (f"{channels.OUTSIDE_WINDOW_TEXT} Template {template.sid} is not approved "
                                         f"for WhatsApp (its approval is {status}).")
    if rendered.type in content_rules.SESSION_ONLY:
        return channels.OUTSIDE_WINDOW, f"A {rendered.type} template cannot start a WhatsApp conversation."
    if len(rendered.body) > content_rules.MAX_TEMPLATE_TEXT:
        return 63021, "The template's text with its values exceeds 1024 characters."
    return None


async def get(emu: "Emulator", account: Account, sid: str) -> Message:
    """The message as it stands now (its planned steps up to now applied)."""
    msg = await rows.get(emu.store, account.sid, sid) if is_sid(sid, ("SM", "MM")) else None
    if msg is None:
        raise NotFound()
    return observe(msg, emu.now())


async def page(emu: "Emulator", account: Account, filters: rows.Filters, size: int, after: str | None,
               before: str | None) -> list[Message]:
    now = emu.now()
    filters.now = now
    found = await rows.page(emu.store, account.sid, filters, size, after_sid=after, before_sid=before)
    return [observe(m, now) for m in found]


async def update(emu: "Emulator", account: Account, sid: str, body: str | None,
                 status: str | None) -> Message:
    msg = await get(emu, account, sid)
    if status is not None:
        if status != CANCELED:
            raise error(INVALID_PARAMETER, f"Status must be 'canceled', not {status!r}.")
        if msg.status != SCHEDULED:
            raise error(30409, "This message cannot be canceled.")  # Twilio docs, error 30409
        # The cancel is the one step left: stored as such, so that its callback survives a restart.
        msg.status, msg.date_updated = CANCELED, emu.now()
        msg.timeline = [Step(msg.date_updated, CANCELED)] if msg.status_callback else []
        await emu.store.write(rows.update(msg))
        if msg.status_callback:  # one callback per change after creation, this one included (reference §7.2)
            emu.callbacks.notify(msg, Step(msg.date_updated, CANCELED))
        if emu.activity.enabled:
            emu.activity.line(f"{sid} scheduled -> canceled")
        emu.events.publish("message", msg)
    if body is not None:
        if body != "":
            # Twilio: Body may only be set to "" (redaction) (spec UpdateMessageRequest).
            raise error(INVALID_PARAMETER, "The Body of a message can only be redacted (set to an empty string).")
        if not msg.is_final:
            # [UNVERIFIED] code; Twilio only redacts messages whose delivery is complete.
            raise error(20009, "Cannot redact a message before its delivery is complete.")
        msg.body, msg.date_updated = "", emu.now()
        await emu.store.write(rows.keep_on_handset(msg.sid), rows.update(msg))  # the phone keeps the text
    return msg


async def delete(emu: "Emulator", account: Account, sid: str) -> None:
    msg = await get(emu, account, sid)
    if not msg.is_final:
        # Twilio docs, error 20009: "Cannot delete this resource before it is complete".
        raise error(20009, "Cannot delete this resource before it is complete.")
    await emu.store.write(*rows.delete(sid))


async def media_list(emu: "Emulator", account: Account, message_sid: str) -> list[Media]:
    """All media of a message, oldest first (at most 10)."""
    await get(emu, account, message_sid)
    return await rows.media_for(emu.store, message_sid)


async def media_get(emu: "Emulator", account: Account, message_sid: str, sid: str) -> Media:
    await get(emu, account, message_sid)
    for media in await rows.media_for(emu.store, message_sid):
        if media.sid == sid:
            return media
    raise NotFound()


async def media_content(emu: "Emulator", account_sid: str, message_sid: str, sid: str) -> Media:
    """A media item by its path alone (its content URL needs no credentials): 404 unless all three match."""
    account = emu.accounts.get(account_sid)
    if account is None:
        raise NotFound()
    return await media_get(emu, account, message_sid, sid)


async def media_delete(emu: "Emulator", account: Account, message_sid: str, sid: str) -> None:
    media = await media_get(emu, account, message_sid, sid)
    await emu.store.write(rows.delete_media(media.sid))


async def wait_for_status(emu: "Emulator", sid: str, statuses: tuple[str, ...], timeout: float) -> Message:
    return await wait_for_match(emu, timeout, sid=sid, statuses=statuses)


async def wait_for_match(emu: "Emulator", timeout: float, *, sid: str | None = None, to: str | None = None,
                         from_: str | None = None, statuses: tuple[str, ...] = (), body: str | None = None) -> Message:
    """The newest message (existing or future) matching every given field, as it stands when it first matches;
    asyncio.TimeoutError after `timeout` seconds of real time.

    A message that will reach a wanted status later wakes the waiter through the scheduler at that moment,
    so this works the same with the real and the manual clock."""
    wanted = frozenset(statuses)

    def fields_match(m: Message) -> bool:
        return ((sid is None or m.sid == sid) and (to is None or m.to == to) and (from_ is None or m.from_ == from_)
                and (body is None or body in m.body))

    async def look():
        now, soonest = emu.now(), None
        for msg in await rows.recent_matching(emu.store, sid=sid, to=to, from_=from_, body=body):
            when = time_of(msg, wanted) if wanted else msg.date_created
            if when is None:
                continue
            if when <= now:
                return True, observe(msg, now), None
            soonest = when if soonest is None else min(soonest, when)
        return False, None, soonest

    found, msg = await wait_until(emu, look, lambda kind, m: kind == "message" and fields_match(m), timeout)
    if not found:
        raise asyncio.TimeoutError()
    return msg
