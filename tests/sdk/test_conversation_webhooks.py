"""Conversations webhooks and autocreation through the official SDK, with a real receiver app: an address
configuration autocreates a conversation for an unbound inbound SMS, with the pre-event hook's veto and the
post-event hooks in order, signed; a pre-event hook rewrites a captured message; REST actions tell the post-event
hooks only with X-Twilio-Webhook-Enabled: true; conversation-scoped webhooks."""
from __future__ import annotations

import json

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from tests.support.phones import inject
from tests.support.receiver import Receiver

HANDSET = "+16285550771"
FILTERS = ["onConversationAdd", "onConversationAdded", "onParticipantAdded", "onMessageAdd", "onMessageAdded",
           "onConversationUpdated", "onConversationStateUpdated"]


def events(app) -> list[str]:
    return [r.param("EventType") for r in app.requests]


@pytest.fixture
def hooked(client, account):
    """An app with a pre- and a post-event URL as the account's Conversations webhooks, and a number whose SMS
    URL is the app's /sms; `app.pre` decides what the pre-event hook answers."""
    answers = {"status": 200, "body": ""}
    with Receiver(routes={"/pre": lambda r: (answers["status"], answers["body"], "application/json"),
                          "/post": (200, "", "text/plain"), "/sms": (200, "<Response/>", "text/xml"),
                          "/scoped": (200, "", "text/plain")}) as app:
        app.answers = answers
        number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        client.conversations.v1.configuration.webhooks().update(
            method="POST", filters=FILTERS, pre_webhook_url=app.url("/pre"), post_webhook_url=app.url("/post"))
        yield app, number


def test_an_address_configuration_autocreates_with_its_hooks_in_order(server, client, account, hooked):
    app, number = hooked
    config = client.conversations.v1.address_configurations.create(
        type="sms", address=number, friendly_name="support line", auto_creation_enabled=True,
        auto_creation_type="webhook", auto_creation_webhook_url=app.url("/scoped"),
        auto_creation_webhook_filters=["onMessageAdded"])
    assert (config.sid[:2], config.auto_creation["enabled"], config.auto_creation["type"]) == ("IG", True, "webhook")
    assert client.conversations.v1.address_configurations(number).fetch().sid == config.sid  # by its address
    inject(server, HANDSET, number, "I need help")
    assert events(app) == ["onConversationAdd", "onConversationAdded", "onParticipantAdded", "onMessageAdded",
                           "onMessageAdded"]  # the last one: the conversation's scoped webhook
    assert [r.url.rsplit("/", 1)[1] for r in app.requests] == ["pre", "post", "post", "post", "scoped"]
    assert "/sms" not in [r.url for r in app.requests]  # the number's own webhook is not called
    validator = RequestValidator(account[1])
    for r in app.requests:
        assert validator.validate(r.url, {k: v[-1] for k, v in r.form.items()}, r.headers["X-Twilio-Signature"]), r.url
    add = app.requests[0]
    assert (add.param("MessageBody"), add.param("MessagingBinding.Address"), add.param("MessagingBinding.ProxyAddress"),
            add.param("Source")) == ("I need help", HANDSET, number, "SMS")
    [convo] = client.conversations.v1.conversations.list()
    [participant] = convo.participants.list()
    assert participant.messaging_binding == {"type": "sms", "address": HANDSET, "proxy_address": number}
    [message] = convo.messages.list()
    assert (message.index, message.author, message.body, message.participant_sid) == (0, HANDSET, "I need help",
                                                                                       participant.sid)
    assert app.requests[-2].param("MessageSid") == message.sid and app.requests[-2].param("Index") == "0"
    assert [w.configuration["url"] for w in convo.webhooks.list()] == [app.url("/scoped")]


def test_a_non_2xx_pre_event_hook_drops_the_message(server, client, hooked):
    app, number = hooked
    client.conversations.v1.address_configurations.create(type="sms", address=number, auto_creation_enabled=True,
                                                          auto_creation_type="default")
    app.answers["status"] = 403
    inject(server, HANDSET, number, "spam")
    assert events(app) == ["onConversationAdd"]
    assert client.conversations.v1.conversations.list() == []


