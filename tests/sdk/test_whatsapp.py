"""WhatsApp through the official SDK (issue 16): a sender registered with the Senders API, a user who writes
to it, the app's TwiML reply and a REST reply on WhatsApp, read receipts, the 24-hour window on the manual
clock, Content templates, and the refusals (63007, 63016, 21910)."""
from __future__ import annotations

import asyncio
import json

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest.content.v1.content import ContentList
from twilio.rest.messaging.v2.channels_sender import ChannelsSenderList
from twilio.twiml.messaging_response import MessagingResponse

import twilio_emulator
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

from tests.support.receiver import Receiver

USER = "+14155550166"
XML = "text/xml"


def reply_twiml(text: str):
    response = MessagingResponse()
    response.message(text)
    return 200, str(response), XML


def inject(server, **fields) -> requests.Response:
    return requests.post(f"{server.base_url}/_emulator/v1/inbound", json=fields, timeout=30)


def register(client, number: str, **webhook):
    """A WhatsApp sender on one of the account's own numbers (online without the OTP: Twilio's own number)."""
    return client.messaging.v2.channels_senders.create(ChannelsSenderList.MessagingV2ChannelsSenderRequestsCreate({
        "sender_id": f"whatsapp:{number}", "profile": {"name": "Acme"}, "webhook": webhook or None}))


def template(client, body: str = "Your order {{1}} has shipped.", approve: bool = True, **types):
    content = client.content.v1.contents.create(ContentList.ContentCreateRequest({
        "friendly_name": "order_update", "language": "en", "variables": {"1": "12345"},
        "types": types or {"twilio/text": {"body": body}}}))
    if approve:
        client.content.v1.contents(content.sid).approval_create.create(ApprovalCreateList.ContentApprovalRequest(
            {"name": "order_update", "category": "UTILITY"}))
    return content


def wait(server, sid: str, status: str):
    return server.call(server.emulator.wait_for_message, sid, status)


def test_a_sender_is_registered_through_the_senders_api(client, number):
    created = register(client, number, callback_url="https://app.example.com/wa", callback_method="POST")
    assert created.sid.startswith("XE") and created.status == "CREATING"
    assert created.sender_id == f"whatsapp:{number}"
    assert created.webhook["callback_url"] == "https://app.example.com/wa"
    fetched = client.messaging.v2.channels_senders(created.sid).fetch()
    assert fetched.status == "ONLINE" and fetched.profile["name"] == "Acme"
    assert [s.sid for s in client.messaging.v2.channels_senders.list(channel="whatsapp")] == [created.sid]
    assert client.messaging.v2.channels_senders.list(channel="rcs") == []
    updated = client.messaging.v2.channels_senders(created.sid).update(
        ChannelsSenderList.MessagingV2ChannelsSenderRequestsUpdate({"profile": {"about": "We ship"}}))
    assert updated.profile == {**fetched.profile, "about": "We ship"}
    assert client.messaging.v2.channels_senders(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        client.messaging.v2.channels_senders(created.sid).fetch()
    assert err.value.status == 404


def test_a_number_not_on_twilio_is_verified_with_the_code_its_phone_got(server, client):
    created = client.messaging.v2.channels_senders.create(ChannelsSenderList.MessagingV2ChannelsSenderRequestsCreate({
        "sender_id": "whatsapp:+14155550123", "profile": {"name": "Own phone"},
        "configuration": {"verification_method": "sms"}}))
    sender = client.messaging.v2.channels_senders(created.sid)
    assert sender.fetch().status == "PENDING_VERIFICATION"
    otp = requests.get(f"{server.base_url}/_emulator/v1/senders/{created.sid}", timeout=10).json()["otp"]
    with pytest.raises(TwilioRestException) as err:  # a wrong code changes nothing
        sender.update(ChannelsSenderList.MessagingV2ChannelsSenderRequestsUpdate(
            {"configuration": {"verification_code": "000000" if otp != "000000" else "111111"}}))
    assert err.value.status == 400 and sender.fetch().status == "PENDING_VERIFICATION"
    verifying = sender.update(ChannelsSenderList.MessagingV2ChannelsSenderRequestsUpdate(
        {"configuration": {"verification_code": otp}}))
    assert verifying.status == "VERIFYING"
    assert sender.fetch().status == "ONLINE"


def test_a_user_writes_and_the_twiml_and_rest_replies_go_out_on_whatsapp(server, client, account, number):
    with Receiver(routes={"/wa": reply_twiml("Hi from Acme"), "/status": (200, "", "text/plain")}) as app:
        register(client, number, callback_url=app.url("/wa"), status_callback_url=app.url("/status"))
        answer = inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="hello",
                        ProfileName="Ann", wait=True)
        assert answer.status_code == 201, answer.text
        data = answer.json()
        assert (data["from"], data["to"], data["num_segments"]) == (f"whatsapp:{USER}", f"whatsapp:{number}", "1")
        request = app.wait_for(1)[0]
        form = {k: v[0] for k, v in request.form.items()}
        assert (form["From"], form["To"], form["Body"]) == (f"whatsapp:{USER}", f"whatsapp:{number}", "hello")
        assert (form["ProfileName"], form["WaId"], form["MessageType"]) == ("Ann", USER[1:], "text")
        assert "FromCity" not in form
        assert RequestValidator(account[1]).validate(request.url, form, request.headers["X-Twilio-Signature"])

        (reply,) = data["outcome"]["replies"]
        assert (reply["from"], reply["to"], reply["body"]) == (f"whatsapp:{number}", f"whatsapp:{USER}", "Hi from Acme")
        assert wait(server, reply["sid"], "read").status == "read"

        rest = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", body="Your code is 1234")
        assert (rest.from_, rest.to, rest.num_segments) == (f"whatsapp:{number}", f"whatsapp:{USER}", "1")
        assert wait(server, rest.sid, "read").status == "read"
        # The sender's status callback gets every status of both, read included, with the channel fields.
        callbacks = [r for r in app.wait_for(1 + 2 * 4) if r.url.endswith("/status")]
    read = [c for c in callbacks if c.param("MessageSid") == rest.sid and c.param("MessageStatus") == "read"]
    assert len(read) == 1
    assert (read[0].param("ChannelPrefix"), read[0].param("ChannelToAddress"), read[0].param("EventType")) == (
        "whatsapp", USER, "READ")
    assert read[0].param("ChannelInstallSid").startswith("XE") and read[0].param("To") == f"whatsapp:{USER}"
    listed = client.messages.list(to=f"whatsapp:{USER}")
    assert {m.sid for m in listed} == {reply["sid"], rest.sid}
    inbox = requests.get(f"{server.base_url}/_emulator/v1/handsets/whatsapp:{USER}/messages", timeout=10).json()
    assert [m["body"] for m in inbox["messages"]][-2:] == ["Hi from Acme", "Your code is 1234"]


