"""Short codes through the official SDK: provisioned by the control API (Twilio provisions them), then the
SMS/ShortCodes resource, sending from one (own country only; carriers that do not take short codes), the
service pool's ShortCodes, short-code priority in sender selection with its reroute to a long code, and
inbound messages to a short code. Recipients are +1415555 5xxx and UK numbers declared here only."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from tests.sdk.test_messaging_services import service_with
from tests.support.receiver import Receiver

FINAL = ("delivered", "undelivered", "failed")
_next_code = iter(range(50000, 60000))


def provision(server, client, country: str = "US", **fields) -> dict:
    code = str(next(_next_code))
    r = requests.post(f"{server.base_url}/_emulator/v1/short_codes",
                      json={"short_code": code, "country": country, "account_sid": client.account_sid, **fields},
                      timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def final(server, sid: str):
    return server.call(server.emulator.wait_for_message, sid, FINAL)


def test_a_provisioned_short_code_is_listed_fetched_and_updated(server, client, main_client):
    created = provision(server, client, friendly_name="Alerts")
    assert created["sid"].startswith("SC") and created["sms_url"] is None
    listed = client.short_codes.list()
    assert [(c.sid, c.short_code, c.friendly_name) for c in listed] == [(created["sid"], created["short_code"],
                                                                         "Alerts")]
    assert [c.sid for c in client.short_codes.list(short_code=created["short_code"][:3])] == [created["sid"]]
    assert client.short_codes.list(friendly_name="nope") == []
    updated = client.short_codes(created["sid"]).update(sms_url="https://app.example/sc", sms_method="GET")
    assert (updated.sms_url, updated.sms_method) == ("https://app.example/sc", "GET")
    assert client.short_codes(created["sid"]).fetch().sms_url == "https://app.example/sc"
    assert client.incoming_phone_numbers.list() == []  # a short code is not an IncomingPhoneNumber
    with pytest.raises(TwilioRestException) as caught:
        main_client.short_codes(created["sid"]).fetch()  # another account's
    assert caught.value.status == 404
    with pytest.raises(TwilioRestException) as caught:
        client.short_codes(created["sid"]).update(sms_method="PUT")
    assert caught.value.status == 400


@pytest.mark.parametrize("body,status", [
    ({"short_code": "12"}, 400), ({"short_code": 12345}, 400), ({"short_code": "12a45"}, 400),
    ({"short_code": "23456", "country": "XX"}, 400), ({"short_code": "23457", "sms_url": "not a url"}, 400),
    ({"short_code": "23458", "account_sid": "AC" + "0" * 32}, 404), ({"short_code": "23459", "colour": "red"}, 400),
])
def test_provisioning_bad_input_is_refused(server, body, status):
    r = requests.post(f"{server.base_url}/_emulator/v1/short_codes", json=body, timeout=10)
    assert r.status_code == status and r.json()["error"]


def test_a_short_code_cannot_be_provisioned_twice(server, client):
    code = provision(server, client)["short_code"]
    r = requests.post(f"{server.base_url}/_emulator/v1/short_codes", json={"short_code": code}, timeout=10)
    assert (r.status_code, r.json()["code"]) == (400, 21422)


def test_sending_from_a_short_code_only_within_its_country_and_carrier(server, client):
    code = provision(server, client)["short_code"]
    sent = client.messages.create(to="+14155555001", from_=code, body="Your code is 1234")
    assert (final(server, sent.sid).status, sent.from_) == ("delivered", code)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to="+447911123150", from_=code, body="abroad")
    assert (caught.value.status, caught.value.code) == (400, 21659)
    server.call(server.emulator.declare_handset, "+14155555002", short_codes=False)
    refused = final(server, client.messages.create(to="+14155555002", from_=code, body="x").sid)
    assert (refused.status, refused.error_code) == ("failed", 21612)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to="+14155555001", from_="99999", body="not ours")
    assert caught.value.code == 21606


def test_service_short_codes_pool(server, client, number, main_client):
    sc = provision(server, client)
    service = service_with(client, number)
    member = service.short_codes.create(short_code_sid=sc["sid"])
    assert (member.sid, member.short_code, member.country_code, member.capabilities) == (
        sc["sid"], sc["short_code"], "US", ["MMS", "SMS"])
    assert [m.sid for m in service.short_codes.list()] == [sc["sid"]]
    assert service.short_codes(sc["sid"]).fetch().short_code == sc["short_code"]
    other = client.messaging.v1.services.create(friendly_name="other")
    with pytest.raises(TwilioRestException) as caught:
        other.short_codes.create(short_code_sid=sc["sid"])
    assert caught.value.code == 21712
    pn = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    for wrong in (pn, "SC" + "0" * 32):
        with pytest.raises(TwilioRestException) as caught:
            other.short_codes.create(short_code_sid=wrong)
        assert caught.value.code == 21421
    with pytest.raises(TwilioRestException) as caught:
        other.phone_numbers.create(phone_number_sid=sc["sid"])  # a short code is not a PhoneNumber member
    assert caught.value.code == 21421
    assert service.short_codes(sc["sid"]).delete() is True
    assert service.short_codes.list() == []


def sent_from(server, client, service, to: str):
    m = client.messages.create(to=to, messaging_service_sid=service.sid, body="hi")
    return final(server, m.sid)


def test_short_code_priority_and_reroute_to_a_long_code(server, client, number):
    code = provision(server, client)["short_code"]
    service = service_with(client, number)
    client.messaging.v1.services(service.sid).update(sticky_sender=False)
    service.short_codes.create(short_code_sid=client.short_codes.list()[0].sid)
    assert sent_from(server, client, service, "+14155555010").from_ == code  # short code first
    server.call(server.emulator.declare_handset, "+14155555011", short_codes=False)
    rerouted = sent_from(server, client, service, "+14155555011")
    assert (rerouted.from_, rerouted.status) == (number, "delivered")  # its carrier takes no short codes
    client.messaging.v1.services(service.sid).update(fallback_to_long_code=False)
    kept = sent_from(server, client, service, "+14155555011")
    assert (kept.from_, kept.status, kept.error_code) == (code, "failed", 21612)  # not rerouted after failing
    assert sent_from(server, client, service, "+447911123151").from_ == number  # no GB short code: US fallback


def test_a_short_code_of_the_country_wins_over_the_alpha_sender_and_a_reroute_skips_it(server, client, number):
    gb_long = client.incoming_phone_numbers.create(phone_number="+447400123199").phone_number
    service = service_with(client, number, gb_long, sticky_sender=False)
    service.alpha_senders.create(alpha_sender="ACME")
    assert sent_from(server, client, service, "+447400123152").from_ == "ACME"  # no GB short code yet
    gb_code = provision(server, client, country="GB")
    service.short_codes.create(short_code_sid=gb_code["sid"])
    assert sent_from(server, client, service, "+447400123152").from_ == gb_code["short_code"]
    server.call(server.emulator.declare_handset, "+447400123153", short_codes=False)
    assert sent_from(server, client, service, "+447400123153").from_ == gb_long  # a long code, not the alpha


def test_inbound_to_a_short_code_reaches_its_webhook_and_it_leaves_stop_to_the_app(server, client):
    with Receiver(body="<Response><Message>Thanks</Message></Response>", content_type="text/xml") as app:
        sc = provision(server, client, sms_url=app.url("/sc"))
        r = requests.post(f"{server.base_url}/_emulator/v1/inbound", json={
            "From": "+14155555020", "To": sc["short_code"], "Body": "STOP", "wait": True}, timeout=30)
        assert r.status_code == 201, r.text
        outcome = r.json()["outcome"]
        got = app.wait_for(1)
    assert (got[0].param("To"), got[0].param("Body"), got[0].param("FromState")) == (sc["short_code"], "STOP", "CA")
    assert [m["body"] for m in outcome["replies"]] == ["Thanks"]  # no opt-out reply from Twilio, no block
    reply = final(server, outcome["replies"][0]["sid"])
    assert (reply.from_, reply.status) == (sc["short_code"], "delivered")
