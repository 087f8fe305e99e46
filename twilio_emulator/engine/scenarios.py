"""Scenarios: a whole simulated world described in one document (a fixtures/*.toml or *.json file, already
parsed into a dict): accounts, numbers with their webhooks, short codes, WhatsApp/RCS senders, Messaging
Services with their sender pools, handsets with their carriers and behaviours, and Content templates.

Applied section by section, in that order, through the engine's own operations, so every rule of the API
holds (a number is bought as with IncomingPhoneNumbers, a service member added as with /PhoneNumbers…).
A mistake raises ScenarioError naming where it is ("numbers[1].sms_url") and what is wrong; what was
applied before it stays (the plugin resets between tests; `serve --fixtures` stops).
"""
from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from ..domain.accounts import Account
from ..domain.errors import TwilioError
from ..domain.messaging_services import SETTABLE as SERVICE_FIELDS
from ..domain.phone_numbers import SETTABLE as NUMBER_FIELDS
from ..domain.fields import pascal
from ..domain.sids import is_sid
from . import accounts, handsets, opt_outs
from . import channels as channel_ops
from . import content as content_ops
from . import messaging_services as services
from . import numbers as number_ops

if TYPE_CHECKING:
    from . import Emulator

SECTIONS = ("accounts", "numbers", "short_codes", "senders", "services", "handsets", "templates", "faults",
            "verify_services", "verify_blocks", "conversation_services", "conversation_addresses",
            "conversation_webhooks")
# Conversations' address configuration fields as the SDK names them (address_configurations.create) -> the engine's.
_ADDRESS_FIELDS = {"type": "type", "address": "address", "friendly_name": "friendly_name",
                   "auto_creation_enabled": "enabled", "auto_creation_type": "auto_type",
                   "auto_creation_conversation_service_sid": "conversation_service_sid",
                   "auto_creation_webhook_url": "webhook_url", "auto_creation_webhook_method": "webhook_method",
                   "auto_creation_webhook_filters": "webhook_filters", "address_country": "address_country"}
_WEBHOOK_FIELDS = ("pre_webhook_url", "post_webhook_url", "method", "filters", "target")
_POOL = ("phone_numbers", "short_codes", "alpha_senders", "channel_senders")
HANDSET_FIELDS = ("carrier", "line_type", "mms", "short_codes", "behaviour", "error_code", "delays", "city",
                   "state", "zip", "whatsapp", "rcs", "read_receipts", "profile_name", "call_script")
_SENDER_FIELDS = ("sender_id", "account", "webhook", "profile", "configuration", "friendly_name")
_TEMPLATE_FIELDS = ("sid", "account", "friendly_name", "language", "variables", "types", "approval")


class ScenarioError(Exception):
    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where, self.message = where, message


def _items(doc: dict, section: str) -> list[dict]:
    items = doc.get(section, [])
    if not isinstance(items, list):
        raise ScenarioError(section, "must be a list of tables ([[" + section + "]] in TOML)")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ScenarioError(f"{section}[{i}]", "must be a table of fields")
    return items


def _only(item: dict, where: str, allowed) -> None:
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _typed(item: dict, where: str, defaults: dict, names) -> dict:
    """The fields of `item` among `names`, each of the type its default has (bool, int, else string)."""
    out = {}
    for name in names:
        if name not in item:
            continue
        value, default = item[name], defaults.get(name)
        kind = bool if isinstance(default, bool) else int if isinstance(default, int) else str
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ScenarioError(f"{where}.{name}", f"must be {'true or false' if kind is bool else kind.__name__}, "
                                                   f"not {value!r}")
        out[name] = value
    return out


