"""RCS through a Messaging Service (issue 16): an RCS sender in the pool takes the message when the phone has
RCS (with a read receipt), and the same message falls back to SMS from the pool (or FallbackFrom) when it has
not; direct RCS (rcs: on both ends) does not fall back."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest.messaging.v2.channels_sender import ChannelsSenderList

from tests.support.receiver import Receiver

RCS_PHONE, SMS_PHONE = "+14155550171", "+14155550172"


def rcs_sender(client, agent: str, **webhook):
    return client.messaging.v2.channels_senders.create(ChannelsSenderList.MessagingV2ChannelsSenderRequestsCreate({
        "sender_id": f"rcs:{agent}", "profile": {"name": "Acme"}, "webhook": webhook or None}))


def phones(server):
    for number, rcs in ((RCS_PHONE, True), (SMS_PHONE, False)):
        requests.post(f"{server.base_url}/_emulator/v1/handsets", json={"number": number, "rcs": rcs}, timeout=10)


def wait(server, sid, status):
    return server.call(server.emulator.wait_for_message, sid, status)


def pool(client, agent: str):
    sender = rcs_sender(client, agent)
    assert client.messaging.v2.channels_senders(sender.sid).fetch().compliance["countries"][0]["status"] == "ONLINE"
    number = client.incoming_phone_numbers.create(area_code="415")
    service = client.messaging.v1.services.create(friendly_name="rcs")
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    member = client.messaging.v1.services(service.sid).channel_senders.create(sid=sender.sid)
    assert (member.sender, member.sender_type) == (f"rcs:{agent}", "RCS")
    return service, number, sender


def test_rcs_first_then_sms_for_a_phone_without_rcs(server, client, account):
    phones(server)
    service, number, _ = pool(client, f"acme_{account[0][-6:]}")
    over_rcs = client.messages.create(messaging_service_sid=service.sid, to=RCS_PHONE, body="Your table is ready")
    over_sms = client.messages.create(messaging_service_sid=service.sid, to=SMS_PHONE, body="Your table is ready")
    rcs_done, sms_done = wait(server, over_rcs.sid, "read"), wait(server, over_sms.sid, "delivered")
    assert (rcs_done.from_, rcs_done.to, rcs_done.num_segments) == (f"rcs:acme_{account[0][-6:]}", RCS_PHONE, 1)
    assert (sms_done.from_, sms_done.to) == (number.phone_number, SMS_PHONE)
    assert client.messages(over_rcs.sid).fetch().status == "read"
    inbox = requests.get(f"{server.base_url}/_emulator/v1/handsets/{RCS_PHONE}/messages", timeout=10).json()
    assert over_rcs.sid in [m["sid"] for m in inbox["messages"]]


def test_fallback_from_pins_the_sms_sender_and_needs_a_service_with_rcs(server, client, account):
    phones(server)
    service, _, _ = pool(client, f"pin_{account[0][-6:]}")
    pinned = client.incoming_phone_numbers.create(area_code="415")  # the account's, not in the pool
    msg = client.messages.create(messaging_service_sid=service.sid, to=SMS_PHONE, body="hi",
                                 fallback_from=pinned.phone_number)
    assert wait(server, msg.sid, "delivered").from_ == pinned.phone_number
    plain = client.messaging.v1.services.create(friendly_name="no rcs")
    for args, code in (({"messaging_service_sid": plain.sid}, 21667), ({"from_": pinned.phone_number}, 21664),
                       ({}, 21666)):
        with pytest.raises(TwilioRestException) as err:
            client.messages.create(to=SMS_PHONE, body="hi", fallback_from=pinned.phone_number, **args)
        assert err.value.code == code, args


def test_direct_rcs_does_not_fall_back_and_the_user_can_answer(server, client, account):
    phones(server)
    agent = f"direct_{account[0][-6:]}"
    with Receiver(routes={"/rcs": (200, "<Response><Message>Got it</Message></Response>", "text/xml")}) as app:
        rcs_sender(client, agent, callback_url=app.url("/rcs"))
        ok = client.messages.create(from_=f"rcs:{agent}", to=f"rcs:{RCS_PHONE}", body="Hello over RCS")
        nope = client.messages.create(from_=f"rcs:{agent}", to=f"rcs:{SMS_PHONE}", body="Hello over RCS")
        assert wait(server, ok.sid, "read").to == f"rcs:{RCS_PHONE}"
        assert wait(server, nope.sid, "failed").error_code == 63003
        answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
            "From": f"rcs:{RCS_PHONE}", "To": f"rcs:{agent}", "Body": "Thanks", "ButtonPayload": "thanks", "wait": True})
        form = app.wait_for(1)[0].form
    assert answer.status_code == 201, answer.text
    assert (form["From"], form["To"], form["ButtonPayload"]) == ([f"rcs:{RCS_PHONE}"], [f"rcs:{agent}"], ["thanks"])
    (reply,) = answer.json()["outcome"]["replies"]
    assert (reply["from"], reply["to"]) == (f"rcs:{agent}", f"rcs:{RCS_PHONE}")
