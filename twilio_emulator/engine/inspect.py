"""What the web inspector reads (issue 17), through the control API: the phones of an account's conversations,
a filtered page of its messages, one message with its history and every request made for it, and the
account's world as a scenario document (the export). Read-only: nothing here writes."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.messages import Message, observe
from ..domain.phone_numbers import SETTABLE as NUMBER_FIELDS
from ..domain.messaging_services import SETTABLE as SERVICE_FIELDS
from ..store import messages as rows
from ..store import webhooks as log_rows
from . import messaging_services as services
from .scenarios import HANDSET_FIELDS

if TYPE_CHECKING:
    from . import Emulator

SCAN = 5000  # rows looked at, at most, to fill a page filtered by status (which the clock decides on read)


async def phones(emu: "Emulator", account_sid: str, limit: int = 200) -> list[tuple[str, Message]]:
    """(address, its newest message as it stands) for each phone the account talked with, newest first."""
    found = await rows.phones(emu.store, account_sid, limit)
    newest = {m.sid: m for m in await rows.by_seq(emu.store, [seq for _, seq in found])}
    by_seq = {}
    for m in newest.values():
        by_seq.setdefault(m.to if m.direction != "inbound" else m.from_, m)
    now = emu.now()
    return [(phone, observe(by_seq[phone], now)) for phone, _ in found if phone in by_seq]


async def browse(emu: "Emulator", account_sid: str, *, number: str | None = None, status: str | None = None,
                 direction: str | None = None, text: str | None = None, before: str | None = None,
                 limit: int = 50) -> tuple[list[Message], str | None]:
    """A page of messages (newest first) and the cursor of the next one (None at the end)."""
    now, out, cursor, scanned = emu.now(), [], before, 0
    chunk = limit if status is None else max(limit * 4, 200)
    while len(out) < limit and scanned < SCAN:
        found = await rows.browse(emu.store, account_sid, number=number, direction=direction, text=text,
                                  before_sid=cursor, limit=chunk)
        if not found:
            return out, None
        scanned += len(found)
        for msg in found:
            seen = observe(msg, now)
            if status is None or seen.status == status:
                out.append(seen)
                if len(out) == limit:
                    return out, seen.sid
            cursor = msg.sid
        if len(found) < chunk:
            return out, None
    return out, cursor


def history(msg: Message, now: float) -> list[dict]:
    """Each status of a message with its time, the planned ones still ahead marked so. A message's row is its
    state when it was last written plus its planned steps (domain.messages): an inbound message was receiving
    at creation and received when its webhook went; an outbound one had its stored status at creation (or at
    its last change: a cancel), then each step."""
    def entry(status, at, code=None, text=None, planned=False):
        return {"status": status, "at": at, "error_code": code, "error_message": text, "planned": planned}
    if msg.direction == "inbound":
        out = [entry("receiving", msg.date_created)]
        if msg.status != "receiving":
            out.append(entry(msg.status, msg.date_sent or msg.date_updated, msg.error_code, msg.error_message))
        return out
    out = [entry(msg.status, msg.date_updated, msg.error_code, msg.error_message)]
    out += [entry(s.status, s.at, s.error_code, s.error_message, s.at > now) for s in msg.timeline]
    return out


async def detail(emu: "Emulator", account_sid: str, sid: str) -> tuple[Message, list[dict], list[dict], list]:
    """(the message as it stands, its history, every request made for it oldest first, its alerts)."""
    raw = await rows.get(emu.store, account_sid, sid)
    if raw is None:
        return None, [], [], []
    raw.media = await rows.media_for(emu.store, sid)
    now = emu.now()
    attempts = await log_rows.attempts(emu.store, sid)
    alerts = [a for a in await log_rows.alerts(emu.store, account_sid) if a.resource_sid == sid]
    return observe(raw, now), history(raw, now), attempts, alerts


def _config(values: dict, defaults: dict) -> dict:
    return {k: v for k, v in values.items() if k in defaults and v is not None and v != defaults[k]}


def export(emu: "Emulator", account_sid: str) -> dict:
    """The account's world as a scenario document (engine.scenarios reads it back): its numbers with their
    settings, short codes, WhatsApp/RCS senders, Messaging Services with their settings and pools, the
    handsets declared, and its Content templates. Messages, logs and the clock are not part of a scenario."""
    doc: dict = {"description": f"exported from the emulator's account {account_sid}"}
    numbers, codes = [], []
    for n in sorted((n for n in emu.numbers.values() if n.account_sid == account_sid),
                    key=lambda n: (n.date_created, n.sid)):
        if n.type == "short-code":
            codes.append({"short_code": n.phone_number, "country": n.country,
                          **{k: v for k, v in _config(n.config, NUMBER_FIELDS).items()
                             if k in ("friendly_name", "sms_url", "sms_method", "sms_fallback_url",
                                      "sms_fallback_method")}})
        else:
            numbers.append({"phone_number": n.phone_number, **_config(n.config, NUMBER_FIELDS)})
    senders = [{"sender_id": s.sender_id, **({"webhook": s.webhook} if s.webhook else {}),
                **({"profile": s.profile} if s.profile else {})}
               for s in sorted((s for s in emu.channel_senders.values() if s.account_sid == account_sid),
                               key=lambda s: (s.date_created, s.sid)) if s.online(emu.now())]
    out_services = []
    for service in services.listed(emu, emu.accounts[account_sid]):
        entry = {"friendly_name": service.get("friendly_name"), **_config(service.config, SERVICE_FIELDS)}
        for kind, field in (("phone_number", "phone_numbers"), ("short_code", "short_codes"),
                            ("alpha_sender", "alpha_senders"), ("channel_sender", "channel_senders")):
            members = [m.address for m in services.senders(emu, service, kind)]
            if members:
                entry[field] = members
        out_services.append(entry)
    handsets = [{"number": h.number, **{k: v for k, v in h.__dict__.items() if k in HANDSET_FIELDS and v not in
                                        ("", None, {})}} for h in emu.handsets.values()]
    templates = []
    for c in sorted((c for c in emu.contents.values() if c.account_sid == account_sid),
                    key=lambda c: (c.date_created, c.sid)):
        entry = {"sid": c.sid, "friendly_name": c.friendly_name, "language": c.language, "types": c.types}
        if c.variables:
            entry["variables"] = c.variables
        status, approval = c.approval_at(emu.now())
        if approval is not None:
            entry["approval"] = {"status": status, "name": approval.name, "category": approval.category}
        templates.append(entry)
    for key, value in (("numbers", numbers), ("short_codes", codes), ("senders", senders),
                       ("services", out_services), ("handsets", handsets), ("templates", templates)):
        if value:
            doc[key] = value
    return doc
