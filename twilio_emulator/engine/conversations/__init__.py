"""Twilio Conversations: conversations, participants, messages and their delivery receipts (domain.conversations
has the rules). A message added to a conversation goes to every SMS/WhatsApp participant other than its author
as a real message of the simulated network, through the one send path (engine.messaging.send); an inbound
message whose (From, To) pair is bound in an open conversation is captured by it (engine.inbound calls
capture()). States follow their timers on the clock, read when the conversation is (Conversation.state_at).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

from ...domain import channels
from ...domain import conversation_events as hooks
from ...domain import conversations as rules
from ...domain.accounts import Account
from ...domain.conversations import (ACTIVE, CLOSED, INACTIVE, Binding, Conversation, ConversationMessage,
                                    Participant, Receipt, bad, conflict)
from ...domain.errors import INVALID_PARAMETER, NotFound, TwilioError
from ...domain.messages import FINAL, Message, SendRequest, observe
from ...domain.sids import is_sid
from ...store import Op, Store
from ...store import messages as rows
from ..tables import Table
from . import events

if TYPE_CHECKING:
    from .. import Emulator

SYSTEM = "system"  # a REST message's author when none is given (spec)
MESSAGE_EVENT = "conversation_message"  # published (engine.events) when a message is added to a conversation


class Tables:
    """The product's records: conversations by sid, participants and messages grouped by conversation
    (participants also by their (address, proxy) binding)."""

    def __init__(self) -> None:
        self.conversations: Table[Conversation] = Table("conversation", Conversation)
        # Webhooks (domain.conversation_events): each account's configuration, conversation-scoped ones, and
        # the address configurations that autocreate conversations, by address.
        self.webhook_config: Table[hooks.WebhookConfig] = Table("conversation_webhook_config", hooks.WebhookConfig,
                                                                key=attrgetter("scope"))
        self.scoped: Table[hooks.ScopedWebhook] = Table("conversation_scoped_webhook", hooks.ScopedWebhook,
                                                        groups={"conversation": attrgetter("conversation_sid")})
        self.addresses: Table[hooks.AddressConfiguration] = Table(
            "conversation_address", hooks.AddressConfiguration, groups={"address": attrgetter("address")})
        self.service_autocreation: Table[hooks.ServiceAutocreation] = Table(
            "conversation_service_autocreation", hooks.ServiceAutocreation, key=attrgetter("service_sid"))
        self.account_config: Table[hooks.AccountConfiguration] = Table(
            "conversation_account_config", hooks.AccountConfiguration, key=attrgetter("account_sid"))
        self.users: Table[hooks.User] = Table("conversation_user", hooks.User)
        self.roles: Table[hooks.Role] = Table("conversation_role", hooks.Role)
        self.services: Table[hooks.ChatService] = Table("conversation_service", hooks.ChatService)
        self.last_event: dict = {}  # the latest post-event task of a conversation: the next one waits for it
        # Copies whose receipts tell onDeliveryUpdated and whose timeline may still be planned later (queued
        # behind their sender, waiting for their media), by the copy's SID: each new plan is followed.
        self.deliveries: dict[str, Delivery] = {}
        self.participants: Table[Participant] = Table(
            "conversation_participant", Participant,
            groups={"conversation": attrgetter("conversation_sid"), "binding": _binding_key})
        self.messages: Table[ConversationMessage] = Table(
            "conversation_message", ConversationMessage, groups={"conversation": attrgetter("conversation_sid")})

    async def load(self, store: Store) -> None:
        for table in (self.conversations, self.participants, self.messages, self.webhook_config, self.scoped,
                      self.addresses, self.service_autocreation, self.account_config, self.users, self.roles,
                      self.services):
            await table.load(store)
        self.last_event.clear()
        self.deliveries.clear()


@dataclass
class Delivery:
    """A copy whose receipt's steps tell onDeliveryUpdated: the steps already planned to tell, by (status, at)."""
    account: Account
    conversation_sid: str
    message_sid: str
    receipt: Receipt
    planned: set = field(default_factory=set)


def _binding_key(p: Participant) -> str:
    binding = p.messaging_binding
    return (binding.key() if binding else None) or ""


def default_service_sid(account_sid: str) -> str:
    """The account's default Conversation Service (IS…), the same for an account every run [emulator choice:
    derived from the account SID, so nothing needs storing]."""
    return "IS" + hashlib.md5(f"conversations:{account_sid}".encode()).hexdigest()


def is_default(account_sid: str, service_sid: str) -> bool:
    return service_sid == default_service_sid(account_sid)


# ---- conversations --------------------------------------------------------------------------------------------
def _check_unique_name(emu: "Emulator", c: Conversation, name: str | None) -> None:
    """A unique name is unique in its Conversation Service."""
    if name is None:
        return
    if is_sid(name, "CH"):
        raise bad(rules.UNIQUE_NAME_IS_SID, f"UniqueName {name} has the form of a Conversation SID.", "UniqueName")
    taken = next((x for x in emu.conv.conversations.values()
                  if x.chat_service_sid == c.chat_service_sid and x.unique_name == name and x.sid != c.sid), None)
    if taken is not None:
        raise conflict(rules.UNIQUE_NAME_TAKEN, f"A conversation with UniqueName {name} already exists "
                                                f"({taken.sid}).", "UniqueName")


