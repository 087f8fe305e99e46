"""Messaging Services: create, update, delete; their sender pool (PhoneNumbers, AlphaSenders); sticky
mappings; and the sender a service picks for a message (domain.messaging_services.select_sender).

Small resources: kept in memory (write-through) and in store.records, like phone numbers.
"""
from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from ..domain import numbers
from ..domain.carriers import Handset
from ..domain.accounts import Account
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..domain.messaging_services import (MAX_SENDERS, MessagingService, ServiceSender, StickyMapping, check_config,
                                         select_sender)
from ..domain.phone_numbers import IncomingPhoneNumber
from ..domain.sids import is_sid
from ..store import webhooks as log_rows
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator

SERVICE, SENDER, STICKY = "messaging_service", "service_sender", "sticky_sender"
TOLL_FREE_POOL_WARNING = 80105


def tables() -> tuple[Table, Table, Table]:
    """The services, their pools' members (grouped by service) and their sticky mappings (by service and
    recipient, grouped by service)."""
    by_service = {"service": attrgetter("service_sid")}
    return (Table(SERVICE, MessagingService), Table(SENDER, ServiceSender, groups=by_service),
            Table(STICKY, StickyMapping, groups=by_service))


async def create(emu: "Emulator", account: Account, config: dict) -> MessagingService:
    if not config.get("friendly_name"):
        raise error(INVALID_PARAMETER, "FriendlyName is required.")  # [UNVERIFIED] code for a missing field
    now = emu.now()
    service = MessagingService(sid=emu.sids.new("MG"), account_sid=account.sid, date_created=now, date_updated=now,
                               config=check_config({k: v for k, v in config.items() if v is not None}))
    return await emu.services.save(emu.store, service)


def listed(emu: "Emulator", account: Account) -> list[MessagingService]:
    return sorted((s for s in emu.services.values() if s.account_sid == account.sid),
                  key=lambda s: (s.date_created, s.sid))


def get(emu: "Emulator", account: Account, sid: str) -> MessagingService:
    service = emu.services.get(sid)
    if service is None or service.account_sid != account.sid:
        raise NotFound()
    return service


async def update(emu: "Emulator", service: MessagingService, config: dict) -> MessagingService:
    check_config(config)
    service.config.update({k: v for k, v in config.items() if v is not None})
    service.date_updated = emu.now()
    return await emu.services.save(emu.store, service)


async def delete(emu: "Emulator", service: MessagingService) -> None:
    """The service, its sender pool and its sticky mappings go (the numbers themselves stay the account's)."""
    senders = list(emu.service_senders.group("service", service.sid).values())
    mappings = list(emu.sticky.group("service", service.sid).values())
    await emu.services.remove(emu.store, service, *[emu.service_senders.delete(s) for s in senders],
                              *[emu.sticky.delete(m) for m in mappings])
    for s in senders:
        emu.service_senders.forget(s)
    for m in mappings:
        emu.sticky.forget(m)


def senders(emu: "Emulator", service: MessagingService, kind: str) -> list[ServiceSender]:
    return sorted((s for s in emu.service_senders.group("service", service.sid).values() if s.kind == kind),
                  key=lambda s: (s.date_created, s.sid))


def sender(emu: "Emulator", service: MessagingService, kind: str, sid: str) -> ServiceSender:
    found = emu.service_senders.get(sid)
    if found is None or found.service_sid != service.sid or found.kind != kind:
        raise NotFound()
    return found


def check_room(emu: "Emulator", service: MessagingService) -> None:
    if len(emu.service_senders.group("service", service.sid)) >= MAX_SENDERS:
        # Twilio: 412 Precondition Failed with 21714 (issue 14, as apps see it on Twilio).
        raise error(21714, f"Messaging Service Number Pool size limit reached ({MAX_SENDERS} senders).", status=412)


async def add_phone_number(emu: "Emulator", account: Account, service: MessagingService,
                           phone_number_sid: str | None) -> ServiceSender:
    number = emu.numbers.get(phone_number_sid or "")
    if not phone_number_sid or number is None or number.account_sid != account.sid \
            or number.type == numbers.SHORT_CODE:
        raise error(21421, f"PhoneNumberSid {phone_number_sid} is not a phone number of this account.")
    return await _add_owned(emu, account, service, number)


async def _add_owned(emu: "Emulator", account: Account, service: MessagingService,
                     number: IncomingPhoneNumber) -> ServiceSender:
    """A number or short code of the account joins the pool (it can be in one service only)."""
    what = "Short code" if number.type == numbers.SHORT_CODE else "Phone number"
    current = emu.service_senders.get(number.sid)
    if current is not None:
        if current.service_sid == service.sid:
            # Twilio: 409 with 21710 "Phone Number or Short Code is already in the Messaging Service" (what
            # production code handles; issue 14, from apps run against Twilio), not the 80104 warning.
            raise error(21710, f"Phone Number or Short Code is already in the Messaging Service: {what.lower()} "
                               f"{number.phone_number}.", status=409)
        raise error(21712, "Phone Number or Short Code is associated with another Messaging Service.")
    if not number.sms_capable:
        raise error(21715, f"{what} {number.phone_number} does not have SMS or MMS capability.")
    check_room(emu, service)
    now = emu.now()
    caps = [name for key, name in (("mms", "MMS"), ("sms", "SMS"), ("voice", "Voice"))
            if number.capabilities.get(key)]
    kind = "short_code" if number.type == numbers.SHORT_CODE else "phone_number"
    member = ServiceSender(sid=number.sid, account_sid=account.sid, service_sid=service.sid, kind=kind,
                           address=number.phone_number, country=number.country, capabilities=caps,
                           date_created=now, date_updated=now)
    also = ()
    if number.type == numbers.TOLL_FREE and any(
            (n := emu.numbers.get(m.sid)) is not None and n.type == numbers.TOLL_FREE
            for m in emu.service_senders.group("service", service.sid).values()):
        # The Messaging Services guide warns that several toll-free numbers in one pool (for one use case)
        # can get them blocked. [UNVERIFIED] code: 80105, an alert of the Messaging Services range.
        also = (log_rows.insert_alert(emu.new_alert(
            account.sid, TOLL_FREE_POOL_WARNING, f"A second toll-free number ({number.phone_number}) joined "
            f"Messaging Service {service.sid}: several toll-free numbers in one pool can get them blocked",
            None, None, service.sid, level="warning")),)
    return await emu.service_senders.save(emu.store, member, *also)


