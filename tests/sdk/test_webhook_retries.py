"""Webhook retries as Twilio's connection overrides say (issue 18; reference twilio-more §10.1-10.3): `#rc`
retries after a failure of a kind `#rp` names, each attempt in the webhook log with the same idempotency
token; by default one retry of a connection failure only."""
from __future__ import annotations

import socket

import requests

from tests.support.receiver import Receiver

TO = "+16285550173"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_of(server, sid, kind=None):
    hooks = requests.get(f"{server.base_url}/_emulator/v1/webhooks", params={"sid": sid}, timeout=10).json()
    return [h for h in hooks["webhooks"] if kind is None or h["kind"] == kind]


def test_rc_2_on_a_failing_status_callback_makes_three_attempts_with_one_token(server, client, number):
    with Receiver(status=503) as app:
        url = app.url("/status#rc=2&rp=5xx")
        m = client.messages.create(from_=number, to=TO, body="x", status_callback=url)
        server.call(server.emulator.wait_for_message, m.sid, "delivered")
        server.call(server.emulator.drain)
    delivered = [h for h in log_of(server, m.sid) if dict(map(tuple, h["params"]))["MessageStatus"] == "delivered"]
    assert [h["response_status"] for h in delivered] == [503, 503, 503]
    assert len({h["headers"]["I-Twilio-Idempotency-Token"] for h in delivered}) == 1
    assert all(h["url"] == app.url("/status") for h in delivered)  # the fragment never goes on the wire
    statuses = [r.param("MessageStatus") for r in app.requests]
    assert statuses.count("delivered") == 3


def test_by_default_a_5xx_is_not_retried_and_a_connection_failure_is_once(server, client, number):
    with Receiver(status=500) as app:
        m = client.messages.create(from_=number, to=TO, body="x", status_callback=app.url("/s"))
        server.call(server.emulator.wait_for_message, m.sid, "delivered")
        server.call(server.emulator.drain)
    assert len(log_of(server, m.sid)) == 3  # sending, sent, delivered: once each
    dead = client.messages.create(from_=number, to=TO, body="x",
                                  status_callback=f"http://127.0.0.1:{closed_port()}/s#rc=0")
    server.call(server.emulator.wait_for_message, dead.sid, "delivered")
    server.call(server.emulator.drain)
    assert len(log_of(server, dead.sid)) == 3  # rc=0: no retry at all


def test_an_inbound_webhook_retries_a_4xx_when_rp_says_so_then_gets_its_answer(server, client, number):
    answers = iter([(404, "", "text/plain"), (200, "<Response><Message>at last</Message></Response>", "text/xml")])
    with Receiver(routes={"/sms": lambda request: next(answers)}) as app:
        sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
        client.incoming_phone_numbers(sid).update(sms_url=app.url("/sms#rc=3&rp=4xx,ct"))
        answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
            "From": "+16285550172", "To": number, "Body": "hi", "wait": True}).json()
    tries = [w for w in answer["outcome"]["webhooks"]]
    assert [r["body"] for r in answer["outcome"]["replies"]] == ["at last"]
    assert answer["outcome"]["alerts"] == []
    logged = log_of(server, answer["sid"], "incoming_message")
    assert [h["response_status"] for h in logged] == [404, 200]
    assert logged[0]["headers"]["I-Twilio-Idempotency-Token"] == logged[1]["headers"]["I-Twilio-Idempotency-Token"]
    assert len(tries) == 1  # the outcome lists the request once: its final answer


def test_a_slow_app_is_retried_on_rt_within_the_total_budget(server, client, number):
    with Receiver(hang=True) as slow:
        m = client.messages.create(from_=number, to=TO, body="x",
                                   status_callback=slow.url("/s#rt=200&tt=1000&rc=5&rp=rt"))
        server.call(server.emulator.wait_for_message, m.sid, "delivered")
        server.call(server.emulator.drain)
    sending = [h for h in log_of(server, m.sid) if dict(map(tuple, h["params"]))["MessageStatus"] == "sending"]
    assert 2 <= len(sending) <= 6 and all("timeout" in h["error"] for h in sending)
