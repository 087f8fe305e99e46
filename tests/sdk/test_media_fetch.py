"""Outbound media through the official SDK (issue 14, item 5): Twilio downloads every MediaUrl before the MMS
goes, keeps the Content-Type it answered with, and fails the message when the download does (codes from
domain.media). The media server is a real aiohttp app."""
from __future__ import annotations

import datetime as dt

import pytest
import requests

import twilio_emulator
from tests.conftest import PNG
from tests.support.receiver import Receiver
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread

TO = "+14155550186"
FINAL = ("delivered", "undelivered", "failed")


def final(server, sid):
    return server.call(server.emulator.wait_for_message, sid, FINAL)


def test_an_extensionless_vcard_keeps_the_type_its_server_gives(server, client, number, media_host):
    m = client.messages.create(to=TO, from_=number, body="my card", media_url=[media_host.url("/card")])
    assert m.status == "queued"
    assert final(server, m.sid).status == "delivered"
    assert [x.content_type for x in client.messages(m.sid).media.list()] == ["text/vcard"]
    fetches = [r for r in media_host.requests if r.url == media_host.url("/card")]
    assert fetches and fetches[-1].method == "GET" and fetches[-1].headers["User-Agent"] == "TwilioProxy/1.1"


def test_redirects_are_followed(server, client, number):
    routes = {"/moved": (302, "", "text/plain", [("Location", "/photo")]), "/photo": (200, PNG, "image/png")}
    with Receiver(routes=routes) as app:
        m = client.messages.create(to=TO, from_=number, media_url=[app.url("/moved")])
        assert final(server, m.sid).status == "delivered"
        assert app.paths() == ["/moved", "/photo"]
    assert client.messages(m.sid).media.list()[0].content_type == "image/png"


@pytest.mark.parametrize("answer,code", [
    ((404, "not here", "text/plain"), 11200),
    ((500, "oops", "text/plain"), 11200),
    ((200, "<html></html>", "text/html"), 12300),
    ((200, PNG, None), 12300),  # no Content-Type at all
])
def test_a_failed_download_fails_the_message_with_twilio_code(server, client, number, answer, code):
    with Receiver(routes={"/m": answer}) as app:
        m = client.messages.create(to=TO, from_=number, body="pic", media_url=[app.url("/m")],
                                   status_callback=app.url("/status"))
        done = final(server, m.sid)
        callbacks = app.wait_until(lambda got: any(r.url.endswith("/status") for r in got))
    assert (done.status, done.error_code) == ("failed", code)
    fetched = client.messages(m.sid).fetch()
    assert fetched.error_code == code and fetched.error_message and fetched.price is None
    assert fetched.date_sent is None
    assert [r.form["MessageStatus"] for r in callbacks if r.url.endswith("/status")] == [["failed"]]
    alerts = [a for a in client.monitor.v1.alerts.list() if a.resource_sid == m.sid]
    assert [a.error_code for a in alerts] == [str(code)] and app.url("/m") in alerts[0].alert_text


def test_media_over_five_megabytes_in_total_fail_11751(server, client, number):
    three_mb = b"\xff\xd8" + b"\0" * (3 * 1024 * 1024)
    with Receiver(routes={"/a.jpg": (200, three_mb, "image/jpeg"), "/b.jpg": (200, three_mb, "image/jpeg")}) as app:
        one = client.messages.create(to=TO, from_=number, media_url=[app.url("/a.jpg")])
        both = client.messages.create(to=TO, from_=number, media_url=[app.url("/a.jpg"), app.url("/b.jpg")])
        assert final(server, one.sid).status == "delivered"
        assert (final(server, both.sid).status, final(server, both.sid).error_code) == ("failed", 11751)