def _apply(emu: "Emulator", account: Account, c: Conversation, fields: dict, creating: bool) -> None:
    """Create/update parameters (snake_case, None: not given) onto `c`."""
    if creating and (fields.get("timers_inactive") or fields.get("timers_closed")) and fields.get("state") is None:
        # docs errors/50382: timers on create need the State they start from
        raise bad(rules.TIMERS_WITHOUT_STATE, "Timers can be set on create only together with State.", "State")
    _check_unique_name(emu, c, fields.get("unique_name"))
    state = fields.get("state")
    if state is not None and state not in rules.STATES:
        raise bad(INVALID_PARAMETER, f"State must be one of {', '.join(rules.STATES)}, not {state!r}.", "State")
    if state is not None and c.state_at(emu.now()) == CLOSED and state != CLOSED:
        raise bad(INVALID_PARAMETER, "A closed conversation cannot be reopened.", "State")
    inactive = rules.duration(fields["timers_inactive"], "Timers.Inactive") if fields.get("timers_inactive") else None
    closed = rules.duration(fields["timers_closed"], "Timers.Closed") if fields.get("timers_closed") else None
    if inactive is not None and inactive < rules.MIN_INACTIVE:
        raise bad(INVALID_PARAMETER, "Timers.Inactive must be at least one minute (PT1M).", "Timers.Inactive")
    if closed is not None and closed < rules.MIN_CLOSED:
        raise bad(INVALID_PARAMETER, "Timers.Closed must be at least ten minutes (PT10M).", "Timers.Closed")
    ms = fields.get("messaging_service_sid")
    if ms is not None and ms not in emu.services:
        raise bad(INVALID_PARAMETER, f"MessagingServiceSid {ms} is not a Messaging Service of this account.",
                  "MessagingServiceSid")
    for name in ("friendly_name", "unique_name", "messaging_service_sid"):
        if fields.get(name) is not None:
            setattr(c, name, fields[name])
    if fields.get("attributes") is not None:
        c.attributes = rules.attributes(fields["attributes"], rules.MAX_CONVERSATION_ATTRIBUTES)
    now = emu.now()
    if state is not None or inactive is not None or closed is not None:
        c.state = state or c.state_at(now)
        c.date_updated = now  # timers count from the change (spec example: from date_updated)
    if inactive is not None:
        c.inactive_after = inactive
    if closed is not None:
        c.closed_after = closed


async def create(emu: "Emulator", account: Account, fields: dict, hooks_on: bool = False,
                 service_sid: str | None = None) -> Conversation:
    """In the Conversation Service `service_sid` (the account's default one when None). `hooks_on`: the REST
    request said X-Twilio-Webhook-Enabled: true (post-event hooks are told)."""
    now = emu.now()
    c = Conversation(sid=emu.sids.new("CH"), account_sid=account.sid,
                     chat_service_sid=service_sid or default_service_sid(account.sid), date_created=now, date_updated=now)
    defaults = emu.conv.account_config.get(account.sid)
    if defaults is not None:  # /v1/Configuration's defaults, unless the request says otherwise
        c.messaging_service_sid = defaults.default_messaging_service_sid
        c.inactive_after, c.closed_after = defaults.default_inactive_timer, defaults.default_closed_timer
    _apply(emu, account, c, fields, creating=True)
    c.date_created = fields.get("date_created") or c.date_created
    c.date_updated = fields.get("date_updated") or c.date_updated
    await emu.conv.conversations.save(emu.store, c)
    _schedule(emu, c)
    events.post_later(emu, account, "onConversationAdded", c.sid, c.sid, events.conversation_params(c, now), hooks_on)
    return c


def get(emu: "Emulator", account: Account, sid: str, service_sid: str | None = None) -> Conversation:
    """By SID, or by its unique name (spec: the path's Sid may be either), in the Conversation Service
    `service_sid` (the account's default one when None: the docs' "shortened URL" reaches that one only)."""
    service_sid = service_sid or default_service_sid(account.sid)
    c = emu.conv.conversations.get(sid)
    if c is None:
        c = next((x for x in emu.conv.conversations.values()
                  if x.unique_name == sid and x.chat_service_sid == service_sid), None)
    if c is None or c.account_sid != account.sid or c.chat_service_sid != service_sid:
        raise NotFound()
    return c


def listed(emu: "Emulator", account: Account, state: str | None = None,
           service_sid: str | None = None) -> list[Conversation]:
    """The conversations of a Conversation Service (the default one when None), oldest first [UNVERIFIED: the
    order of Twilio's list]."""
    now, service_sid = emu.now(), service_sid or default_service_sid(account.sid)
    return sorted((c for c in emu.conv.conversations.values()
                   if c.chat_service_sid == service_sid and c.account_sid == account.sid
                   and (state is None or c.state_at(now) == state)),
                  key=lambda c: (c.date_created, c.sid))


