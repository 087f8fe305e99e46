"""The three scenario files in fixtures/ load and work, through the plugin's own fixtures; bad files are
reported with the file, the line and what is wrong."""
from __future__ import annotations

import pytest

from tests.support.receiver import Receiver
from twilio_emulator.scenario_files import ScenarioFileError

ECHO = "<Response><Message>Thanks, a human will answer soon.</Message></Response>"


def test_support_line_two_way_conversation(twilio_emulator, twilio_client):
    with Receiver(body=ECHO, content_type="text/xml") as app:
        loaded = twilio_emulator.load_scenario("support_line", SUPPORT_APP_URL=app.url("").rstrip("/"))
        assert loaded["loaded"] == {"accounts": 0, "numbers": 1, "short_codes": 0, "services": 0, "handsets": 2}
        customer = twilio_emulator.phone("+14155550100")
        customer.send("+14155550001", "My order is late")
        assert customer.expect_sms(contains="a human will answer", from_="+14155550001")
        got = app.wait_for(1)
    assert (got[0].url.endswith("/sms"), got[0].param("Body")) == (True, "My order is late")
    assert twilio_client.incoming_phone_numbers.list()[0].friendly_name == "Support line"
    assert twilio_emulator.handset("+14155550101").messages == []


@pytest.mark.twilio_scenario("appointment_reminders")
def test_appointment_reminders_pick_a_sender_per_patient(twilio_emulator, twilio_client):
    service = twilio_client.messaging.v1.services.list()[0]
    assert service.friendly_name == "Appointment reminders" and service.validity_period == 3600
    senders = {}
    for patient in ("+14155550110", "+16465550111", "+447400123111"):
        twilio_client.messages.create(to=patient, messaging_service_sid=service.sid, body="See you tomorrow at 10")
        senders[patient] = twilio_emulator.phone(patient).expect_sms(contains="tomorrow").from_
    assert senders == {"+14155550110": "+14155550002", "+16465550111": "+12125550003",
                       "+447400123111": "+447400123000"}


@pytest.mark.twilio_scenario("failures")
def test_failure_scenarios(twilio_emulator, twilio_client, media_host):
    expected = {"+14155550120": ("undelivered", 30003), "+14155550121": ("undelivered", 30007),
                "+14155550122": ("failed", 30008), "+14155550123": ("undelivered", 30006),
                "+14155550124": ("sent", None)}
    sids = {to: twilio_client.messages.create(to=to, from_="+14155550004", body="alert").sid for to in expected}
    for to, (status, code) in expected.items():
        final = twilio_emulator.wait_for_message(sid=sids[to], status=("sent",) if status == "sent" else
                                                 ("delivered", "undelivered", "failed"))
        assert (final.status, final.error_code) == (status, code), to
    mms = twilio_client.messages.create(to="+14155550125", from_="+14155550004", body="pic",
                                        media_url=[media_host.url("/a.png")])
    assert twilio_emulator.wait_for_message(sid=mms.sid, status="undelivered").error_code == 30011
    slow = twilio_client.messages.create(to="+14155550126", from_="+14155550004", body="slow")
    twilio_emulator.advance(59)
    assert twilio_client.messages(slow.sid).fetch().status == "queued"
    twilio_emulator.advance(2)
    assert twilio_emulator.phone("+14155550126").expect_sms(contains="slow")


def test_state_is_reset_between_tests(twilio_emulator, twilio_client):
    assert twilio_client.incoming_phone_numbers.list() == []
    assert twilio_client.messaging.v1.services.list() == []
    assert twilio_emulator.remote.control("GET", "/clock")["mode"] == "real"


@pytest.mark.parametrize("name,text,line,what", [
    ("bad.toml", '[[numbers]]\nphone_number = "+14155550001"\nsms_url = \n', 3, "not valid TOML"),
    ("bad.json", '{"numbers": [\n  {"phone_number": "+14155550001",}\n]}', 2, "not valid JSON"),
    ("unknown.toml", '[[numbers]]\nphone_number = "+14155550001"\n\n[[numbers]]\nphone_number = "+14155550002"\n'
     'sms_ulr = "https://x.example/sms"\n', 6, "numbers[1].sms_ulr: unknown field"),
    ("url.toml", '[[numbers]]\nphone_number = "+14155550001"\nsms_url = "not a url"\n', 3,
     "numbers[0].sms_url: SmsUrl is not a valid URL"),
    ("type.toml", '[[services]]\nfriendly_name = "x"\nsticky_sender = "yes"\n', 3,
     "services[0].sticky_sender: must be true or false"),
    ("pool.json", '{"services": [\n {"friendly_name": "x",\n  "phone_numbers": ["+14155550009"]}\n]}', 3,
     "services[0].phone_numbers[0]: +14155550009 is not a number of this account"),
    ("var.toml", '[[numbers]]\nphone_number = "+14155550001"\nsms_url = "${NOT_SET_ANYWHERE}/sms"\n', 3,
     "undefined variable ${NOT_SET_ANYWHERE}"),
    # Issue 14, item 11: the line of the value, not of a comment that mentions the variable.
    ("comment.toml", '# sms_url takes ${NOT_SET_ANYWHERE}\n[[numbers]]\nphone_number = "+14155550001"\n'
     'sms_url = "${NOT_SET_ANYWHERE}/sms"  # see ${NOT_SET_ANYWHERE}\n', 4, "undefined variable ${NOT_SET_ANYWHERE}"),
    ("handset.toml", '[[handsets]]\nnumber = "+14155550130"\nbehaviour = "explode"\n', 3,
     "handsets[0].behaviour: behaviour must be one of"),
])
def test_a_bad_scenario_file_names_file_line_and_mistake(twilio_emulator, tmp_path, name, text, line, what):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ScenarioFileError) as caught:
        twilio_emulator.load_scenario(str(path))
    assert (caught.value.path, caught.value.line) == (str(path), line), str(caught.value)
    assert what in caught.value.message
