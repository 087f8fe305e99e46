"""Conversations webhooks and address configurations (reference twilio-conversations §1.8–§1.10, §2.2, §2.5):
who is told of what, with which parameters, and what a pre-event hook's answer changes. Pure.

- Account-level (`/v1/Configuration/Webhooks`) and service-level (`/v1/Services/{IS}/Configuration/Webhooks`):
  a pre-event and a post-event URL, one method, the filters. The account's are told of the conversations of
  every service, a service's of its own ones [UNVERIFIED: the docs call the account's "global"].
- Conversation-scoped (`/v1/Conversations/{CH}/Webhooks`): post-event only, at most 5, each with its filters.
- Actions of SMS/WhatsApp participants fire them; REST actions do not, unless the request says
  `X-Twilio-Webhook-Enabled: true`, and then only post-event hooks (§2.5).
- A pre-event hook's answer: 2xx publishes (a JSON object may change the fields below); any other status
  rejects; no answer within PRE_EVENT_TIMEOUT publishes unchanged.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .conversations import bad
from .errors import INVALID_PARAMETER

PRE_EVENT_TIMEOUT = 5.0  # seconds (docs: "no reply within 5 s: published unchanged")
MAX_SCOPED = 5  # conversation-scoped webhooks per conversation (docs)
PRE_EVENTS = ("onConversationAdd", "onConversationUpdate", "onConversationRemove", "onMessageAdd",
              "onMessageUpdate", "onMessageRemove", "onParticipantAdd", "onParticipantUpdate", "onParticipantRemove",
              "onUserUpdate")
POST_EVENTS = ("onConversationAdded", "onConversationUpdated", "onConversationRemoved", "onConversationStateUpdated",
               "onMessageAdded", "onMessageUpdated", "onMessageRemoved", "onParticipantAdded", "onParticipantUpdated",
               "onParticipantRemoved", "onDeliveryUpdated", "onUserAdded", "onUserUpdated")
# What a pre-event hook's JSON answer may change (docs): the field names as the JSON gives them.
MODIFIABLE = {"onMessageAdd": ("body", "author", "attributes"), "onMessageUpdate": ("body", "author", "attributes"),
              "onConversationAdd": ("friendly_name",), "onConversationUpdate": ("friendly_name",)}
ADDRESS_TYPES = ("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat")
EMULATED_ADDRESS_TYPES = ("sms", "whatsapp", "rcs")
AUTO_CREATION_TYPES = ("webhook", "studio", "default")


def check_filters(filters: list[str], allowed: tuple[str, ...], param: str) -> list[str]:
    unknown = [f for f in filters if f not in allowed]
    if unknown:
        raise bad(INVALID_PARAMETER, f"{param}: {unknown[0]} is not an event of this webhook (one of {', '.join(allowed)}).", param)
    return filters


def check_method(method: str | None, param: str, default: str = "POST") -> str:
    value = (method or default).upper()
    if value not in ("GET", "POST"):
        raise bad(INVALID_PARAMETER, f"{param} must be GET or POST, not {method!r}.", param)
    return value


@dataclass
class WebhookConfig:
    """An account's Conversations webhooks (`/v1/Configuration/Webhooks`), or with `chat_service_sid` a
    service's (`/v1/Services/{IS}/Configuration/Webhooks`)."""
    account_sid: str
    method: str = "POST"
    filters: list[str] = field(default_factory=list)
    pre_webhook_url: str | None = None
    post_webhook_url: str | None = None
    target: str = "webhook"
    chat_service_sid: str | None = None

    @property
    def scope(self) -> str:
        """Its key: the service it belongs to, else the account."""
        return self.chat_service_sid or self.account_sid


@dataclass
class ScopedWebhook:
    """A conversation-scoped webhook (WH…): post-event only."""
    sid: str
    account_sid: str
    conversation_sid: str
    target: str  # webhook (trigger and studio are not emulated: refused with a message that says so)
    url: str
    method: str
    filters: list[str]
    date_created: float
    date_updated: float
    chat_service_sid: str | None = None  # None: the account's default service