async def update(emu: "Emulator", account: Account, c: Conversation, fields: dict,
                 hooks_on: bool = False) -> Conversation:
    now = emu.now()
    before = c.state_at(now)
    _apply(emu, account, c, fields, creating=False)
    c.date_updated = fields.get("date_updated") or now
    await emu.conv.conversations.save(emu.store, c)
    _schedule(emu, c)
    events.post_later(emu, account, "onConversationUpdated", c.sid, c.sid, events.conversation_params(c, now), hooks_on)
    if c.state_at(now) != before:
        events.post_later(emu, account, "onConversationStateUpdated", c.sid, c.sid,
                          events.state_params(c, before, c.state_at(now), "API", now), hooks_on)
    return c


async def delete(emu: "Emulator", account: Account, c: Conversation, hooks_on: bool = False) -> None:
    """With its participants (their bindings are free again), messages and scoped webhooks."""
    params = events.conversation_params(c, emu.now()) + [("DateRemoved", events.iso8601(emu.now()) or "")]
    events.post_later(emu, account, "onConversationRemoved", c.sid, c.sid, params, hooks_on)
    t = emu.conv
    parts = list(t.participants.group("conversation", c.sid).values())
    msgs = list(t.messages.group("conversation", c.sid).values())
    scoped = list(t.scoped.group("conversation", c.sid).values())
    await emu.store.write(t.conversations.delete(c), *(t.participants.delete(p) for p in parts),
                          *(t.messages.delete(m) for m in msgs), *(t.scoped.delete(w) for w in scoped))
    for w in scoped:
        t.scoped.forget(w)
    t.conversations.forget(c)
    for p in parts:
        t.participants.forget(p)
    for m in msgs:
        t.messages.forget(m)


# ---- timers ---------------------------------------------------------------------------------------------------
def _schedule(emu: "Emulator", c: Conversation) -> None:
    """A job at each moment a timer of `c` changes its state, to tell onConversationStateUpdated (Reason TIMER).
    The state itself is read from the timers whenever the conversation is (Conversation.state_at); a job whose
    timer was reset since (a message woke the conversation, an update) finds nothing to tell; recover() makes
    them again after a restart."""
    for after in (c.inactive_after, c.closed_after):
        if after is not None and c.state_at(emu.now()) != CLOSED:
            emu.scheduler.call_at(c.date_updated + after, _timer_job(emu), c.sid, c.date_updated + after)


def start(emu: "Emulator") -> None:
    """At every start: follow the copies whose plans come later (follow_plans), and make the timer jobs of every
    conversation again: for the moments still ahead, and for those that passed while the emulator was down and
    were not told yet (Conversation.timer_told), which are told at once, late."""
    emu.events.listen(follow_plans(emu))
    for c in emu.conv.conversations.values():
        for after in (c.inactive_after, c.closed_after):
            if after is not None and c.date_updated + after > (c.timer_told if c.timer_told is not None else -1.0):
                emu.scheduler.call_at(c.date_updated + after, _timer_job(emu), c.sid, c.date_updated + after)


def _timer_job(emu: "Emulator"):
    def due(sid: str, at: float):
        c = emu.conv.conversations.get(sid)
        if c is None:
            return None
        before = ACTIVE if c.state == ACTIVE else c.state
        after = c.state_at(at)
        moments = {c.date_updated + x for x in (c.inactive_after, c.closed_after) if x is not None}
        if at not in moments or after == before or (after == INACTIVE and before != ACTIVE):
            return None
        if after == CLOSED and c.inactive_after is not None and at > c.date_updated + c.inactive_after:
            before = INACTIVE  # it was inactive by then
        account = emu.accounts.get(c.account_sid)
        if account is None:
            return None
        async def tell() -> None:
            await events.post_event(emu, account, "onConversationStateUpdated", c.sid, c.sid,
                                    events.state_params(c, before, after, "TIMER", at), events.SYSTEM)
            c.timer_told = at  # told: not again after a restart
            await emu.conv.conversations.save(emu.store, c)
        work = tell()
        if emu.clock.mode == "manual":
            return work  # awaited by advance()
        emu.background.spawn(work)
        return None
    return due


# ---- participants ---------------------------------------------------------------------------------------------
def _check_proxy(emu: "Emulator", account: Account, binding: Binding) -> None:
    """The proxy must be a number or WhatsApp/RCS sender of the account (reference §1.5) [UNVERIFIED code]."""
    proxy = binding.proxy_address
    if proxy is None:
        return
    if channels.channel_of(proxy):
        sender = emu.channel_senders.by("sender_id", proxy)
        owned = sender is not None and sender.account_sid == account.sid
    else:
        number = emu.numbers_by_e164.get(proxy)
        owned = number is not None and number.account_sid == account.sid
    if not owned:
        raise bad(rules.INVALID_PROXY, f"MessagingBinding.ProxyAddress {proxy} is not a number or sender of this "
                                       "account.", "MessagingBinding.ProxyAddress")


