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
