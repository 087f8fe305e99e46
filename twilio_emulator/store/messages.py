"""Messages and Media rows <-> domain dataclasses, and the list queries with their filters and paging."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain.messages import FINAL, Media, Message
from . import Op, Store, rows_in

_COLUMNS = ("sid, account_sid, to_, from_, body, status, direction, date_created, date_updated, date_sent, "
            "num_segments, num_media, price, price_unit, error_code, error_message, messaging_service_sid, extra")
_INSERT = f"INSERT INTO messages ({_COLUMNS}) VALUES ({rows_in(_COLUMNS.split(','))})"
_EXTRA = ("status_callback", "provide_feedback", "validity_period", "send_at")


def insert(msg: Message) -> list[Op]:
    extra = {k: getattr(msg, k) for k in _EXTRA if getattr(msg, k)}
    ops: list[Op] = [(_INSERT, (
        msg.sid, msg.account_sid, msg.to, msg.from_, msg.body, msg.status, msg.direction, msg.date_created,
        msg.date_updated, msg.date_sent, msg.num_segments, msg.num_media, msg.price, msg.price_unit,
        msg.error_code, msg.error_message, msg.messaging_service_sid, json.dumps(extra) if extra else "{}"))]
    ops += [("INSERT INTO media (sid, account_sid, message_sid, content_type, url, date_created, date_updated) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)",
             (m.sid, m.account_sid, m.message_sid, m.content_type, m.url, m.date_created, m.date_updated))
            for m in msg.media]
    return ops


_UPDATE = ("UPDATE messages SET status = ?, body = ?, from_ = ?, date_updated = ?, date_sent = ?, price = ?, "
           "price_unit = ?, error_code = ?, error_message = ?, num_segments = ? WHERE sid = ?")
_UPDATE_IF = _UPDATE + " AND status = ?"


def update(msg: Message, expect_status: str | None = None) -> Op:
    """Write the mutable fields back; with `expect_status`, only if the row still has that status."""
    params = (msg.status, msg.body, msg.from_, msg.date_updated, msg.date_sent, msg.price, msg.price_unit,
              msg.error_code, msg.error_message, msg.num_segments, msg.sid)
    if expect_status is None:
        return _UPDATE, params
    return _UPDATE_IF, (*params, expect_status)


_STEP = ("UPDATE messages SET status = ?, date_updated = ?, date_sent = ?, price = ?, error_code = ?, "
         "error_message = ? WHERE sid = ? AND status = ?")


def update_status(msg: Message, expect_status: str) -> Op:
    """A lifecycle step: only the fields a status change touches, and only if the row still has
    `expect_status` (so that a step never overwrites a status another operation set meanwhile)."""
    return _STEP, (msg.status, msg.date_updated, msg.date_sent, msg.price, msg.error_code, msg.error_message,
                   msg.sid, expect_status)


def delete(sid: str) -> list[Op]:
    return [("DELETE FROM media WHERE message_sid = ?", (sid,)), ("DELETE FROM messages WHERE sid = ?", (sid,))]


def delete_media(sid: str) -> Op:
    return "DELETE FROM media WHERE sid = ?", (sid,)


def _message(row) -> Message:
    extra = json.loads(row["extra"])
    return Message(
        sid=row["sid"], account_sid=row["account_sid"], to=row["to_"], from_=row["from_"], body=row["body"],
        status=row["status"], direction=row["direction"], date_created=row["date_created"],
        date_updated=row["date_updated"], date_sent=row["date_sent"], num_segments=row["num_segments"],
        num_media=row["num_media"], price=row["price"], price_unit=row["price_unit"], error_code=row["error_code"],
        error_message=row["error_message"], messaging_service_sid=row["messaging_service_sid"],
        **{k: extra[k] for k in _EXTRA if k in extra})


def _media(row) -> Media:
    return Media(sid=row["sid"], account_sid=row["account_sid"], message_sid=row["message_sid"],
                 content_type=row["content_type"], url=row["url"], date_created=row["date_created"],
                 date_updated=row["date_updated"])


async def get(store: Store, account_sid: str, sid: str) -> Message | None:
    row = await store.fetchone(f"SELECT seq, {_COLUMNS} FROM messages WHERE sid = ? AND account_sid = ?",
                               (sid, account_sid))
    return _message(row) if row else None


async def open_messages(store: Store) -> list[Message]:
    """Every message not yet in a final status (start-up recovery: one scan of the table, no index to keep
    up to date on every status change)."""
    rows = await store.fetchall(f"SELECT {_COLUMNS} FROM messages WHERE status NOT IN ({rows_in(FINAL)}) "
                                "ORDER BY seq", tuple(FINAL))
    return [_message(r) for r in rows]


@dataclass
class Filters:
    to: str | None = None
    from_: str | None = None
    sent_on_or_after: float | None = None  # epoch seconds, inclusive
    sent_before: float | None = None  # epoch seconds, exclusive


async def page(store: Store, account_sid: str, f: Filters, size: int, after_sid: str | None = None,
               before_sid: str | None = None) -> list[Message]:
    """Most recent first. `after_sid`: the page after that record (PageToken PA…); `before_sid`: the page
    before it (PB…)."""
    where, params = ["account_sid = ?"], [account_sid]
    for clause, value in (("to_ = ?", f.to), ("from_ = ?", f.from_), ("date_sent >= ?", f.sent_on_or_after),
                          ("date_sent < ?", f.sent_before)):
        if value is not None:
            where.append(clause)
            params.append(value)
    order = "DESC"
    if after_sid:
        where.append("seq < (SELECT seq FROM messages WHERE sid = ?)")
        params.append(after_sid)
    elif before_sid:
        where.append("seq > (SELECT seq FROM messages WHERE sid = ?)")
        params.append(before_sid)
        order = "ASC"
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM messages WHERE {' AND '.join(where)} ORDER BY seq {order} LIMIT ?",
        (*params, size))
    msgs = [_message(r) for r in rows]
    return msgs[::-1] if order == "ASC" else msgs


async def media_for(store: Store, message_sid: str) -> list[Media]:
    rows = await store.fetchall("SELECT * FROM media WHERE message_sid = ? ORDER BY seq", (message_sid,))
    return [_media(r) for r in rows]


async def latest_matching(store: Store, *, sid: str | None = None, to: str | None = None, from_: str | None = None,
                          status: str | None = None, body: str | None = None) -> Message | None:
    """The most recent message matching every given field (`body`: a substring)."""
    where, params = [], []
    for clause, value in (("sid = ?", sid), ("to_ = ?", to), ("from_ = ?", from_), ("status = ?", status),
                          ("instr(body, ?) > 0", body)):
        if value is not None:
            where.append(clause)
            params.append(value)
    row = await store.fetchone(f"SELECT {_COLUMNS} FROM messages {'WHERE ' + ' AND '.join(where) if where else ''} "
                               "ORDER BY seq DESC LIMIT 1", params)
    return _message(row) if row else None
