"""TwiML problems, with the Twilio debugger code each one is logged under (reference twilio-api.md §6.3)."""
from __future__ import annotations

from dataclasses import dataclass

# Errors: the document cannot be used at all.
DOCUMENT_PARSE_FAILURE = 12100  # not well-formed XML; DTDs/entities refused (security)
ROOT_NOT_RESPONSE = 12102  # "The root element must be Response"
INVALID_CONTENT_TYPE = 12300
RESPONSE_TOO_LARGE = 11750  # TwiML response body over 64 kB
# Warnings: the document is used, the offending part skipped.
SCHEMA_WARNING = 12200  # unknown verb or attribute, bad nesting, wrong case (TwiML is case-sensitive)
INVALID_TO = 14101
INVALID_FROM = 14102
INVALID_BODY = 14103
INVALID_ACTION = 14104  # [UNVERIFIED] reference §6.3
INVALID_STATUS_CALLBACK = 14105
INVALID_REDIRECT = 14106  # [UNVERIFIED] reference §6.3
UNVERIFIED_TO = 14111  # a trial account's <Message> to a number it has not verified (docs errors/14111)


class TwimlError(Exception):
    """A document that cannot be carried out."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class TwimlWarning:
    """Something skipped in a document that is otherwise carried out (logged as a warning alert)."""
    code: int
    message: str
