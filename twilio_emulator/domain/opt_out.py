"""Opt-out keywords (reference §11): which inbound bodies are STOP/START/HELP, Twilio's default replies, and
who an opt-out blocks. Pure: stdlib only.

Twilio handles these keywords on long codes and toll-free numbers by default, with or without a Messaging
Service. The keyword is the whole body, case-insensitive ("STOP PLEASE" is not one). While a handset has opted
out, sending to it from that number, or from any number of that number's Messaging Service, fails with 21610.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

STOP, START, HELP = "STOP", "START", "HELP"
KEYWORDS = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"), STOP),
    **dict.fromkeys(("START", "YES", "UNSTOP"), START),
    **dict.fromkeys(("HELP", "INFO"), HELP),
}

# Twilio's default auto-replies (reference §11).
REPLIES = {
    STOP: "You have successfully been unsubscribed. You will not receive any more messages from this number. "
          "Reply START to resubscribe.",
    START: "You have successfully been re-subscribed to messages from this number. Reply HELP for help. "
           "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
    HELP: "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",  # [UNVERIFIED] wording (reference §11)
}
# Toll-free numbers: the carrier answers (reference §11); [UNVERIFIED] what it says to START and HELP, so the
# long-code replies stand for those.
TOLL_FREE_STOP = ('NETWORK MSG: You replied with the word "stop" which blocks all texts sent from this number. '
                  'Text back "unstop" to receive messages again.')

BLOCKED = (21610, "Attempt to send to unsubscribed recipient")


def keyword(body: str) -> str | None:
    """STOP, START or HELP when the whole body (trimmed, any case) is one of their keywords."""
    return KEYWORDS.get(body.strip().upper())


def reply(kind: str, toll_free: bool) -> str:
    return TOLL_FREE_STOP if toll_free and kind == STOP else REPLIES[kind]


@dataclass
class OptOut:
    """`handset` opted out of messages from `scope`: a Messaging Service SID (the whole pool) or, for a number
    outside any service, that number (E.164)."""
    account_sid: str
    scope: str
    handset: str
    date_created: float

    @property
    def sid(self) -> str:  # the record key
        return f"{self.scope}:{self.handset}"


# ---- Advanced Opt-Out (issue 19; reference api §11) -------------------------------------------------------
# A Messaging Service's own keywords and replies for opt-out, opt-in and help, globally and per language and
# per country. STOP, START and HELP cannot be removed (Twilio's rule). With a configuration, its lists are the
# service's keywords (the defaults it does not list are ordinary messages) [UNVERIFIED: Twilio's console
# pre-fills the lists with the defaults, which a configuration here lists itself].
KINDS = {"opt_out": STOP, "opt_in": START, "help": HELP}
REQUIRED_KEYWORD = {"opt_out": "STOP", "opt_in": "START", "help": "HELP"}
MAX_KEYWORD, MAX_REPLY = 40, 1600  # [UNVERIFIED] limits; a reply is one message body


@dataclass
class AdvancedOptOut:
    """A service's Advanced Opt-Out configuration, as checked: {"opt_out": {"keywords": [...], "reply": …},
    …, "languages": {"es": {…}}, "countries": {"MX": {…}}}."""
    account_sid: str
    service_sid: str
    config: dict

    @property
    def sid(self) -> str:  # the record key
        return self.service_sid


def _fail(message: str, where: str):
    from .errors import INVALID_PARAMETER, error
    raise error(INVALID_PARAMETER, f"{where}: {message}", param=where)


def _check_lists(part, where: str, top: bool) -> dict:
    if not isinstance(part, dict):
        _fail("must be a table of opt_out, opt_in, help", where)
    out = {}
    allowed = set(KINDS) | ({"languages", "countries"} if top else set())
    for key in part:
        if key not in allowed:
            _fail(f"unknown field (allowed: {', '.join(sorted(allowed))})", f"{where}.{key}" if where else key)
    for name in KINDS:
        if name not in part:
            continue
        entry, at = part[name], f"{where}.{name}" if where else name
        if not isinstance(entry, dict) or set(entry) - {"keywords", "reply"}:
            _fail("must be a table of keywords (a list) and reply (text)", at)
        keywords = entry.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() and len(k) <= MAX_KEYWORD
                                                      and " " not in k.strip() for k in keywords):
            _fail(f"keywords must be a list of single words (at most {MAX_KEYWORD} characters)", f"{at}.keywords")
        reply = entry.get("reply")
        if reply is not None and (not isinstance(reply, str) or not reply.strip() or len(reply) > MAX_REPLY):
            _fail(f"reply must be non-empty text of at most {MAX_REPLY} characters", f"{at}.reply")
        normal = [k.strip().upper() for k in keywords]
        if top and "keywords" in entry and REQUIRED_KEYWORD[name] not in normal:
            _fail(f"{REQUIRED_KEYWORD[name]} cannot be removed from the {name} keywords", f"{at}.keywords")
        out[name] = {"keywords": normal, **({"reply": reply} if reply is not None else {})}
    return out


def check_advanced(config) -> dict:
    """The configuration, checked and normalised (keywords upper-case); TwilioError naming the field."""
    out = _check_lists(config, "", top=True)
    seen: dict[str, str] = {}
    for name, entry in out.items():  # one keyword, one meaning, across the global lists
        for k in entry["keywords"]:
            if seen.get(k, name) != name:
                _fail(f"{k} is both an {seen[k]} and an {name} keyword", f"{name}.keywords")
            seen[k] = name
    for group, pattern in (("languages", r"[a-z]{2,3}(-[A-Za-z]{2,4})?"), ("countries", r"[A-Z]{2}")):
        entries = config.get(group, {})
        if not isinstance(entries, dict):
            _fail("must be a table keyed by code", group)
        out[group] = {}
        for code, part in entries.items():
            if not isinstance(code, str) or not re.fullmatch(pattern, code):
                _fail(f"{code!r} is not a {'language (es, pt-BR)' if group == 'languages' else 'country (MX)'} code",
                      f"{group}.{code}")
            out[group][code] = _check_lists(part, f"{group}.{code}", top=False)
    return out


def advanced_keyword(config: dict, body: str, country: str) -> tuple[str, str | None] | None:
    """(STOP | START | HELP, the reply) when `body` (trimmed, any case) is one keyword of the configuration:
    the handset's country override first, then a language whose list holds it, then the global lists. The
    reply is the matching list's, else the country's for that kind, else the global one, else None (Twilio's
    default)."""
    word = body.strip().upper()
    if not word or " " in word:
        return None
    country_lists = config.get("countries", {}).get(country, {})
    sources = [(country_lists, True), *[(lang, True) for lang in config.get("languages", {}).values()],
               (config, False)]
    for source, own_reply in sources:
        for name, kind in KINDS.items():
            entry = source.get(name)
            if entry and word in entry["keywords"]:
                country_reply = (country_lists.get(name) or {}).get("reply")
                reply = (entry.get("reply") if own_reply else None) or country_reply or entry.get("reply") or \
                    (config.get(name) or {}).get("reply")
                return kind, reply
    return None
