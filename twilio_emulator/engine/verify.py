"""Twilio Verify v2: services, verifications, checks and messaging configurations (domain.verify has the rules).
A code goes to the phone as a real message of the simulated network, through the one send path
(engine.messaging.send) or as a real call (engine.voice.calls), so carriers, handsets, fault rules, opt-outs and the
clock apply to it as to any message. Fraud Guard and Geo-Permissions block where the emulator is told to
(control API, scenario files: `VerifyBlocks`)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..domain import carriers, channels, numbers
from ..domain import verify as rules
from ..domain.accounts import TRIAL, Account
from ..domain.voice.calls import CallRequest
from ..domain.dates import iso8601
from ..domain.errors import NotFound, TwilioError
from ..domain.messages import SendRequest
from ..domain.sids import is_sid
from ..domain.verify import MessagingConfiguration, Verification, VerifyService, invalid
from ..store import Op
from . import caller_ids, handsets
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator


@dataclass
class VerifyBlocks:
    """Where an account's verifications are blocked: Fraud Guard's prefixes (60410) and the countries its
    Geo-Permissions do not allow (60605). Twilio has no API for them in the emulated products: the control
    API and scenario files set them."""
    account_sid: str
    fraud_guard_prefixes: list[str] = field(default_factory=list)
    blocked_countries: list[str] = field(default_factory=list)


class Tables:
    def __init__(self) -> None:
        self.services: Table[VerifyService] = Table("verify_service", VerifyService)
        self.verifications: Table[Verification] = Table(
            "verification", Verification, groups={"to": lambda v: f"{v.service_sid}|{v.to}",
                                                  "service": attrgetter("service_sid")})
        self.configurations: Table[MessagingConfiguration] = Table(
            "verify_messaging_configuration", MessagingConfiguration, key=attrgetter("key"),
            groups={"service": attrgetter("service_sid")})
        self.blocks: Table[VerifyBlocks] = Table("verify_blocks", VerifyBlocks, key=attrgetter("account_sid"))

    async def load(self, store) -> None:
        for table in (self.services, self.verifications, self.configurations, self.blocks):
            await table.load(store)


# ---- services -------------------------------------------------------------------------------------------------
NOT_EMULATED_SERVICE_FIELDS = ("push", "totp", "passkeys")
VERIFICATION = "verification"  # the event published at each change of a verification (engine.events)


def _apply_service(emu: "Emulator", account: Account, s: VerifyService, fields: dict, creating: bool) -> None:
    rules.check_service_fields(fields, creating)
    for group in NOT_EMULATED_SERVICE_FIELDS:
        if fields.get(group):
            raise TwilioError(f"{group.capitalize()}.* is not emulated: Verify Push, TOTP and Passkeys are not part "
                              "of the emulator.", code=rules.NOT_SUPPORTED, status=400)
    if fields.get("default_template_sid"):
        raise TwilioError(f"Template {fields['default_template_sid']} not found (the emulator has no Verify "
                          "templates).", code=rules.TEMPLATE_NOT_FOUND, status=404, param="DefaultTemplateSid")
    ms = fields.get("whatsapp_msg_service_sid")
    if ms is not None and (ms not in emu.services or emu.services[ms].account_sid != account.sid):
        raise invalid("Whatsapp.MsgServiceSid", f"{ms} is not a Messaging Service of this account")
    sender = fields.get("whatsapp_from")
    if sender is not None and channels.channel_of(sender) != channels.WHATSAPP:
        raise invalid("Whatsapp.From", "a whatsapp:+… sender")
    for name, value in fields.items():
        if value is not None and name not in NOT_EMULATED_SERVICE_FIELDS:
            setattr(s, name, value)


SERVICE_FIELDS = ("friendly_name", "code_length", "lookup_enabled", "skip_sms_to_landlines", "dtmf_input_required",
                  "tts_name", "psd2_enabled", "do_not_share_warning_enabled", "custom_code_enabled",
                  "whatsapp_msg_service_sid", "whatsapp_from", "verify_event_subscription_enabled")


async def create_service(emu: "Emulator", account: Account, fields: dict, sid: str | None = None) -> VerifyService:
    """A service; `sid` (scenario files): a fixed VA… SID, so that an app's configuration can name it."""
    if sid is not None and (not is_sid(sid, "VA") or sid in emu.verify.services):
        raise invalid("Sid", f"{sid} is taken" if is_sid(sid, "VA") else "VA and 32 hex digits")
    now = emu.now()
    s = VerifyService(sid=sid or emu.sids.new("VA"), account_sid=account.sid, friendly_name="", date_created=now,
                      date_updated=now)
    _apply_service(emu, account, s, fields, creating=True)
    return await emu.verify.services.save(emu.store, s)


