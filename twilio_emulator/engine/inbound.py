"""Two-way SMS: a handset texts one of our numbers -> an inbound Message -> the number's webhook (fallback URL
on failure) -> the TwiML it answers with -> replies, which go through the normal outbound lifecycle.

Each inbound message is processed in its own task, so a slow app never holds up anything else; every request
is in the webhook log and every failure is an alert with Twilio's code. Nothing raises out of a task: an
unexpected error is an internal error (tests fail on those) and the message stays received.
"""
from __future__ import annotations

import asyncio
import copy
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from ..domain import channels, numbers, opt_out
from ..domain.channels import ChannelSender
from ..domain.accounts import Account
from ..domain.errors import INVALID_PARAMETER, TwilioError, error
from ..domain.messages import (INBOUND, OUTBOUND_REPLY, RECEIVED, RECEIVING, Message, check_content,
                               SendRequest, new_message, price_for)
from ..domain.phone_numbers import IncomingPhoneNumber
from ..domain.sids import is_sid
from ..store import messages as rows
from ..store import outbox
from ..store import webhooks as log_rows
from ..store.webhooks import Alert
from ..twiml import errors as E
from ..twiml import verbs
from ..twiml.errors import TwimlWarning
from ..webhooks import payloads
from ..webhooks.dispatcher import Attempt
from . import applications, documents, handsets, messaging, opt_outs
from . import channels as channel_ops
from . import messaging_services as services
from .sessions import EMPTY, Session, Text, answer_of_body

if TYPE_CHECKING:
    from . import Emulator

log = logging.getLogger(__name__)

# Twilio's reply-rate protection (reference §9.1, error 14107): more than 30 replies between the same two
# numbers within 30 s and further replies fail for the rest of the window. It is also what ends a reply loop
# between two emulated numbers (each one's app answering the other's reply).
REPLY_LIMIT, REPLY_WINDOW = 30, 30.0

# The TwiML warning a refused <Message> is logged under, by the Messages API error send() raised.
REPLY_WARNING = {**dict.fromkeys((21211, 21604, 21612, 21614, 21408, 21610), E.INVALID_TO),
                 **dict.fromkeys((21212, 21606, 21601, 21659, 21661, 21603), E.INVALID_FROM),
                 **dict.fromkeys((21602, 21617, 21619), E.INVALID_BODY), 21609: E.INVALID_STATUS_CALLBACK,
                 21620: E.SCHEMA_WARNING, 21623: E.SCHEMA_WARNING,
                 21608: E.UNVERIFIED_TO}  # a trial's reply to a number it has not verified (docs errors/14111)


@dataclass
class Outcome:
    """What processing one inbound message did: the message as received, every request made (in order), the
    replies created, and the alerts raised."""
    message: Message
    webhooks: list[Attempt] = field(default_factory=list)
    replies: list[Message] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


async def webhook_target(emu: "Emulator", number: IncomingPhoneNumber | None,
                         channel_sender: ChannelSender | None = None) -> tuple[tuple[str, str, str, str], str]:
    """((url, method, fallback url, fallback method), why there is none) for a message to `number`: its
    Messaging Service's inbound_request_url/fallback_url unless the service defers to the number's webhook
    (use_inbound_webhook_on_number); else the number's, or its SmsApplicationSid's (engine.applications).
    Emulator: a service without an inbound_request_url also defers to the number (Twilio's console default
    "Defer to sender's webhook"; the spec says such a service does not receive at all) [UNVERIFIED].
    A WhatsApp/RCS message to `channel_sender`: its service's URL as above, else the sender's own webhook
    (Senders API `webhook.callback_url`), else the webhook of its number when the account owns that number on
    Twilio [UNVERIFIED: Twilio's console offers the number's webhook for a WhatsApp sender on it]."""
    if channel_sender is not None:
        service = channel_ops.service_of(emu, channel_sender)
    else:
        service = services.of_number(emu, number) if number is not None else None
    if service is not None and not service.get("use_inbound_webhook_on_number") and service.get("inbound_request_url"):
        return (service.get("inbound_request_url"), service.get("inbound_method"), service.get("fallback_url") or "",
                service.get("fallback_method")), ""
    if channel_sender is not None:
        hook = channel_sender.webhook
        if hook.get("callback_url"):
            return (hook["callback_url"], hook.get("callback_method", "POST"), hook.get("fallback_url", ""),
                    hook.get("fallback_method", "POST")), ""
        if number is None or number.account_sid != channel_sender.account_sid:
            return ("", "POST", "", "POST"), f"sender {channel_sender.sender_id} has no webhook.callback_url"
    return await applications.target(emu, number, "sms")


