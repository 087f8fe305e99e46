"""WhatsApp and RCS senders (Senders API `XE…`): create, verify, update, delete; their membership of a
Messaging Service's pool (ChannelSenders); the sender of a channel message; and WhatsApp's 24-hour window.
The rules are in domain.channels."""
from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from ..domain import channels, numbers
from ..domain.accounts import Account
from ..domain.channels import (CREATING, NO_CHANNEL, ONLINE, PENDING_VERIFICATION, RCS, SENDER_TYPES, VERIFYING,
                               WHATSAPP, ChannelSender, Conversation)
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..domain.messaging_services import MessagingService, ServiceSender
from ..store import Op
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator

SENDER, CONVERSATION = "channel_sender", "whatsapp_conversation"
POOL_KIND = "channel_sender"  # a ServiceSender of this kind is a channel sender in a service's pool


def tables() -> tuple[Table[ChannelSender], Table[Conversation]]:
    """Senders by sid (and by sender_id: one per address across the emulator, as on WhatsApp), and the
    WhatsApp conversations by "sender|user"."""
    return (Table(SENDER, ChannelSender, indexes={"sender_id": attrgetter("sender_id")}),
            Table(CONVERSATION, Conversation))


# ---- the Senders API ---------------------------------------------------------------------------------------

async def create(emu: "Emulator", account: Account, body: dict, *, online: bool = False) -> ChannelSender:
    """A new sender, CREATING. A WhatsApp number the account owns on Twilio, and every RCS agent, come
    ONLINE once created; any other WhatsApp number waits in PENDING_VERIFICATION for the code its phone was
    sent (configuration.verification_method; update with configuration.verification_code) [UNVERIFIED:
    Twilio verifies its own numbers itself]. `online`: ONLINE at once (scenario files, the control API)."""
    address = channels.check_sender_id(body.get("sender_id"))
    configuration, webhook, profile = channels.check_parts(body, address.channel)
    if address.channel == WHATSAPP and not profile.get("name") and not online:
        raise error(INVALID_PARAMETER, "profile.name is required for a WhatsApp sender.", param="name")
    if emu.channel_senders.by("sender_id", address.text) is not None:
        # [UNVERIFIED] code and status: a number can be one WhatsApp sender only.
        raise error(INVALID_PARAMETER, f"{address.text} is already a sender.", status=409)
    name = body.get("friendly_name")
    if name is not None and not isinstance(name, str):
        raise error(INVALID_PARAMETER, "friendly_name must be a string.", param="friendly_name")
    now = emu.now()
    configuration.pop("verification_code", None)
    if address.channel == WHATSAPP:
        configuration.setdefault("verification_method", "sms")
    sender = ChannelSender(sid=emu.sids.new("XE"), account_sid=account.sid, sender_id=address.text,
                           status=ONLINE if online else CREATING, date_created=now, date_updated=now,
                           configuration=configuration, webhook=webhook, profile=profile, friendly_name=name)
    if not online:
        sender.ready_at = now + emu.settings.channel_delay("sender")  # instant timing: at once, after this call
        owned = emu.numbers_by_e164.get(address.value)
        if address.channel == RCS or (owned is not None and owned.account_sid == account.sid):
            sender.next_status = ONLINE
        else:
            sender.next_status = PENDING_VERIFICATION
            sender.otp = f"{emu.rng.randrange(10 ** 6):06d}"
    return await emu.channel_senders.save(emu.store, sender)


def get(emu: "Emulator", account: Account, sid: str) -> ChannelSender:
    sender = emu.channel_senders.get(sid)
    if sender is None or sender.account_sid != account.sid:
        raise NotFound()
    return sender


def listed(emu: "Emulator", account: Account, channel: str | None) -> list[ChannelSender]:
    return sorted((s for s in emu.channel_senders.values()
                   if s.account_sid == account.sid and (channel is None or s.channel == channel)),
                  key=lambda s: (s.date_created, s.sid))


async def update(emu: "Emulator", sender: ChannelSender, body: dict) -> ChannelSender:
    """Change webhook, profile or configuration; a verification_code completes the OTP flow (VERIFYING, then
    ONLINE on the clock). A wrong code is refused [UNVERIFIED code: 20001] and changes nothing."""
    configuration, webhook, profile = channels.check_parts(body, sender.channel)
    now = emu.now()
    code = configuration.pop("verification_code", None)
    if code is not None:
        if sender.status_at(now) != PENDING_VERIFICATION:
            raise error(INVALID_PARAMETER, f"Sender {sender.sid} is not waiting for a verification code.",
                        param="verification_code")
        if code != sender.otp:
            raise error(INVALID_PARAMETER, "The verification code does not match the one sent to "
                                           f"{sender.number}.", param="verification_code")
        sender.status, sender.next_status, sender.otp = VERIFYING, ONLINE, None
        sender.ready_at = now + emu.settings.channel_delay("sender")
    elif sender.ready_at is not None and now >= sender.ready_at and sender.next_status:
        sender.status, sender.next_status, sender.ready_at = sender.next_status, None, None
    name = body.get("friendly_name")
    if name is not None:
        if not isinstance(name, str):
            raise error(INVALID_PARAMETER, "friendly_name must be a string.", param="friendly_name")
        sender.friendly_name = name
    sender.configuration.update(configuration)
    sender.webhook.update(webhook)
    sender.profile.update(profile)
    sender.date_updated = now
    return await emu.channel_senders.save(emu.store, sender)


