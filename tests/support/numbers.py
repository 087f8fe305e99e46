"""Small SDK helpers shared by the webhook tests."""
from __future__ import annotations


def configure(client, number: str, **fields):
    """Update the IncomingPhoneNumber `number` (E.164) of the client's account with `fields` (sms_url, …)."""
    sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    return client.incoming_phone_numbers(sid).update(**fields)
