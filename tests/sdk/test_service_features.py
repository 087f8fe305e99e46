"""Messaging Service features beyond sender selection, through the official SDK: validity period, smart
encoding, the MMS converter, opt-out keywords and the sender-ID registration alert. Recipients are
+1415555 4xxx numbers, declared here only."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from tests.support.receiver import Receiver
from tests.sdk.test_messaging_services import service_with

FINAL = ("delivered", "undelivered", "failed")


def final(server, sid: str):
    return server.call(server.emulator.wait_for_message, sid, FINAL)


def test_a_message_still_queued_after_its_validity_period_fails_with_30036(server, client, number, manual_clock):
    server.call(manual_clock.declare_handset, "+14155554001", delays={"sending": 120})
    with Receiver() as app:
        late = client.messages.create(to="+14155554001", from_=number, body="late", validity_period=60,
                                      status_callback=app.url("/status"))
        in_time = client.messages.create(to="+14155554001", from_=number, body="in time", validity_period=600)
        server.call(manual_clock.advance, 59)
        assert client.messages(late.sid).fetch().status == "queued"
        server.call(manual_clock.advance, 1)
        expired = client.messages(late.sid).fetch()
        assert (expired.status, expired.error_code, expired.date_sent, expired.price) == ("failed", 30036, None, None)
        got = app.wait_for(1)
    assert (got[0].param("MessageStatus"), got[0].param("ErrorCode")) == ("failed", "30036")
    server.call(manual_clock.advance, 120)
    assert client.messages(in_time.sid).fetch().status == "delivered"


def test_the_services_validity_period_applies_unless_the_message_sets_its_own(server, client, number,
                                                                              manual_clock):
    server.call(manual_clock.declare_handset, "+14155554002", delays={"sending": 120})
    service = service_with(client, number, validity_period=30)
    by_service = client.messages.create(to="+14155554002", messaging_service_sid=service.sid, body="a")
    own = client.messages.create(to="+14155554002", messaging_service_sid=service.sid, body="b",
                                 validity_period=300)
    server.call(manual_clock.advance, 121)
    assert client.messages(by_service.sid).fetch().error_code == 30036
    assert client.messages(own.sid).fetch().status == "delivered"


QUOTED = "\u201cDon\u2019t forget\u201d \u2014 your appointment is tomorrow at 10\u2026 Reply YES to confirm, NO to cancel!"


def test_smart_encoding_replaces_look_alikes_and_changes_num_segments(client, number):
    assert 70 < len(QUOTED) <= 160
    plain = client.messages.create(to="+14155554003", from_=number, body=QUOTED)
    smart = client.messages.create(to="+14155554003", from_=number, body=QUOTED, smart_encoded=True)
    assert plain.num_segments == "2" and plain.body == QUOTED  # UCS-2: 67 per segment
    assert smart.num_segments == "1"  # GSM-7 after replacement
    assert smart.body == "\"Don't forget\" - your appointment is tomorrow at 10... Reply YES to confirm, NO to cancel!"


def test_smart_encoding_by_service_default_and_per_message_opt_out(client, number):
    service = service_with(client, number)  # smart_encoding defaults to on, as in Twilio's console
    assert client.messaging.v1.services(service.sid).fetch().smart_encoding is True
    on = client.messages.create(to="+14155554004", messaging_service_sid=service.sid, body=QUOTED)
    off = client.messages.create(to="+14155554004", messaging_service_sid=service.sid, body=QUOTED,
                                 smart_encoded=False)
    assert (on.num_segments, off.num_segments) == ("1", "2")
    client.messaging.v1.services(service.sid).update(smart_encoding=False)
    assert client.messages.create(to="+14155554004", messaging_service_sid=service.sid,
                                  body=QUOTED).num_segments == "2"


def test_smart_encoding_never_transliterates_emoji_or_cjk(client, number):
    body = "\u201cok\u201d \U0001F600 \u2728 \u4f60\u597d\u3002"
    m = client.messages.create(to="+14155554005", from_=number, body=body, smart_encoded=True)
    assert m.body == "\"ok\" \U0001F600 \u2728 \u4f60\u597d\u3002"  # only the quotes changed
    assert m.num_segments == "1"


def test_smart_encoded_must_be_a_boolean(server, account, client):
    sid, token = account
    r = requests.post(f"{server.base_url}/2010-04-01/Accounts/{sid}/Messages.json", auth=(sid, token),
                      data={"To": "+14155554005", "From": "+15005550006", "Body": "x", "SmartEncoded": "maybe"},
                      timeout=10)
    assert r.status_code == 400 and r.json()["code"] == 20001 and "SmartEncoded" in r.json()["message"]
    assert client.messages.list() == []



@pytest.fixture
def picture(media_host) -> str:
    return media_host.url("/receipt.png")


def test_mms_converter_delivers_mms_as_sms_with_a_link_to_each_media(server, client, number, picture):
    server.call(server.emulator.declare_handset, "+14155554006", mms=False)
    service = service_with(client, number)  # mms_converter defaults to on
    m = client.messages.create(to="+14155554006", messaging_service_sid=service.sid, body="Your receipt",
                               media_url=[picture])
    done = final(server, m.sid)
    assert done.status == "delivered" and done.error_code is None
    got = server.call(server.emulator.handset_messages, "+14155554006")[-1]
    text, link = got.body.split("\n")
    assert text == "Your receipt" and link.startswith(server.base_url)
    media = requests.get(link, timeout=10, allow_redirects=False)  # the link leads to the media
    assert (media.status_code, media.headers["Location"]) == (307, picture)
    fetched = client.messages(m.sid).fetch()  # billed as SMS: per segment of the body with its link
    assert fetched.price == f"{-0.0079 * int(fetched.num_segments):.5f}" and fetched.num_media == "1"


def test_without_the_converter_mms_to_a_handset_without_mms_is_undelivered_30011(server, client, number,
                                                                                 picture):
    server.call(server.emulator.declare_handset, "+14155554007", mms=False)
    service = service_with(client, number, mms_converter=False)
    m = client.messages.create(to="+14155554007", messaging_service_sid=service.sid, body="pic", media_url=[picture])
    assert (final(server, m.sid).status, final(server, m.sid).error_code) == ("undelivered", 30011)
    capable = client.messages.create(to="+14155554008", messaging_service_sid=service.sid, body="pic",
                                     media_url=[picture])  # an MMS handset: nothing to convert
    assert final(server, capable.sid).body == "pic"


def text(server, from_: str, to: str, body: str) -> dict:
    """The handset `from_` texts `body` to our number `to`; returns the outcome once processed."""
    r = requests.post(f"{server.base_url}/_emulator/v1/inbound", json={"From": from_, "To": to, "Body": body,
                                                                        "wait": True}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def inbox(server, handset: str) -> list[str]:
    return [m.body for m in server.call(server.emulator.handset_messages, handset)]


def refused(client, **fields) -> int:
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(body="promo", **fields)
    assert caught.value.status == 400
    return caught.value.code


def test_opt_out_round_trip_stop_21610_start_sends(server, client, number):
    handset = "+14155554010"
    with Receiver(body="<Response/>", content_type="text/xml") as app:
        client.incoming_phone_numbers(client.incoming_phone_numbers.list(phone_number=number)[0].sid).update(
            sms_url=app.url("/sms"))
        stopped = text(server, handset, number, " stop ")
        assert [r["body"] for r in stopped["outcome"]["replies"]] == [
            "You have successfully been unsubscribed. You will not receive any more messages from this number. "
            "Reply START to resubscribe."]
        assert refused(client, to=handset, from_=number) == 21610
        assert text(server, handset, number, "HELP")["outcome"]["replies"] == []  # no help while opted out
        started = text(server, handset, number, "Start")
        assert started["outcome"]["replies"][0]["body"].startswith("You have successfully been re-subscribed")
        sent = client.messages.create(to=handset, from_=number, body="welcome back")
        got = app.wait_for(3)
    assert [r.param("Body") for r in got] == [" stop ", "HELP", "Start"]  # the app still gets each keyword
    assert all(r.param("OptOutType") is None for r in got)  # a number outside a service: no Advanced Opt-Out
    assert final(server, sent.sid).status == "delivered"
    assert inbox(server, handset)[-1] == "welcome back"


def test_opt_out_is_recorded_without_a_webhook_and_only_for_a_whole_body_keyword(server, client, number):
    handset, other = "+14155554011", "+14155554012"
    assert text(server, handset, number, "STOP please")["outcome"]["replies"] == []
    client.messages.create(to=handset, from_=number, body="still allowed")
    text(server, handset, number, "unsubscribe")
    assert refused(client, to=handset, from_=number) == 21610
    assert client.messages.create(to=other, from_=number, body="others still get it").status == "queued"
    assert text(server, handset, number, "info")["outcome"]["replies"] == []
    assert client.messages.list(to=handset)[0].body.startswith("You have successfully been unsubscribed")


def test_opt_out_of_one_service_number_blocks_the_whole_service_with_opt_out_type(server, client):
    first = client.incoming_phone_numbers.create(phone_number="+14155554020").phone_number
    second = client.incoming_phone_numbers.create(phone_number="+14155554021").phone_number
    outside = client.incoming_phone_numbers.create(phone_number="+14155554022").phone_number
    handset = "+14155554013"
    with Receiver(body="<Response/>", content_type="text/xml") as app:
        service = service_with(client, first, second, inbound_request_url=app.url("/service"))
        helped = text(server, handset, first, "HELP")["outcome"]["replies"]
        assert [r["body"] for r in helped] == ["Reply STOP to unsubscribe. Msg&Data Rates May Apply."]
        text(server, handset, first, "STOP")
        assert refused(client, to=handset, messaging_service_sid=service.sid) == 21610
        assert refused(client, to=handset, from_=second) == 21610  # another number of the same service
        assert client.messages.create(to=handset, from_=outside, body="x").status == "queued"  # not in it
        text(server, handset, second, "YES")
        assert client.messages.create(to=handset, messaging_service_sid=service.sid, body="x").status == "accepted"
        got = app.wait_for(3)
    assert [r.param("OptOutType") for r in got] == ["HELP", "STOP", "START"]
    assert {r.param("MessagingServiceSid") for r in got} == {service.sid}


def test_a_twiml_reply_to_stop_is_refused_with_a_warning(server, client, number):
    handset = "+14155554014"
    twiml = "<Response><Message>Sorry to see you go</Message></Response>"
    with Receiver(body=twiml, content_type="text/xml") as app:
        client.incoming_phone_numbers(client.incoming_phone_numbers.list(phone_number=number)[0].sid).update(
            sms_url=app.url("/sms"))
        outcome = text(server, handset, number, "STOP")["outcome"]
    assert [r["body"] for r in outcome["replies"]][0].startswith("You have successfully been unsubscribed")
    assert len(outcome["replies"]) == 1
    assert [a["error_code"] for a in outcome["alerts"]] == [14101]


def test_a_toll_free_number_answers_stop_as_the_carrier_does(server, client):
    toll_free = client.incoming_phone_numbers.toll_free.create(phone_number="+18005554030").phone_number
    reply = text(server, "+14155554015", toll_free, "STOP")["outcome"]["replies"][0]["body"]
    assert reply.startswith('NETWORK MSG: You replied with the word "stop"')
    assert refused(client, to="+14155554015", from_=toll_free) == 21610


def test_an_alpha_sender_to_a_country_requiring_registration_records_an_alert_and_still_sends(server, client,
                                                                                            number):
    service = service_with(client, number)
    service.alpha_senders.create(alpha_sender="ACME")
    to_saudi = client.messages.create(to="+966501234567", messaging_service_sid=service.sid, body="code 1234")
    to_uk = client.messages.create(to="+447911123143", messaging_service_sid=service.sid, body="code 1234")
    direct = client.messages.create(to="+6591234567", from_="ACME", body="code 1234")  # Singapore, From itself
    assert all(final(server, m.sid).status == "delivered" for m in (to_saudi, to_uk, direct))
    assert final(server, to_saudi.sid).from_ == "ACME"
    alerts = client.monitor.v1.alerts.list(log_level="warning")
    assert sorted(a.resource_sid for a in alerts) == sorted([to_saudi.sid, direct.sid])  # not the UK one
    assert {a.error_code for a in alerts} == {"21657"}
