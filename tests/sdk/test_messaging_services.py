"""Messaging Services through the official SDK: the resources and their sender pool, sending with
MessagingServiceSid (accepted, then the service's choice of From), each selection rule with a case where it
must not apply, sticky senders, scheduling and cancel, and inbound routing to the service's webhook."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

import twilio_emulator
from tests.support.receiver import Receiver


def service_with(client, *numbers: str, **fields):
    service = client.messaging.v1.services.create(friendly_name="pool", **fields)
    for number in numbers:
        pn = client.incoming_phone_numbers.list(phone_number=number)[0]
        service.phone_numbers.create(phone_number_sid=pn.sid)
    return service


def buy(client, phone_number: str) -> str:
    return client.incoming_phone_numbers.create(phone_number=phone_number).phone_number


def sent_from(server, client, service, to: str) -> str:
    m = client.messages.create(to=to, messaging_service_sid=service.sid, body="hi")
    return server.call(server.emulator.wait_for_message, m.sid, ("delivered", "undelivered", "failed")).from_


def test_service_crud_and_v1_paging(client, main_client):
    created = client.messaging.v1.services.create(friendly_name="Alerts", status_callback="https://app.example/s",
                                                  sticky_sender=False, validity_period=600)
    assert created.sid.startswith("MG") and created.account_sid == client.account_sid
    assert (created.friendly_name, created.sticky_sender, created.validity_period) == ("Alerts", False, 600)
    assert (created.inbound_method, created.area_code_geomatch, created.scan_message_content) == (
        "POST", True, "inherit")
    assert created.date_created is not None and created.links["phone_numbers"].endswith(f"{created.sid}/PhoneNumbers")
    updated = client.messaging.v1.services(created.sid).update(friendly_name="Renamed", inbound_method="GET")
    assert (updated.friendly_name, updated.inbound_method, updated.sticky_sender) == ("Renamed", "GET", False)
    for i in range(3):
        client.messaging.v1.services.create(friendly_name=f"more {i}")
    assert len([s.sid for s in client.messaging.v1.services.stream(page_size=2)]) == 4
    assert all(s.account_sid != client.account_sid for s in main_client.messaging.v1.services.list())
    with pytest.raises(TwilioRestException) as caught:
        main_client.messaging.v1.services(created.sid).fetch()
    assert caught.value.status == 404
    assert client.messaging.v1.services(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as caught:
        client.messaging.v1.services(created.sid).fetch()
    assert caught.value.status == 404 and caught.value.code == 20404


def test_bad_service_input(client):
    with pytest.raises(TwilioRestException) as caught:
        client.messaging.v1.services.create(friendly_name="x", validity_period=0)
    assert caught.value.code == 21624
    with pytest.raises(TwilioRestException) as caught:
        client.messaging.v1.services.create(friendly_name="x", inbound_method="PUT")
    assert caught.value.status == 400
    with pytest.raises(TwilioRestException) as caught:
        client.messaging.v1.services.create(friendly_name="")
    assert caught.value.status == 400
    assert client.messaging.v1.services.list() == []


def test_sender_pool_subresources(client, number):
    service = client.messaging.v1.services.create(friendly_name="pool")
    pn = client.incoming_phone_numbers.list(phone_number=number)[0]
    member = service.phone_numbers.create(phone_number_sid=pn.sid)
    assert (member.sid, member.phone_number, member.country_code, member.service_sid) == (
        pn.sid, number, "US", service.sid)
    assert member.capabilities == ["MMS", "SMS", "Voice"]
    assert [p.sid for p in service.phone_numbers.list()] == [pn.sid]
    assert service.phone_numbers(pn.sid).fetch().phone_number == number
    with pytest.raises(TwilioRestException) as caught:
        service.phone_numbers.create(phone_number_sid=pn.sid)
    assert (caught.value.status, caught.value.code) == (409, 21710)
    other = client.messaging.v1.services.create(friendly_name="other")
    with pytest.raises(TwilioRestException) as caught:
        other.phone_numbers.create(phone_number_sid=pn.sid)
    assert caught.value.code == 21712
    with pytest.raises(TwilioRestException) as caught:
        other.phone_numbers.create(phone_number_sid="PN" + "0" * 32)
    assert caught.value.code == 21421
    alpha = service.alpha_senders.create(alpha_sender="ACME")
    assert alpha.sid.startswith("AI") and alpha.alpha_sender == "ACME" and alpha.capabilities == ["SMS"]
    assert [a.alpha_sender for a in service.alpha_senders.list()] == ["ACME"]
    with pytest.raises(TwilioRestException):
        service.alpha_senders.create(alpha_sender="12345")  # all digits: not an alphanumeric sender ID
    assert service.short_codes.list() == []
    with pytest.raises(TwilioRestException) as caught:
        service.short_codes.create(short_code_sid="SC" + "0" * 32)
    assert caught.value.code == 21421
    assert service.alpha_senders(alpha.sid).delete() is True
    assert service.phone_numbers(pn.sid).delete() is True
    assert service.phone_numbers.list() == [] and service.alpha_senders.list() == []
    other.phone_numbers.create(phone_number_sid=pn.sid)  # free again


def test_send_with_a_service_is_accepted_without_from_then_the_service_picks(server, client, number):
    with Receiver() as app:
        service = service_with(client, number, status_callback=app.url("/service-status"))
        m = client.messages.create(to="+14155553133", messaging_service_sid=service.sid, body="via service")
        assert (m.status, m.from_, m.messaging_service_sid) == ("accepted", None, service.sid)
        done = server.call(server.emulator.wait_for_message, m.sid, "delivered")
        got = app.wait_for(4)
    assert done.from_ == number and client.messages(m.sid).fetch().from_ == number
    # The service's StatusCallback; one request per change after 'accepted'.
    assert [r.form["MessageStatus"][0] for r in got] == ["queued", "sending", "sent", "delivered"]
    assert {r.form["MessagingServiceSid"][0] for r in got} == {service.sid}


def test_country_geomatch_then_us_fallback_then_failure(server, client):
    us = buy(client, "+14155553134")
    gb = buy(client, "+447911123134")
    both = service_with(client, us, gb)
    assert sent_from(server, client, both, "+447911123999") == gb  # same country as To
    assert sent_from(server, client, both, "+14155550999") == us  # not the GB number for a US recipient
    us_only = service_with(client, buy(client, "+14155553135"))
    assert sent_from(server, client, us_only, "+33612345678") == "+14155553135"  # else an SMS-capable US number
    gb_only = service_with(client, buy(client, "+447911123135"))
    m = client.messages.create(to="+33612345679", messaging_service_sid=gb_only.sid, body="nowhere to send from")
    failed = server.call(server.emulator.wait_for_message, m.sid, "failed")
    assert failed.error_code == 21703 and failed.from_ is None


def test_area_code_geomatch_with_overlays_and_off(server, client):
    sf, nyc = buy(client, "+14155553136"), buy(client, "+12125550136")
    service = service_with(client, sf, nyc, sticky_sender=False)
    assert sent_from(server, client, service, "+16465550100") == nyc  # 646 overlays 212
    assert sent_from(server, client, service, "+16285550100") == sf  # 628 overlays 415
    plain = service_with(client, buy(client, "+14155553137"), buy(client, "+12125550137"),
                         sticky_sender=False, area_code_geomatch=False)
    # Without geomatch the first number of the pool is not chosen for its area code: both serve a 646 recipient.
    assert sent_from(server, client, plain, "+16465550101") == "+14155553137"


def test_sticky_sender_keeps_a_recipient_on_one_number_on_off_on(server, client):
    a, b = buy(client, "+14155553138"), buy(client, "+14155553139")
    service = service_with(client, a, b, area_code_geomatch=False)
    first = sent_from(server, client, service, "+14155553201")
    assert first == a
    assert sent_from(server, client, service, "+14155553202") == b  # scaler: fewest mappings
    assert [sent_from(server, client, service, "+14155553201") for _ in range(3)] == [a, a, a]
    client.messaging.v1.services(service.sid).update(sticky_sender=False)
    client.messaging.v1.services(service.sid).update(sticky_sender=True)
    assert sent_from(server, client, service, "+14155553202") == b  # the mapping survived off/on
    # Removing the number deletes its mappings: the recipient gets the other one.
    client.messaging.v1.services(service.sid).phone_numbers(
        client.incoming_phone_numbers.list(phone_number=a)[0].sid).delete()
    assert sent_from(server, client, service, "+14155553201") == b


def test_sticky_mapping_remaps_when_a_number_of_the_recipients_country_is_added(server, client):
    us = buy(client, "+14155553140")
    service = service_with(client, us)
    assert sent_from(server, client, service, "+447911123140") == us
    gb = buy(client, "+447911123141")
    service.phone_numbers.create(phone_number_sid=client.incoming_phone_numbers.list(phone_number=gb)[0].sid)
    assert sent_from(server, client, service, "+447911123140") == gb


def test_alpha_sender_where_the_country_takes_one(server, client):
    us = buy(client, "+14155553142")
    service = service_with(client, us)
    service.alpha_senders.create(alpha_sender="ACME")
    assert sent_from(server, client, service, "+447911123142") == "ACME"
    assert sent_from(server, client, service, "+14155553299") == us  # not to the US


def test_scheduled_message_is_sent_at_send_at_or_canceled(server, client, number, manual_clock):
    service = service_with(client, number)
    send_at = datetime.fromtimestamp(manual_clock.now(), timezone.utc) + timedelta(hours=1)
    kept = client.messages.create(to="+14155553143", messaging_service_sid=service.sid, body="later",
                                  schedule_type="fixed", send_at=send_at)
    dropped = client.messages.create(to="+14155553143", messaging_service_sid=service.sid, body="never",
                                     schedule_type="fixed", send_at=send_at)
    assert kept.status == "scheduled"
    canceled = client.messages(dropped.sid).update(status="canceled")
    assert canceled.status == "canceled"
    server.call(manual_clock.advance, 1800)
    assert client.messages(kept.sid).fetch().status == "scheduled"
    server.call(manual_clock.advance, 1801)
    assert client.messages(kept.sid).fetch().status == "delivered"
    assert client.messages(dropped.sid).fetch().status == "canceled"
    with pytest.raises(TwilioRestException) as caught:
        client.messages(kept.sid).update(status="canceled")
    assert caught.value.code == 30409


@pytest.mark.parametrize("fields,code", [
    ({"schedule_type": "fixed"}, 35111),
    ({"schedule_type": "fixed", "send_at": timedelta(seconds=60)}, 35114),
    ({"schedule_type": "fixed", "send_at": timedelta(days=36)}, 35114),
])
def test_scheduling_errors(server, client, number, fields, code):
    service = service_with(client, number)
    if "send_at" in fields:  # relative to the emulator's clock (other tests may have advanced it)
        fields["send_at"] = datetime.fromtimestamp(server.emulator.now(), timezone.utc) + fields["send_at"]
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to="+14155553144", messaging_service_sid=service.sid, body="x", **fields)
    assert caught.value.code == code


def test_unknown_service(client):
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to="+14155553145", messaging_service_sid="MG" + "0" * 32, body="x")
    assert caught.value.code == 21701


def test_inbound_to_a_service_number_goes_to_the_service_webhook_unless_it_defers(server, client, number):
    with Receiver(body="<Response/>", content_type="text/xml") as app:
        client.incoming_phone_numbers(client.incoming_phone_numbers.list(phone_number=number)[0].sid).update(
            sms_url=app.url("/number"))
        service = service_with(client, number, inbound_request_url=app.url("/service"))
        inject = {"From": "+14155553146", "To": number, "Body": "hi", "wait": True}
        requests.post(f"{server.base_url}/_emulator/v1/inbound", json=inject, timeout=30)
        client.messaging.v1.services(service.sid).update(use_inbound_webhook_on_number=True)
        requests.post(f"{server.base_url}/_emulator/v1/inbound", json=inject, timeout=30)
        got = app.wait_for(2)
    assert app.paths() == ["/service", "/number"]
    assert [r.form["MessagingServiceSid"] for r in got] == [[service.sid], [service.sid]]


def test_services_through_the_async_client(server, account):
    async def run():
        client = twilio_emulator.async_client(server.base_url, *account)
        try:
            created = await client.messaging.v1.services.create_async(friendly_name="async")
            return created, await client.messaging.v1.services.list_async()
        finally:
            await client.http_client.close()

    created, listed = asyncio.run(run())
    assert [s.sid for s in listed] == [created.sid]


def test_a_full_pool_is_412_21714(client):
    service = client.messaging.v1.services.create(friendly_name="full")
    for i in range(400):  # alpha senders: the cheapest members to add (no number to buy)
        service.alpha_senders.create(alpha_sender=f"Acme{i:03d}")
    with pytest.raises(TwilioRestException) as caught:
        service.alpha_senders.create(alpha_sender="OneTooMany")
    assert (caught.value.status, caught.value.code) == (412, 21714)


def test_a_service_sid_in_from_works_as_messaging_service_sid(server, client, number):
    # Issue 14: Twilio's 21603 docs allow From=MG…; the emulator answered 21212.
    service = service_with(client, number)
    m = client.messages.create(to="+14155550231", from_=service.sid, body="via From")
    assert (m.status, m.messaging_service_sid) == ("accepted", service.sid)
    assert server.call(server.emulator.wait_for_message, m.sid, "delivered").from_ == number
    other = client.messaging.v1.services.create(friendly_name="other")
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to="+14155550231", from_=service.sid, messaging_service_sid=other.sid, body="x")
    assert caught.value.code == 20001
    with pytest.raises(TwilioRestException) as caught:  # an MG… no service has: the service's own error
        client.messages.create(to="+14155550231", from_="MG" + "0" * 32, body="x")
    assert caught.value.code == 21701


async def test_a_service_sid_in_from_through_the_async_client(server, account, number):
    sync = twilio_emulator.client(server.base_url, *account)
    service = service_with(sync, number)
    c = twilio_emulator.async_client(server.base_url, *account)
    try:
        m = await c.messages.create_async(to="+14155550232", from_=service.sid, body="async via From")
        assert m.messaging_service_sid == service.sid
    finally:
        await c.http_client.close()
