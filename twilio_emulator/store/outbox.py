"""The outbox (schema 0003): inbound messages still being processed, and outbound messages still to arrive
at one of our own numbers. Written in the same transaction as the change they follow, so that after a crash
the engine knows exactly what is left to do (engine.inbound recovers from it). Never calls upward."""
from __future__ import annotations

from dataclasses import dataclass

from . import Op, Store

NEW, WEBHOOK, ANSWERED = "new", "webhook", "answered"


@dataclass
class InboundWork:
    message_sid: str
    account_sid: str
    stage: str
    answer: bytes | None = None  # the answer being carried out, as received
    content_type: str | None = None
    doc_url: str | None = None
    hop: int = 0  # redirects followed before this answer
    done: int = 0  # verbs of this answer already carried out


def new_inbound(message_sid: str, account_sid: str) -> Op:
    return ("INSERT INTO inbound_work (message_sid, account_sid, stage) VALUES (?, ?, ?)",
            (message_sid, account_sid, NEW))


def stage(message_sid: str, name: str) -> Op:
    return "UPDATE inbound_work SET stage = ? WHERE message_sid = ?", (name, message_sid)


def answered(message_sid: str, answer: bytes, content_type: str, doc_url: str, hop: int) -> Op:
    return ("UPDATE inbound_work SET stage = ?, answer = ?, content_type = ?, doc_url = ?, hop = ?, done = 0 "
            "WHERE message_sid = ?", (ANSWERED, answer, content_type, doc_url, hop, message_sid))


def progress(message_sid: str, done: int) -> Op:
    return "UPDATE inbound_work SET done = ? WHERE message_sid = ?", (done, message_sid)


def finished(message_sid: str) -> Op:
    return "DELETE FROM inbound_work WHERE message_sid = ?", (message_sid,)


async def pending_inbound(store: Store) -> list[InboundWork]:
    rows = await store.fetchall("SELECT * FROM inbound_work ORDER BY rowid")
    return [InboundWork(**dict(r)) for r in rows]


def arrival(message_sid: str, account_sid: str, due: float) -> Op:
    return "INSERT INTO arrivals (message_sid, account_sid, due) VALUES (?, ?, ?)", (message_sid, account_sid, due)


def arrived(message_sid: str) -> Op:
    return "DELETE FROM arrivals WHERE message_sid = ?", (message_sid,)


async def pending_arrivals(store: Store) -> list[tuple[str, str, float]]:
    rows = await store.fetchall("SELECT message_sid, account_sid, due FROM arrivals ORDER BY due")
    return [(r["message_sid"], r["account_sid"], r["due"]) for r in rows]