class Inbound:
    def __init__(self, emu: "Emulator"):
        self.emu = emu
        self._replies: dict[tuple[str, str], deque[float]] = {}

    # ---- receiving ------------------------------------------------------------------------------------------
    async def receive(self, from_: str | None, to: str | None, body: str | None = None,
                      media_urls: list[str] | None = None, messaging_service_sid: str | None = None,
                      *, from_network: bool = False, arrival: str | None = None,
                      extras: dict | None = None) -> tuple[Message, asyncio.Task]:
        """The handset `from_` texts our number `to`: store the inbound message (status receiving) with its
        work row in the outbox, and start processing it. Returns the message and the task that processes it
        (its result is the Outcome). `arrival`: the outbound message this one is (its outbox row goes in the
        same transaction). Raises TwilioError for a request the emulator cannot carry out (nothing is stored).
        `extras`: a WhatsApp message's own fields (domain.channels.INBOUND_EXTRAS: profile_name, button_payload …).

        A WhatsApp/RCS message (`to` a sender such as whatsapp:+1…) opens that sender's 24-hour window with
        its user, in the same transaction as the message."""
        emu = self.emu
        media_urls = list(media_urls or [])
        if channels.channel_of(to):
            return await self._receive_channel(from_, to, body or "", media_urls, extras or {})
        if extras:
            raise error(INVALID_PARAMETER, f"{', '.join(extras)}: only a WhatsApp/RCS message has these fields.")
        number, sender = self._check(from_, to, body or "", media_urls, messaging_service_sid, from_network)
        account = emu.accounts[number.account_sid]
        now = emu.now()
        sid = emu.sids.new("MM" if media_urls else "SM")
        msg = new_message(sid=sid, account_sid=account.sid, to=number.phone_number, from_=sender, body=body or "",
                          direction=INBOUND, status=RECEIVING, now=now, media_urls=media_urls,
                          media_sids=[emu.sids.new("ME") for _ in media_urls])
        service = services.of_number(emu, number)
        msg.messaging_service_sid = messaging_service_sid or (service.sid if service else None)
        ops = [*rows.insert(msg), outbox.new_inbound(msg.sid, account.sid)]
        if arrival is not None:
            ops.append(outbox.arrived(arrival))
        await emu.store.write(*ops)
        emu.events.publish("message", msg)
        work = outbox.InboundWork(msg.sid, account.sid, outbox.NEW)
        return msg, self.emu.background.spawn(self._process(account, number, copy.copy(msg), work))

    async def _receive_channel(self, from_: str | None, to: str, body: str, media_urls: list[str],
                               extras: dict) -> tuple[Message, asyncio.Task]:
        emu = self.emu
        channel_sender = channel_ops.by_address(emu, to)
        if channel_sender is None or not channel_sender.online(emu.now()):
            raise TwilioError(f"{to} is not an online WhatsApp or RCS sender of any account in this emulator "
                              "(create one: POST https://messaging.twilio.com/v2/Channels/Senders).",
                              code=20404, status=404)
        channel = channel_sender.channel
        address = channels.split(from_)
        parsed = numbers.parse(address.value) if address.channel == channel else None
        if parsed is None:
            raise error(21212, f"From {from_!r} must be {channel}: and the user's E.164 number "
                               f"({channel}:+14155550100).")
        given = channels.check_extras(extras)
        if body or media_urls or not ({"Latitude", "ButtonPayload", "ButtonText"} & set(given)):
            check_content(body, media_urls, data_urls=True)  # a shared location or a tap may have no text
        if channel == channels.WHATSAPP and len(media_urls) > 1:
            raise error(21623, "A WhatsApp message holds one media item at most.")
        account = emu.accounts[channel_sender.account_sid]
        now = emu.now()
        sid = emu.sids.new("MM" if media_urls else "SM")
        user = channels.of_number(channel, parsed.e164)
        msg = new_message(sid=sid, account_sid=account.sid, to=channel_sender.sender_id, from_=user, body=body,
                          direction=INBOUND, status=RECEIVING, now=now, media_urls=media_urls,
                          media_sids=[emu.sids.new("ME") for _ in media_urls])
        msg.num_segments = 1
        msg.channel_data = given
        service = channel_ops.service_of(emu, channel_sender)
        msg.messaging_service_sid = service.sid if service else None
        ops = [*rows.insert(msg), outbox.new_inbound(msg.sid, account.sid)]
        conversation = None
        if channel == channels.WHATSAPP:
            op, conversation = channel_ops.user_wrote(emu, account.sid, channel_sender.sender_id, user, now)
            ops.append(op)
        await emu.store.write(*ops)
        if conversation is not None:
            emu.conversations.remember(conversation)
        emu.events.publish("message", msg)
        work = outbox.InboundWork(msg.sid, account.sid, outbox.NEW)
        number = emu.numbers_by_e164.get(channel_sender.number)
        return msg, emu.background.spawn(self._process(account, number, copy.copy(msg), work, channel_sender))

    def _check(self, from_: str | None, to: str | None, body: str, media_urls: list[str],
               messaging_service_sid: str | None, from_network: bool) -> tuple[IncomingPhoneNumber, str]:
        if not to:
            raise error(21604, "To (one of the emulator's phone numbers) is required.")
        if not from_:
            raise error(INVALID_PARAMETER, "From (the sending handset's phone number) is required.")
        parsed_to = numbers.parse(to)
        if parsed_to is not None:
            number = self.emu.numbers_by_e164.get(parsed_to.e164)
        else:  # a short code is kept under its code
            number = self.emu.numbers_by_e164.get(to) if numbers.is_short_code(to) else None
        if number is None:
            # Twilio: an alphanumeric sender ID cannot receive replies; nor can a number nobody owns here.
            raise TwilioError(f"{to} is not a phone number of any account in this emulator (buy it first: "
                              "POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json).",
                              code=20404, status=404)
        if not number.sms_capable:
            raise error(21606, f"{number.phone_number} is not SMS-capable: it cannot receive messages.")
        sender = numbers.parse(from_, number.country)
        if sender is None:
            if not (from_network and numbers.is_alphanumeric_sender(from_)):
                raise error(21212, f"From {from_!r} is not a valid phone number.")
            sender_id = from_
        else:
            sender_id = sender.e164
        check_content(body, media_urls, data_urls=True)
        if messaging_service_sid is not None and not is_sid(messaging_service_sid, "MG"):
            raise error(21705, f"MessagingServiceSid {messaging_service_sid} is not a Messaging Service SID.")
        return number, sender_id

    async def recover(self) -> None:
        """After a restart, from the outbox: every inbound message not fully processed goes on from the stage
        it had reached (its webhook is sent again with the same idempotency token, or the answer the app had
        given is carried out from the first verb not done yet), and every outbound message still to arrive at
        one of our numbers is scheduled for its moment (at once if that passed while the emulator was down)."""
        emu = self.emu
        for work in await outbox.pending_inbound(emu.store):
            msg = await rows.get(emu.store, work.account_sid, work.message_sid)
            account = emu.accounts.get(work.account_sid)
            if msg is None or account is None:  # deleted since, with its account
                await emu.store.write(outbox.finished(work.message_sid))
                continue
            msg.media = await rows.media_for(emu.store, msg.sid)
            channel_sender = channel_ops.by_address(emu, msg.to) if msg.channel else None
            number = emu.numbers_by_e164.get(channel_sender.number if channel_sender else msg.to)
            self.emu.background.spawn(self._process(account, number, msg, work, channel_sender))
        for sid, account_sid, due in await outbox.pending_arrivals(emu.store):
            msg = await rows.get(emu.store, account_sid, sid)
            if msg is None:
                await emu.store.write(outbox.arrived(sid))
                continue
            msg.media = await rows.media_for(emu.store, sid)
            emu.scheduler.call_at(due, self.from_network, msg)

    def from_network(self, msg: Message) -> None:
        """Scheduler job: an outbound message just reached one of our own numbers; it arrives as an inbound
        message there (and that number's app may answer it: see REPLY_LIMIT)."""
        async def arrive() -> None:
            try:
                await self.receive(msg.from_, msg.to, msg.body, [m.url for m in msg.media], from_network=True,
                                   arrival=msg.sid)
            except TwilioError as exc:  # the number was released in between, or lost its SMS capability
                log.info("%s not received by %s: %s", msg.sid, msg.to, exc.message)
                await self.emu.store.write(outbox.arrived(msg.sid))
        self.emu.background.spawn(arrive())

    # ---- processing -----------------------------------------------------------------------------------------
    async def _captured(self, account: Account, msg: Message) -> bool:
        """A message whose (From, To) pair is bound in an open conversation becomes a message of it, and the
        number's own webhook is not called (reference twilio-conversations §2.1, the docs' worked example),
        unless the emulator is set to call it too (Settings.captured_also_webhook: then False, with the stage
        CAPTURED committed with the capture, so that a restart calls the webhook and does not capture again)."""
        from . import conversations
        from .conversations import settings
        emu, done = self.emu, (outbox.finished(msg.sid),)
        held = conversations.captor(emu, msg)
        if held is not None:
            also_webhook = emu.settings.captured_also_webhook
            said = await conversations.capture(emu, account, *held, msg,
                                               also=(outbox.stage(msg.sid, outbox.CAPTURED),) if also_webhook else done)
            what = f"captured by conversation {held[0].sid}" if said else f"rejected by conversation {held[0].sid}'s hook"
            if also_webhook:
                if emu.activity.enabled:
                    emu.activity.line(f"{msg.sid} {what}, and goes on to the number's webhook")
                return False
        else:  # unbound: autocreation, when its address says so, instead of the number's webhook (reference §2.1)
            config = settings.autocreating(emu, msg.to, msg.messaging_service_sid)
            if config is None:
                return False
            made = await conversations.autocreate(emu, account, config if config is not True else None, msg,
                                                  also=done)
            what = f"made conversation {made.sid}" if made else "dropped by the onConversationAdd hook"
        if emu.activity.enabled:
            emu.activity.line(f"{msg.sid} {what}")
        return True

    async def _process(self, account: Account, number: IncomingPhoneNumber | None, msg: Message,
                       work: outbox.InboundWork, channel_sender: ChannelSender | None = None) -> Outcome:
        """Process an inbound message from the stage its outbox row says, each stage's end committed with the
        change it made: new -> (keyword reply) -> webhook -> answered -> (each reply) -> done."""
        emu = self.emu
        outcome = Outcome(msg)
        try:
            kind, custom_reply = self._keyword_kind(number, msg) if channel_sender is None else (None, None)
            if work.stage == outbox.NEW:
                now = emu.now()
                # Twilio: the message is 'received' when the webhook is sent; date_sent is that moment (spec).
                msg.status, msg.date_updated, msg.date_sent = RECEIVED, now, now
                msg.price = price_for(msg, number.country if number else "US")
                if channel_sender is not None and channel_sender.channel == channels.RCS and opt_out.keyword(msg.body):
                    # Fail loudly: Twilio unifies RCS opt-outs with SMS (reference api §11); not emulated yet.
                    alert = emu.new_alert(account.sid, 21610, f"{msg.body.strip()} from {msg.from_} over RCS: RCS "
                                          "opt-out keywords are not emulated (no opt-out was recorded)", None, None,
                                          msg.sid, level="warning")
                    await emu.store.write(log_rows.insert_alert(alert))
                if kind is not None:  # recorded and answered even when the number has no webhook
                    await self._keyword(account, number, msg, kind, outcome, custom_reply)
                else:
                    await emu.store.write(rows.update(msg), outbox.stage(msg.sid, outbox.WEBHOOK))
                emu.events.publish("message", msg)
                if emu.activity.enabled:
                    emu.activity.line(f"{msg.sid} received (from {msg.from_} to {msg.to})")
                work.stage = outbox.WEBHOOK
            if work.stage == outbox.CAPTURED:  # captured before a restart: the number's webhook is next
                work.stage = outbox.WEBHOOK
            elif work.stage == outbox.WEBHOOK and await self._captured(account, msg):
                return outcome
            (url, method, fallback_url, fallback_method), why = await webhook_target(emu, number, channel_sender)
            if not url:  # no webhook: the message is received, and the debugger says why nothing was called
                alert = emu.new_alert(account.sid, applications.MISCONFIGURED_WEBHOOK,
                                      f"Message {msg.sid} to {msg.to} reached no webhook: {why}", None, None,
                                      msg.sid, level="warning")
                outcome.alerts = [alert]
                await emu.store.write(log_rows.insert_alert(alert), outbox.finished(msg.sid))
                if emu.activity.enabled:
                    emu.activity.line(f"{msg.sid} alert {alert.error_code}: {alert.alert_text}")
                return outcome
            sender = handsets.get(emu, msg.from_ or "")
            recipient = handsets.get(emu, msg.to)
            media = [(m.content_type, self.media_url(m.account_sid, msg.sid, m.sid)) for m in msg.media]
            if channel_sender is not None:
                params = payloads.incoming_channel_message(msg, media, self._channel_extras(msg, sender, media))
            else:
                params = payloads.incoming_message(msg, sender, recipient, media, opt_out_type=kind)
            session = Session(emu, account, msg.sid, params, conversation=f"{msg.from_}|{msg.to}")
            outcome.webhooks, outcome.alerts = session.webhooks, session.alerts
            if work.stage == outbox.WEBHOOK:
                answer, doc_url = await session.fetch("incoming_message", method, url, fallback_method, fallback_url)
                if answer is None or answer is EMPTY:
                    await emu.store.write(outbox.finished(msg.sid))
                    return outcome
                attempt = session.webhooks[-1]
                await emu.store.write(outbox.answered(msg.sid, attempt.raw, attempt.content_type, doc_url, 0))
                work = outbox.InboundWork(msg.sid, account.sid, outbox.ANSWERED, attempt.raw, attempt.content_type,
                                          doc_url, 0, 0)
            else:  # ANSWERED, after a restart: the answer as the app gave it
                answer, doc_url = answer_of_body(work.answer or b"", work.content_type or ""), work.doc_url or url
            await self._carry_out(session, outcome, answer, doc_url, work)
            await emu.store.write(outbox.finished(msg.sid))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug of ours: recorded (tests fail on it), never raised into the loop
            log.exception("processing inbound %s failed", msg.sid)
            emu.record_internal_error(f"inbound {msg.sid}: {exc!r}")
        return outcome

    @staticmethod
    def _channel_extras(msg: Message, handset, media: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """WhatsApp: ProfileName (given, else the handset's), WaId (the user's digits), MessageType, then what
        the injection gave (reference twilio-more §5.6). RCS: only what was given [UNVERIFIED: RCS inbound
        parameters]."""
        given = dict(msg.channel_data or {})
        if msg.channel != channels.WHATSAPP:
            return list(given.items())
        out = [("ProfileName", given.pop("ProfileName", None) or (handset.profile_name if handset else "")),
               ("WaId", (msg.from_ or "").split(":", 1)[-1].lstrip("+")),
               ("MessageType", channels.message_type(given, msg.body, [t for t, _ in media]))]
        given.pop("MessageType", None)
        return out + list(given.items())

    def _keyword_kind(self, number: IncomingPhoneNumber | None, msg: Message) -> tuple[str | None, str | None]:
        """(STOP | START | HELP, the service's own reply or None) when the body is a keyword. Twilio: a short
        code outside a Messaging Service leaves HELP/STOP to the app (reference §11). A service's Advanced
        Opt-Out configuration (issue 19) sets the keywords and replies of its long codes; short codes and
        toll-free numbers keep the default rules (the carrier handles toll-free)."""
        if number is None:
            return None, None
        service = services.of_number(self.emu, number)
        if number.type == numbers.SHORT_CODE and service is None:
            return None, None
        config = opt_outs.advanced_of(self.emu, service)
        if config is not None and number.type not in (numbers.SHORT_CODE, numbers.TOLL_FREE):
            handset = handsets.get(self.emu, msg.from_ or "")
            found = opt_out.advanced_keyword(config, msg.body, handset.country if handset else "")
            return found if found is not None else (None, None)
        return opt_out.keyword(msg.body), None

    def media_url(self, account_sid: str, message_sid: str, media_sid: str) -> str:
        """Where the app fetches inbound media: the Media resource's path without `.json`, on the emulator
        (Twilio: https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME…)."""
        return f"{self.emu.public_url}/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}/Media/{media_sid}"

    async def _carry_out(self, session: Session, outcome: Outcome, answer, doc_url: str,
                         work: outbox.InboundWork) -> None:
        """Run a messaging answer: a text/plain body is one reply; a TwiML document runs top to bottom, and
        a <Redirect> fetches the next document (relative URLs resolved against the current one). Each reply
        commits with the count of verbs done, and each new document with its own row: after a crash, nothing
        is sent twice and nothing is skipped. At most one warning alert per code per document."""
        async def run(document, url: str) -> documents.Next | None:
            redirect = await self._run_document(session, outcome, document, url, work)
            return None if redirect is None else documents.Next("redirect", redirect.method, redirect.url,
                                                                 invalid=E.INVALID_REDIRECT)

        async def on_document(url: str, hop: int) -> None:  # a new document: its own outbox row
            nonlocal work
            attempt = session.webhooks[-1]
            await self.emu.store.write(outbox.answered(work.message_sid, attempt.raw, attempt.content_type, url, hop))
            work = outbox.InboundWork(work.message_sid, work.account_sid, outbox.ANSWERED, attempt.raw,
                                      attempt.content_type, url, hop, 0)

        await documents.follow(session, answer, doc_url, run, "session", start_hop=work.hop, on_document=on_document)

    async def _run_document(self, session: Session, outcome: Outcome, answer, doc_url: str,
                            work: outbox.InboundWork) -> verbs.Redirect | None:
        """The verbs of one answer from the first not done yet; returns its <Redirect>, if it has one."""
        if isinstance(answer, Text):
            program = verbs.Program([verbs.Message(to=None, from_=None, body=answer.text.strip())])
        else:
            program = verbs.messaging(answer)
        if work.done == 0:  # warnings of the document itself: once, with its first verb
            for warning in program.warnings:
                session.warn(warning, doc_url)
        for i, verb in enumerate(program.verbs):
            if isinstance(verb, verbs.Redirect):
                return verb
            if i >= work.done:
                await self._reply(session, outcome, verb, doc_url, outbox.progress(work.message_sid, i + 1))
        return None

    async def _reply(self, session: Session, outcome: Outcome, verb: verbs.Message, doc_url: str,
                     progress) -> None:
        """A <Message>: an outbound-reply message. Defaults: to = who texted, from = the number texted.
        A refusal of the Messages API becomes the matching TwiML warning (14101 To, 14102 From, 14103 Body)."""
        emu, inbound = self.emu, outcome.message
        callback = verb.action or verb.status_callback  # action is current; statusCallback its deprecated alias
        req = SendRequest(to=verb.to or inbound.from_, from_=verb.from_ or inbound.to, body=verb.body,
                          media_urls=[urljoin(doc_url, m) for m in verb.media],
                          status_callback=urljoin(doc_url, callback) if callback else None,
                          status_callback_method=verb.method if verb.action else None)
        try:
            reply = await messaging.send(emu, session.account, req, direction=OUTBOUND_REPLY,
                                         fail=self._over_reply_limit(req), also=(progress,))
        except TwilioError as exc:
            code = REPLY_WARNING.get(exc.code, exc.code)
            session.warn(TwimlWarning(code, f"<Message> not sent: {exc.message} ({exc.code})"), doc_url)
            return
        outcome.replies.append(reply)

    async def _keyword(self, account: Account, number: IncomingPhoneNumber, msg: Message, kind: str,
                       outcome: Outcome, custom_reply: str | None = None) -> None:
        """Twilio's default keyword handling (reference §11): STOP blocks the handset (after the confirmation
        goes out), START lifts the block (then confirms), HELP is answered unless the handset opted out.
        A sender that is not a phone number (an alphanumeric sender ID) gets nothing. The confirmation, the
        opt-out and the message's move to its webhook stage commit together."""
        emu, handset = self.emu, msg.from_ or ""
        done = (rows.update(msg), outbox.stage(msg.sid, outbox.WEBHOOK))
        if numbers.parse(handset) is None:
            await emu.store.write(*done)
            return
        blocked = opt_outs.opted_out(emu, number, handset)
        if kind == opt_out.START:
            await opt_outs.lift(emu, number, handset)
        elif blocked:  # no second confirmation for STOP, no help while opted out
            await emu.store.write(*done)
            return
        entry = opt_outs.entry(emu, number, handset) if kind == opt_out.STOP else None
        # Twilio's auto-replies are free; the emulator sends them as ordinary outbound-reply messages.
        text = custom_reply or opt_out.reply(kind, number.type == "toll-free")
        req = SendRequest(to=handset, from_=number.phone_number, body=text)
        also = (*done, *([opt_outs.record_op(emu, entry)] if entry else []))
        outcome.replies.append(await messaging.send(emu, account, req, direction=OUTBOUND_REPLY, also=also,
                                                    auto_reply=True))
        if entry is not None:
            opt_outs.remember(emu, entry)

    def _over_reply_limit(self, req: SendRequest) -> tuple[int, str] | None:
        to = numbers.parse(req.to or "", None)
        key = (req.from_ or "", to.e164 if to else req.to or "")
        now = self.emu.now()
        sent = self._replies.setdefault(key, deque())
        while sent and sent[0] <= now - REPLY_WINDOW:
            sent.popleft()
        sent.append(now)
        if len(sent) > REPLY_LIMIT:
            return 14107, "SMS send rate limit exceeded"
        return None

    def reset(self) -> None:
        self._replies.clear()