async def apply(emu: "Emulator", doc: Any, account_sid: str | None = None) -> dict:
    """Load the scenario into the emulator; everything without an `account` goes to `account_sid` (default:
    the start-up account). Returns how many of each thing were created."""
    if not isinstance(doc, dict):
        raise ScenarioError("", "a scenario is a table (TOML) or an object (JSON)")
    _only(doc, "", (*SECTIONS, "description"))
    default = emu.accounts.get(account_sid or emu.settings.account_sid)
    if default is None:
        raise ScenarioError("", f"no account {account_sid}")
    counts = dict.fromkeys(SECTIONS, 0)
    for section in SECTIONS:
        for i, item in enumerate(_items(doc, section)):
            where = f"{section}[{i}]"
            try:
                await _APPLY[section](emu, item, where, _account(emu, item, where, default))
            except TwilioError as exc:
                raise ScenarioError(_field_of(item, where, exc), f"{exc.message} (Twilio error {exc.code})") from None
            counts[section] += 1
    return counts


def _field_of(item: dict, where: str, exc: TwilioError) -> str:
    """`where` narrowed to the field an error is about: the one it carries (exc.param), else — for the rules
    that do not say yet — the one it names (SmsUrl -> sms_url), else the one whose value it quotes."""
    if exc.param is not None and exc.param in item:
        return f"{where}.{exc.param}"
    message = exc.message
    for name in item:
        if pascal(name) in message:
            return f"{where}.{name}"
    for name, value in item.items():
        if isinstance(value, str) and value and value in message:
            return f"{where}.{name}"
    for name in item:  # the control API's messages name fields in snake_case
        if name != "number" and re.search(rf"\b{name}\b", message):
            return f"{where}.{name}"
    return where


def _account(emu: "Emulator", item: dict, where: str, default: Account) -> Account:
    sid = item.get("account")
    if sid is None:
        return default
    account = emu.accounts.get(sid) if isinstance(sid, str) else None
    if account is None:
        raise ScenarioError(f"{where}.account", f"no account {sid!r} (declare it under [[accounts]] first)")
    return account


async def _account_item(emu: "Emulator", item: dict, where: str, _default: Account) -> None:
    _only(item, where, ("sid", "auth_token", "friendly_name", "type", "verified_numbers"))
    sid, token = item.get("sid"), item.get("auth_token")
    if not isinstance(sid, str) or not is_sid(sid, "AC"):
        raise ScenarioError(f"{where}.sid", "an Account SID (AC + 32 hex digits) is required")
    if not isinstance(token, str) or not token:
        raise ScenarioError(f"{where}.auth_token", "an auth token (a non-empty string) is required")
    account = await accounts.ensure_account(emu, sid, token)
    name = item.get("friendly_name")
    if name is not None:
        await accounts.update_account(emu, account, str(name), None)
    if "type" in item or "verified_numbers" in item:
        if not isinstance(item.get("type", account.type), str):
            raise ScenarioError(f"{where}.type", "type must be \"Trial\" or \"Full\"")
        await accounts.set_type(emu, account, item.get("type", account.type), item.get("verified_numbers"))


_RATE_FIELDS = ("mps", "queue_depth")  # a sender's queue (issue 18): segments per second, depth in segments


async def _rate(emu: "Emulator", item: dict, address: str) -> None:
    fields = {k: item[k] for k in _RATE_FIELDS if k in item}
    if fields:
        await emu.throughput.set({"senders": {address: fields}})