def bound(emu: "Emulator", key: str, now: float) -> Participant | None:
    """The participant holding the (address, proxy) pair `key` in a conversation that is not closed."""
    for p in emu.conv.participants.group("binding", key).values():
        c = emu.conv.conversations.get(p.conversation_sid)
        if c is not None and c.state_at(now) != CLOSED:
            return p
    return None


async def add_participant(emu: "Emulator", account: Account, c: Conversation, fields: dict,
                          hooks_on: bool = False) -> Participant:
    now = emu.now()
    identity = fields.get("identity")
    address, proxy, projected = (fields.get("messaging_binding_address"), fields.get("messaging_binding_proxy_address"),
                                 fields.get("messaging_binding_projected_address"))
    if c.state_at(now) == CLOSED:
        raise bad(INVALID_PARAMETER, f"Conversation {c.sid} is closed: no participant can be added.")
    if identity is not None and address is not None:
        raise bad(INVALID_PARAMETER, "A participant is a chat Identity or an SMS/WhatsApp MessagingBinding.Address, "
                                     "not both.", "Identity")
    binding = None
    if identity is not None:
        if not identity or len(identity) > rules.MAX_IDENTITY:
            raise bad(INVALID_PARAMETER, f"Identity must be 1 to {rules.MAX_IDENTITY} characters.", "Identity")
        if any(p.identity == identity for p in emu.conv.participants.group("conversation", c.sid).values()):
            raise conflict(rules.IDENTITY_IN_USE, f"A participant with Identity {identity} is already in "
                                                  f"Conversation {c.sid}.", "Identity")
        if projected:
            binding = rules.binding_of(None, None, projected)
    elif address is None and proxy is None and projected is None:
        raise bad(INVALID_PARAMETER, "A participant needs an Identity or a MessagingBinding.Address.", "Identity")
    else:
        binding = rules.binding_of(address, proxy, projected)
        _check_proxy(emu, account, binding)
        key = binding.key()
        holder = bound(emu, key, now) if key else None
        if holder is not None:  # reference §2.1, docs errors/50416
            raise conflict(rules.BINDING_IN_USE, "A binding for this participant and proxy address already exists "
                                                 f"in Conversation {holder.conversation_sid}",
                           "MessagingBinding.Address")
    p = Participant(sid=emu.sids.new("MB"), account_sid=account.sid, conversation_sid=c.sid,
                    chat_service_sid=c.chat_service_sid, date_created=fields.get("date_created") or now,
                    date_updated=fields.get("date_updated") or now, identity=identity,
                    attributes=rules.attributes(fields.get("attributes"), rules.MAX_ATTRIBUTES),
                    binding=binding.__dict__ if binding else None, role_sid=fields.get("role_sid"))
    await emu.conv.participants.save(emu.store, p)
    events.post_later(emu, account, "onParticipantAdded", c.sid, p.sid, events.participant_params(p), hooks_on)
    return p


def get_participant(emu: "Emulator", c: Conversation, sid: str) -> Participant:
    """By SID, or by its identity (spec)."""
    members = emu.conv.participants.group("conversation", c.sid)
    p = members.get(sid) or next((x for x in members.values() if x.identity == sid), None)
    if p is None:
        raise NotFound()
    return p


def participants_of(emu: "Emulator", c: Conversation) -> list[Participant]:
    return sorted(emu.conv.participants.group("conversation", c.sid).values(), key=lambda p: (p.date_created, p.sid))


async def update_participant(emu: "Emulator", account: Account, p: Participant, fields: dict,
                             hooks_on: bool = False) -> Participant:
    if fields.get("messaging_binding_proxy_address") is not None or \
            fields.get("messaging_binding_projected_address") is not None:  # never stored and ignored
        raise bad(INVALID_PARAMETER, "Changing a participant's MessagingBinding is not emulated: remove the "
                                     "participant and add it again.", "MessagingBinding.ProxyAddress")
    if fields.get("attributes") is not None:
        p.attributes = rules.attributes(fields["attributes"], rules.MAX_ATTRIBUTES)
    for name in ("role_sid", "last_read_timestamp", "notification_level"):
        if fields.get(name) is not None:
            setattr(p, name, fields[name])
    if fields.get("last_read_message_index") is not None:
        p.last_read_message_index = fields["last_read_message_index"]
    if fields.get("identity") is not None:
        if p.binding and p.binding.get("address"):
            raise bad(50444, "An Identity cannot be added to an SMS/WhatsApp participant.", "Identity")
        p.identity = fields["identity"]
    p.date_updated = fields.get("date_updated") or emu.now()
    await emu.conv.participants.save(emu.store, p)
    params = events.participant_params(p) + [("LastReadMessageIndex", str(p.last_read_message_index or ""))]
    events.post_later(emu, account, "onParticipantUpdated", p.conversation_sid, p.sid, params, hooks_on)
    return p


async def remove_participant(emu: "Emulator", account: Account, p: Participant, hooks_on: bool = False) -> None:
    """Its binding is free again: its next inbound message reaches the number's webhook (reference §2.1)."""
    await emu.conv.participants.remove(emu.store, p)
    params = events.participant_params(p) + [("DateRemoved", events.iso8601(emu.now()) or "")]
    events.post_later(emu, account, "onParticipantRemoved", p.conversation_sid, p.sid, params, hooks_on)