def test_outside_the_24_hour_window_only_an_approved_template_goes(server, client, number, manual_clock):
    register(client, number)
    manual_clock_advance = lambda s: server.call(manual_clock.advance, s)  # noqa: E731
    manual_clock_advance(1)
    first = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", body="Hello?")
    manual_clock_advance(1)
    failed = client.messages(first.sid).fetch()
    assert (failed.status, failed.error_code) == ("failed", 63016)  # the user never wrote: no window

    inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="hi", wait=True)
    inside = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", body="Within the window")
    manual_clock_advance(10)
    assert client.messages(inside.sid).fetch().status == "read"

    content = template(client)
    manual_clock_advance(25 * 3600)
    late = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", body="Free-form, too late")
    sent = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", content_sid=content.sid,
                                  content_variables=json.dumps({"1": "A-77"}))
    assert sent.body == "Your order A-77 has shipped." and sent.num_segments == "1"
    manual_clock_advance(10)
    assert (client.messages(late.sid).fetch().error_code, client.messages(sent.sid).fetch().status) == (63016, "read")


def test_an_unapproved_template_and_wrong_variables_fail_with_whatsapps_codes(server, client, number):
    register(client, number)
    draft = template(client, approve=False)
    unapproved = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", content_sid=draft.sid)
    approved = template(client)
    extra = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", content_sid=approved.sid,
                                   content_variables=json.dumps({"1": "A", "7": "nobody"}))
    assert unapproved.body == "Your order 12345 has shipped."  # the template's own sample value
    assert (wait(server, unapproved.sid, "failed").error_code, wait(server, extra.sid, "failed").error_code) == (
        63016, 63028)
    for params, code in (({"content_variables": "{not json"}, 21656), ({"content_variables": '{"1": ""}'}, 21656),
                         ({"content_variables": "{}", "content_sid": None}, 21654),
                         ({"content_sid": "HX" + "0" * 32}, 21655), ({"body": "both"}, 20001)):
        args = {"content_sid": approved.sid, **params}
        with pytest.raises(TwilioRestException) as err:
            client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}",
                                   **{k: v for k, v in args.items() if v is not None})
        assert (err.value.status, err.value.code) == (400, code), params