def test_a_pre_event_hook_rewrites_a_captured_message(server, client, hooked):
    app, number = hooked
    convo = client.conversations.v1.conversations.create(friendly_name="chat")
    convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    assert app.requests == []  # REST actions tell no webhook without X-Twilio-Webhook-Enabled
    app.answers["body"] = json.dumps({"body": "[redacted]", "attributes": '{"flagged": true}'})
    inject(server, HANDSET, number, "my card is 4111 1111 1111 1111")
    assert events(app) == ["onMessageAdd", "onMessageAdded"]
    [message] = convo.messages.list()
    assert (message.body, message.attributes, message.author) == ("[redacted]", '{"flagged": true}', HANDSET)
    assert app.requests[1].param("Body") == "[redacted]"


def test_rest_actions_tell_post_event_hooks_only_when_asked(server, client, account, hooked):
    app, number = hooked
    headers = {"X-Twilio-Webhook-Enabled": "true"}
    made = requests.post(f"{server.base_url}/v1/Conversations", auth=account, headers=headers, timeout=10,
                         data={"FriendlyName": "asked"}).json()
    requests.post(f"{server.base_url}/v1/Conversations/{made['sid']}", auth=account, headers=headers, timeout=10,
                  data={"State": "inactive"})
    server.call(server.emulator.drain)
    assert events(app) == ["onConversationAdded", "onConversationUpdated", "onConversationStateUpdated"]
    assert [r.param("Source") for r in app.requests] == ["API"] * 3
    assert (app.requests[2].param("StateFrom"), app.requests[2].param("StateTo"),
            app.requests[2].param("Reason")) == ("active", "inactive", "API")
    client.conversations.v1.conversations.create(friendly_name="not asked")
    server.call(server.emulator.drain)
    assert len(app.requests) == 3


def test_scoped_webhooks_and_what_is_not_emulated(client):
    convo = client.conversations.v1.conversations.create()
    hook = convo.webhooks.create(target="webhook", configuration_url="https://app.example/events",
                                 configuration_method="GET", configuration_filters=["onMessageAdded"])
    assert (hook.sid[:2], hook.configuration) == ("WH", {"url": "https://app.example/events", "method": "GET",
                                                         "filters": ["onMessageAdded"]})
    assert convo.webhooks(hook.sid).update(configuration_filters=["onMessageUpdated"]).configuration["filters"] == [
        "onMessageUpdated"]
    for _ in range(4):
        convo.webhooks.create(target="webhook", configuration_url="https://app.example/more")
    with pytest.raises(TwilioRestException) as full:
        convo.webhooks.create(target="webhook", configuration_url="https://app.example/sixth")
    assert full.value.status == 400
    with pytest.raises(TwilioRestException) as studio:
        convo.webhooks.create(target="studio", configuration_flow_sid="FW" + "0" * 32)
    assert "not emulated" in studio.value.msg
    with pytest.raises(TwilioRestException) as email:
        client.conversations.v1.address_configurations.create(type="email", address="help@example.com")
    assert "not emulated" in email.value.msg
    assert convo.webhooks(hook.sid).delete() is True


def test_timers_tell_their_state_changes(server, manual_clock, client, hooked):
    app, number = hooked
    convo = client.conversations.v1.conversations.create(state="active", timers_inactive="PT1M", timers_closed="PT10M")
    convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    server.call(manual_clock.advance, 61)
    inject(server, HANDSET, number, "wake up")
    server.call(manual_clock.advance, 601)
    states = [(r.param("StateFrom"), r.param("StateTo"), r.param("Reason")) for r in app.requests
              if r.param("EventType") == "onConversationStateUpdated"]
    # Woken at 61 s, it goes inactive again a minute later, and closes ten minutes after the wake-up.
    assert states == [("active", "inactive", "TIMER"), ("inactive", "active", "EVENT"), ("active", "inactive", "TIMER"),
                      ("inactive", "closed", "TIMER")]


def test_delivery_receipts_tell_on_delivery_updated(server, client, hooked):
    app, number = hooked
    client.conversations.v1.configuration.webhooks().update(filters=["onDeliveryUpdated"])
    convo = client.conversations.v1.conversations.create()
    phone = convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    said = convo.messages.create(body="tracking number 42")
    [receipt] = convo.messages(said.sid).delivery_receipts.list()
    server.call(server.emulator.wait_for_message, receipt.channel_message_sid, "delivered")
    server.call(server.emulator.drain)
    told = [r for r in app.wait_for(2) if r.param("EventType") == "onDeliveryUpdated"]
    assert [r.param("Status") for r in told] == ["sent", "delivered"]
    assert {(r.param("DeliveryReceiptSid"), r.param("ParticipantSid"), r.param("ChannelMessageSid"))
            for r in told} == {(receipt.sid, phone.sid, receipt.channel_message_sid)}