# ---- messages -------------------------------------------------------------------------------------------------
async def add_message(emu: "Emulator", account: Account, c: Conversation, fields: dict,
                      from_participant: Participant | None = None, also: tuple[Op, ...] = (),
                      hooks_on: bool = False) -> ConversationMessage:
    """A message in `c`, sent to every SMS/WhatsApp participant other than its author, each copy through the one
    send path from that participant's proxy address (reference §2.4). An inactive conversation is active again
    [UNVERIFIED for REST messages: the docs say "when a new message arrives"]."""
    now = emu.now()
    state = c.state_at(now)
    if state == CLOSED:
        raise bad(INVALID_PARAMETER, f"Conversation {c.sid} is closed: no message can be added.")
    body = fields.get("body")
    if body is not None and len(body) > rules.MAX_BODY:
        raise bad(INVALID_PARAMETER, f"Body must be at most {rules.MAX_BODY} characters.", "Body")
    if fields.get("media_sid"):  # never accepted and ignored
        raise bad(INVALID_PARAMETER, "MediaSid is not emulated: conversation messages carry text (Body) or a "
                                     "template (ContentSid).", "MediaSid")
    if not body and not fields.get("content_sid"):
        raise bad(INVALID_PARAMETER, "A message needs a Body (or MediaSid or ContentSid).", "Body")
    author = fields.get("author") or (from_participant.messaging_binding.address if from_participant else SYSTEM)
    participant = from_participant or next((p for p in emu.conv.participants.group("conversation", c.sid).values()
                                            if author in (p.identity, (p.binding or {}).get("address"))), None)
    m = ConversationMessage(sid=emu.sids.new("IM"), account_sid=account.sid, conversation_sid=c.sid,
                            chat_service_sid=c.chat_service_sid, index=c.next_index, author=author,
                            date_created=fields.get("date_created") or now, body=body,
                            attributes=rules.attributes(fields.get("attributes"), rules.MAX_ATTRIBUTES),
                            participant_sid=participant.sid if participant else None,
                            content_sid=fields.get("content_sid"))
    c.next_index += 1
    if state == INACTIVE:
        c.state, c.date_updated = ACTIVE, now
    receipts = await _fan_out(emu, account, c, m, participant)
    m.receipts = [r.__dict__ for r in receipts]
    await emu.store.write(emu.conv.messages.put(m), emu.conv.conversations.put(c), *also)
    emu.conv.messages.remember(m)
    emu.conv.conversations.remember(c)
    emu.events.publish(MESSAGE_EVENT, m)
    if state == INACTIVE:
        _schedule(emu, c)
    if from_participant is None:  # a REST message (a captured one tells its hooks itself: capture())
        events.post_later(emu, account, "onMessageAdded", c.sid, m.sid, events.message_params(m, c), hooks_on)
        if state == INACTIVE:
            events.post_later(emu, account, "onConversationStateUpdated", c.sid, c.sid,
                              events.state_params(c, INACTIVE, ACTIVE, "EVENT", now), hooks_on)
    return m


async def _fan_out(emu: "Emulator", account: Account, c: Conversation, m: ConversationMessage,
                   author: Participant | None) -> list[Receipt]:
    from .. import messaging
    out = []
    for p in participants_of(emu, c):
        binding = p.messaging_binding
        if binding is None or not binding.address or not binding.proxy_address or (author and p.sid == author.sid):
            continue
        receipt = Receipt(sid=emu.sids.new("DY"), participant_sid=p.sid, channel_message_sid=None,
                          date_created=emu.now())
        try:
            copy = await messaging.send(emu, account, SendRequest(to=binding.address, from_=binding.proxy_address,
                                                                  body=m.body, content_sid=m.content_sid))
            receipt.channel_message_sid = copy.sid
            _tell_deliveries(emu, account, c, m, receipt, copy)
        except TwilioError as exc:  # refused by the Messages API (opted out, …): a failed receipt says why
            receipt.error_code = exc.code
        out.append(receipt)
    return out


def _tell_deliveries(emu: "Emulator", account: Account, c: Conversation, m: ConversationMessage, receipt: Receipt,
                     copy: Message) -> None:
    """onDeliveryUpdated at each step of a copy's planned timeline that changes its receipt (sent, delivered,
    read, failed, undelivered), when a hook asks for it (reference §2.4), in the conversation's order of events.
    A copy whose timeline is planned later (queued behind its sender, waiting for its media) is followed: each
    plan it gets is published (engine.events), and follow_plans() plans its steps then."""
    if not hooks.hooks_for("onDeliveryUpdated", events.configs_of(emu, c),
                           list(emu.conv.scoped.group("conversation", c.sid).values()), rest=False,
                           enabled_by_header=False):
        return
    _plan_deliveries(emu, Delivery(account, c.sid, m.sid, receipt), copy)


