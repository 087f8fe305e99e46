"""The control API for the simulated network: handsets, their inbox, the clock, reset."""
from __future__ import annotations

import pytest
import requests

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread


@pytest.fixture
def api(server):
    return lambda path: f"{server.base_url}/_emulator/v1{path}"


def test_default_handset_comes_from_the_number(api):
    h = requests.get(api("/handsets/+447911123456")).json()
    assert (h["number"], h["line_type"], h["country"], h["carrier"], h["behaviour"]) == (
        "+447911123456", "mobile", "GG", "JT", "deliver")
    landline = requests.get(api("/handsets/%2B442071234567")).json()
    assert (landline["line_type"], landline["behaviour"], landline["error_code"], landline["mms"]) == (
        "landline", "undelivered", 30006, False)
    assert requests.get(api("/handsets/12")).status_code == 404


def test_declare_update_and_reject_handsets(api):
    made = requests.post(api("/handsets"), json={"number": "+14155550150", "carrier": "Tiny Mobile",
                                                  "behaviour": "failed", "error_code": 30008})
    assert made.status_code == 200 and made.json()["carrier"] == "Tiny Mobile"
    back = requests.post(api("/handsets"), json={"number": "+14155550150", "behaviour": "deliver"}).json()
    assert (back["behaviour"], back["error_code"], back["carrier"]) == ("deliver", None, "Tiny Mobile")
    for bad in ({"carrier": "x"}, {"number": "nope"}, {"number": "+14155550150", "behaviour": "explode"},
                {"number": "+14155550150", "line_type": "pager"}, {"number": "+14155550150", "colour": "red"},
                {"number": "+14155550150", "behaviour": "failed", "error_code": 21211},
                {"number": "+14155550150", "delays": {"delivered": -1}}):
        resp = requests.post(api("/handsets"), json=bad)
        assert resp.status_code == 400 and resp.json()["status"] == 400 and resp.json()["error"], bad
    assert requests.post(api("/handsets"), data="not json").status_code == 400


def test_handset_inbox_over_http(server, api, client, number):
    m = client.messages.create(to="+14155550151", from_=number, body="hello handset")
    server.call(server.emulator.wait_for_message, m.sid, "delivered")
    inbox = requests.get(api("/handsets/+14155550151/messages")).json()
    assert [(x["sid"], x["body"], x["status"]) for x in inbox["messages"]] == [(m.sid, "hello handset", "delivered")]


def test_clock_over_http(server, api, client, number):
    assert requests.get(api("/clock")).json()["mode"] == "real"
    assert requests.post(api("/clock/advance"), json={"seconds": 5}).status_code == 409  # real clock
    try:
        manual = requests.post(api("/clock"), json={"mode": "manual"}).json()
        assert manual["mode"] == "manual" and manual["date"].endswith("+0000")
        m = client.messages.create(to="+14155550152", from_=number, body="tick")
        assert client.messages(m.sid).fetch().status == "queued"
        moved = requests.post(api("/clock/advance"), json={"seconds": 60}).json()
        assert moved["now"] == pytest.approx(manual["now"] + 60)
        assert client.messages(m.sid).fetch().status == "delivered"
        for bad in ({"seconds": -1}, {"seconds": "1"}, {}, {"seconds": True}):
            assert requests.post(api("/clock/advance"), json=bad).status_code == 400
        assert requests.post(api("/clock"), json={"mode": "sideways"}).status_code == 400
    finally:
        requests.post(api("/clock"), json={"mode": "real"})


def test_unknown_control_path_is_a_control_error(api):
    resp = requests.get(api("/nope"))
    assert resp.status_code == 404 and resp.json()["status"] == 404


def test_wrong_method_on_a_control_path_is_a_control_error(api):
    resp = requests.delete(api("/clock"))
    assert resp.status_code == 405 and resp.json() == {"error": "Method Not Allowed", "status": 405}


def test_reset_wipes_to_the_start_up_state():
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as emu:
        c = twilio_emulator.client(emu.base_url)
        sub = c.api.v2010.accounts.create(friendly_name="gone after reset")
        n = c.incoming_phone_numbers.create(phone_number="+14155550153").phone_number
        c.messages.create(to="+14155550199", from_=n, body="gone")
        requests.post(f"{emu.base_url}/_emulator/v1/handsets", json={"number": "+14155550199", "mms": False})
        requests.post(f"{emu.base_url}/_emulator/v1/clock", json={"mode": "manual"})
        assert requests.post(f"{emu.base_url}/_emulator/v1/reset").json() == {"reset": True}
        assert c.messages.list() == [] and c.incoming_phone_numbers.list() == []
        assert [a.sid for a in c.api.v2010.accounts.list()] == [twilio_emulator.DEFAULT_ACCOUNT_SID]
        assert sub.sid not in [a.sid for a in c.api.v2010.accounts.list()]
        assert requests.get(f"{emu.base_url}/_emulator/v1/handsets/+14155550199").json()["mms"] is True
        assert requests.get(f"{emu.base_url}/_emulator/v1/clock").json()["mode"] == "real"
