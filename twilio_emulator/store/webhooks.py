"""Rows of the webhook log (every outgoing request) and of alerts (Twilio's debugger: 11200 …)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import Op, Store


@dataclass
class Alert:
    sid: str
    account_sid: str
    error_code: int
    log_level: str
    alert_text: str
    request_method: str | None
    request_url: str | None
    resource_sid: str | None
    date_created: float


class Logged(NamedTuple):
    """A request as the webhook log has it (what the "webhook" event carries: the inspector's live view)."""
    account_sid: str
    resource_sid: str | None
    kind: str
    attempt: Any  # webhooks.dispatcher.Attempt
    at: float


def tries(account_sid: str, resource_sid: str | None, kind: str, attempt, at: float) -> list[Logged]:
    """A request as the log keeps it: each retry its connection overrides made (attempt.earlier), then it."""
    return [Logged(account_sid, resource_sid, kind, a, at) for a in (*attempt.earlier, attempt)]


def as_row(logged: Logged) -> dict:
    """A Logged request in the shape attempts() reads rows back in."""
    a = logged.attempt
    return {"account_sid": logged.account_sid, "resource_sid": logged.resource_sid, "kind": logged.kind,
            "method": a.method, "url": a.url, "params": [list(p) for p in a.params], "headers": a.headers,
            "response_status": a.status, "response_body": a.body, "error": a.error, "duration_ms": a.duration_ms,
            "date_created": logged.at, "response_headers": a.response_headers}


def log_attempt(account_sid: str, resource_sid: str | None, kind: str, attempt, at: float) -> Op:
    return ("INSERT INTO webhook_log (account_sid, resource_sid, kind, method, url, params, headers, "
            "response_status, response_body, error, duration_ms, date_created, response_headers) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (account_sid, resource_sid, kind, attempt.method, attempt.url, json.dumps(attempt.params),
             json.dumps(attempt.headers), attempt.status, attempt.body, attempt.error, attempt.duration_ms, at,
             json.dumps(attempt.response_headers)))


def insert_alert(alert: Alert) -> Op:
    return ("INSERT INTO alerts (sid, account_sid, error_code, log_level, alert_text, request_method, request_url, "
            "resource_sid, date_created) VALUES (?,?,?,?,?,?,?,?,?)",
            (alert.sid, alert.account_sid, alert.error_code, alert.log_level, alert.alert_text,
             alert.request_method, alert.request_url, alert.resource_sid, alert.date_created))


async def attempts(store: Store, resource_sid: str | None = None, limit: int = 1000) -> list[dict]:
    where, params = ("WHERE resource_sid = ?", (resource_sid,)) if resource_sid else ("", ())
    rows = await store.fetchall(f"SELECT * FROM webhook_log {where} ORDER BY seq DESC LIMIT ?", (*params, limit))
    out = []
    for r in reversed(rows):
        d = dict(r)
        d["params"], d["headers"] = json.loads(d["params"]), json.loads(d["headers"])
        d["response_headers"] = json.loads(d.get("response_headers") or "{}")
        out.append(d)
    return out


async def notified(store: Store, kind: str) -> set[tuple[str, str]]:
    """(resource sid, status) pairs already sent to apps as `kind` webhooks (restart recovery)."""
    rows = await store.fetchall("SELECT resource_sid, params FROM webhook_log WHERE kind = ?", (kind,))
    return {(r["resource_sid"], dict(map(tuple, json.loads(r["params"]))).get("MessageStatus", "")) for r in rows}


async def alerts(store: Store, account_sid: str | None = None, limit: int = 1000) -> list[Alert]:
    where, params = ("WHERE account_sid = ?", (account_sid,)) if account_sid else ("", ())
    rows = await store.fetchall(f"SELECT * FROM alerts {where} ORDER BY seq DESC LIMIT ?", (*params, limit))
    return [Alert(**{k: r[k] for k in r.keys() if k != "seq"}) for r in reversed(rows)]