def _plan_deliveries(emu: "Emulator", d: Delivery, copy: Message) -> None:
    """A job at each step of the copy's timeline not planned yet; followed on until its last step is final."""
    service_sid = next((c.chat_service_sid for c in (emu.conv.conversations.get(d.conversation_sid),) if c), "")
    for step in copy.timeline:
        status = rules.receipt_status(step.status)
        if status is None or (step.status, step.at) in d.planned:
            continue
        d.planned.add((step.status, step.at))
        params = [("ConversationSid", d.conversation_sid), ("ChatServiceSid", service_sid),
                  ("MessageSid", d.message_sid), ("DeliveryReceiptSid", d.receipt.sid), ("ChannelMessageSid", copy.sid),
                  ("ParticipantSid", d.receipt.participant_sid), ("Status", status),
                  ("ErrorCode", str(step.error_code or 0)),
                  ("DateCreated", events.iso8601(d.receipt.date_created) or ""),
                  ("DateUpdated", events.iso8601(step.at) or "")]
        emu.scheduler.call_at(step.at, _delivery_job(emu, d.account, d.conversation_sid, d.receipt.sid), params)
    if copy.timeline and copy.timeline[-1].status in FINAL:
        emu.conv.deliveries.pop(copy.sid, None)
    else:
        emu.conv.deliveries[copy.sid] = d


def follow_plans(emu: "Emulator"):
    """The listener (engine.events) that plans the later steps of the copies in Tables.deliveries."""
    def published(kind: str, obj) -> None:
        if kind == "message" and emu.conv.deliveries:
            d = emu.conv.deliveries.get(obj.sid)
            if d is not None:
                _plan_deliveries(emu, d, obj)
    return published


def _delivery_job(emu: "Emulator", account: Account, conversation_sid: str, receipt_sid: str):
    def due(params: list[tuple[str, str]]):
        task = events.in_order(emu, conversation_sid, events.post_event(
            emu, account, "onDeliveryUpdated", conversation_sid, receipt_sid, params, events.SYSTEM))
        return task if emu.clock.mode == "manual" else None  # awaited by advance()
    return due


def get_message(emu: "Emulator", c: Conversation, sid: str) -> ConversationMessage:
    m = emu.conv.messages.group("conversation", c.sid).get(sid)
    if m is None:
        raise NotFound()
    return m


def find(emu: "Emulator", sid: str) -> Conversation:
    """Any account's conversation by SID, or by a unique name only one conversation has (the control API)."""
    c = emu.conv.conversations.get(sid)
    if c is None:
        named = [x for x in emu.conv.conversations.values() if x.unique_name == sid]
        c = named[0] if len(named) == 1 else None
    if c is None:
        raise NotFound()
    return c


async def wait_messages(emu: "Emulator", c: Conversation, count: int, timeout: float) -> list[ConversationMessage]:
    """The conversation's messages, oldest first, once it has at least `count` of them (or when `timeout`
    seconds have passed: as they are then). Through the one waiter: woken by each message added."""
    from ..waiting import wait_until

    async def look():
        found = messages_of(emu, c)
        return len(found) >= count, found, None

    return (await wait_until(emu, look, lambda kind, m: kind == MESSAGE_EVENT and m.conversation_sid == c.sid,
                             timeout))[1]


def messages_of(emu: "Emulator", c: Conversation, newest_first: bool = False) -> list[ConversationMessage]:
    return sorted(emu.conv.messages.group("conversation", c.sid).values(), key=attrgetter("index"),
                  reverse=newest_first)


async def update_message(emu: "Emulator", account: Account, m: ConversationMessage, fields: dict,
                         hooks_on: bool = False) -> ConversationMessage:
    if fields.get("body") is not None:
        if len(fields["body"]) > rules.MAX_BODY:
            raise bad(INVALID_PARAMETER, f"Body must be at most {rules.MAX_BODY} characters.", "Body")
        m.body = fields["body"]
    if fields.get("author") is not None:
        m.author = fields["author"]
    if fields.get("attributes") is not None:
        m.attributes = rules.attributes(fields["attributes"], rules.MAX_ATTRIBUTES)
    m.date_updated = fields.get("date_updated") or emu.now()
    await emu.conv.messages.save(emu.store, m)
    c = emu.conv.conversations[m.conversation_sid]
    params = events.message_params(m, c) + [("DateUpdated", events.iso8601(m.date_updated) or "")]
    events.post_later(emu, account, "onMessageUpdated", c.sid, m.sid, params, hooks_on)
    return m


async def delete_message(emu: "Emulator", account: Account, m: ConversationMessage, hooks_on: bool = False) -> None:
    await emu.conv.messages.remove(emu.store, m)
    c = emu.conv.conversations[m.conversation_sid]
    params = events.message_params(m, c) + [("DateRemoved", events.iso8601(emu.now()) or "")]
    events.post_later(emu, account, "onMessageRemoved", c.sid, m.sid, params, hooks_on)


async def receipts_of(emu: "Emulator", m: ConversationMessage) -> list[tuple[Receipt, Message | None]]:
    """Each receipt with its channel message as it stands now (its status is the receipt's)."""
    now = emu.now()
    out = []
    for r in m.delivery_receipts:
        copy = await rows.get(emu.store, m.account_sid, r.channel_message_sid) if r.channel_message_sid else None
        out.append((r, observe(copy, now) if copy is not None else None))
    return out


