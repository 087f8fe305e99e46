"""Fault rules (issue 18): one model for the four places where the emulator can be made imperfect on demand —
the REST API (`api`), status callbacks and `<Message action>` requests (`callback`), the emulator's side of an
inbound webhook (`webhook`) and the carrier (`carrier`). A rule says where it acts, what it matches, what it
does, and when: the next `times` matching events (deterministic), or each one with a `probability` drawn
from its own seeded generator, or (neither) every one. Pure: the engine counts and applies them.

Facts: reference twilio-more §9.4 (429/20429 and Twilio-Concurrent-Requests), §10 (webhooks), the delivery
codes of the reference's error table.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .errors import INVALID_PARAMETER, error

API, CALLBACK, WEBHOOK, CARRIER = "api", "callback", "webhook", "carrier"
WHERE = (API, CALLBACK, WEBHOOK, CARRIER)
DROP, DUPLICATE, DELAY, REORDER = "drop", "duplicate", "delay", "reorder"
CONNECTION_FAILURE, TIMEOUT = "connection_failure", "timeout"
# What each place matches on, and what it can do.
MATCH = {
    API: ("method", "resource", "account_sid"),
    CALLBACK: ("to", "from", "status", "account_sid", "url_contains"),
    WEBHOOK: ("to", "from", "account_sid", "url_contains"),
    CARRIER: ("to", "to_prefix", "country", "from", "account_sid"),
}
API_ERRORS = {429: 20429, 500: 20500, 503: 20503}  # reference twilio-more §9.4; 20500/20503 Twilio's own
API_TEXT = {429: "Too many requests", 500: "Internal Server Error", 503: "Service Unavailable"}
CALLBACK_EFFECTS = (DROP, DUPLICATE, DELAY, REORDER)
WEBHOOK_EFFECTS = (CONNECTION_FAILURE, TIMEOUT)
CARRIER_STATUSES = ("undelivered", "failed")


@dataclass
class FaultRule:
    sid: str  # "FR…": the rule's id
    where: str
    match: dict = field(default_factory=dict)
    do: dict = field(default_factory=dict)
    times: int | None = None
    probability: float | None = None
    seed: int | None = None
    fired: int = 0  # how often it acted
    seen: int = 0  # how many events it matched (acted on or not)
    date_created: float = 0.0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


def _fail(message: str, param: str) -> None:
    raise error(INVALID_PARAMETER, message, param=param)


def _number(value, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        _fail(f"{name} must be a number from {low:g} to {high:g}, not {value!r}", name)
    return float(value)


def check(body: dict, sid: str, now: float) -> FaultRule:
    """A rule from its JSON (the control API, scenario files, the plugin); TwilioError naming the field."""
    if not isinstance(body, dict):
        _fail("a fault rule is an object: {where, match, do, times | probability}", "rule")
    unknown = sorted(set(body) - {"where", "match", "do", "times", "probability", "seed"})
    if unknown:
        _fail(f"{unknown[0]} is not a field of a fault rule (where, match, do, times, probability, seed)", unknown[0])
    where = body.get("where")
    if where not in WHERE:
        _fail(f"where must be one of {', '.join(WHERE)}, not {where!r}", "where")
    match, do = body.get("match") or {}, body.get("do")
    if not isinstance(match, dict):
        _fail("match must be an object", "match")
    for key, value in match.items():
        if key not in MATCH[where]:
            _fail(f"match.{key}: a {where} rule matches on {', '.join(MATCH[where])}", "match")
        if not isinstance(value, str) or not value:
            _fail(f"match.{key} must be a non-empty string, not {value!r}", "match")
    if "method" in match:
        match["method"] = match["method"].upper()
    if not isinstance(do, dict) or not do:
        _fail("do is required: what the rule does (see the README's fault rules)", "do")
    do = _check_do(where, dict(do))
    times, probability, seed = body.get("times"), body.get("probability"), body.get("seed")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        _fail(f"times must be a positive integer, not {times!r}", "times")
    if probability is not None:
        probability = _number(probability, "probability", 0.0, 1.0)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        _fail(f"seed must be an integer, not {seed!r}", "seed")
    return FaultRule(sid=sid, where=where, match=match, do=do, times=times, probability=probability, seed=seed,
                     date_created=now)


def _check_do(where: str, do: dict) -> dict:
    allowed = {API: {"status", "code", "latency", "message"}, CALLBACK: {"effect", "seconds"},
               WEBHOOK: {"effect"}, CARRIER: {"status", "error_code", "effect", "seconds"}}[where]
    unknown = sorted(set(do) - allowed)
    if unknown:
        _fail(f"do.{unknown[0]}: a {where} rule does {', '.join(sorted(allowed))}", "do")
    if where == API:
        if "status" in do:
            if do["status"] not in API_ERRORS:
                _fail(f"do.status must be one of {', '.join(map(str, API_ERRORS))}", "do")
            code = do.setdefault("code", API_ERRORS[do["status"]])
            if isinstance(code, bool) or not isinstance(code, int) or not 10000 <= code < 100000:
                _fail("do.code must be a Twilio error code", "do")
            if not isinstance(do.setdefault("message", API_TEXT[do["status"]]), str):
                _fail("do.message must be a string", "do")
        if "latency" in do:
            do["latency"] = _number(do["latency"], "do.latency", 0, 60)
        if "status" not in do and "latency" not in do:
            _fail("an api rule does status (429, 500, 503) and/or latency (seconds)", "do")
    elif where == CALLBACK:
        if do.get("effect") not in CALLBACK_EFFECTS:
            _fail(f"do.effect must be one of {', '.join(CALLBACK_EFFECTS)}", "do")
        if do["effect"] == DELAY:
            do["seconds"] = _number(do.get("seconds"), "do.seconds", 0, 86400)
        elif "seconds" in do:
            _fail("do.seconds goes with effect delay only", "do")
    elif where == WEBHOOK:
        if do.get("effect") not in WEBHOOK_EFFECTS:
            _fail(f"do.effect must be one of {', '.join(WEBHOOK_EFFECTS)}", "do")
    else:
        if do.get("effect") == DELAY:
            do["seconds"] = _number(do.get("seconds"), "do.seconds", 0, 86400)
            if "status" in do or "error_code" in do:
                _fail("a delay does not set a status: one rule each", "do")
        elif "effect" in do:
            _fail("do.effect of a carrier rule is delay (or give status and error_code)", "do")
        else:
            if do.get("status") not in CARRIER_STATUSES:
                _fail("do.status must be undelivered or failed", "do")
            code = do.setdefault("error_code", 30003 if do["status"] == "undelivered" else 30008)
            if isinstance(code, bool) or not isinstance(code, int) or not 30000 <= code < 40000:
                _fail("do.error_code must be a delivery error (30xxx)", "do")
    return do


def matches(rule: FaultRule, event: dict) -> bool:
    """Whether `event` (the place's fields: method, resource, to, from, status, country, url, account_sid)
    is one the rule is about."""
    for key, wanted in rule.match.items():
        if key == "to_prefix":
            if not (event.get("to") or "").split(":", 1)[-1].startswith(wanted):
                return False
        elif key == "url_contains":
            if wanted not in (event.get("url") or ""):
                return False
        elif key == "method":
            if (event.get("method") or "").upper() != wanted:
                return False
        elif key == "resource":
            if (event.get("resource") or "").lower() != wanted.lower():
                return False
        elif event.get(key) != wanted:
            return False
    return True


def fires(rule: FaultRule, rng: random.Random | None) -> bool:
    """Whether the rule acts on the matching event now: within its `times`, then by its probability (drawn
    from `rng`, the rule's own seeded generator)."""
    if rule.spent:
        return False
    if rule.probability is not None:
        return (rng or random.Random()).random() < rule.probability
    return True