def services_of(emu: "Emulator", account: Account) -> list[VerifyService]:
    return sorted((s for s in emu.verify.services.values() if s.account_sid == account.sid),
                  key=lambda s: (s.date_created, s.sid))


def get_service(emu: "Emulator", account: Account, sid: str) -> VerifyService:
    s = emu.verify.services.get(sid)
    if s is None or s.account_sid != account.sid:
        raise NotFound()
    return s


async def update_service(emu: "Emulator", account: Account, s: VerifyService, fields: dict) -> VerifyService:
    _apply_service(emu, account, s, fields, creating=False)
    s.date_updated = emu.now()
    return await emu.verify.services.save(emu.store, s)


async def delete_service(emu: "Emulator", s: VerifyService) -> None:
    t = emu.verify
    gone = list(t.verifications.group("service", s.sid).values())
    configs = list(t.configurations.group("service", s.sid).values())
    await emu.store.write(t.services.delete(s), *(t.verifications.delete(v) for v in gone),
                          *(t.configurations.delete(c) for c in configs))
    t.services.forget(s)
    for v in gone:
        t.verifications.forget(v)
    for c in configs:
        t.configurations.forget(c)


# ---- messaging configurations ---------------------------------------------------------------------------------
def _country(value: str | None) -> str:
    if value is None or not (value == rules.GLOBAL or (len(value) == 2 and value.isalpha())):
        raise invalid("Country", "an ISO 3166-1 alpha-2 code, or all")
    return value if value == rules.GLOBAL else value.upper()


async def set_configuration(emu: "Emulator", account: Account, s: VerifyService, country: str | None,
                            messaging_service_sid: str | None, creating: bool) -> MessagingConfiguration:
    country = _country(country)
    ms = messaging_service_sid
    if ms is None or ms not in emu.services or emu.services[ms].account_sid != account.sid:
        raise invalid("MessagingServiceSid", f"{ms} is not a Messaging Service of this account")
    existing = emu.verify.configurations.get(f"{s.sid}:{country}")
    if creating and existing is not None:  # [UNVERIFIED] code
        raise TwilioError(f"Service {s.sid} has a messaging configuration for {country} already.",
                          code=rules.INVALID_PARAMETER, status=409, param="Country")
    if not creating and existing is None:
        raise NotFound()
    now = emu.now()
    config = existing or MessagingConfiguration(s.sid, account.sid, country, ms, now, now)
    config.messaging_service_sid, config.date_updated = ms, now
    return await emu.verify.configurations.save(emu.store, config)


def configurations_of(emu: "Emulator", s: VerifyService) -> list[MessagingConfiguration]:
    return sorted(emu.verify.configurations.group("service", s.sid).values(), key=lambda c: (c.date_created, c.country))


def get_configuration(emu: "Emulator", s: VerifyService, country: str) -> MessagingConfiguration:
    config = emu.verify.configurations.get(f"{s.sid}:{country if country == rules.GLOBAL else country.upper()}")
    if config is None:
        raise NotFound()
    return config


async def delete_configuration(emu: "Emulator", config: MessagingConfiguration) -> None:
    await emu.verify.configurations.remove(emu.store, config)


# ---- blocks ---------------------------------------------------------------------------------------------------
def blocks_of(emu: "Emulator", account_sid: str) -> VerifyBlocks:
    return emu.verify.blocks.get(account_sid) or VerifyBlocks(account_sid)