async def delete(emu: "Emulator", sender: ChannelSender) -> None:
    """The sender goes, and with it its place in any service's pool."""
    member = emu.service_senders.get(sender.sid)
    also = (emu.service_senders.delete(member),) if member is not None else ()
    await emu.channel_senders.remove(emu.store, sender, *also)
    if member is not None:
        emu.service_senders.forget(member)


# ---- pools -------------------------------------------------------------------------------------------------

async def add_to_pool(emu: "Emulator", account: Account, service: MessagingService, sid: str | None) -> ServiceSender:
    """POST /v1/Services/{MG}/ChannelSenders Sid=XE… (spec messaging v1)."""
    from .messaging_services import check_room
    sender = emu.channel_senders.get(sid or "")
    if sender is None or sender.account_sid != account.sid:
        # [UNVERIFIED] code, as for a phone number that is not the account's (21421)
        raise error(21421, f"Sid {sid} is not a WhatsApp or RCS sender of this account.")
    current = emu.service_senders.get(sender.sid)
    if current is not None:
        if current.service_sid == service.sid:
            raise error(21710, f"Sender {sender.sender_id} is already in the Messaging Service.", status=409)
        raise error(21712, f"Sender {sender.sender_id} is associated with another Messaging Service.")
    check_room(emu, service)
    now = emu.now()
    parsed = numbers.parse(sender.number) if sender.channel == WHATSAPP else None
    member = ServiceSender(sid=sender.sid, account_sid=account.sid, service_sid=service.sid, kind=POOL_KIND,
                           address=sender.sender_id, country=parsed.country if parsed else "", capabilities=[],
                           date_created=now, date_updated=now)
    return await emu.service_senders.save(emu.store, member)


def sender_type(member: ServiceSender) -> str:
    return SENDER_TYPES.get(channels.channel_of(member.address), "")


def in_pool(emu: "Emulator", service: MessagingService, channel: str) -> ChannelSender | None:
    """The service's online sender of `channel` (the oldest, when it has several) [UNVERIFIED: how Twilio
    chooses among several WhatsApp senders of one pool]."""
    now = emu.now()
    found = []
    for member in emu.service_senders.group("service", service.sid).values():
        sender = emu.channel_senders.get(member.sid) if member.kind == POOL_KIND else None
        if sender is not None and sender.channel == channel and sender.online(now):
            found.append(sender)
    return min(found, key=lambda s: (s.date_created, s.sid), default=None)


def service_of(emu: "Emulator", sender: ChannelSender) -> MessagingService | None:
    member = emu.service_senders.get(sender.sid)
    return emu.services.get(member.service_sid) if member is not None else None


# ---- sending -----------------------------------------------------------------------------------------------

SANDBOX = "whatsapp:+14155238886"  # Twilio's shared WhatsApp Sandbox number (reference twilio-more §5.8)


def sender_for(emu: "Emulator", account: Account, address: str) -> ChannelSender:
    """The account's online sender `address` (a channel `From`), else 63007 (docs errors/63007: also a sender
    still being created or verified). The WhatsApp Sandbox is not emulated: its number says so."""
    sender = emu.channel_senders.by("sender_id", address)
    if sender is None and address == SANDBOX:
        raise error(NO_CHANNEL, f"{SANDBOX} is Twilio's WhatsApp Sandbox, which the emulator does not emulate: "
                                "register a sender of your own (POST /v2/Channels/Senders, or [[senders]] in a "
                                "scenario file) and send from it.")
    if sender is None or sender.account_sid != account.sid or not sender.online(emu.now()):
        state = "" if sender is None or sender.account_sid != account.sid else \
            f" (it is {sender.status_at(emu.now())}, not ONLINE)"
        raise error(NO_CHANNEL, f"Twilio could not find a Channel with the specified From address: {address}"
                                f"{state}.")
    return sender


def by_address(emu: "Emulator", address: str | None) -> ChannelSender | None:
    return emu.channel_senders.by("sender_id", address or "")


def window_open(emu: "Emulator", sender: str, user: str) -> bool:
    conversation = emu.conversations.get(f"{sender}|{user}")
    return channels.in_window(conversation.last_inbound if conversation else None, emu.now())


def user_wrote(emu: "Emulator", account_sid: str, sender: str, user: str, at: float) -> tuple[Op, Conversation]:
    """The user's message opens (or renews) the window: the write, for the inbound message's own batch, and
    the row to remember once it is committed."""
    conversation = Conversation(account_sid=account_sid, sender=sender, user=user, last_inbound=at)
    return emu.conversations.put(conversation), conversation
