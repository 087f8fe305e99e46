"""The hand-written Message encoder must produce exactly json.dumps(message_json(m))."""
from __future__ import annotations

import json

import pytest

from twilio_emulator.api.v2010.messages import encode_message, message_json
from twilio_emulator.domain import carriers
from twilio_emulator.domain.messages import Message, SendRequest, apply_plan, new_message, observe


def _message(**overrides) -> Message:
    req = SendRequest(to="+14155550199", from_="+14155550100", body=overrides.pop("body", "hi"),
                      provide_feedback=overrides.pop("provide_feedback", False))
    m = new_message(sid="SM" + "1" * 32, account_sid="AC" + "2" * 32, to=req.to, from_=req.from_, body=req.body,
                    direction="outbound-api", status="queued", now=1_700_000_000.25, media_urls=[], media_sids=[],
                    req=req)
    for k, v in overrides.items():
        setattr(m, k, v)
    return m


@pytest.mark.parametrize("message", [
    _message(),
    _message(body='quote " backslash \\ newline \n tab \t emoji 😀 accent é control \x01'),
    _message(provide_feedback=True, error_code=30007, error_message='Carrier "violation"', price="-0.00790",
             date_sent=1_700_000_001.0, messaging_service_sid="MG" + "3" * 32),
    _message(from_=None, body=""),
])
def test_encoder_matches_json_dumps(message):
    assert json.loads(encode_message(message)) == message_json(message)
    assert encode_message(message).decode() == json.dumps(message_json(message))


def test_encoder_on_an_observed_delivered_message():
    m = _message()
    steps = carriers.plan("queued", m.date_created, (("delivered", 1), ("sending", 1), ("sent", 1)),
                          carriers.default_handset(m.to), mms=False)
    apply_plan(m, steps, "US")
    seen = observe(m, m.date_created + 10)
    assert seen.status == "delivered" and seen.price == "-0.00790"
    assert encode_message(seen).decode() == json.dumps(message_json(seen))