def receipt_status(receipt: Receipt, copy: Message | None) -> tuple[str | None, int]:
    """(status, error code) of a receipt: its channel message's; a copy the Messages API refused is failed."""
    if copy is None:
        return "failed", receipt.error_code
    return rules.receipt_status(copy.status), copy.error_code or 0


# ---- inbound: capture and autocreation -----------------------------------------------------------------------
def captor(emu: "Emulator", msg: Message) -> tuple[Conversation, Participant] | None:
    """The open conversation that binds an inbound message's (From, To) pair, with its participant (reference
    §2.1: the conversation captures the message; the number's own webhook is not called)."""
    p = bound(emu, f"{msg.from_}|{msg.to}", emu.now())
    if p is None:
        return None
    return emu.conv.conversations[p.conversation_sid], p


async def capture(emu: "Emulator", account: Account, c: Conversation, p: Participant, msg: Message,
                  also: tuple[Op, ...] = ()) -> ConversationMessage | None:
    """The inbound message as a message of `c`, authored by its sender's address, after the pre-event hook
    onMessageAdd (which may reject it: None, or change its body, author and attributes); it wakes an inactive
    conversation and goes on to the other SMS/WhatsApp participants; then onMessageAdded. `also`: writes
    committed with it."""
    source = events.source_of(msg.from_)
    pre = [("ConversationSid", c.sid), ("ChatServiceSid", c.chat_service_sid), ("Body", msg.body),
           ("Author", msg.from_ or ""), ("ParticipantSid", p.sid), ("Attributes", "{}")]
    publish, changes = await events.pre_event(emu, account, "onMessageAdd", c.sid, pre, source)
    if not publish:
        await emu.store.write(*also)
        return None
    now = emu.now()
    was = c.state_at(now)
    m = await add_message(emu, account, c, {"body": changes.get("body", msg.body), "author": changes.get("author"),
                                            "attributes": changes.get("attributes")}, from_participant=p, also=also)
    await events.post_event(emu, account, "onMessageAdded", c.sid, m.sid, events.message_params(m, c), source)
    if was == INACTIVE:
        await events.post_event(emu, account, "onConversationStateUpdated", c.sid, c.sid,
                                events.state_params(c, INACTIVE, ACTIVE, "EVENT", now), source)
    return m


async def autocreate(emu: "Emulator", account: Account, config, msg: Message,
                     also: tuple[Op, ...] = ()) -> Conversation | None:
    """An unbound inbound message to an address that autocreates (reference §2.2): the pre-event hook
    onConversationAdd (a non-2xx drops the message: None), then the conversation, its sender as a participant
    bound to the pair, the message as index 0, and onConversationAdded, onParticipantAdded, onMessageAdded in
    that order. An address configuration of type webhook attaches its scoped webhook first."""
    from . import settings
    source = events.source_of(msg.from_)
    service_sid = (config.conversation_service_sid if config is not None else None) or default_service_sid(account.sid)
    pre = [("ChatServiceSid", service_sid), ("MessagingServiceSid", msg.messaging_service_sid or ""),
           ("State", ACTIVE), ("MessageBody", msg.body), ("MessagingBinding.ProxyAddress", msg.to),
           ("MessagingBinding.Address", msg.from_ or ""), ("FriendlyName", "")]
    publish, changes = await events.pre_event(emu, account, "onConversationAdd", msg.sid, pre, source)
    if not publish:
        await emu.store.write(*also)
        return None
    # [UNVERIFIED] the autocreated conversation's friendly name: the sender's address (an Event Streams example)
    c = await create(emu, account, {"friendly_name": changes.get("friendly_name") or msg.from_,
                                    "messaging_service_sid": msg.messaging_service_sid}, service_sid=service_sid)
    if config is not None and config.auto_type == "webhook":
        await settings.add_scoped(emu, account, c, {"target": "webhook", "url": config.webhook_url,
                                                    "method": config.webhook_method,
                                                    "filters": config.webhook_filters})
    p = await add_participant(emu, account, c, {"messaging_binding_address": msg.from_,
                                                "messaging_binding_proxy_address": msg.to})
    m = await add_message(emu, account, c, {"body": msg.body}, from_participant=p, also=also)
    now = emu.now()
    await events.post_event(emu, account, "onConversationAdded", c.sid, c.sid, events.conversation_params(c, now),
                            source)
    await events.post_event(emu, account, "onParticipantAdded", c.sid, p.sid, events.participant_params(p), source)
    await events.post_event(emu, account, "onMessageAdded", c.sid, m.sid, events.message_params(m, c), source)
    return c


# ---- ConversationWithParticipants, ParticipantConversations ----------------------------------------------------
MAX_WITH_PARTICIPANTS = 10  # spec
PAIRS_IN_USE = 50425  # docs errors/50425: address pairs already in use [UNVERIFIED status 409]


