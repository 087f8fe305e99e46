"""Inbound WhatsApp in detail (issue 16): the channel's own webhook parameters as an injection gives them,
media, a service's inbound URL and the sender's fallback, keywords that are not opt-outs on WhatsApp, and
media rules per channel."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest.messaging.v2.channels_sender import ChannelsSenderList

from tests.conftest import PNG
from tests.support.receiver import Receiver

USER = "+14155550167"
XML = "text/xml"


def register(client, number: str, **webhook):
    return client.messaging.v2.channels_senders.create(ChannelsSenderList.MessagingV2ChannelsSenderRequestsCreate({
        "sender_id": f"whatsapp:{number}", "profile": {"name": "Acme"}, "webhook": webhook or None}))


def inject(server, **fields) -> requests.Response:
    return requests.post(f"{server.base_url}/_emulator/v1/inbound", json={"wait": True, **fields}, timeout=30)


def test_buttons_locations_referrals_and_media_reach_the_app(server, client, number):
    with Receiver(routes={"/wa": (200, "", XML)}) as app:
        register(client, number, callback_url=app.url("/wa"))
        button = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="Yes",
                        button_text="Yes", button_payload="confirm-42")
        location = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="",
                          Latitude=37.78, Longitude=-122.39, Label="Office", MediaUrl=[])
        ad = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="From the ad",
                    referral_source_type="ad", referral_source_id="123", ReferralCtwaClid="clid", forwarded=True)
        photo = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="",
                       MediaUrl=["data:image/jpeg;base64,/9j/4AAQ"])
        got = [r.form for r in app.wait_for(4)]
    for answer in (button, location, ad, photo):
        assert answer.status_code == 201, answer.text
    by_sid = {f["MessageSid"][0]: f for f in got}
    spot = by_sid[location.json()["sid"]]  # a shared location needs no text
    assert (spot["MessageType"], spot["Latitude"], spot["Longitude"], spot["Label"]) == (
        ["location"], ["37.78"], ["-122.39"], ["Office"])
    by_body = {f["Body"][0]: f for f in got if f["MessageSid"][0] != location.json()["sid"]}
    assert (by_body["Yes"]["MessageType"], by_body["Yes"]["ButtonPayload"], by_body["Yes"]["ButtonText"]) == (
        ["button"], ["confirm-42"], ["Yes"])
    ad_form = by_body["From the ad"]
    assert (ad_form["ReferralSourceType"], ad_form["ReferralCtwaClid"], ad_form["Forwarded"]) == (
        ["ad"], ["clid"], ["true"])
    photo_form = by_body[""]
    assert (photo_form["MessageType"], photo_form["NumMedia"], photo_form["MediaContentType0"]) == (
        ["image"], ["1"], ["image/jpeg"])
    assert "ProfileName" in photo_form and photo_form["WaId"] == [USER[1:]]


def test_a_shared_location_is_a_location_message(server, client, number):
    with Receiver(routes={"/wa": (200, "", XML)}) as app:
        register(client, number, callback_url=app.url("/wa"))
        answer = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="Office",
                        Latitude="37.78", Longitude="-122.39", Address="1 Main St")
        form = app.wait_for(1)[0].form
    assert answer.status_code == 201
    assert (form["MessageType"], form["Latitude"], form["Address"]) == (["location"], ["37.78"], ["1 Main St"])


def test_bad_injections_are_refused_naming_the_field(server, client, number):
    register(client, number)
    for fields, code in (({"message_type": "hologram"}, 20001), ({"button_payload": {"a": 1}}, 20001),
                         ({"From": USER}, 21212), ({"To": "whatsapp:+14155550100"}, 20404)):
        body = {"From": f"whatsapp:{USER}", "To": f"whatsapp:{number}", "Body": "hi", **fields}
        answer = inject(server, **body)
        assert answer.status_code in (400, 404) and answer.json()["code"] == code, (fields, answer.text)
    sms = inject(server, From=USER, To=number, Body="hi", ProfileName="Ann")  # only WhatsApp has these
    assert sms.status_code == 400 and "ProfileName" in sms.json()["error"]


def test_stop_on_whatsapp_is_a_message_not_an_opt_out(server, client, number):
    with Receiver(routes={"/wa": (200, "", XML)}) as app:
        register(client, number, callback_url=app.url("/wa"))
        answer = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="STOP")
        form = app.wait_for(1)[0].form
    assert answer.json()["outcome"]["replies"] == []  # no Twilio auto-reply on WhatsApp
    assert "OptOutType" not in form
    later = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", body="still allowed")
    assert server.call(server.emulator.wait_for_message, later.sid, "read").error_code is None


def test_a_services_inbound_url_wins_and_the_senders_fallback_catches_a_failure(server, client, number):
    with Receiver(routes={"/service": (200, "<Response><Message>service</Message></Response>", XML),
                          "/broken": (500, "", "text/plain"),
                          "/fallback": (200, "<Response><Message>fallback</Message></Response>", XML)}) as app:
        sender = register(client, number, callback_url=app.url("/broken"), fallback_url=app.url("/fallback"))
        alone = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="one")
        service = client.messaging.v1.services.create(friendly_name="wa", inbound_request_url=app.url("/service"))
        client.messaging.v1.services(service.sid).channel_senders.create(sid=sender.sid)
        pooled = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="two")
    assert [r["body"] for r in alone.json()["outcome"]["replies"]] == ["fallback"]
    assert app.paths()[:2] == ["/broken", "/fallback"] and app.paths()[-1] == "/service"
    assert pooled.json()["messaging_service_sid"] == service.sid
    (reply,) = pooled.json()["outcome"]["replies"]
    assert (reply["from"], reply["to"]) == (f"whatsapp:{number}", f"whatsapp:{USER}")


def test_whatsapp_takes_one_media_item_of_the_types_it_knows(server, client, number):
    register(client, number)
    inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="hi")
    gif = b"GIF89a" + b"\0" * 16
    with Receiver(routes={"/p.png": (200, PNG, "image/png"), "/a.gif": (200, gif, "image/gif")}) as media:
        ok = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", media_url=[media.url("/p.png")])
        gif_msg = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}",
                                         media_url=[media.url("/a.gif")])
        assert (ok.num_media, ok.num_segments) == ("1", "1")
        assert server.call(server.emulator.wait_for_message, ok.sid, "read").status == "read"
        failed = server.call(server.emulator.wait_for_message, gif_msg.sid, "failed")
    assert failed.error_code == 63021
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}",
                               media_url=[media.url("/p.png"), media.url("/p.png")])
    assert err.value.code == 21623
