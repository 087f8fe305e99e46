"""Sender throughput and queues (issue 18), with the manual clock: a US long code sends one segment a second,
a Messaging Service's Scaler spreads messages over its pool, a message whose wait passes its ValidityPeriod
fails 30036, and a full queue refuses a direct send (21611) or fails a service's (30001). Queues are off
with instant timing (this suite's) until turned on."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException


@pytest.fixture
def queues(server, manual_clock):
    """Sender queues on for this test, on the manual clock; off again after it."""
    control = f"{server.base_url}/_emulator/v1/throughput"
    requests.post(control, json={"enabled": True}, timeout=10).raise_for_status()
    yield lambda **senders: requests.post(control, json={"senders": senders}, timeout=10).json()
    requests.post(control, json={"enabled": False}, timeout=10)


def sent_at(server, sid):
    """When the message left the queue: its 'sending' moment (its planned timeline, read from the store)."""
    from twilio_emulator.store import messages as rows
    msg = server.call(rows.get, server.emulator.store, *_owner(server, sid))
    for step in msg.timeline:
        if step.status == "sending":
            return step.at
    return None


def _owner(server, sid):
    row = server.call(server.emulator.store.fetchone, "SELECT account_sid FROM messages WHERE sid = ?", (sid,))
    return row["account_sid"], sid


def test_a_us_long_code_sends_one_segment_a_second(server, client, number, queues, manual_clock):
    start = manual_clock.now()
    msgs = [client.messages.create(from_=number, to=f"+162855501{i:02d}", body=f"m{i}") for i in range(10)]
    assert all(m.status == "queued" for m in msgs)
    waits = [round(sent_at(server, m.sid) - start, 1) for m in msgs]
    assert waits == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    server.call(manual_clock.advance, 4.5)
    statuses = [client.messages(m.sid).fetch().status for m in msgs]
    assert statuses[:4] == ["delivered"] * 4 and statuses[-5:] == ["queued"] * 5
    server.call(manual_clock.advance, 10)
    assert {client.messages(m.sid).fetch().status for m in msgs} == {"delivered"}


def test_a_service_with_five_long_codes_sends_fifty_messages_in_ten_seconds(server, client, queues, manual_clock):
    service = client.messaging.v1.services.create(friendly_name="scaled")
    for _ in range(5):
        n = client.incoming_phone_numbers.create(area_code="415")
        client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=n.sid)
    start = manual_clock.now()
    msgs = [client.messages.create(messaging_service_sid=service.sid, to=f"+16285551{i:03d}", body="hi")
            for i in range(50)]
    last = max(sent_at(server, m.sid) for m in msgs) - start
    assert 9.0 <= last < 10.0  # ten each, one a second from each sender
    server.call(manual_clock.advance, 12)
    done = [client.messages(m.sid).fetch() for m in msgs]
    assert {m.status for m in done} == {"delivered"}
    per_sender = {}
    for m in done:
        per_sender[m.from_] = per_sender.get(m.from_, 0) + 1
    assert sorted(per_sender.values()) == [10] * 5


def test_a_message_whose_wait_passes_its_validity_period_fails_30036(server, client, number, queues, manual_clock):
    for i in range(20):
        client.messages.create(from_=number, to=f"+162855502{i:02d}", body="ahead")
    late = client.messages.create(from_=number, to="+16285550299", body="late", validity_period=3)
    server.call(manual_clock.advance, 5)
    failed = client.messages(late.sid).fetch()
    assert (failed.status, failed.error_code) == ("failed", 30036)
    after = client.messages.create(from_=number, to="+16285550298", body="next")  # the expired one took no time
    assert round(sent_at(server, after.sid) - manual_clock.now(), 1) == 15.0


def test_a_full_queue_refuses_a_direct_send_and_fails_a_service_send(server, client, number, queues, manual_clock):
    queues(**{number: {"queue_depth": 3}})
    for i in range(3):
        client.messages.create(from_=number, to=f"+162855503{i:02d}", body="fills")
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(from_=number, to="+16285550310", body="no room")
    assert (err.value.status, err.value.code) == (400, 21611)
    service = client.messaging.v1.services.create(friendly_name="full")
    sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=sid)
    overflow = client.messages.create(messaging_service_sid=service.sid, to="+16285550311", body="no room")
    assert overflow.status == "accepted"
    server.call(manual_clock.advance, 1)
    assert client.messages(overflow.sid).fetch().error_code == 30001
    state = requests.get(f"{server.base_url}/_emulator/v1/throughput", timeout=10).json()
    assert state["enabled"] and state["senders"][number]["queue_depth"] == 3 and state["backlog"][number] > 0


def test_a_senders_rate_can_be_set_and_bad_settings_are_refused(server, client, number, queues, manual_clock):
    queues(**{number: {"mps": 5}})
    start = manual_clock.now()
    msgs = [client.messages.create(from_=number, to=f"+162855504{i:02d}", body="fast") for i in range(5)]
    assert round(sent_at(server, msgs[-1].sid) - start, 1) == 0.8
    for body in ({"senders": {number: {"mps": 0}}}, {"senders": {number: {"depth": 3}}}, {"enabled": "yes"},
                 {"rate": 1}):
        bad = requests.post(f"{server.base_url}/_emulator/v1/throughput", json=body, timeout=10)
        assert bad.status_code == 400, body


def test_a_scheduled_send_takes_its_place_in_the_queue_at_send_at(server, client, number, queues, manual_clock):
    import datetime as dt
    service = client.messaging.v1.services.create(friendly_name="scheduled")
    sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=sid)
    now = manual_clock.now()
    send_at = dt.datetime.fromtimestamp(now + 600, dt.timezone.utc)
    later = client.messages.create(messaging_service_sid=service.sid, to="+16285550405", body="at ten",
                                   schedule_type="fixed", send_at=send_at)
    at = sent_at(server, later.sid)
    assert at is not None and 599 <= at - now <= 600.01  # at SendAt (whole seconds on the wire): nothing ahead
    burst = [client.messages.create(from_=number, to=f"+162855504{i:02d}", body="now") for i in range(10, 13)]
    assert [round(sent_at(server, m.sid) - now, 1) for m in burst] == [0.0, 1.0, 2.0]
