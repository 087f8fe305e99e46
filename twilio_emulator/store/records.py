"""Simple resources as JSON rows keyed by (kind, key): accounts, API keys, phone numbers, services, handsets….
The key is the resource's `sid` unless another one is given (a handset's number, a sticky mapping's
service and recipient). Schema 0007.

They are few, so the engine loads them all at start-up and keeps a write-through cache.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any, TypeVar

from . import Op, Store

T = TypeVar("T")


def put(kind: str, obj: Any, key: str | None = None) -> Op:
    """Store `obj` under (kind, its `sid` or `key`)."""
    data = dataclasses.asdict(obj)
    return ("INSERT OR REPLACE INTO records (kind, key, account_sid, data) VALUES (?, ?, ?, ?)",
            (kind, key or data["sid"], data.get("account_sid") or data.get("owner_account_sid"), json.dumps(data)))


def delete(kind: str, key: str) -> Op:
    return "DELETE FROM records WHERE kind = ? AND key = ?", (kind, key)


async def load_all(store: Store, kind: str, cls: type[T]) -> list[T]:
    rows = await store.fetchall("SELECT data FROM records WHERE kind = ? ORDER BY rowid", (kind,))
    return [cls(**json.loads(r["data"])) for r in rows]


async def load(store: Store, kind: str, key: str, cls: type[T]) -> T | None:
    row = await store.fetchone("SELECT data FROM records WHERE kind = ? AND key = ?", (kind, key))
    return cls(**json.loads(row["data"])) if row else None


async def load_for_account(store: Store, kind: str, account_sid: str, cls: type[T]) -> list[T]:
    """The records of one kind of one account, oldest first (the (kind, account_sid) index)."""
    rows = await store.fetchall("SELECT data FROM records WHERE kind = ? AND account_sid = ? ORDER BY rowid",
                                (kind, account_sid))
    return [cls(**json.loads(r["data"])) for r in rows]


def mark(kind: str, key: str) -> Op:
    """A record with no data: that something happened to this store (e.g. its start-up scenario was loaded)."""
    return "INSERT OR REPLACE INTO records (kind, key, account_sid, data) VALUES (?, ?, NULL, '{}')", (kind, key)


async def marked(store: Store, kind: str, key: str) -> bool:
    return await store.fetchone("SELECT 1 FROM records WHERE kind = ? AND key = ?", (kind, key)) is not None


def put_setting(key: str, value: str) -> Op:
    """A value of the store itself (not of any account), e.g. the salt of webhook idempotency tokens."""
    return ("INSERT OR REPLACE INTO records (kind, key, account_sid, data) VALUES ('setting', ?, NULL, ?)",
            (key, json.dumps({"value": value})))


async def setting(store: Store, key: str) -> str | None:
    row = await store.fetchone("SELECT data FROM records WHERE kind = 'setting' AND key = ?", (key,))
    return json.loads(row["data"])["value"] if row else None