async def add_short_code(emu: "Emulator", account: Account, service: MessagingService,
                         short_code_sid: str | None) -> ServiceSender:
    code = emu.numbers.get(short_code_sid or "")
    if not short_code_sid or code is None or code.account_sid != account.sid or code.type != numbers.SHORT_CODE:
        raise error(21421, f"ShortCodeSid {short_code_sid} is not a short code of this account.")
    return await _add_owned(emu, account, service, code)


async def add_alpha_sender(emu: "Emulator", account: Account, service: MessagingService,
                           alpha: str | None) -> ServiceSender:
    if not alpha or not numbers.is_alphanumeric_sender(alpha):
        # [UNVERIFIED] code; the rule is Twilio's (reference §5.2).
        raise error(INVALID_PARAMETER, f"AlphaSender {alpha!r} must be 1-11 letters, digits, spaces or - + _ &, "
                                       "with at least one letter.")
    if any(s.address == alpha for s in senders(emu, service, "alpha_sender")):
        raise error(80104, f"Alpha sender {alpha} has already been added to this service.", status=409)
    check_room(emu, service)
    now = emu.now()
    member = ServiceSender(sid=emu.sids.new("AI"), account_sid=account.sid, service_sid=service.sid,
                           kind="alpha_sender", address=alpha, country="", capabilities=["SMS"],
                           date_created=now, date_updated=now)
    return await emu.service_senders.save(emu.store, member)


async def remove_sender(emu: "Emulator", member: ServiceSender) -> None:
    """Removing a sender deletes the sticky mappings to it (Twilio: recipients get a new sender next time)."""
    mappings = [m for m in emu.sticky.group("service", member.service_sid).values() if m.sender == member.address]
    await emu.service_senders.remove(emu.store, member, *[emu.sticky.delete(m) for m in mappings])
    for m in mappings:
        emu.sticky.forget(m)


async def forget_number(emu: "Emulator", number: IncomingPhoneNumber) -> None:
    """A released number leaves its service's pool."""
    member = emu.service_senders.get(number.sid)
    if member is not None:
        await remove_sender(emu, member)


def of_number(emu: "Emulator", number: IncomingPhoneNumber | None) -> MessagingService | None:
    member = emu.service_senders.get(number.sid) if number is not None else None
    return emu.services.get(member.service_sid) if member is not None else None


def resolve(emu: "Emulator", account: Account, sid: str) -> MessagingService:
    """The service a Messages.create names. Twilio: 21705 malformed SID, 21701 no such service."""
    if not is_sid(sid, "MG"):
        raise error(21705, "The Messaging Service is invalid.")
    service = emu.services.get(sid)
    if service is None or service.account_sid != account.sid:
        raise error(21701, f"The Messaging Service {sid} does not exist.")
    return service


def pick(emu: "Emulator", service: MessagingService, to: numbers.Number, handset: Handset | None) -> str:
    """The address the service sends from to `to` (whose handset is `handset`); raises TwilioError 21703 when
    its pool has no usable sender [UNVERIFIED code, reference §6.3]."""
    pool = list(emu.service_senders.group("service", service.sid).values())
    of_service = emu.sticky.group("service", service.sid)
    mapping = emu.sticky.get(StickyMapping(service.account_sid, service.sid, to.e164, "").sid)
    counts: dict[str, int] = {}
    for m in of_service.values():
        counts[m.sender] = counts.get(m.sender, 0) + 1
    busy = None
    if emu.throughput.enabled:  # the Scaler: the least busy of the candidates (reference twilio-more §9.3)
        now = emu.now()
        busy = {s.address: emu.throughput.backlog(s.address, now) for s in pool}
    chosen = select_sender(service, pool, to, mapping.sender if mapping else None, counts,
                           takes_short_codes=handset is None or handset.short_codes, busy=busy)
    if chosen is None:
        raise error(21703, "The Messaging Service does not have a phone number available to send a message.")
    return chosen.address


async def remember(emu: "Emulator", service: MessagingService, to: str, sender: str) -> None:
    """Sticky sender: map the recipient to the sender on first send, and remap when the pool changed so that
    another sender is chosen (e.g. a number of the recipient's country was added)."""
    if not service.get("sticky_sender") or numbers.parse(sender) is None:
        return
    mapping = StickyMapping(account_sid=service.account_sid, service_sid=service.sid, to=to, sender=sender)
    current = emu.sticky.get(mapping.sid)
    if current is not None and current.sender == sender:
        return
    await emu.sticky.save(emu.store, mapping)

