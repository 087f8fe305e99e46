"""The example app's tests, as a user of twilio-emulator writes them: the app runs for real, the emulator
plays Twilio and the customers' phones, and each test reads like the conversation it checks."""
from __future__ import annotations

import json
import urllib.request

import pytest

from support_bot import STATUSES


def post_json(url: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.twilio_strict  # every message the app sends must be expected below
def test_customer_asks_for_the_opening_hours(bot, twilio_emulator):
    customer = twilio_emulator.phone("+14155550100")
    customer.send("+14155550001", "hours")
    customer.expect_sms(contains="Monday to Friday")
    customer.expect_no_sms()


@pytest.mark.twilio_strict
def test_reminder_then_confirmation(bot, twilio_emulator):
    patient = twilio_emulator.phone("+14155550100")
    status, answer = post_json(f"{bot.url}/reminders", {"to": "+14155550100", "when": "Tue 10:00"})
    assert status == 201
    patient.expect_sms(contains="Reply C to confirm", from_="+14155550001")
    patient.reply("C")
    patient.expect_sms(contains="Confirmed: see you Tue 10:00")
    assert bot.app[STATUSES][answer["sid"]][-1] == "delivered"  # the app got its status callbacks


def test_a_patient_who_replied_stop_gets_no_more_reminders(bot, twilio_emulator):
    patient = twilio_emulator.phone("+14155550100")
    patient.send("+14155550001", "STOP")
    patient.expect_sms(contains="unsubscribed")  # Twilio's own confirmation
    status, answer = post_json(f"{bot.url}/reminders", {"to": "+14155550100", "when": "Wed 9:00"})
    assert (status, answer) == (409, {"error": "opted out"})
    patient.expect_no_sms()


def test_an_unsigned_request_is_refused(bot):
    request = urllib.request.Request(f"{bot.url}/sms", data=b"From=%2B14155550100&Body=hi", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 403


def test_reminders_through_a_messaging_service(twilio_emulator, twilio_client):
    """The appointment-reminders scenario: a service with US and UK numbers picks the sender per patient."""
    from support_bot import create_app
    from conftest import RunningApp
    twilio_emulator.load_scenario("appointment_reminders")
    service = twilio_client.messaging.v1.services.list()[0]
    app = create_app(twilio_client, twilio_emulator.auth_token, "+14155550002", service.sid)
    with RunningApp(app) as running:
        for patient, sender in (("+14155550110", "+14155550002"), ("+447400123111", "+447400123000")):
            assert post_json(f"{running.url}/reminders", {"to": patient, "when": "Fri 3pm"})[0] == 201
            assert twilio_emulator.phone(patient).expect_sms(contains="Fri 3pm").from_ == sender
