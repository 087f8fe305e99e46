"""Rows of the cookie jars (schema 0005): one per conversation of an account. Never calls upward."""
from __future__ import annotations

import json

from ..domain.cookies import Cookie, from_json, to_json
from . import Op, Store


async def jar(store: Store, account_sid: str, conversation: str) -> list[Cookie]:
    row = await store.fetchone("SELECT cookies FROM cookie_jars WHERE account_sid = ? AND conversation = ?",
                               (account_sid, conversation))
    return from_json(json.loads(row["cookies"])) if row else []


def put(account_sid: str, conversation: str, cookies: list[Cookie]) -> Op:
    if not cookies:
        return "DELETE FROM cookie_jars WHERE account_sid = ? AND conversation = ?", (account_sid, conversation)
    return ("INSERT OR REPLACE INTO cookie_jars (account_sid, conversation, cookies) VALUES (?, ?, ?)",
            (account_sid, conversation, json.dumps(to_json(cookies))))
