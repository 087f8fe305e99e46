"""The outbox (schema 0003): inbound messages still being processed, and outbound messages still to arrive
at one of our own numbers. Written in the same transaction as the change they follow, so that after a crash
the engine knows exactly what is left to do (engine.inbound recovers from it). Never calls upward."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..domain.messages import Step
from . import Op, Store

NEW, WEBHOOK, ANSWERED = "new", "webhook", "answered"
CAPTURED = "captured"  # a conversation took it, and the number's webhook is next (Settings.captured_also_webhook)


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


def media_fetch(message_sid: str, account_sid: str, due: float, plan: list[Step]) -> Op:
    steps = [[s.at - due, s.status, s.error_code, s.error_message] for s in plan]
    return ("INSERT INTO media_fetches (message_sid, account_sid, due, plan) VALUES (?, ?, ?, ?)",
            (message_sid, account_sid, due, json.dumps(steps)))


def media_fetched(message_sid: str) -> Op:
    return "DELETE FROM media_fetches WHERE message_sid = ?", (message_sid,)


async def held_plan(store: Store, message_sid: str) -> tuple[float, list[Step]] | None:
    """(due, plan as offsets after due) of a message waiting for its media, None when it is not."""
    row = await store.fetchone("SELECT due, plan FROM media_fetches WHERE message_sid = ?", (message_sid,))
    if row is None:
        return None
    return row["due"], [Step(offset, status, code, text) for offset, status, code, text in json.loads(row["plan"])]


async def pending_media_fetches(store: Store) -> list[tuple[str, str, float]]:
    rows = await store.fetchall("SELECT message_sid, account_sid, due FROM media_fetches ORDER BY due")
    return [(r["message_sid"], r["account_sid"], r["due"]) for r in rows]
