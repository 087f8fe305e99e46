"""The control API's wait-for (long-poll) endpoint."""
from __future__ import annotations

import requests


def wait(server, **params):
    return requests.get(f"{server.base_url}/_emulator/v1/messages/wait", params=params)


def test_wait_returns_an_existing_match_at_once(server, client, number):
    m = client.messages.create(to="+14155550199", from_=number, body="find me please")
    resp = wait(server, to="+14155550199", body="find me", timeout=10)
    assert resp.status_code == 200 and resp.json()["sid"] == m.sid


def test_wait_blocks_until_the_status_is_reached(server, manual_clock, client, number):
    m = client.messages.create(to="+14155550199", from_=number, body="later")
    assert wait(server, sid=m.sid, status="delivered", timeout=0).status_code == 408
    server.call(manual_clock.advance, 1)  # instant timing: every step 1 ms after the one before
    resp = wait(server, sid=m.sid, status="sent,delivered", timeout=10)
    assert resp.status_code == 200 and resp.json()["status"] == "delivered"


def test_wait_times_out_with_408(server):
    resp = wait(server, body="nothing like this exists", timeout=0.05)
    assert resp.status_code == 408 and resp.json() == {"error": "no matching message within 0.05 s", "status": 408}


def test_wait_rejects_a_bad_timeout(server):
    assert wait(server, timeout="soon").status_code == 400
    assert wait(server, timeout=301).status_code == 400


def events(response):
    """(event, data) of a Server-Sent Events response, as they arrive."""
    import json
    event, data = None, []
    for line in response.iter_lines(decode_unicode=True):
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = None, []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


def test_the_message_stream_sends_every_change_as_it_happens(server, manual_clock, client, main_client, number,
                                                             account):
    stream = requests.get(f"{server.base_url}/_emulator/v1/messages/stream", params={"account_sid": account[0]},
                          stream=True, timeout=30)
    assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
    try:
        other = main_client.incoming_phone_numbers.create(area_code="415").phone_number
        main_client.messages.create(to="+14155550185", from_=other, body="another account's")  # not streamed
        m = client.messages.create(to="+14155550185", from_=number, body="streamed")
        got = events(stream)
        first = next(got)
        assert first[0] == "message" and (first[1]["sid"], first[1]["status"]) == (m.sid, "queued")
        server.call(manual_clock.advance, 1)  # each step 1 ms apart: each is its own change
        seen = [next(got)[1] for _ in range(3)]
    finally:
        stream.close()
    assert [(d["sid"], d["status"]) for d in seen] == [(m.sid, "sending"), (m.sid, "sent"), (m.sid, "delivered")]
    assert seen[-1]["date_sent"] is not None and seen[-1]["body"] == "streamed"
    unknown = requests.get(f"{server.base_url}/_emulator/v1/messages/stream", params={"account_sid": "AC" + "0" * 32},
                           timeout=10)
    assert unknown.status_code == 404


def test_a_refused_field_is_named_in_the_error(server):
    # Issue 15: errors carry the field they are about (TwilioError.param), so no caller searches the text.
    answer = requests.post(f"{server.base_url}/_emulator/v1/handsets", timeout=10,
                           json={"number": "+14155550187", "line_type": "cordless"})
    assert answer.status_code == 400 and answer.json()["param"] == "line_type"
    scenario = requests.post(f"{server.base_url}/_emulator/v1/scenario", timeout=10, json={"scenario": {
        "numbers": [{"phone_number": "+14155550188", "voice_method": "PUT"}]}})
    assert scenario.status_code == 400 and scenario.json()["where"] == "numbers[0].voice_method"