async def set_blocks(emu: "Emulator", account_sid: str, fraud_guard_prefixes: list[str] | None,
                     blocked_countries: list[str] | None) -> VerifyBlocks:
    """Type-checked here, so that no stored value can break a later verification."""
    blocks = blocks_of(emu, account_sid)
    if fraud_guard_prefixes is not None:
        if not isinstance(fraud_guard_prefixes, list) or \
                not all(isinstance(p, str) and p.startswith("+") and p[1:].isdigit() for p in fraud_guard_prefixes):
            raise ValueError("fraud_guard_prefixes: a list of prefixes such as \"+23480\"")
        blocks.fraud_guard_prefixes = fraud_guard_prefixes
    if blocked_countries is not None:
        if not isinstance(blocked_countries, list) or \
                not all(isinstance(c, str) and len(c) == 2 and c.isalpha() for c in blocked_countries):
            raise ValueError("blocked_countries: a list of ISO 3166-1 alpha-2 codes such as \"CU\"")
        blocks.blocked_countries = [c.upper() for c in blocked_countries]
    return await emu.verify.blocks.save(emu.store, blocks)


# ---- verifications --------------------------------------------------------------------------------------------
def _pending(emu: "Emulator", s: VerifyService, to: str) -> Verification | None:
    now = emu.now()
    return next((v for v in emu.verify.verifications.group("to", f"{s.sid}|{to}").values() if v.open_at(now)), None)


def _address(to: str | None, channel: str) -> numbers.Number:
    if not to:
        raise invalid("To", "required")
    raw = to[len("whatsapp:"):] if to.startswith("whatsapp:") else to
    parsed = numbers.parse(raw) if raw.startswith("+") else None
    if parsed is None:
        raise invalid("To", "an E.164 phone number, with its +")
    return parsed


def _check_request(s: VerifyService, req: dict) -> str:
    """The channel the code goes by, once the request's parameters are checked (nothing sent or stored yet)."""
    channel = req.get("channel")
    if channel not in rules.CHANNELS:
        raise invalid("Channel", f"one of {', '.join(rules.CHANNELS)}")
    if channel not in rules.EMULATED_CHANNELS:
        raise TwilioError(f"Channel {channel} is not emulated: the emulator sends codes by sms, call or whatsapp.",
                          code=rules.NOT_SUPPORTED, status=400, param="Channel")
    rules.check_locale(req.get("locale"))
    if req.get("custom_code") is not None:
        if not s.custom_code_enabled:
            raise invalid("CustomCode", "the service does not allow custom codes (CustomCodeEnabled)")
        rules.check_custom_code(req["custom_code"])
    if req.get("template_sid"):
        raise TwilioError(f"Template {req['template_sid']} not found (the emulator has no Verify templates).",
                          code=rules.TEMPLATE_NOT_FOUND, status=404, param="TemplateSid")
    if s.psd2_enabled and not (req.get("amount") and req.get("payee")):
        raise TwilioError("Amount and Payee are required by this PSD2 service.", code=60206, status=400,
                          param="Amount")
    for name, param in (("custom_message", "CustomMessage"), ("channel_configuration", "ChannelConfiguration"),
                        ("rate_limits", "RateLimits"), ("enable_sna_client_token", "EnableSnaClientToken")):
        if req.get(name):
            raise TwilioError(f"{param} is not emulated.", code=rules.NOT_SUPPORTED, status=400, param=param)
    if req.get("risk_check") is not None and req["risk_check"] not in rules.RISK_CHECKS:
        raise invalid("RiskCheck", "enable or disable")
    return "sms" if channel == "auto" else channel  # [UNVERIFIED] auto picks SMS for a phone number