async def _number(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    _only(item, where, ("phone_number", "account", *NUMBER_FIELDS, *_RATE_FIELDS))
    if not isinstance(item.get("phone_number"), str):
        raise ScenarioError(f"{where}.phone_number", "an E.164 number (a string) is required")
    config = _typed(item, where, NUMBER_FIELDS, NUMBER_FIELDS)
    number = await number_ops.buy(emu, account, item["phone_number"], None, None, config)
    await _rate(emu, item, number.phone_number)


async def _short_code(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    _only(item, where, ("short_code", "country", "account", *number_ops.SHORT_CODE_FIELDS, *_RATE_FIELDS))
    config = _typed(item, where, NUMBER_FIELDS, number_ops.SHORT_CODE_FIELDS)
    code = await number_ops.provision_short_code(emu, account, item.get("short_code"), item.get("country", "US"),
                                                 config)
    await _rate(emu, item, code.phone_number)


async def _service(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    _only(item, where, ("account", *_POOL, *SERVICE_FIELDS, "advanced_opt_out", "conversations_autocreate"))
    config = _typed(item, where, SERVICE_FIELDS, SERVICE_FIELDS)
    for name in _POOL:
        members = item.get(name, [])
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ScenarioError(f"{where}.{name}", "must be a list of strings")
    service = await services.create(emu, account, config)
    pools = (("phone_numbers", "number", "numbers", services.add_phone_number),
             ("short_codes", "short code", "short_codes", services.add_short_code))
    for field, kind, listed_in, add in pools:
        for i, address in enumerate(item.get(field, [])):
            owned = emu.numbers_by_e164.get(address)
            if owned is None or owned.account_sid != account.sid:
                raise ScenarioError(f"{where}.{field}[{i}]", f"{address} is not a {kind} of this account "
                                                              f"(list it under [[{listed_in}]] first)")
            await add(emu, account, service, owned.sid)
    for alpha in item.get("alpha_senders", []):
        await services.add_alpha_sender(emu, account, service, alpha)
    for i, address in enumerate(item.get("channel_senders", [])):
        sender = channel_ops.by_address(emu, address)
        if sender is None or sender.account_sid != account.sid:
            raise ScenarioError(f"{where}.channel_senders[{i}]", f"{address} is not a WhatsApp/RCS sender of this "
                                                                  "account (list it under [[senders]] first)")
        await channel_ops.add_to_pool(emu, account, service, sender.sid)
    if "conversations_autocreate" in item:
        from .conversations import settings as conversation_settings
        if not isinstance(item["conversations_autocreate"], bool):
            raise ScenarioError(f"{where}.conversations_autocreate", "must be true or false")
        await conversation_settings.set_service_autocreation(emu, service, item["conversations_autocreate"])
    if "advanced_opt_out" in item:
        try:
            await opt_outs.set_advanced(emu, service, item["advanced_opt_out"])
        except TwilioError as exc:
            raise ScenarioError(f"{where}.advanced_opt_out.{exc.param}" if exc.param else f"{where}.advanced_opt_out",
                                exc.message.split(": ", 1)[-1]) from None


async def _sender(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """A WhatsApp or RCS sender, online at once (as the control API's POST /senders)."""
    _only(item, where, _SENDER_FIELDS)
    await channel_ops.create(emu, account, {k: v for k, v in item.items() if k != "account"}, online=True)


async def _template(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """A Content template; `sid` (HX…) lets an app's configuration name it; `approval`: its WhatsApp approval,
    already decided: "approved" (or a table: status, name, category, rejection_reason)."""
    _only(item, where, _TEMPLATE_FIELDS)
    approval = item.get("approval")
    if isinstance(approval, str):
        approval = {"status": approval}
    if approval is not None and not isinstance(approval, dict):
        raise ScenarioError(f"{where}.approval", "must be a status (\"approved\") or a table of status, name, "
                                                 "category")
    body = {k: v for k, v in item.items() if k not in ("sid", "account", "approval")}
    try:
        await content_ops.create(emu, account, body, approval, sid=item.get("sid"))
    except TwilioError as exc:
        if approval is not None and exc.param in ("status", "name", "category", "rejection_reason", "approval"):
            raise ScenarioError(f"{where}.approval", f"{exc.message} (Twilio error {exc.code})") from None
        raise


async def _handset(emu: "Emulator", item: dict, where: str, _account: Account) -> None:
    _only(item, where, ("number", *HANDSET_FIELDS))
    if not isinstance(item.get("number"), str):
        raise ScenarioError(f"{where}.number", "an E.164 number (a string) is required")
    fields = {k: v for k, v in item.items() if k != "number"}
    if "delays" in fields and not isinstance(fields["delays"], dict):
        raise ScenarioError(f"{where}.delays", "must be a table of step = seconds")
    try:
        await handsets.declare(emu, item["number"], **fields)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(where, str(exc)) from None


async def _fault(emu: "Emulator", item: dict, where: str, _account: Account) -> None:
    """A fault rule, as POST /_emulator/v1/faults takes it (where, match, do, times | probability, seed)."""
    await emu.faults.add(item)


async def _verify_service(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """A Verify service; `sid` (VA…) lets an app's configuration name it."""
    from . import verify
    _only(item, where, ("sid", "account", *verify.SERVICE_FIELDS))
    defaults = {f.name: f.default for f in dataclasses.fields(verify.VerifyService)}
    config = _typed(item, where, defaults, verify.SERVICE_FIELDS)
    sid = item.get("sid")
    if sid is not None and not isinstance(sid, str):
        raise ScenarioError(f"{where}.sid", f"must be a string, not {sid!r}")
    await verify.create_service(emu, account, config, sid=sid)


async def _verify_blocks(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """Where the account's verifications are blocked: Fraud Guard prefixes (60410), countries (60605)."""
    from . import verify
    _only(item, where, ("account", "fraud_guard_prefixes", "blocked_countries"))
    try:
        await verify.set_blocks(emu, account.sid, item.get("fraud_guard_prefixes"), item.get("blocked_countries"))
    except ValueError as exc:
        field, _, why = str(exc).partition(": ")
        raise ScenarioError(f"{where}.{field}", why) from None


def _strings_or_flags(item: dict, where: str, lists: tuple[str, ...], flags: tuple[str, ...]) -> None:
    for name, value in item.items():
        if name in lists:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            what = "a list of strings"
        elif name in flags:
            ok, what = isinstance(value, bool), "true or false"
        else:
            ok, what = isinstance(value, str), "a string"
        if not ok:
            raise ScenarioError(f"{where}.{name}", f"must be {what}, not {value!r}")


async def _conversation_service(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """A Conversation Service; `sid` (IS…) lets an app's configuration name it."""
    from .conversations import settings as conversation_settings
    _only(item, where, ("sid", "account", "friendly_name"))
    _strings_or_flags(item, where, (), ())
    await conversation_settings.add_service(emu, account, item.get("friendly_name"), sid=item.get("sid"))


async def _conversation_address(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """An address configuration (snake_case as the SDK's address_configurations.create); `sid` (IG…) fixed."""
    from .conversations import settings as conversation_settings
    _only(item, where, ("sid", "account", *_ADDRESS_FIELDS))
    _strings_or_flags(item, where, ("auto_creation_webhook_filters",), ("auto_creation_enabled",))
    fields = {_ADDRESS_FIELDS[k]: v for k, v in item.items() if k in _ADDRESS_FIELDS}
    await conversation_settings.add_address(emu, account, fields, sid=item.get("sid"))


async def _conversation_webhooks(emu: "Emulator", item: dict, where: str, account: Account) -> None:
    """The account's Conversations webhook configuration, or with `service_sid` a Conversation Service's."""
    from .conversations import settings as conversation_settings
    _only(item, where, ("account", "service_sid", *_WEBHOOK_FIELDS))
    _strings_or_flags(item, where, ("filters",), ())
    service_sid = item.get("service_sid")
    if service_sid is not None and not any(s.sid == service_sid for s in conversation_settings.services_of(emu, account)):
        raise ScenarioError(f"{where}.service_sid", f"{service_sid!r} is not a Conversation Service of this account "
                                                    "(list it under [[conversation_services]] first)")
    await conversation_settings.set_webhook_config(emu, account, {k: item.get(k) for k in _WEBHOOK_FIELDS},
                                                   service_sid=service_sid)


_APPLY = {"faults": _fault, "accounts": _account_item, "numbers": _number, "short_codes": _short_code, "senders": _sender,
          "services": _service, "handsets": _handset, "templates": _template,
          "verify_services": _verify_service, "verify_blocks": _verify_blocks,
          "conversation_services": _conversation_service, "conversation_addresses": _conversation_address,
          "conversation_webhooks": _conversation_webhooks}
