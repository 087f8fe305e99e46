"""Content API templates: create, fetch, list, update, delete, and their WhatsApp approval requests. The
rules (what a valid template is, how it renders) are in domain.content."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import content as rules
from ..domain.accounts import Account
from ..domain.content import APPROVAL_OUTCOMES, Approval, Content
from ..domain.errors import INVALID_PARAMETER, NotFound, error
from ..domain.sids import is_sid
from .tables import Table

if TYPE_CHECKING:
    from . import Emulator

KIND = "content"


def table() -> Table[Content]:
    return Table(KIND, Content)


async def create(emu: "Emulator", account: Account, body: dict, approval: dict | None = None,
                 sid: str | None = None) -> Content:
    """A template; `approval` (scenario files): its WhatsApp approval as already decided, {"name", "category",
    "status"}; `sid` (scenario files): the HX… SID an app's configuration names."""
    name, language, variables, types = rules.check(body)
    if sid is not None and (not isinstance(sid, str) or not is_sid(sid, "HX") or sid in emu.contents):
        raise error(INVALID_PARAMETER, f"sid must be a Content SID (HX + 32 hex digits) not used yet, not {sid!r}.",
                    param="sid")
    now = emu.now()
    content = Content(sid=sid or emu.sids.new("HX"), account_sid=account.sid, friendly_name=name, language=language,
                      variables=variables, types=types, date_created=now, date_updated=now)
    if approval is not None:
        unknown = set(approval) - {"status", "name", "category", "rejection_reason"}
        if unknown:
            raise error(INVALID_PARAMETER, f"approval.{sorted(unknown)[0]} is not a field of an approval.",
                        param="approval")
        content.approval = _decided(approval, now)
    return await emu.contents.save(emu.store, content)


def _decided(approval: dict, now: float) -> dict:
    status = approval.get("status", rules.APPROVED)
    if status not in APPROVAL_OUTCOMES:
        raise error(INVALID_PARAMETER, f"approval status must be one of {', '.join(APPROVAL_OUTCOMES)}.",
                    param="status")
    name, category = rules.check_approval({"name": approval.get("name", "template"),
                                           "category": approval.get("category", "UTILITY")})
    reason = approval.get("rejection_reason", "")
    if not isinstance(reason, str):
        raise error(INVALID_PARAMETER, "rejection_reason must be a string.", param="rejection_reason")
    return Approval(name=name, category=category, submitted_at=now, decided_at=now, outcome=status,
                    rejection_reason=reason).__dict__


def get(emu: "Emulator", account: Account, sid: str) -> Content:
    content = emu.contents.get(sid)
    if content is None or content.account_sid != account.sid:
        raise NotFound()
    return content


def for_message(emu: "Emulator", account: Account, sid: str) -> Content:
    """The template a Messages.create names: 21655 when it is none of the account's (docs errors/21655)."""
    content = emu.contents.get(sid) if is_sid(sid, "HX") else None
    if content is None or content.account_sid != account.sid:
        raise error(21655, f"The ContentSid is Invalid: {sid} is not a Content template of this account.")
    return content


def listed(emu: "Emulator", account: Account) -> list[Content]:
    """Newest first [UNVERIFIED: the order of Twilio's list]."""
    return sorted((c for c in emu.contents.values() if c.account_sid == account.sid),
                  key=lambda c: (c.date_created, c.sid), reverse=True)


async def update(emu: "Emulator", content: Content, body: dict) -> Content:
    """PUT: the whole template again (`types` required). [UNVERIFIED] an approved template edited this way
    keeps its approval record; Twilio only lets unapproved templates be edited."""
    content.friendly_name, content.language, content.variables, content.types = rules.check(body)
    content.date_updated = emu.now()
    return await emu.contents.save(emu.store, content)


async def delete(emu: "Emulator", content: Content) -> None:
    await emu.contents.remove(emu.store, content)


async def decide(emu: "Emulator", content: Content, decision: dict) -> None:
    """WhatsApp's verdict on the template now (the control API, scenario files): submitted if it was not."""
    current = content.approval or {}
    content.approval = _decided({"name": current.get("name", "template"), "category": current.get("category",
                                 "UTILITY"), **decision}, emu.now())
    content.date_updated = emu.now()
    await emu.contents.save(emu.store, content)


async def submit(emu: "Emulator", content: Content, body: dict) -> Approval:
    """POST …/ApprovalRequests/whatsapp: `received`, then approved on the virtual clock (CHANNEL_TIMINGS);
    a second request is 92009 (docs errors/92009)."""
    name, category = rules.check_approval(body)
    if content.approval:
        raise error(92009, f"Content {content.sid} has already been submitted for WhatsApp approval.")
    now = emu.now()
    approval = Approval(name=name, category=category, submitted_at=now,
                        decided_at=now + emu.settings.channel_delay("approval"))
    content.approval = approval.__dict__
    content.date_updated = now
    await emu.contents.save(emu.store, content)
    return approval
