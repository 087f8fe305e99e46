"""Messages: send, fetch, list, redact, cancel, delete, and their Media. Load -> domain rules -> save -> effects."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ..domain.accounts import TRIAL, Account, trial_body
from ..domain.applications import INVALID_APPLICATION
from ..domain.errors import INVALID_PARAMETER, NotFound, TwilioError, error
from ..domain import carriers, magic_numbers, numbers
from ..domain.messages import (ACCEPTED, CANCELED, DEFAULT_VALIDITY, DELIVERED, FAILED, MIN_STEP, OUTBOUND_API, QUEUED,
                               SCHEDULED, Media, Message, SendRequest, Step, apply_plan, check_schedule, expire,
                               mms_as_sms, new_message, observe, service_in_from, time_of,
                               validate_send)
from ..domain.sids import is_sid
from ..domain.smart_encoding import smart_encode
from ..store import Op, outbox
from ..store import messages as rows
from ..store import webhooks as log_rows
from . import applications, caller_ids, handsets
from . import messaging_services as services
from . import numbers as number_ops
from . import opt_outs
from .waiting import wait_until

if TYPE_CHECKING:
    from . import Emulator

async def send(emu: "Emulator", account: Account, req: SendRequest, direction: str = OUTBOUND_API,
               fail: tuple[int, str] | None = None, also: tuple[Op, ...] = (), auto_reply: bool = False) -> Message:
    """Create and plan an outbound message. `fail` (code, text): Twilio refuses it after accepting it (e.g.
    14107, reply rate exceeded): the message fails at once instead of going to the carrier. `also`: writes
    that commit in the same transaction as the message (the progress of the work that sends it). `auto_reply`:
    Twilio's own answer to a keyword (STOP, HELP …), which a trial's rules do not hold back [UNVERIFIED]."""
    req = service_in_from(req)
    to, body = validate_send(req)
    now = emu.now()
    service = services.resolve(emu, account, req.messaging_service_sid) if req.messaging_service_sid else None
    application = None
    if req.application_sid:
        application = await applications.find(emu, account.sid, req.application_sid)
        if application is None:  # [UNVERIFIED] code: 21218 is Calls' "Invalid ApplicationSid" (reference §2.6)
            raise error(INVALID_APPLICATION, f"ApplicationSid {req.application_sid} is not an application of this "
                        "account.")
    send_at = None
    if req.schedule_type or req.send_at is not None:
        if service is None:
            # Twilio: scheduling needs a Messaging Service (35118), checked before SendAt itself.
            raise error(35118, "MessagingServiceSid is required to schedule a message.")
        send_at = check_schedule(req.schedule_type, req.send_at, now)
    smart = req.smart_encoded if req.smart_encoded is not None else bool(service and service.get("smart_encoding"))
    if smart:  # [UNVERIFIED] the message's body shows the replaced text, as the handset gets it
        body = smart_encode(body)
    if account.type == TRIAL and not auto_reply:  # only to verified numbers, and Twilio says it is a trial
        await caller_ids.check_recipient(emu, account, to.e164)
        body = trial_body(body)
    media_urls = req.media_urls
    magic_numbers.check(to.e164, req.from_, bool(media_urls))
    handset = handsets.get(emu, to.e164)
    if req.from_:
        sender = number_ops.sms_sender(emu, account, req.from_, to)
    else:
        try:
            sender = services.pick(emu, service, to, handset)
        except TwilioError as exc:  # no usable sender: accepted, then failed (Twilio does not refuse the call)
            sender, fail = None, (exc.code, exc.message)
    if sender is not None:
        opt_outs.check(emu, service, sender, to.e164)
    start = SCHEDULED if send_at is not None else ACCEPTED if service is not None else QUEUED
    sid = emu.sids.new("MM" if media_urls else "SM")
    media_sids = [emu.sids.new("ME") for _ in media_urls]
    short_code = sender is not None and numbers.is_short_code(sender)
    converted = bool(media_urls) and not handset.mms and service is not None and service.get("mms_converter")
    if converted:  # Twilio's MMS converter: the handset gets an SMS with a link to each media item
        body = mms_as_sms(body, [emu.inbound.media_url(account.sid, sid, m) for m in media_sids])
    msg = new_message(sid=sid, account_sid=account.sid, to=to.e164, from_=sender, body=body,
                      direction=direction, status=start, now=now, media_urls=media_urls,
                      media_sids=media_sids, req=req, as_sms=converted)
    if application is not None and not msg.status_callback:  # the message's own StatusCallback wins (spec)
        msg.status_callback = application.get("message_status_callback") or application.get("sms_status_callback")
    if service is not None and not msg.status_callback:
        msg.status_callback = service.get("status_callback")
    if fail is not None:
        plan = [Step(now + MIN_STEP, FAILED, *fail)]
    elif send_at is not None:  # scheduled -> queued at SendAt, then the carrier's plan from there
        plan = [Step(send_at, QUEUED), *carriers.plan(QUEUED, send_at, emu.lifecycle.delays, handset,
                                                      bool(media_urls) and not converted, short_code)]
    else:
        plan = carriers.plan(start, now, emu.lifecycle.delays, handset, bool(media_urls) and not converted,
                             short_code)
    if fail is None:  # the per-message ValidityPeriod wins over the service's
        validity = req.validity_period or (service.get("validity_period") if service else None) or DEFAULT_VALIDITY
        plan = expire(plan, send_at if send_at is not None else now, validity)
    held = None
    if media_urls and fail is None:  # the carrier's plan waits for the media to be downloaded (engine.media)
        if send_at is not None:  # scheduled: queued at SendAt, downloaded then
            held, plan = (plan[1:], send_at), plan[:1]
        else:
            held, plan = (plan, now), []
    apply_plan(msg, plan, to.country)
    ops = rows.insert(msg)
    if held is not None:
        ops.append(emu.media.hold(msg, *held))
    if to.e164 in emu.numbers_by_e164:  # to a number of ours: on delivery it arrives there (engine.inbound)
        delivered = next((step.at for step in msg.timeline if step.status == DELIVERED), None)
        if delivered is not None:
            ops.append(outbox.arrival(sid, account.sid, delivered))
    ops += also
    if sender is not None and to.country in numbers.ALPHA_REGISTRATION_REQUIRED and \
            numbers.is_alphanumeric_sender(sender):
        ops.append(log_rows.insert_alert(emu.new_alert(
            account.sid, numbers.SENDER_ID_NOT_REGISTERED, f"Alphanumeric Sender ID {sender} is not registered for "
            f"{to.country}, where registration is required; the message was sent anyway", None, None, sid,
            level="warning")))
    await emu.store.write(*ops)
    if service is not None and sender is not None and not req.from_:
        await services.remember(emu, service, to.e164, sender)
    emu.events.publish("message", msg)
    emu.lifecycle.track(msg)
    if held is not None:
        emu.media.schedule(sid, account.sid, held[1])
    return observe(msg, now)  # as it stands at creation: queued (accepted, scheduled), nothing sent yet


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