def test_an_unreachable_or_silent_media_server_fails_11205():
    with EmulatorThread(Settings(timing="instant", log_requests=False, webhook_timeout=0.3)) as server, \
            Receiver(hang=True) as silent:
        c = twilio_emulator.client(server.base_url)
        number = c.incoming_phone_numbers.create(area_code="415").phone_number
        refused = c.messages.create(to=TO, from_=number, media_url=["http://127.0.0.1:9/x.png"])
        timed_out = c.messages.create(to=TO, from_=number, media_url=[silent.url("/slow.png")])
        for m in (refused, timed_out):
            done = final(server, m.sid)
            assert (done.status, done.error_code) == ("failed", 11205)
        alerts = [a for a in c.monitor.v1.alerts.list() if a.resource_sid == refused.sid]
        assert "serve --no-media-fetch" in alerts[0].alert_text  # the alert names the way out
        log = server.call(server.emulator.webhooks, timed_out.sid)
        assert [(w["kind"], w["method"]) for w in log] == [("media_fetch", "GET")] and "timeout" in log[0]["error"]
        assert server.emulator.internal_errors == []


def test_with_the_manual_clock_the_download_takes_no_virtual_time(server, manual_clock, client, number,
                                                                   media_host):
    m = client.messages.create(to=TO, from_=number, media_url=[media_host.url("/now.png")])
    assert client.messages(m.sid).fetch().status == "queued"
    server.call(manual_clock.advance, 1)  # the download, then instant timing's steps
    assert client.messages(m.sid).fetch().status == "delivered"


def test_a_scheduled_mms_downloads_its_media_at_send_at(server, manual_clock, client, number, media_host):
    service = client.messaging.v1.services.create(friendly_name="later")
    client.messaging.v1.services(service.sid).phone_numbers.create(
        phone_number_sid=client.incoming_phone_numbers.list(phone_number=number)[0].sid)
    now = dt.datetime.fromtimestamp(manual_clock.now(), dt.timezone.utc)
    path = f"/scheduled-{service.sid}.png"
    m = client.messages.create(to=TO, messaging_service_sid=service.sid, media_url=[media_host.url(path)],
                               schedule_type="fixed", send_at=now + dt.timedelta(hours=1))
    server.call(manual_clock.advance, 3500)
    assert path not in media_host.paths()
    server.call(manual_clock.advance, 200)
    assert media_host.paths().count(path) == 1
    assert client.messages(m.sid).fetch().status == "delivered"


def test_a_media_download_is_in_the_webhook_log(server, client, number, media_host):
    m = client.messages.create(to=TO, from_=number, media_url=[media_host.url("/logged.png")])
    final(server, m.sid)
    log = requests.get(f"{server.base_url}/_emulator/v1/webhooks", params={"sid": m.sid}, timeout=10).json()
    entry = log["webhooks"][0] if isinstance(log, dict) else log[0]
    assert (entry["kind"], entry["method"], entry["url"], entry["response_status"]) == (
        "media_fetch", "GET", media_host.url("/logged.png"), 200)


def test_with_no_media_fetch_an_mms_to_a_public_url_is_delivered_offline_and_says_so():
    """`serve --no-media-fetch` (CI without internet): the media is taken unread, its type from the URL's
    extension; nothing is requested; an info alert on the message says its media was not fetched."""
    from tests.test_cli import Serve
    with Serve("--no-media-fetch", "--timing", "instant", "--quiet") as serve:
        c = twilio_emulator.client(serve.base_url)
        number = c.incoming_phone_numbers.create(area_code="415").phone_number
        m = c.messages.create(to=TO, from_=number, body="owl", media_url=["https://demo.twilio.com/owl.png"])
        done = requests.get(f"{serve.base_url}/_emulator/v1/messages/wait", timeout=30,
                            params={"sid": m.sid, "status": ",".join(FINAL), "timeout": 20}).json()
        assert (done["status"], done["num_media"]) == ("delivered", "1")
        assert [x.content_type for x in c.messages(m.sid).media.list()] == ["image/png"]
        alerts = [a for a in c.monitor.v1.alerts.list() if a.resource_sid == m.sid]
        assert [(a.log_level, a.error_code) for a in alerts] == [("info", "11200")]
        assert "media not fetched" in alerts[0].alert_text and "owl.png taken as image/png" in alerts[0].alert_text
        log = requests.get(f"{serve.base_url}/_emulator/v1/webhooks", params={"sid": m.sid}, timeout=10).json()
        assert [w for w in log["webhooks"] if w["kind"] == "media_fetch"] == []  # nothing was requested
