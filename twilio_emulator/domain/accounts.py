"""Accounts, subaccounts and API keys, and who may act on which account. Pure."""
from __future__ import annotations

from dataclasses import dataclass

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
