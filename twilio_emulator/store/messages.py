"""Messages and Media rows <-> domain dataclasses, and the list queries with their filters and paging."""
from __future__ import annotations

import json
import operator
from dataclasses import dataclass

from ..domain.messages import SENT, Media, Message, Step, message_of
from . import Op, Store, rows_in

_COLUMNS = ("sid, account_sid, to_, from_, body, status, direction, date_created, date_updated, date_sent, "
            "num_segments, num_media, price, price_unit, error_code, error_message, messaging_service_sid, extra, "
            "timeline")
_INSERT = f"INSERT INTO messages ({_COLUMNS}) VALUES ({rows_in(_COLUMNS.split(','))})"
_EXTRA = ("status_callback", "status_callback_method", "provide_feedback", "validity_period", "send_at", "sms_only",
          "channel_data")
_EXTRA_OF = operator.attrgetter(*_EXTRA)  # one C call for the seven (all unset for most messages)


def insert(msg: Message) -> list[Op]:
    values = _EXTRA_OF(msg)
    extra = json.dumps({k: v for k, v in zip(_EXTRA, values) if v}) if any(values) else "{}"
    ops: list[Op] = [(_INSERT, (
        msg.sid, msg.account_sid, msg.to, msg.from_, msg.body, msg.status, msg.direction, msg.date_created,
        msg.date_updated, msg.date_sent if msg.date_sent is not None else msg.sent_at,  # _sent(msg), inline
        msg.num_segments, msg.num_media, msg.price if msg.price is not None else msg.planned_price,  # _price(msg)
        msg.price_unit,
        msg.error_code, msg.error_message, msg.messaging_service_sid, extra,
        _timeline_json(msg.timeline, msg.date_created)))]
    if msg.media:  # (a comprehension is a call of its own in CPython 3.11, even over nothing)
        ops += [("INSERT INTO media (sid, account_sid, message_sid, content_type, url, date_created, date_updated) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (m.sid, m.account_sid, m.message_sid, m.content_type, m.url, m.date_created, m.date_updated))
                for m in msg.media]
    return ops


_UPDATE = ("UPDATE messages SET status = ?, body = ?, from_ = ?, date_updated = ?, date_sent = ?, price = ?, "
           "price_unit = ?, error_code = ?, error_message = ?, num_segments = ?, timeline = ? WHERE sid = ?")
_UPDATE_IF = _UPDATE + " AND status = ?"


# The date_sent and price columns hold the planned values while the 'sent' step is still ahead (the
# DateSent filter compares with the clock too), and the actual ones after it.
def _sent(msg: Message) -> float | None:
    return msg.date_sent if msg.date_sent is not None else msg.sent_at


def _price(msg: Message) -> str | None:
    return msg.price if msg.price is not None else msg.planned_price


def _timeline_json(steps: list[Step], base: float) -> str:
    """Steps as [seconds after `base` (to the microsecond), status, error_code, error_message]: a short offset
    is far cheaper to write than an epoch timestamp, and decodes back to the same float (plan_delivery adds
    each offset to `base` once)."""
    if not steps:
        return "[]"
    known, parts = _STEP_TEXT, []
    for at, status, code, text in steps:
        found = known.get((at - base, status, code, text))  # _step_json's lookup, without its call
        parts.append(found if found is not None else _step_json(at - base, status, code, text))
    return "[" + ",".join(parts) + "]"


# The text of one step by (raw offset, status, code, text). Offsets repeat: a plan's offsets are a handful of
# constants, and `now + offset - now` takes only a few float values for each at today's epoch magnitudes.
# Formatting one (round(), repr, json) is most of what writing a message's row costs on the event loop.
_STEP_TEXT: dict[tuple, str] = {}


def _step_json(offset: float, status: str, code: int | None, text: str | None) -> str:
    key = (offset, status, code, text)
    found = _STEP_TEXT.get(key)
    if found is None:
        if len(_STEP_TEXT) >= 4096:
            _STEP_TEXT.clear()
        if code is None and text is None:  # the common step, written out (a queued message's offsets are unique)
            found = f'[{round(offset, 6)!r},"{status}",null,null]'
        else:
            found = json.dumps([round(offset, 6), status, code, text], separators=(",", ":"))
        _STEP_TEXT[key] = found
    return found


def keep_on_handset(sid: str) -> Op:
    """Copy the message's row, as it is now, to the handset's side (once: a later copy keeps the first), so
    that a delete or a redaction does not take it off the phone that received it."""
    return (f"INSERT OR IGNORE INTO handset_copies (seq, {_COLUMNS}) SELECT seq, {_COLUMNS} FROM messages "
            "WHERE sid = ?", (sid,))


def update(msg: Message, expect_status: str | None = None) -> Op:
    """Write the state back (an observed message: its remaining timeline included); with `expect_status`,
    only if the stored row still has that status."""
    params = (msg.status, msg.body, msg.from_, msg.date_updated, _sent(msg), _price(msg), msg.price_unit,
              msg.error_code, msg.error_message, msg.num_segments, _timeline_json(msg.timeline, msg.date_created),
              msg.sid)
    if expect_status is None:
        return _UPDATE, params
    return _UPDATE_IF, (*params, expect_status)


def delete(sid: str) -> list[Op]:
    return [keep_on_handset(sid), ("DELETE FROM media WHERE message_sid = ?", (sid,)), ("DELETE FROM messages WHERE sid = ?", (sid,))]


def delete_media(sid: str) -> Op:
    return "DELETE FROM media WHERE sid = ?", (sid,)


def _message(row) -> Message:
    extra = json.loads(row["extra"])
    base = row["date_created"]
    timeline = [Step(base + offset, status, code, text) for offset, status, code, text in json.loads(row["timeline"])]
    # Until its 'sent' step, a row's date_sent/price are the planned ones (see _sent/_price).
    planned = any(step.status == SENT for step in timeline)
    return message_of(
        sid=row["sid"], account_sid=row["account_sid"], to=row["to_"], from_=row["from_"], body=row["body"],
        status=row["status"], direction=row["direction"], date_created=row["date_created"],
        date_updated=row["date_updated"], date_sent=None if planned else row["date_sent"],
        sent_at=row["date_sent"] if planned else None, num_segments=row["num_segments"], num_media=row["num_media"],
        price=None if planned else row["price"], planned_price=row["price"] if planned else None,
        price_unit=row["price_unit"], error_code=row["error_code"],
        error_message=row["error_message"], messaging_service_sid=row["messaging_service_sid"],
        timeline=timeline, **{k: extra[k] for k in _EXTRA if k in extra})


def _media(row) -> Media:
    return Media(sid=row["sid"], account_sid=row["account_sid"], message_sid=row["message_sid"],
                 content_type=row["content_type"], url=row["url"], date_created=row["date_created"],
                 date_updated=row["date_updated"])


async def get(store: Store, account_sid: str, sid: str) -> Message | None:
    row = await store.fetchone(f"SELECT seq, {_COLUMNS} FROM messages WHERE sid = ? AND account_sid = ?",
                               (sid, account_sid))
    return _message(row) if row else None


@dataclass
class Filters:
    to: str | None = None
    from_: str | None = None
    sent_on_or_after: float | None = None  # epoch seconds, inclusive
    sent_before: float | None = None  # epoch seconds, exclusive
    now: float | None = None  # with a date_sent filter: only messages already sent by then


async def page(store: Store, account_sid: str, f: Filters, size: int, after_sid: str | None = None,
               before_sid: str | None = None) -> list[Message]:
    """Most recent first. `after_sid`: the page after that record (PageToken PA…); `before_sid`: the page
    before it (PB…). Every filter is one index range, walked in list order, so a page costs O(page) however
    many messages match (issue 14, item 13): without a DateSent filter in creation order (seq) on the
    (account_sid[, to_ | from_], seq) indexes; with one in date_sent order, then seq (the (account_sid,
    date_sent) index, whose entries end with the rowid, seq)."""
    where, params = ["account_sid = ?"], [account_sid]
    for clause, value in (("to_ = ?", f.to), ("from_ = ?", f.from_)):
        if value is not None:
            where.append(clause)
            params.append(value)
    if f.sent_on_or_after is not None or f.sent_before is not None:
        return await _page_by_date_sent(store, f, where, params, size, after_sid, before_sid)
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


async def _page_by_date_sent(store: Store, f: Filters, where: list[str], params: list, size: int,
                             after_sid: str | None, before_sid: str | None) -> list[Message]:
    """A page of a DateSent-filtered list: newest date_sent first (ties: newest seq first), and only messages
    already sent by `f.now`. A page token's record (D, S) splits the rest in two index ranges, read in turn up
    to a page: date_sent = D beyond seq S, then date_sent beyond D."""
    bounds, values = [], []
    for clause, value in (("date_sent >= ?", f.sent_on_or_after), ("date_sent < ?", f.sent_before),
                          ("date_sent <= ?", f.now)):
        if value is not None:
            bounds.append(clause)
            values.append(value)
    base = " AND ".join(where + bounds)
    older = before_sid is None
    order = "DESC" if older else "ASC"
    cursor_sid = after_sid or before_sid
    table = "messages INDEXED BY messages_date_sent"  # the planner would rather walk seq and sort
    if cursor_sid is None:
        rows = await store.fetchall(f"SELECT {_COLUMNS} FROM {table} WHERE {base} "
                                    f"ORDER BY date_sent {order}, seq {order} LIMIT ?", (*params, *values, size))
    else:
        cursor = await store.fetchone("SELECT date_sent, seq FROM messages WHERE sid = ?", (cursor_sid,))
        if cursor is None or cursor["date_sent"] is None:
            return []
        sent, seq, beyond = cursor["date_sent"], cursor["seq"], "<" if older else ">"
        # The ties of the token's record (an equality and a rowid range on the index): within the bounds only
        # if the record is (a token of another listing may not be). Then what lies beyond its date_sent.
        ties = ((f.sent_on_or_after is None or sent >= f.sent_on_or_after)
                and (f.sent_before is None or sent < f.sent_before) and (f.now is None or sent <= f.now))
        rows = []
        if ties:
            rows = await store.fetchall(
                f"SELECT {_COLUMNS} FROM {table} WHERE {' AND '.join(where)} AND date_sent = ? AND seq {beyond} ? "
                f"ORDER BY seq {order} LIMIT ?", (*params, sent, seq, size))
        if len(rows) < size:
            rows += await store.fetchall(
                f"SELECT {_COLUMNS} FROM {table} WHERE {base} AND date_sent {beyond} ? "
                f"ORDER BY date_sent {order}, seq {order} LIMIT ?", (*params, *values, sent, size - len(rows)))
    msgs = [_message(r) for r in rows]
    return msgs if older else msgs[::-1]


async def media_for(store: Store, message_sid: str) -> list[Media]:
    rows = await store.fetchall("SELECT * FROM media WHERE message_sid = ? ORDER BY seq", (message_sid,))
    return [_media(r) for r in rows]


async def recent_matching(store: Store, *, sid: str | None = None, to: str | None = None,
                          from_: str | None = None, body: str | None = None, limit: int = 200) -> list[Message]:
    """The most recent messages matching every given field (`body`: a substring), newest first."""
    where, params = [], []
    for clause, value in (("sid = ?", sid), ("to_ = ?", to), ("from_ = ?", from_), ("instr(body, ?) > 0", body)):
        if value is not None:
            where.append(clause)
            params.append(value)
    rows = await store.fetchall(f"SELECT {_COLUMNS} FROM messages {'WHERE ' + ' AND '.join(where) if where else ''} "
                                "ORDER BY seq DESC LIMIT ?", (*params, limit))
    return [_message(r) for r in rows]


async def to_number(store: Store, account_sids: tuple[str, ...], to: str) -> list[Message]:
    """Every message to `to` in these accounts, oldest first, as the handset got it: a message deleted or
    redacted since is read from its copy (keep_on_handset). Uses the (account_sid, to_, seq) indexes."""
    accounts = rows_in(account_sids)
    rows = await store.fetchall(
        f"SELECT seq, {_COLUMNS} FROM messages WHERE account_sid IN ({accounts}) AND to_ = ? "
        "AND sid NOT IN (SELECT sid FROM handset_copies WHERE to_ = ?) "
        f"UNION ALL SELECT seq, {_COLUMNS} FROM handset_copies WHERE account_sid IN ({accounts}) AND to_ = ? "
        "ORDER BY seq", (*account_sids, to, to, *account_sids, to))
    return [_message(r) for r in rows]


async def with_status_callback(store: Store) -> list[Message]:
    """Messages that have a StatusCallback and planned steps (restart recovery of callbacks)."""
    rows = await store.fetchall(f"SELECT {_COLUMNS} FROM messages WHERE timeline != '[]' "
                                "AND instr(extra, '\"status_callback\"') > 0 ORDER BY seq")
    return [_message(r) for r in rows]


def set_media_type(media_sid: str, content_type: str, at: float) -> Op:
    """The Content-Type the media's URL answered with (engine.media), in place of the guess from its URL."""
    return "UPDATE media SET content_type = ?, date_updated = ? WHERE sid = ?", (content_type, at, media_sid)


async def phones(store: Store, account_sid: str, limit: int = 200) -> list[tuple[str, int]]:
    """The addresses this account's messages went to or came from (the phones of its conversations), each with
    the seq of its newest message, newest conversation first: one pass over the account's rows (the inspector's
    list of phones)."""
    rows = await store.fetchall(
        "SELECT CASE WHEN direction = 'inbound' THEN from_ ELSE to_ END AS phone, MAX(seq) AS last "
        "FROM messages WHERE account_sid = ? GROUP BY phone ORDER BY last DESC LIMIT ?", (account_sid, limit))
    return [(r["phone"], r["last"]) for r in rows if r["phone"]]


async def by_seq(store: Store, seqs: list[int]) -> list[Message]:
    if not seqs:
        return []
    rows = await store.fetchall(f"SELECT {_COLUMNS} FROM messages WHERE seq IN ({rows_in(seqs)})", tuple(seqs))
    return [_message(r) for r in rows]


async def browse(store: Store, account_sid: str, *, number: str | None = None, direction: str | None = None,
                 text: str | None = None, before_sid: str | None = None, limit: int = 50) -> list[Message]:
    """Newest first, after the record `before_sid`: the account's messages to or from `number` (the
    (account_sid, to_/from_, seq) indexes, merged), of `direction` ("inbound", or "outbound" for every
    outbound-*), whose body contains `text`."""
    where, params = ["account_sid = ?"], [account_sid]
    if direction == "inbound":
        where.append("direction = 'inbound'")
    elif direction == "outbound":
        where.append("direction != 'inbound'")
    if text:
        where.append("instr(lower(body), lower(?)) > 0")
        params.append(text)
    if before_sid:
        where.append("seq < coalesce((SELECT seq FROM messages WHERE sid = ?), 0)")
        params.append(before_sid)
    base = " AND ".join(where)
    if number:
        one = f"SELECT seq, {_COLUMNS} FROM messages WHERE {base} AND {{}} = ? ORDER BY seq DESC LIMIT ?"
        sql = (f"SELECT * FROM ({one.format('to_')}) UNION SELECT * FROM ({one.format('from_')}) "
               "ORDER BY seq DESC LIMIT ?")
        rows = await store.fetchall(sql, (*params, number, limit, *params, number, limit, limit))
    else:
        rows = await store.fetchall(f"SELECT {_COLUMNS} FROM messages WHERE {base} ORDER BY seq DESC LIMIT ?",
                                    (*params, limit))
    return [_message(r) for r in rows]
