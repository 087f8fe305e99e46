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
