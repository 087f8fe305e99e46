"""The form parameters Twilio sends to apps, built from domain objects."""
from __future__ import annotations

import time

from ..domain.messages import DELIVERED, UNDELIVERED, Message

API_VERSION = "2010-04-01"


def status_callback(msg: Message, status: str, error_code: int | None, at: float) -> list[tuple[str, str]]:
    """A message status callback (reference §7.2; captured payloads): MessageSid/SmsSid,
    MessageStatus/SmsStatus, AccountSid, From, To, ApiVersion; MessagingServiceSid when sent through one;
    ErrorCode for failed/undelivered; RawDlrDoneDate (YYMMDDhhmm) with a delivery receipt."""
    params = [("SmsSid", msg.sid), ("SmsStatus", status), ("MessageStatus", status), ("To", msg.to),
              ("MessageSid", msg.sid), ("AccountSid", msg.account_sid), ("From", msg.from_ or ""),
              ("ApiVersion", API_VERSION)]
    if msg.messaging_service_sid:
        params.append(("MessagingServiceSid", msg.messaging_service_sid))
    if error_code is not None:
        params.append(("ErrorCode", str(error_code)))
    if status in (DELIVERED, UNDELIVERED):
        params.append(("RawDlrDoneDate", time.strftime("%y%m%d%H%M", time.gmtime(at))))
    return params
