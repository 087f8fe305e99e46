"""Conversations webhooks (domain.conversation_events says who is told of what): the parameters of each event,
the pre-event hooks that may veto or change an action, and the post-event ones, sent in the order of their
events. Every request goes through the one bookkeeping of webhooks (engine.callbacks.notify: signed, in the
webhook log and the inspector, an 11200 alert when it fails)."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ...domain import channels
from ...domain import conversation_events as hooks
from ...domain.accounts import Account
from ...domain.dates import iso8601
from ...domain.conversations import Conversation, ConversationMessage, Participant
from ..callbacks import notify

if TYPE_CHECKING:
    from .. import Emulator

KIND = "conversations_webhook"  # its rows in the webhook log
API, SMS, WHATSAPP = "API", "SMS", "WHATSAPP"  # Source (docs list SDK/API; a captured SMS event says SMS)
SYSTEM = "SYSTEM"  # a timer's change [UNVERIFIED Source]: told whatever REST asked, as every state change is (§2.7)


def source_of(address: str | None) -> str:
    return WHATSAPP if channels.channel_of(address) == channels.WHATSAPP else SMS


def conversation_params(c: Conversation, now: float) -> list[tuple[str, str]]:
    return [("ConversationSid", c.sid), ("ChatServiceSid", c.chat_service_sid),
            ("MessagingServiceSid", c.messaging_service_sid or ""), ("FriendlyName", c.friendly_name or ""),
            ("UniqueName", c.unique_name or ""), ("Attributes", c.attributes), ("State", c.state_at(now)),
            ("DateCreated", iso8601(c.date_created) or ""), ("DateUpdated", iso8601(c.date_updated) or "")]


def participant_params(p: Participant) -> list[tuple[str, str]]:
    b = p.messaging_binding
    kind = "CHAT" if b is None or not b.address else b.type.upper()
    out = [("ConversationSid", p.conversation_sid), ("ChatServiceSid", p.chat_service_sid), ("ParticipantSid", p.sid),
           ("Identity", p.identity or ""), ("RoleSid", p.role_sid or ""), ("Attributes", p.attributes),
           ("MessagingBinding.Type", kind), ("DateCreated", iso8601(p.date_created) or ""), ("DateUpdated", iso8601(p.date_updated) or "")]
    if b is not None:
        out += [(f"MessagingBinding.{name}", value) for name, value in (
            ("Address", b.address), ("ProxyAddress", b.proxy_address), ("ProjectedAddress", b.projected_address))
            if value]
    return out


def message_params(m: ConversationMessage, c: Conversation) -> list[tuple[str, str]]:
    return [("ConversationSid", m.conversation_sid), ("ChatServiceSid", m.chat_service_sid), ("MessageSid", m.sid),
            ("MessagingServiceSid", c.messaging_service_sid or ""), ("Index", str(m.index)), ("Author", m.author),
            ("Body", m.body or ""), ("ParticipantSid", m.participant_sid or ""), ("Attributes", m.attributes),
            ("DateCreated", iso8601(m.date_created) or ""), ("RetryCount", "0")]


def state_params(c: Conversation, before: str, after: str, reason: str, now: float) -> list[tuple[str, str]]:
    return [("ChatServiceSid", c.chat_service_sid), ("ConversationSid", c.sid), ("StateUpdated", iso8601(now) or ""),
            ("StateFrom", before), ("StateTo", after), ("MessagingServiceSid", c.messaging_service_sid or ""),
            ("Reason", reason)]


def _scoped(emu: "Emulator", conversation_sid: str | None) -> list[hooks.ScopedWebhook]:
    return list(emu.conv.scoped.group("conversation", conversation_sid).values()) if conversation_sid else []


def _configs(emu: "Emulator", account_sid: str, service_sid: str | None) -> list[hooks.WebhookConfig | None]:
    """The account's webhook configuration, then its Conversation Service's."""
    return [emu.conv.webhook_config.get(account_sid), emu.conv.webhook_config.get(service_sid) if service_sid else None]


def configs_of(emu: "Emulator", c: Conversation) -> list[hooks.WebhookConfig | None]:
    return _configs(emu, c.account_sid, c.chat_service_sid)


def _service_in(params: list[tuple[str, str]]) -> str | None:
    return next((v for k, v in params if k == "ChatServiceSid"), None)


async def pre_event(emu: "Emulator", account: Account, event: str, resource_sid: str,
                    params: list[tuple[str, str]], source: str) -> tuple[bool, dict]:
    """Ask the pre-event hooks of the account and of the Conversation Service its ChatServiceSid names (when
    their filters name `event`), one after the other: (publish?, the changes they ask for); the first that
    rejects decides. Not asked for REST actions (§2.5)."""
    targets = hooks.hooks_for(event, _configs(emu, account.sid, _service_in(params)), [], rest=source == API,
                              enabled_by_header=False)
    publish, changes = True, {}
    for method, url in targets:
        attempt = await notify(emu, account, resource_sid, KIND, event, method, url,
                               [("AccountSid", account.sid), ("EventType", event), ("Source", source), *params],
                               f"{event}:{emu.now()}", timeout=hooks.PRE_EVENT_TIMEOUT)
        answered = attempt.status if attempt.error is None else None
        publish, asked = hooks.pre_event_answer(event, answered, attempt.raw)
        if not publish:
            return False, {}
        changes.update(asked)
    return publish, changes


async def post_event(emu: "Emulator", account: Account, event: str, conversation_sid: str | None, resource_sid: str,
                     params: list[tuple[str, str]], source: str, enabled_by_header: bool = False) -> None:
    """Tell every hook whose filters name `event` (the post-event URLs of the account and of the service its
    ChatServiceSid names, the conversation's scoped webhooks), one after the other."""
    targets = hooks.hooks_for(event, _configs(emu, account.sid, _service_in(params)), _scoped(emu, conversation_sid),
                              rest=source == API, enabled_by_header=enabled_by_header)
    body = [("AccountSid", account.sid), ("EventType", event), ("Source", source), *params]
    for method, url in targets:
        await notify(emu, account, resource_sid, KIND, event, method, url, body, f"{event}:{url}:{emu.now()}")


def post_later(emu: "Emulator", account: Account, event: str, conversation_sid: str | None, resource_sid: str,
               params: list[tuple[str, str]], enabled_by_header: bool) -> None:
    """post_event for a REST action, in the background, after the conversation's earlier events (so that an
    app receives them in the order they happened); nothing at all unless the request asked for webhooks."""
    if not enabled_by_header:
        return
    in_order(emu, conversation_sid or account.sid,
             post_event(emu, account, event, conversation_sid, resource_sid, params, API, True))


def in_order(emu: "Emulator", key: str, work) -> asyncio.Task:
    """Run `work` in the background after the earlier work of `key` (a conversation): its events reach the app
    in the order they happened, each request in a task of its own."""
    previous = emu.conv.last_event.get(key)

    async def send() -> None:
        if previous is not None:
            await asyncio.wait([previous])
        await work

    task = emu.background.spawn(send())
    emu.conv.last_event[key] = task
    task.add_done_callback(lambda t: emu.conv.last_event.get(key) is t and emu.conv.last_event.pop(key))
    return task