async def start(emu: "Emulator", account: Account, s: VerifyService, req: dict) -> Verification:
    """A verification, or the pending one of the same To again (the same code, one more send attempt)."""
    channel = _check_request(s, req)
    to = _address(req.get("to"), channel)
    block = rules.blocked(to.e164, to.country, *_block_lists(emu, account))
    if block is not None:
        raise block
    if account.type == TRIAL:  # a trial sends only to its verified numbers, Verify's codes too [UNVERIFIED]
        await caller_ids.check_recipient(emu, account, to.e164)
    handset = handsets.of_number(emu, to.e164)
    if channel == "sms" and s.lookup_enabled and s.skip_sms_to_landlines and handset.line_type == carriers.LANDLINE:
        raise TwilioError(f"SMS is not supported by landline phone number {to.e164}.", code=rules.LANDLINE, status=403)
    now = emu.now()
    v = _pending(emu, s, to.e164)
    if v is not None and len(v.send_code_attempts) >= rules.MAX_SENDS:
        raise TwilioError("Max send attempts reached", code=rules.MAX_SENDS_REACHED, status=429)
    if v is None:
        code = req.get("custom_code") or rules.new_code(emu.rng, s.code_length)
        v = Verification(sid=emu.sids.new("VE"), service_sid=s.sid, account_sid=account.sid, to=to.e164,
                         channel=channel, code=code, date_created=now, date_updated=now, amount=req.get("amount"),
                         payee=req.get("payee"), lookup=_lookup(s, handset))
    # The send attempt commits with the code's message or call, in its transaction (a failing send stores
    # neither); the table's row changes only once it is stored. Then the message's SID is added to it.
    v = replace(v, channel=channel, date_updated=now, send_code_attempts=[
        *v.send_code_attempts, rules.attempt(emu.sids.new("VL"), channel, iso8601(now))])
    sent, sent_by = await _deliver(emu, account, s, v, channel, to, req, also=(emu.verify.verifications.put(v),))
    emu.verify.verifications.remember(v)
    v = replace(v, message_sids=[*v.message_sids, sent], message_accounts=[*v.message_accounts, sent_by])
    return await _save(emu, v)


def _block_lists(emu: "Emulator", account: Account) -> tuple[list[str], list[str]]:
    blocks = blocks_of(emu, account.sid)
    return blocks.fraud_guard_prefixes, blocks.blocked_countries


def _lookup(s: VerifyService, handset) -> dict:
    """The carrier of the phone, when the service looks it up [UNVERIFIED shape: the spec's example is {}]."""
    if not s.lookup_enabled:
        return {}
    return {"carrier": {"error_code": None, "name": handset.carrier, "mobile_country_code": None,
                        "mobile_network_code": None, "type": handset.line_type}}


async def twilio_account(emu: "Emulator") -> Account:
    """The account the Twilio-managed sender's messages and calls are kept in (domain.verify.MANAGED_ACCOUNT_SID):
    made at the first one. Its token is random and known to no one but the inspector."""
    account = emu.accounts.get(rules.MANAGED_ACCOUNT_SID)
    if account is None:
        now = emu.now()
        account = Account(sid=rules.MANAGED_ACCOUNT_SID, auth_token=secrets.token_hex(16),
                          friendly_name=rules.MANAGED_ACCOUNT_NAME, date_created=now, date_updated=now)
        await emu.accounts.save(emu.store, account)
    return account