def test_a_copy_planned_after_its_media_download_tells_on_delivery_updated(server, client, hooked, media_host):
    """A template with media: the copy's timeline is planned once its media is downloaded, after the message
    was added; its receipt's steps are told all the same."""
    from twilio.rest.content.v1.content import ContentList
    app, number = hooked
    client.conversations.v1.configuration.webhooks().update(filters=["onDeliveryUpdated"])
    template = client.content.v1.contents.create(ContentList.ContentCreateRequest({
        "friendly_name": "receipt", "language": "en", "variables": {},
        "types": {"twilio/media": {"body": "Your receipt", "media": [media_host.url("/receipt.png")]}}}))
    convo = client.conversations.v1.conversations.create()
    convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    said = convo.messages.create(content_sid=template.sid)
    [receipt] = convo.messages(said.sid).delivery_receipts.list()
    server.call(server.emulator.wait_for_message, receipt.channel_message_sid, "delivered")
    server.call(server.emulator.drain)
    told = [r for r in app.wait_for(2) if r.param("EventType") == "onDeliveryUpdated"]
    assert [(r.param("Status"), r.param("ChannelMessageSid")) for r in told] == [
        ("sent", receipt.channel_message_sid), ("delivered", receipt.channel_message_sid)]


def test_a_timer_set_before_a_restart_still_tells_its_change(tmp_path):
    import twilio_emulator
    from tests.test_cli import Serve
    db = tmp_path / "timers.db"
    with Receiver(routes={"/post": (200, "", "text/plain")}) as app:
        with Serve("--db", str(db), "--quiet") as before:
            c = twilio_emulator.client(before.base_url)
            c.conversations.v1.configuration.webhooks().update(post_webhook_url=app.url("/post"),
                                                                filters=["onConversationStateUpdated"])
            convo = c.conversations.v1.conversations.create(state="active", timers_inactive="PT1M")
        with Serve("--db", str(db), "--quiet") as after:
            requests.post(f"{after.base_url}/_emulator/v1/clock", json={"mode": "manual"}, timeout=10)
            requests.post(f"{after.base_url}/_emulator/v1/clock/advance", json={"seconds": 61}, timeout=30)
            told = app.wait_for(1)
            assert (told[0].param("ConversationSid"), told[0].param("StateTo"), told[0].param("Reason")) == (
                convo.sid, "inactive", "TIMER")


def test_a_timer_moment_that_passed_while_down_is_told_after_the_restart(tmp_path):
    """The conversation's inactive moment comes before the first run could tell it (its clock stood still);
    the second run tells it at once, late, and a third run does not tell it again."""
    import time

    import twilio_emulator
    from tests.test_cli import Serve
    db = tmp_path / "timers.db"
    with Receiver(routes={"/post": (200, "", "text/plain")}) as app:
        with Serve("--db", str(db), "--quiet") as before:
            requests.post(f"{before.base_url}/_emulator/v1/clock", json={"mode": "manual"}, timeout=10)
            c = twilio_emulator.client(before.base_url)
            c.conversations.v1.configuration.webhooks().update(post_webhook_url=app.url("/post"),
                                                                filters=["onConversationStateUpdated"])
            since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 120))
            convo = c.conversations.v1.conversations.create(state="active", timers_inactive="PT1M",
                                                            date_updated=since)
            assert app.requests == []
        with Serve("--db", str(db), "--quiet") as after:
            told = app.wait_for(1)
            assert (told[0].param("ConversationSid"), told[0].param("StateTo"), told[0].param("Reason")) == (
                convo.sid, "inactive", "TIMER")
            requests.post(f"{after.base_url}/_emulator/v1/drain", timeout=30)
        with Serve("--db", str(db), "--quiet") as again:
            requests.post(f"{again.base_url}/_emulator/v1/drain", timeout=30)
            assert twilio_emulator.client(again.base_url).conversations.v1.conversations(convo.sid).fetch().state == \
                "inactive"
        assert len(app.requests) == 1