def _participant_fields(raw: str, i: int) -> dict:
    """One `Participant` of ConversationWithParticipants: a JSON object such as {"identity": "ada"} or
    {"messaging_binding": {"address": "+1…", "proxy_address": "+1…"}} (docs examples)."""
    import json
    param = f"Participant[{i}]"
    try:
        given = json.loads(raw)
    except ValueError:
        raise bad(INVALID_PARAMETER, f"{param} must be a JSON object.", "Participant") from None
    binding = given.get("messaging_binding") if isinstance(given, dict) else None
    if not isinstance(given, dict) or set(given) - {"identity", "messaging_binding", "attributes", "role_sid"} or \
            (binding is not None and (not isinstance(binding, dict) or
                                      set(binding) - {"address", "proxy_address", "projected_address"})):
        raise bad(INVALID_PARAMETER, f"{param}: identity, messaging_binding (address, proxy_address, "
                                     "projected_address), attributes and role_sid are its fields.", "Participant")
    binding = binding or {}
    values = [given.get("identity"), given.get("attributes"), given.get("role_sid"), *binding.values()]
    if not all(v is None or isinstance(v, str) for v in values):
        raise bad(INVALID_PARAMETER, f"{param}: every field is a string.", "Participant")
    return {"identity": given.get("identity"), "attributes": given.get("attributes"), "role_sid": given.get("role_sid"),
            "messaging_binding_address": binding.get("address"),
            "messaging_binding_proxy_address": binding.get("proxy_address"),
            "messaging_binding_projected_address": binding.get("projected_address")}


async def create_with_participants(emu: "Emulator", account: Account, fields: dict, participants: list[str],
                                   hooks_on: bool = False, service_sid: str | None = None) -> Conversation:
    """A conversation and up to ten participants in one request: their bindings are checked first (50425 when
    a pair is in another open conversation), so that nothing is made when one of them cannot be."""
    if len(participants) > MAX_WITH_PARTICIPANTS:
        raise bad(INVALID_PARAMETER, f"At most {MAX_WITH_PARTICIPANTS} participants.", "Participant")
    wanted = [_participant_fields(raw, i) for i, raw in enumerate(participants)]
    now = emu.now()
    for w in wanted:
        if w["messaging_binding_address"] and w["messaging_binding_proxy_address"]:
            key = f"{w['messaging_binding_address']}|{w['messaging_binding_proxy_address']}"
            holder = bound(emu, key, now)
            if holder is not None:
                raise conflict(PAIRS_IN_USE, f"The address pair {key.replace('|', ', ')} is already in Conversation "
                                             f"{holder.conversation_sid}.", "Participant")
    c = await create(emu, account, fields, hooks_on, service_sid)
    try:
        for w in wanted:
            await add_participant(emu, account, c, w, hooks_on)
    except TwilioError as exc:  # docs errors/50427: the conversation is closed, the request fails
        c.state = CLOSED
        await emu.conv.conversations.save(emu.store, c)
        raise TwilioError(f"Creating the participants failed ({exc.message}); Conversation {c.sid} was closed.",
                          code=50427, status=exc.status, param="Participant") from None
    return c


def participant_conversations(emu: "Emulator", account: Account, identity: str | None, address: str | None,
                              service_sid: str | None = None) -> list[tuple[Participant, Conversation]]:
    """The conversations of a Conversation Service (the default one when None) that a chat identity or an
    SMS/WhatsApp address is a participant of."""
    if (identity is None) == (address is None):
        raise bad(INVALID_PARAMETER, "Give Identity or Address (one of them).", "Identity")
    found, service_sid = [], service_sid or default_service_sid(account.sid)
    for p in emu.conv.participants.values():
        if p.account_sid != account.sid or p.chat_service_sid != service_sid:
            continue
        if (identity is not None and p.identity == identity) or \
                (address is not None and (p.binding or {}).get("address") == address):
            found.append((p, emu.conv.conversations[p.conversation_sid]))
    return sorted(found, key=lambda pc: (pc[1].date_created, pc[1].sid))


# ---- a user's conversations -----------------------------------------------------------------------------------
def user_conversations(emu: "Emulator", user) -> list[tuple[Participant, Conversation]]:
    """The conversations of the user's service where a participant has the user's identity, oldest first."""
    found = [(p, emu.conv.conversations[p.conversation_sid]) for p in emu.conv.participants.values()
             if p.identity == user.identity and p.chat_service_sid == user.chat_service_sid
             and p.account_sid == user.account_sid]
    return sorted(found, key=lambda pc: (pc[1].date_created, pc[1].sid))


def user_conversation(emu: "Emulator", user, sid: str) -> tuple[Participant, Conversation]:
    """By the conversation's SID or unique name."""
    found = next(((p, c) for p, c in user_conversations(emu, user) if sid in (c.sid, c.unique_name)), None)
    if found is None:
        raise NotFound()
    return found


def unread(emu: "Emulator", p: Participant) -> int | None:
    """Messages after the participant's read horizon; None while it has none [UNVERIFIED: Twilio's null]."""
    if p.last_read_message_index is None:
        return None
    return sum(1 for m in emu.conv.messages.group("conversation", p.conversation_sid).values()
               if m.index > p.last_read_message_index)
