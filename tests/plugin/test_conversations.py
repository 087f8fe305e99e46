"""Conversations from a test: the plugin turns a Messaging Service's autocreation on (or a scenario file does), a
phone texts it, and the test reads the conversation's messages; the reply the app adds reaches the phone."""
from __future__ import annotations

import tomllib

SCENARIO = """
[[numbers]]
phone_number = "+14155550401"

[[services]]
friendly_name = "Support"
phone_numbers = ["+14155550401"]
conversations_autocreate = true
"""


def test_autocreation_from_the_plugin_and_the_conversation_read_back(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number(phone_number="+14155550402")
    service = twilio_client.messaging.v1.services.create(friendly_name="desk")
    twilio_client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    assert twilio_emulator.set_conversations_autocreate(service.sid) == {"autocreate": True}
    customer = twilio_emulator.phone("+14155550403")
    customer.send(number, "Is my order on its way?")
    [convo] = twilio_client.conversations.v1.conversations.list()
    assert [(m["author"], m["body"]) for m in twilio_emulator.conversation_messages(convo.sid)] == [
        ("+14155550403", "Is my order on its way?")]
    convo.messages.create(author="agent", body="Yes: it arrives tomorrow.")
    assert customer.expect_sms(contains="arrives tomorrow", from_=str(number))


def test_a_scenario_file_sets_a_service_to_autocreate(twilio_emulator, twilio_client, tmp_path):
    twilio_emulator.remote.control("POST", "/scenario", {"scenario": tomllib.loads(SCENARIO)})
    twilio_emulator.phone("+14155550404").send("+14155550401", "hello")
    [convo] = twilio_client.conversations.v1.conversations.list()
    assert twilio_emulator.conversation_messages(convo.sid)[0]["body"] == "hello"


def test_a_test_waits_for_the_message_an_app_adds_in_the_background(twilio_emulator, twilio_client):
    """The app answers onMessageAdded by adding a reply through the API, from a thread of its own: the test waits
    for the conversation's second message instead of sleeping."""
    import threading

    import pytest

    from tests.support.receiver import Receiver

    def bot(request):
        if request.param("Author") != "bot":
            conversation = request.param("ConversationSid")
            threading.Thread(target=lambda: twilio_client.conversations.v1.conversations(conversation).messages.create(
                author="bot", body="A person will answer soon.")).start()
        return 200, "", "text/plain"

    with Receiver(routes={"/hooks": bot}) as app:
        number = twilio_emulator.add_number(phone_number="+14155550405")
        twilio_client.conversations.v1.configuration.webhooks().update(post_webhook_url=app.url("/hooks"),
                                                                       filters=["onMessageAdded"])
        twilio_client.conversations.v1.address_configurations.create(type="sms", address=str(number),
                                                                     auto_creation_enabled=True)
        customer = twilio_emulator.phone("+14155550406")
        customer.send(number, "Hello?")
        [convo] = twilio_client.conversations.v1.conversations.list()
        thread = twilio_emulator.wait_for_conversation_messages(convo.sid, count=2)
        assert [(m["index"], m["author"], m["body"]) for m in thread] == [
            (0, "+14155550406", "Hello?"), (1, "bot", "A person will answer soon.")]
        assert customer.expect_sms(contains="answer soon")
        with pytest.raises(AssertionError, match="expected 3 messages in conversation"):
            twilio_emulator.wait_for_conversation_messages(convo.sid, count=3, timeout=0)


CONVERSATIONS_TOML = """
[[numbers]]
phone_number = "+14155550404"

[[conversation_services]]
sid = "IS00000000000000000000000000000c01"
friendly_name = "Support desk"

[[conversation_addresses]]
sid = "IG00000000000000000000000000000c02"
type = "sms"
address = "+14155550404"
auto_creation_enabled = true
auto_creation_type = "default"
auto_creation_conversation_service_sid = "IS00000000000000000000000000000c01"

[[conversation_webhooks]]
service_sid = "IS00000000000000000000000000000c01"
post_webhook_url = "${APP}/post"
filters = ["onConversationAdded", "onMessageAdded"]
"""


def test_conversation_services_addresses_and_webhooks_from_a_scenario_file(twilio_emulator, twilio_client, tmp_path):
    from tests.support.receiver import Receiver
    path = tmp_path / "desk.toml"
    path.write_text(CONVERSATIONS_TOML)
    with Receiver(routes={"/post": (200, "", "text/plain")}) as app:
        loaded = twilio_emulator.load_scenario(str(path), APP=app.url("").rstrip("/"))["loaded"]
        assert (loaded["conversation_services"], loaded["conversation_addresses"], loaded["conversation_webhooks"]) == (
            1, 1, 1)
        twilio_emulator.phone("+14155550405").send("+14155550404", "Hello desk")
        told = app.wait_for(2)
    assert [r.param("EventType") for r in told] == ["onConversationAdded", "onMessageAdded"]
    assert twilio_client.conversations.v1.address_configurations("IG00000000000000000000000000000c02").fetch() \
        .address == "+14155550404"
    [convo] = twilio_client.conversations.v1.services("IS00000000000000000000000000000c01").conversations.list()
    desk = "IS00000000000000000000000000000c01"
    assert [p["messaging_binding"]["address"] for p in twilio_emulator.conversation_participants(convo.sid, desk)] == [
        "+14155550405"]
    assert [m["body"] for m in twilio_emulator.conversation_messages(convo.sid, desk)] == ["Hello desk"]
    assert [m["body"] for m in twilio_emulator.wait_for_conversation_messages(convo.sid)] == ["Hello desk"]


def test_a_bad_conversation_section_names_its_field(twilio_emulator, tmp_path):
    import pytest
    from twilio_emulator.scenario_files import ScenarioFileError
    path = tmp_path / "bad.toml"
    path.write_text('[[conversation_webhooks]]\nservice_sid = "IS00000000000000000000000000000bad"\n')
    with pytest.raises(ScenarioFileError) as caught:
        twilio_emulator.load_scenario(str(path))
    assert "conversation_webhooks[0].service_sid" in caught.value.message
    path.write_text('[[conversation_services]]\nsid = "IS12"\nfriendly_name = "x"\n')
    with pytest.raises(ScenarioFileError) as caught:
        twilio_emulator.load_scenario(str(path))
    assert "conversation_services[0].sid" in caught.value.message
