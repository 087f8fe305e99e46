"""Receivers that are down, too slow or failing: messages still reach their final status, every failure
is recorded as an 11200 alert, and other messages' callbacks are not held up."""
from __future__ import annotations

import socket

import pytest
import requests

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread
from tests.support.receiver import Receiver

TO = "+14155550199"


@pytest.fixture(scope="module")
def emu():
    with EmulatorThread(Settings(timing="instant", webhook_timeout=1.0, log_requests=False)) as thread:
        yield thread


@pytest.fixture
def sub(emu):
    main = twilio_emulator.client(emu.base_url)
    account = main.api.v2010.accounts.create(friendly_name="failures")
    c = twilio_emulator.client(emu.base_url, account.sid, account.auth_token)
    return c, account.sid, c.incoming_phone_numbers.create(area_code="415").phone_number


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/status"  # nothing listens there any more


def alerts_for(emu, sid):
    return [a for a in emu.call(emu.emulator.alerts) if a.resource_sid == sid]


def test_receiver_down_returning_500_and_too_slow(emu, sub):
    c, account_sid, number = sub
    with Receiver(status=500) as failing, Receiver(hang=True) as slow, Receiver() as healthy:
        down = c.messages.create(to=TO, from_=number, body="down", status_callback=closed_port_url())
        error = c.messages.create(to=TO, from_=number, body="500", status_callback=failing.url("/s"))
        hung = c.messages.create(to=TO, from_=number, body="slow", status_callback=slow.url("/s"))
        fine = c.messages.create(to=TO, from_=number, body="fine", status_callback=healthy.url("/s"))
        # The healthy receiver gets all three callbacks while the slow one still holds its requests open.
        healthy.wait_for(3)
        assert slow.in_flight >= 1
        for m in (down, error, hung, fine):
            assert emu.call(emu.emulator.wait_for_message, m.sid, "delivered").status == "delivered"
        emu.call(emu.emulator.drain)  # the slow receiver's requests time out after 1 s
    for m in (down, error, hung):
        alerts = alerts_for(emu, m.sid)
        assert [a.error_code for a in alerts] == [11200] * 3, m.body
        assert all(a.account_sid == account_sid and a.request_method == "POST" for a in alerts)
    assert "500" in alerts_for(emu, error.sid)[0].alert_text
    assert "timeout" in alerts_for(emu, hung.sid)[0].alert_text
    assert alerts_for(emu, fine.sid) == []
    log = emu.call(emu.emulator.webhooks, error.sid)
    assert [w["response_status"] for w in log] == [500, 500, 500]
    assert [w["params"] for w in log][0][0] == ["SmsSid", error.sid]


def test_alerts_and_webhooks_over_the_control_api(emu, sub):
    c, account_sid, number = sub
    m = c.messages.create(to=TO, from_=number, body="x", status_callback=closed_port_url())
    emu.call(emu.emulator.wait_for_message, m.sid, "delivered")
    emu.call(emu.emulator.drain)
    alerts = requests.get(f"{emu.base_url}/_emulator/v1/alerts", params={"account_sid": account_sid}).json()
    assert [a["error_code"] for a in alerts["alerts"] if a["resource_sid"] == m.sid] == [11200] * 3
    assert alerts["alerts"][0]["sid"].startswith("NO") and alerts["alerts"][0]["date_created"].endswith("+0000")
    hooks = requests.get(f"{emu.base_url}/_emulator/v1/webhooks", params={"sid": m.sid}).json()["webhooks"]
    # Each of the three callbacks is tried twice: Twilio retries a connection failure once by default (the
    # connection overrides' rc=1, rp=ct; reference twilio-more §10.2), with the same idempotency token.
    assert len(hooks) == 6 and all(h["response_status"] is None and h["error"] for h in hooks)
    tokens = [h["headers"]["I-Twilio-Idempotency-Token"] for h in hooks]
    assert tokens[0::2] == tokens[1::2] and len(set(tokens)) == 3
    assert hooks[0]["headers"]["User-Agent"] == "TwilioProxy/1.1"


def test_a_callback_whose_body_stalls_after_its_headers_is_an_11200(server, client, number):
    # Issue 13: the receiver answered 200 with its headers, then never finished the body; the request timed out
    # but, a status having arrived, counted as a success (no alert).
    from aiohttp import web

    class Stalling(Receiver):
        async def _handle(self, request):
            await super()._handle(request)  # recorded like any request
            response = web.StreamResponse(status=200, headers={"Content-Length": "100"})
            await response.prepare(request)
            await response.write(b"partial")
            await self._release.wait()  # set only when the receiver stops: the body never ends
            return response

    with Stalling() as app:
        msg = client.messages.create(to="+14155550199", from_=number, body="stall",
                                     status_callback=app.url("/cb") + "#tt=300")
        app.wait_for(1)
        alerts = requests.get(f"{server.base_url}/_emulator/v1/messages/wait", timeout=10,
                              params={"sid": msg.sid, "status": "delivered"})
        assert alerts.status_code == 200
        server.call(server.emulator.drain)
    found = [a for a in client.monitor.v1.alerts.list() if a.resource_sid == msg.sid]
    assert found and {a.error_code for a in found} == {"11200"}
    assert "timeout" in found[0].alert_text