def test_whatsapp_from_a_number_that_is_no_sender_is_63007_and_channels_do_not_mix(client, number):
    for from_, to, code in ((f"whatsapp:{number}", f"whatsapp:{USER}", 63007), (number, f"whatsapp:{USER}", 21910),
                            (f"whatsapp:{number}", USER, 21910), (f"messenger:{number}", USER, 21212)):
        with pytest.raises(TwilioRestException) as err:
            client.messages.create(from_=from_, to=to, body="hi")
        assert (err.value.status, err.value.code) == (400, code), (from_, to)


def test_a_phone_without_whatsapp_is_63003_and_without_read_receipts_stays_delivered(server, client, number):
    register(client, number)
    for handset, fields in (("+14155550181", {"whatsapp": False}), ("+14155550182", {"read_receipts": False})):
        requests.post(f"{server.base_url}/_emulator/v1/handsets", json={"number": handset, **fields}, timeout=10)
        inject(server, From=f"whatsapp:{handset}", To=f"whatsapp:{number}", Body="hi", wait=True)
    nobody = client.messages.create(from_=f"whatsapp:{number}", to="whatsapp:+14155550181", body="hi")
    quiet = client.messages.create(from_=f"whatsapp:{number}", to="whatsapp:+14155550182", body="hi")
    assert wait(server, nobody.sid, "failed").error_code == 63003
    assert wait(server, quiet.sid, "delivered").status == "delivered"
    server.call(server.emulator.drain)
    assert client.messages(quiet.sid).fetch().status == "delivered"


def test_a_pool_with_an_sms_number_and_a_whatsapp_sender_picks_each_recipients_channel(server, client, number):
    sender = register(client, number)
    other = client.incoming_phone_numbers.create(area_code="415")
    service = client.messaging.v1.services.create(friendly_name="mixed")
    service_api = client.messaging.v1.services(service.sid)
    service_api.phone_numbers.create(phone_number_sid=other.sid)
    member = service_api.channel_senders.create(sid=sender.sid)
    assert (member.sid, member.sender, member.sender_type) == (sender.sid, f"whatsapp:{number}", "WhatsApp")
    assert [m.sid for m in service_api.channel_senders.list()] == [sender.sid]
    inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="hi", wait=True)
    on_whatsapp = client.messages.create(messaging_service_sid=service.sid, to=f"whatsapp:{USER}", body="WA")
    by_sms = client.messages.create(messaging_service_sid=service.sid, to=USER, body="SMS")
    assert wait(server, on_whatsapp.sid, "read").from_ == f"whatsapp:{number}"
    assert wait(server, by_sms.sid, "delivered").from_ == other.phone_number
    service_api.channel_senders(sender.sid).delete()
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(messaging_service_sid=service.sid, to=f"whatsapp:{USER}", body="WA")
    assert err.value.code == 63007


def test_templates_render_on_sms_too(server, client, number):
    content = template(client, approve=False, **{
        "twilio/text": {"body": "Hi {{1}}"},
        "twilio/quick-reply": {"body": "Hi {{1}}, still coming?", "actions": [{"title": "Yes", "id": "yes"}]}})
    sms = client.messages.create(from_=number, to=USER, content_sid=content.sid,
                                 content_variables=json.dumps({"1": "Ann"}))
    assert sms.body == "Hi Ann"  # SMS takes twilio/text
    register(client, number)
    inject(server, From=f"whatsapp:{USER}", To=f"whatsapp:{number}", Body="hi", wait=True)
    rich = client.messages.create(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", content_sid=content.sid,
                                  content_variables=json.dumps({"1": "Ann"}))
    assert rich.body == "Hi Ann, still coming?"  # WhatsApp the richest type: the quick reply


def test_the_async_client_reads_a_sender_and_sends_on_whatsapp(server, client, account, number):
    # twilio 9.13's async HTTP client hands aiohttp the JSON body of Senders/Content creates as `data=`, so it
    # goes form-encoded under a JSON Content-Type and is refused (400) — by Twilio as by the emulator. The
    # sender is created with the sync client; the async one reads it and sends through it.
    sender = register(client, number)

    async def run():
        client = twilio_emulator.async_client(server.base_url, *account)
        try:
            fetched = await client.messaging.v2.channels_senders(sender.sid).fetch_async()
            msg = await client.messages.create_async(from_=f"whatsapp:{number}", to=f"whatsapp:{USER}", body="x")
            return fetched, msg
        finally:
            await client.http_client.close()

    fetched, msg = asyncio.run(run())
    assert fetched.status == "ONLINE" and msg.from_ == f"whatsapp:{number}"
