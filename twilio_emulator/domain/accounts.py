"""Accounts, subaccounts and API keys, and who may act on which account. Pure."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import TwilioError, error

ACTIVE, SUSPENDED, CLOSED = "active", "suspended", "closed"
ACCOUNT_STATUSES = (ACTIVE, SUSPENDED, CLOSED)


@dataclass
class Account:
    sid: str
    auth_token: str
    friendly_name: str
    date_created: float
    date_updated: float
    owner_account_sid: str | None = None  # the parent, for a subaccount
    status: str = ACTIVE
    type: str = "Full"


@dataclass
class ApiKey:
    sid: str
    account_sid: str
    friendly_name: str
    secret: str
    date_created: float
    date_updated: float


def may_access(principal: Account, target: Account) -> bool:
    """Credentials of an account reach that account and its subaccounts, never the parent or a sibling
    (Twilio docs, error 20003: "Using subaccount credentials to access master account")."""
    return target.sid == principal.sid or target.owner_account_sid == principal.sid


# ---- trial accounts (reference twilio-more §8) ---------------------------------------------------------------

FULL, TRIAL = "Full", "Trial"  # the Account resource's `type`
ACCOUNT_TYPES = (FULL, TRIAL)
# Every outbound SMS of a trial starts with it, and the API's `body` shows it (two captured create responses).
TRIAL_PREFIX = "Sent from your Twilio trial account - "
MAX_VERIFIED = 5  # verified numbers per trial account (docs usage/trials/try-out-sms)
UNVERIFIED_TO = 21608
TRIAL_LIMIT = 10002  # docs errors/10002: a feature a trial cannot use (a second number, a sixth caller ID)
ALREADY_VERIFIED = 21450  # [UNVERIFIED] "Phone number already verified for your account"


@dataclass
class CallerId:
    """An OutgoingCallerId: a number the account proved it owns (a verified number, for a trial)."""
    sid: str  # PN…
    account_sid: str
    phone_number: str  # E.164
    friendly_name: str
    date_created: float
    date_updated: float


def unverified(to: str) -> TwilioError:
    """21608, in the words of a captured real answer."""
    return error(UNVERIFIED_TO, f"The number {to} is unverified. Trial accounts cannot send messages to unverified "
                 f"numbers; verify {to} at twilio.com/user/account/phone-numbers/verified, or purchase a Twilio "
                 "number to send messages to unverified numbers.")


def trial_body(body: str) -> str:
    """What a trial's message says: the prefix, then the text ([UNVERIFIED] counted in its segments too)."""
    return TRIAL_PREFIX + body
