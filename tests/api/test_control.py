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