async def _deliver(emu: "Emulator", account: Account, s: VerifyService, v: Verification, channel: str,
                   to: numbers.Number, req: dict, also: tuple[Op, ...]) -> tuple[str, str]:
    """Send the code, with `also` in the same write: the Message's or the Call's SID, and its account's."""
    from . import messaging
    name = req.get("custom_friendly_name")
    if channel == "call":
        twiml = f"<Response><Say>{escape(rules.spoken(s, v.code, name))}</Say></Response>"
        twilio = await twilio_account(emu)
        call = await emu.calls.create(twilio, CallRequest(
            to=to.e164, from_=rules.MANAGED_SENDER, twiml=twiml, send_digits=req.get("send_digits")), managed=True,
            also=also)
        return call.sid, twilio.sid
    text = rules.sms_text(s, v.code, name, req.get("app_hash"))
    if channel == "whatsapp":
        if not (s.whatsapp_from or s.whatsapp_msg_service_sid):
            raise TwilioError("Verify WhatsApp channel not configured: set Whatsapp.From or Whatsapp.MsgServiceSid on "
                              "the service.", code=rules.WHATSAPP_NOT_CONFIGURED, status=400)
        # Twilio sends Verify's own approved authentication template, which WhatsApp's 24-hour window does not
        # hold back (managed=True) [UNVERIFIED: its exact text; the SMS text is used].
        send = SendRequest(to=f"whatsapp:{to.e164}", from_=s.whatsapp_from, body=text,
                           messaging_service_sid=None if s.whatsapp_from else s.whatsapp_msg_service_sid)
        return (await messaging.send(emu, account, send, also=also, managed=True)).sid, account.sid
    config = emu.verify.configurations.get(f"{s.sid}:{to.country}") or \
        emu.verify.configurations.get(f"{s.sid}:{rules.GLOBAL}")
    if config is not None:  # the service's own Messaging Service for that country (reference §11.7)
        send = SendRequest(to=to.e164, messaging_service_sid=config.messaging_service_sid, body=text)
        return (await messaging.send(emu, account, send, also=also)).sid, account.sid
    send = SendRequest(to=to.e164, from_=rules.MANAGED_SENDER, body=text)
    twilio = await twilio_account(emu)
    return (await messaging.send(emu, twilio, send, also=also, managed=True)).sid, twilio.sid


async def _save(emu: "Emulator", v: Verification) -> Verification:
    """Store it, and tell the watchers (the inspector's stream) of the change."""
    await emu.verify.verifications.save(emu.store, v)
    emu.events.publish(VERIFICATION, v)
    return v


def _gone(s: VerifyService, what: str) -> TwilioError:
    return TwilioError(f"The requested resource /Services/{s.sid}/{what} was not found", code=20404, status=404)


def get(emu: "Emulator", account: Account, s: VerifyService, sid: str) -> Verification:
    """A pending verification; an approved, canceled, expired or max-attempts one is gone (reference §11.7)."""
    v = emu.verify.verifications.get(sid)
    if v is None or v.service_sid != s.sid or v.account_sid != account.sid or not v.open_at(emu.now()):
        raise _gone(s, f"Verifications/{sid}")
    return v


async def update(emu: "Emulator", s: VerifyService, v: Verification, status: str | None) -> Verification:
    if status not in (rules.CANCELED, rules.APPROVED):
        raise invalid("Status", "canceled or approved")
    return await _save(emu, replace(v, status=status, date_updated=emu.now()))


async def check(emu: "Emulator", account: Account, s: VerifyService, to: str | None, verification_sid: str | None,
                code: str | None) -> Verification:
    """The right code approves the verification; a wrong one counts (the fifth ends it: 60202)."""
    if not code or not 4 <= len(code) <= 10:
        raise invalid("Code", "4 to 10 characters")
    if (to is None) == (verification_sid is None):
        raise invalid("To", "give To or VerificationSid")
    if verification_sid is not None:
        v = emu.verify.verifications.get(verification_sid)
        if v is not None and (v.service_sid != s.sid or not v.open_at(emu.now())):
            v = None
    else:
        v = _pending(emu, s, _address(to, "sms").e164)
    if v is None:
        raise _gone(s, "VerificationCheck")
    v = replace(v, date_updated=emu.now())  # the table's row changes once this is stored
    try:
        rules.check_code(v, code)
    finally:  # the wrong check that ends it is kept too
        await _save(emu, v)
    return v


def sent_to(emu: "Emulator", to: str | None = None, account_sid: str | None = None) -> list[Verification]:
    """Verifications, oldest first: to one phone, of one account, or all (the control API's and the harness's
    codes)."""
    return sorted((v for v in emu.verify.verifications.values()
                   if (to is None or v.to == to) and (account_sid is None or v.account_sid == account_sid)),
                  key=lambda v: v.date_created)  # stable: in the order they were made