@dataclass
class AddressConfiguration:
    """An address whose inbound messages autocreate conversations (IG…, `/v1/Configuration/Addresses`)."""
    sid: str
    account_sid: str
    type: str
    address: str
    date_created: float
    date_updated: float
    friendly_name: str | None = None
    address_country: str | None = None
    enabled: bool = False
    auto_type: str = "default"  # default | webhook (studio: refused, not emulated)
    conversation_service_sid: str | None = None
    webhook_url: str | None = None
    webhook_method: str = "POST"
    webhook_filters: list[str] = field(default_factory=list)


@dataclass
class AccountConfiguration:
    """`/v1/Configuration`: the defaults of new conversations (timers in seconds; None: none)."""
    account_sid: str
    default_messaging_service_sid: str | None = None
    default_inactive_timer: float | None = None
    default_closed_timer: float | None = None


@dataclass
class User:
    """A chat user (US…, `/v1/Users`): plain CRUD (reference §1.12)."""
    sid: str
    account_sid: str
    chat_service_sid: str
    identity: str
    date_created: float
    date_updated: float
    friendly_name: str | None = None
    attributes: str = "{}"
    role_sid: str | None = None


@dataclass
class Role:
    """A role (RL…, `/v1/Roles`): plain CRUD (reference §1.12); what its permissions allow is not enforced."""
    sid: str
    account_sid: str
    chat_service_sid: str
    friendly_name: str
    type: str  # conversation | service
    permissions: list[str]
    date_created: float
    date_updated: float


@dataclass
class ChatService:
    """A Conversation Service (IS…): the account's default one, or one made through `/v1/Services`. It holds its
    conversations, users and roles; its configuration (`/v1/Services/{IS}/Configuration`) is the roles given
    by default, which are stored and shown, not enforced."""
    sid: str
    account_sid: str
    friendly_name: str
    date_created: float
    date_updated: float
    default_conversation_creator_role_sid: str | None = None
    default_conversation_role_sid: str | None = None
    default_chat_service_role_sid: str | None = None
    reachability_enabled: bool = False


@dataclass
class ServiceAutocreation:
    """A Messaging Service whose inbound messages autocreate conversations: the console's "Autocreate a
    Conversation" (reference §2.3). Twilio's API has no field for it: an emulator setting."""
    service_sid: str
    account_sid: str


def hooks_for(event: str, configs: list[WebhookConfig | None], scoped: list[ScopedWebhook],
              rest: bool, enabled_by_header: bool) -> list[tuple[str, str]]:
    """(method, url) of every hook told of `event`: the account's and the service's configuration (`configs`, in
    that order), then the conversation's scoped webhooks. `rest`: the action came through the REST API, which
    fires post-event hooks only when its request said X-Twilio-Webhook-Enabled: true (§2.5)."""
    pre = event in PRE_EVENTS
    if rest and (pre or not enabled_by_header):
        return []
    out = []
    for config in configs:
        if config is not None and event in config.filters:
            url = config.pre_webhook_url if pre else config.post_webhook_url
            if url:
                out.append((config.method, url))
    if not pre:
        out += [(w.method, w.url) for w in scoped if event in w.filters]
    return out


def pre_event_answer(event: str, status: int | None, raw: bytes) -> tuple[bool, dict]:
    """(publish?, the changes) from a pre-event hook's answer: no answer (a timeout) publishes unchanged; a 2xx
    publishes with what its JSON object changes of MODIFIABLE; any other status rejects (§2.5)."""
    if status is None:
        return True, {}
    if not 200 <= status < 300:
        return False, {}
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return True, {}  # [UNVERIFIED] a 2xx that is not JSON publishes unchanged
    if not isinstance(answer, dict):
        return True, {}
    return True, {k: str(v) for k, v in answer.items() if k in MODIFIABLE.get(event, ()) and v is not None}
