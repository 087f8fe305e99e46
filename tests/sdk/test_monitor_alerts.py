"""Alerts as the SDK reads them: client.monitor.v1.alerts (Twilio Monitor), v1 paging envelope, filters,
and one account never seeing another's."""
from __future__ import annotations

import asyncio

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

import twilio_emulator
from tests.support.receiver import Receiver

HANDSET = "+14155550144"


def failing_inbound(server, client, number, answers):
    """One inbound message per answer, each raising the alerts its answer causes."""
    sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    with Receiver(routes={f"/{i}": a for i, a in enumerate(answers)}) as app:
        for i in range(len(answers)):
            client.incoming_phone_numbers(sid).update(sms_url=app.url(f"/{i}"))
            requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30,
                          json={"From": HANDSET, "To": number, "Body": "x", "wait": True})


def test_alerts_list_fetch_filter_and_page_through_the_sdk(server, client, main_client, number):
    failing_inbound(server, client, number, [(500, "", "text/xml"), (200, "{}", "application/json"),
                                             (200, "<Response><Oops/></Response>", "text/xml")])
    alerts = client.monitor.v1.alerts.list()
    assert [a.error_code for a in alerts] == ["12200", "12300", "11200"]  # newest first
    first = alerts[-1]
    assert first.log_level == "error" and first.more_info == "https://www.twilio.com/docs/errors/11200"
    assert first.date_created is not None and first.date_created.tzinfo is not None  # ISO 8601 parsed by the SDK
    assert first.request_url.endswith("/0") and first.resource_sid.startswith("SM")
    fetched = client.monitor.v1.alerts(first.sid).fetch()
    assert (fetched.sid, fetched.alert_text) == (first.sid, first.alert_text)
    assert [a.error_code for a in client.monitor.v1.alerts.list(log_level="warning")] == ["12200"]
    assert [a.sid for a in client.monitor.v1.alerts.stream(page_size=1)] == [a.sid for a in alerts]
    page = client.monitor.v1.alerts.page(page_size=2)
    assert len(list(page)) == 2 and len(list(page.next_page())) == 1
    # Another account sees none of them, and cannot fetch one.
    assert all(a.account_sid != client.account_sid for a in main_client.monitor.v1.alerts.list())
    with pytest.raises(TwilioRestException) as caught:
        main_client.monitor.v1.alerts(first.sid).fetch()
    assert caught.value.status == 404


def test_alerts_async_client_and_a_bad_filter(server, account, client, number):
    failing_inbound(server, client, number, [(503, "", "text/xml")])

    async def read():
        async_client = twilio_emulator.async_client(server.base_url, *account)
        try:
            return await async_client.monitor.v1.alerts.list_async()
        finally:
            await async_client.http_client.close()

    assert [a.error_code for a in asyncio.run(read())] == ["11200"]
    with pytest.raises(TwilioException) as caught:  # the SDK's list() wraps any non-200 page in TwilioException
        client.monitor.v1.alerts.list(log_level="loud")
    assert "HTTP 400" in str(caught.value) and "LogLevel must be one of" in str(caught.value)
