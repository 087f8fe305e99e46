"""Twilio's test-credential magic numbers (reference twilio-api.md §13, sdk.md §5.1 with captured messages).

Emulator: they apply to every account, not only with test credentials: +1 500 555 xxxx is not a real
range, so nobody's real traffic can hit them.
"""
from __future__ import annotations

from .errors import TwilioError, error

VALID_FROM = "+15005550006"  # sends successfully without being bought


def check(to: str, from_: str | None, mms: bool) -> None:
    """Raise the error Twilio documents for a magic To or From number; To is checked first."""
    if to not in _MAGIC and from_ not in _MAGIC:  # the common case, in one test each
        return
    if to == "+15005550001":
        raise error(21211, f"The 'To' number {to} is not a valid phone number.")
    if to == "+15005550002":
        channel = "MMS" if mms else "SMS"
        raise error(21612, f"The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
                           f"number: {from_} via {channel}.")
    if to == "+15005550003":
        raise error(21408, f"Permission to send an SMS has not been enabled for the region indicated by the 'To' "
                           f"number: {to}.")
    if to == "+15005550004":
        raise error(21610, "The message From/To pair violates a blacklist rule.")
    if to == "+15005550009":
        raise error(21614, f"To number: {to}, is not a mobile number")
    if from_ == "+15005550001":
        raise error(21212, f"The 'From' number {from_} is not a valid phone number, shortcode, or alphanumeric "
                           "sender ID.")
    if from_ == "+15005550007":
        raise not_sms_capable(from_)
    if from_ == "+15005550008":
        # Captured as HTTP 429 by two Python projects (a Java assertion says 400).
        raise error(21611, "SMS queue is full.", status=429)


# Every number check() acts on, as To or From (tests/domain pins that it names them all).
_MAGIC = frozenset({"+15005550001", "+15005550002", "+15005550003", "+15005550004", "+15005550007",
                    "+15005550008", "+15005550009"})


def not_sms_capable(from_: str) -> TwilioError:
    return error(21606, f"The From phone number {from_} is not a valid, SMS-capable inbound phone number or short "
                        "code for your account.")
