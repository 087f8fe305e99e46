"""Opt-out keywords (reference §11): which inbound bodies are STOP/START/HELP, Twilio's default replies, and
who an opt-out blocks. Pure: stdlib only.

Twilio handles these keywords on long codes and toll-free numbers by default, with or without a Messaging
Service. The keyword is the whole body, case-insensitive ("STOP PLEASE" is not one). While a handset has opted
out, sending to it from that number, or from any number of that number's Messaging Service, fails with 21610.
"""
from __future__ import annotations

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
