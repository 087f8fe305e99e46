"""Conversations configuration: the account's webhooks (`/v1/Configuration/Webhooks`), conversation-scoped
webhooks, and address configurations (`/v1/Configuration/Addresses`) that autocreate conversations for inbound
messages (domain.conversation_events has their rules). What Twilio has and the emulator does not emulate (Studio
targets, trigger webhooks, address types other than SMS, WhatsApp and RCS) is refused with a message that says
so, never stored and ignored."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain import channels
from ...domain import conversation_events as hooks
from ...domain.accounts import Account
from ...domain.conversation_events import AddressConfiguration, ScopedWebhook, WebhookConfig
from ...domain.conversations import Conversation, bad, conflict
from ...domain.errors import INVALID_PARAMETER, NotFound, TwilioError
from ...domain.messages import is_http_url
from ...domain.sids import is_sid

if TYPE_CHECKING:
    from .. import Emulator


def _bad(message: str, param: str, status: int = 400) -> TwilioError:
    """A bad parameter (20001), or with status 409 a conflict [UNVERIFIED code]."""
    return (conflict if status == 409 else bad)(INVALID_PARAMETER, message, param)


def _url(value: str | None, param: str) -> str | None:
    if value and not is_http_url(value):
        raise _bad(f"{param} is not a valid URL: {value}", param)
    return value or None


# ---- the account's webhooks -----------------------------------------------------------------------------------
def webhook_config(emu: "Emulator", account: Account, service_sid: str | None = None) -> WebhookConfig:
    """The account's (`/v1/Configuration/Webhooks`), or a Conversation Service's."""
    return emu.conv.webhook_config.get(service_sid or account.sid) or WebhookConfig(account.sid,
                                                                                   chat_service_sid=service_sid)


async def set_webhook_config(emu: "Emulator", account: Account, fields: dict,
                             service_sid: str | None = None) -> WebhookConfig:
    config = webhook_config(emu, account, service_sid)
    if fields.get("target") is not None:
        if fields["target"] not in ("webhook", "flex"):
            raise _bad(f"Target must be webhook or flex, not {fields['target']!r}.", "Target")
        if fields["target"] == "flex":
            raise _bad("Target flex is not emulated: Flex is not part of the emulator.", "Target")
        config.target = fields["target"]
    if fields.get("method") is not None:
        config.method = hooks.check_method(fields["method"], "Method")
    if fields.get("filters") is not None:
        config.filters = hooks.check_filters(fields["filters"], hooks.PRE_EVENTS + hooks.POST_EVENTS, "Filters")
    for name, param in (("pre_webhook_url", "PreWebhookUrl"), ("post_webhook_url", "PostWebhookUrl")):
        if fields.get(name) is not None:
            setattr(config, name, _url(fields[name], param))
    return await emu.conv.webhook_config.save(emu.store, config)


# ---- conversation-scoped webhooks -----------------------------------------------------------------------------
def scoped_of(emu: "Emulator", c: Conversation) -> list[ScopedWebhook]:
    return sorted(emu.conv.scoped.group("conversation", c.sid).values(), key=lambda w: (w.date_created, w.sid))


def _scoped_fields(w: ScopedWebhook, fields: dict) -> None:
    if fields.get("url") is not None:
        w.url = _url(fields["url"], "Configuration.Url") or ""
    if fields.get("method") is not None:
        w.method = hooks.check_method(fields["method"], "Configuration.Method")
    if fields.get("filters") is not None:
        w.filters = hooks.check_filters(fields["filters"], hooks.POST_EVENTS, "Configuration.Filters")
    if fields.get("flow_sid") or fields.get("triggers"):
        raise _bad("Studio flows and trigger webhooks are not emulated.", "Configuration.FlowSid")


async def add_scoped(emu: "Emulator", account: Account, c: Conversation, fields: dict) -> ScopedWebhook:
    target = fields.get("target")
    if target not in ("webhook", "trigger", "studio"):
        raise _bad(f"Target must be webhook, trigger or studio, not {target!r}.", "Target")
    if target != "webhook":
        raise _bad(f"Target {target} is not emulated: only webhook targets are.", "Target")
    if len(scoped_of(emu, c)) >= hooks.MAX_SCOPED:
        raise _bad(f"A conversation has at most {hooks.MAX_SCOPED} scoped webhooks [UNVERIFIED code].", "Target")
    if fields.get("replay_after") is not None:
        raise _bad("Configuration.ReplayAfter is not emulated.", "Configuration.ReplayAfter")
    now = emu.now()
    w = ScopedWebhook(sid=emu.sids.new("WH"), account_sid=account.sid, conversation_sid=c.sid, target=target, url="",
                      method="POST", filters=[], date_created=now, date_updated=now,
                      chat_service_sid=c.chat_service_sid)
    _scoped_fields(w, fields)
    if not w.url:
        raise _bad("Configuration.Url is required for a webhook target.", "Configuration.Url")
    return await emu.conv.scoped.save(emu.store, w)


def get_scoped(emu: "Emulator", c: Conversation, sid: str) -> ScopedWebhook:
    w = emu.conv.scoped.group("conversation", c.sid).get(sid)
    if w is None:
        raise NotFound()
    return w


async def update_scoped(emu: "Emulator", w: ScopedWebhook, fields: dict) -> ScopedWebhook:
    _scoped_fields(w, fields)
    w.date_updated = emu.now()
    return await emu.conv.scoped.save(emu.store, w)


async def remove_scoped(emu: "Emulator", w: ScopedWebhook) -> None:
    await emu.conv.scoped.remove(emu.store, w)


# ---- address configurations -----------------------------------------------------------------------------------
def _owned(emu: "Emulator", account: Account, address: str) -> bool:
    if channels.channel_of(address):
        sender = emu.channel_senders.by("sender_id", address)
        return sender is not None and sender.account_sid == account.sid
    number = emu.numbers_by_e164.get(address)
    return number is not None and number.account_sid == account.sid


def _address_fields(emu: "Emulator", a: AddressConfiguration, fields: dict) -> None:
    if fields.get("friendly_name") is not None:
        a.friendly_name = fields["friendly_name"]
    if fields.get("enabled") is not None:
        a.enabled = fields["enabled"]
    if fields.get("auto_type") is not None:
        if fields["auto_type"] not in hooks.AUTO_CREATION_TYPES:
            raise _bad(f"AutoCreation.Type must be one of {', '.join(hooks.AUTO_CREATION_TYPES)}.",
                       "AutoCreation.Type")
        if fields["auto_type"] == "studio":
            raise _bad("AutoCreation.Type studio is not emulated: use default or webhook.", "AutoCreation.Type")
        a.auto_type = fields["auto_type"]
    if fields.get("conversation_service_sid") is not None:
        sid = fields["conversation_service_sid"]
        if not any(s.sid == sid for s in services_of(emu, emu.accounts[a.account_sid])):
            raise _bad(f"AutoCreation.ConversationServiceSid {sid} is not a Conversation Service of this account.",
                       "AutoCreation.ConversationServiceSid")
        a.conversation_service_sid = sid
    if fields.get("webhook_url") is not None:
        a.webhook_url = _url(fields["webhook_url"], "AutoCreation.WebhookUrl")
    if fields.get("webhook_method") is not None:
        a.webhook_method = hooks.check_method(fields["webhook_method"], "AutoCreation.WebhookMethod")
    if fields.get("webhook_filters") is not None:
        a.webhook_filters = hooks.check_filters(fields["webhook_filters"], hooks.POST_EVENTS,
                                                "AutoCreation.WebhookFilters")
    if fields.get("studio_flow_sid"):
        raise _bad("AutoCreation.StudioFlowSid is not emulated.", "AutoCreation.StudioFlowSid")
    if a.enabled and a.auto_type == "webhook" and not a.webhook_url:
        raise _bad("AutoCreation.WebhookUrl is required for AutoCreation.Type webhook.", "AutoCreation.WebhookUrl")


def _fixed_sid(sid: str | None, prefix: str, taken) -> None:
    """A SID a scenario file fixes (so that an app's configuration can name it): well formed and free."""
    if sid is not None and (not is_sid(sid, prefix) or sid in taken):
        raise _bad(f"Sid {sid} is taken" if is_sid(sid, prefix) else f"Sid must be {prefix} and 32 hex digits",
                   "Sid")


async def add_address(emu: "Emulator", account: Account, fields: dict, sid: str | None = None) -> AddressConfiguration:
    kind, address = (fields.get("type") or "").lower(), fields.get("address")
    if kind not in hooks.ADDRESS_TYPES:
        raise _bad(f"Type must be one of {', '.join(hooks.ADDRESS_TYPES)}.", "Type")
    if kind not in hooks.EMULATED_ADDRESS_TYPES:
        raise _bad(f"Type {kind} is not emulated: only sms, whatsapp and rcs addresses are.", "Type")
    if not address:
        raise _bad("Address is required.", "Address")
    if kind != "sms" and channels.channel_of(address) != kind:
        address = f"{kind}:{address}"  # a WhatsApp address as the Senders API names it [UNVERIFIED]
    if not _owned(emu, account, address):
        raise _bad(f"Address {address} is not a number or sender of this account.", "Address")
    if emu.conv.addresses.group("address", address):
        raise _bad(f"Address {address} has an address configuration already [UNVERIFIED code].", "Address", 409)
    _fixed_sid(sid, "IG", emu.conv.addresses)
    now = emu.now()
    a = AddressConfiguration(sid=sid or emu.sids.new("IG"), account_sid=account.sid, type=fields.get("type"),
                             address=address, date_created=now, date_updated=now,
                             address_country=fields.get("address_country"))
    _address_fields(emu, a, fields)
    return await emu.conv.addresses.save(emu.store, a)


def addresses_of(emu: "Emulator", account: Account, kind: str | None = None) -> list[AddressConfiguration]:
    return sorted((a for a in emu.conv.addresses.values()
                   if a.account_sid == account.sid and (kind is None or a.type.lower() == kind.lower())),
                  key=lambda a: (a.date_created, a.sid))


def get_address(emu: "Emulator", account: Account, sid: str) -> AddressConfiguration:
    """By SID, or by the address itself (spec)."""
    a = emu.conv.addresses.get(sid) or next(iter(emu.conv.addresses.group("address", sid).values()), None)
    if a is None or a.account_sid != account.sid:
        raise NotFound()
    return a


async def update_address(emu: "Emulator", a: AddressConfiguration, fields: dict) -> AddressConfiguration:
    _address_fields(emu, a, fields)
    a.date_updated = emu.now()
    return await emu.conv.addresses.save(emu.store, a)


async def remove_address(emu: "Emulator", a: AddressConfiguration) -> None:
    await emu.conv.addresses.remove(emu.store, a)


def autocreating(emu: "Emulator", address: str, service_sid: str | None) -> AddressConfiguration | bool | None:
    """Whether an unbound inbound message to `address` (in the Messaging Service `service_sid`'s pool) makes a
    conversation: the address's enabled configuration, else True when its service autocreates, else None."""
    config = next((a for a in emu.conv.addresses.group("address", address).values() if a.enabled), None)
    if config is not None:
        return config
    return True if service_sid and service_sid in emu.conv.service_autocreation else None


def service_autocreates(emu: "Emulator", service_sid: str) -> bool:
    return service_sid in emu.conv.service_autocreation


async def set_service_autocreation(emu: "Emulator", service, enabled: bool) -> bool:
    """The console's "Autocreate a Conversation" for every number in the service's pool (reference §2.3)."""
    if not isinstance(enabled, bool):
        raise _bad("autocreate must be true or false.", "autocreate")
    entry = emu.conv.service_autocreation.get(service.sid)
    if enabled and entry is None:
        await emu.conv.service_autocreation.save(emu.store, hooks.ServiceAutocreation(service.sid, service.account_sid))
    elif not enabled and entry is not None:
        await emu.conv.service_autocreation.remove(emu.store, entry)
    return enabled


# ---- /v1/Configuration ----------------------------------------------------------------------------------------
def account_configuration(emu: "Emulator", account: Account) -> hooks.AccountConfiguration:
    return emu.conv.account_config.get(account.sid) or hooks.AccountConfiguration(account.sid)


async def configure_account(emu: "Emulator", account: Account, fields: dict) -> hooks.AccountConfiguration:
    from . import default_service_sid
    from ...domain import conversations as rules
    config = account_configuration(emu, account)
    chat = fields.get("default_chat_service_sid")
    if chat is not None and chat != default_service_sid(account.sid):
        raise _bad("DefaultChatServiceSid: only the account's default Conversation Service is emulated.",
                   "DefaultChatServiceSid")
    ms = fields.get("default_messaging_service_sid")
    if ms is not None:
        service = emu.services.get(ms)
        if service is None or service.account_sid != account.sid:
            raise _bad(f"DefaultMessagingServiceSid {ms} is not a Messaging Service of this account.",
                       "DefaultMessagingServiceSid")
        config.default_messaging_service_sid = ms
    for name, param, least in (("default_inactive_timer", "DefaultInactiveTimer", rules.MIN_INACTIVE),
                               ("default_closed_timer", "DefaultClosedTimer", rules.MIN_CLOSED)):
        if fields.get(name) is not None:
            seconds = rules.duration(fields[name], param)
            if seconds < least:
                raise _bad(f"{param} must be at least {int(least // 60)} minutes.", param)
            setattr(config, name, seconds)
    return await emu.conv.account_config.save(emu.store, config)


# ---- users and roles (plain CRUD) -----------------------------------------------------------------------------
ROLE_TYPES = ("conversation", "service")


def _in(account: Account, service_sid: str | None) -> str:
    """The Conversation Service a request is about: the account's default one when it names none."""
    from . import default_service_sid
    return service_sid or default_service_sid(account.sid)


async def add_user(emu: "Emulator", account: Account, fields: dict, service_sid: str | None = None) -> hooks.User:
    from ...domain import conversations as rules
    service_sid = _in(account, service_sid)
    identity = fields.get("identity")
    if not identity or len(identity) > rules.MAX_IDENTITY:
        raise _bad(f"Identity is required, 1 to {rules.MAX_IDENTITY} characters.", "Identity")
    if any(u.identity == identity and u.chat_service_sid == service_sid for u in emu.conv.users.values()):
        # [UNVERIFIED code] Chat's "User with the provided identity already exists"
        raise TwilioError(f"A user with Identity {identity} already exists.", code=50201, status=409, param="Identity")
    now = emu.now()
    user = hooks.User(sid=emu.sids.new("US"), account_sid=account.sid, chat_service_sid=service_sid,
                      identity=identity, date_created=now, date_updated=now)
    _user_fields(emu, account, user, fields)
    return await emu.conv.users.save(emu.store, user)


def _user_fields(emu: "Emulator", account: Account, user: hooks.User, fields: dict) -> None:
    from ...domain import conversations as rules
    if fields.get("friendly_name") is not None:
        user.friendly_name = fields["friendly_name"]
    if fields.get("attributes") is not None:
        user.attributes = rules.attributes(fields["attributes"], rules.MAX_ATTRIBUTES)
    if fields.get("role_sid") is not None:
        role = emu.conv.roles.get(fields["role_sid"])
        if role is None or role.account_sid != account.sid or role.chat_service_sid != user.chat_service_sid:
            raise _bad(f"RoleSid {fields['role_sid']} is not a role of this Conversation Service.", "RoleSid")
        user.role_sid = role.sid


def users_of(emu: "Emulator", account: Account, service_sid: str | None = None) -> list[hooks.User]:
    service_sid = _in(account, service_sid)
    return sorted((u for u in emu.conv.users.values() if u.chat_service_sid == service_sid and
                   u.account_sid == account.sid), key=lambda u: (u.date_created, u.sid))


def get_user(emu: "Emulator", account: Account, sid: str, service_sid: str | None = None) -> hooks.User:
    """By SID, or by its identity (as Twilio's paths allow) [UNVERIFIED for users], in the service."""
    service_sid = _in(account, service_sid)
    user = emu.conv.users.get(sid) or next((u for u in emu.conv.users.values()
                                            if u.identity == sid and u.chat_service_sid == service_sid), None)
    if user is None or user.account_sid != account.sid or user.chat_service_sid != service_sid:
        raise NotFound()
    return user


async def update_user(emu: "Emulator", account: Account, user: hooks.User, fields: dict) -> hooks.User:
    _user_fields(emu, account, user, fields)
    user.date_updated = emu.now()
    return await emu.conv.users.save(emu.store, user)


async def remove_user(emu: "Emulator", user: hooks.User) -> None:
    await emu.conv.users.remove(emu.store, user)


async def add_role(emu: "Emulator", account: Account, fields: dict, service_sid: str | None = None) -> hooks.Role:
    if not fields.get("friendly_name"):
        raise _bad("FriendlyName is required.", "FriendlyName")
    if fields.get("type") not in ROLE_TYPES:
        raise _bad("Type must be conversation or service.", "Type")
    if not fields.get("permissions"):
        raise _bad("Permission is required.", "Permission")
    now = emu.now()
    role = hooks.Role(sid=emu.sids.new("RL"), account_sid=account.sid, chat_service_sid=_in(account, service_sid),
                      friendly_name=fields["friendly_name"], type=fields["type"], permissions=fields["permissions"],
                      date_created=now, date_updated=now)
    return await emu.conv.roles.save(emu.store, role)


def roles_of(emu: "Emulator", account: Account, service_sid: str | None = None) -> list[hooks.Role]:
    service_sid = _in(account, service_sid)
    return sorted((r for r in emu.conv.roles.values() if r.chat_service_sid == service_sid and
                   r.account_sid == account.sid), key=lambda r: (r.date_created, r.sid))


def get_role(emu: "Emulator", account: Account, sid: str, service_sid: str | None = None) -> hooks.Role:
    role = emu.conv.roles.get(sid)
    if role is None or role.account_sid != account.sid or role.chat_service_sid != _in(account, service_sid):
        raise NotFound()
    return role


async def update_role(emu: "Emulator", role: hooks.Role, permissions: list[str]) -> hooks.Role:
    if not permissions:
        raise _bad("Permission is required.", "Permission")
    role.permissions, role.date_updated = permissions, emu.now()
    return await emu.conv.roles.save(emu.store, role)


async def remove_role(emu: "Emulator", role: hooks.Role) -> None:
    await emu.conv.roles.remove(emu.store, role)


# ---- Conversation Services ------------------------------------------------------------------------------------
DEFAULT_SERVICE_NAME = "Default Conversations Service"  # [UNVERIFIED] the name Twilio gives it


def default_service(emu: "Emulator", account: Account) -> hooks.ChatService:
    """The account's default service: always there, as every Twilio account has one (stored once its
    configuration is changed)."""
    from . import default_service_sid
    sid = default_service_sid(account.sid)
    return emu.conv.services.get(sid) or hooks.ChatService(sid, account.sid, DEFAULT_SERVICE_NAME,
                                                           account.date_created, account.date_created)


async def add_service(emu: "Emulator", account: Account, friendly_name: str | None,
                      sid: str | None = None) -> hooks.ChatService:
    if not friendly_name:
        raise _bad("FriendlyName is required.", "FriendlyName")
    _fixed_sid(sid, "IS", emu.conv.services)
    now = emu.now()
    service = hooks.ChatService(sid or emu.sids.new("IS"), account.sid, friendly_name, now, now)
    return await emu.conv.services.save(emu.store, service)


def services_of(emu: "Emulator", account: Account) -> list[hooks.ChatService]:
    default = default_service(emu, account)
    own = sorted((s for s in emu.conv.services.values() if s.account_sid == account.sid and s.sid != default.sid),
                 key=lambda s: (s.date_created, s.sid))
    return [default, *own]


def get_service(emu: "Emulator", account: Account, sid: str) -> hooks.ChatService:
    found = next((s for s in services_of(emu, account) if s.sid == sid), None)
    if found is None:
        raise NotFound()
    return found


async def remove_service(emu: "Emulator", account: Account, service: hooks.ChatService) -> None:
    """With everything in it: its conversations (their bindings are free again), users, roles and webhook
    configuration; an address configuration that autocreates into it goes back to the default service."""
    from . import default_service_sid, delete, listed
    if service.sid == default_service_sid(account.sid):
        raise _bad("The account's default Conversation Service cannot be deleted [UNVERIFIED].", "Sid")
    for c in listed(emu, account, service_sid=service.sid):
        await delete(emu, account, c)
    t = emu.conv
    users = [u for u in t.users.values() if u.chat_service_sid == service.sid]
    roles = [r for r in t.roles.values() if r.chat_service_sid == service.sid]
    config = t.webhook_config.get(service.sid)
    addresses = [a for a in t.addresses.values() if a.conversation_service_sid == service.sid]
    for a in addresses:
        a.conversation_service_sid = None
    await emu.store.write(t.services.delete(service), *(t.users.delete(u) for u in users),
                          *(t.roles.delete(r) for r in roles), *((t.webhook_config.delete(config),) if config else ()),
                          *(t.addresses.put(a) for a in addresses))
    for row, table in [(service, t.services), *((u, t.users) for u in users), *((r, t.roles) for r in roles),
                       *(((config, t.webhook_config),) if config else ())]:
        table.forget(row)
    for a in addresses:
        t.addresses.remember(a)


def service_configuration(emu: "Emulator", account: Account, service_sid: str) -> hooks.ChatService:
    return get_service(emu, account, service_sid)


async def configure_service(emu: "Emulator", account: Account, service: hooks.ChatService,
                            fields: dict) -> hooks.ChatService:
    """`/v1/Services/{IS}/Configuration`: the roles a service gives by default (each a role of that service) and
    whether it reports reachability; stored and shown, not enforced."""
    for name, param in (("default_conversation_creator_role_sid", "DefaultConversationCreatorRoleSid"),
                        ("default_conversation_role_sid", "DefaultConversationRoleSid"),
                        ("default_chat_service_role_sid", "DefaultChatServiceRoleSid")):
        sid = fields.get(name)
        if sid is not None:
            role = emu.conv.roles.get(sid)
            if role is None or role.chat_service_sid != service.sid:
                raise _bad(f"{param} {sid} is not a role of Conversation Service {service.sid}.", param)
            setattr(service, name, sid)
    if fields.get("reachability_enabled") is not None:
        service.reachability_enabled = fields["reachability_enabled"]
    service.date_updated = emu.now()
    return await emu.conv.services.save(emu.store, service)
