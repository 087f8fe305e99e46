"""The four scenario files in fixtures/ load and work, through the plugin's own fixtures; bad files are
reported with the file, the line and what is wrong."""
from __future__ import annotations

import pytest

from tests.support.receiver import Receiver
from twilio_emulator.scenario_files import ScenarioFileError

ECHO = "<Response><Message>Thanks, a human will answer soon.</Message></Response>"


def test_support_line_two_way_conversation(twilio_emulator, twilio_client):
    with Receiver(body=ECHO, content_type="text/xml") as app:
        loaded = twilio_emulator.load_scenario("support_line", SUPPORT_APP_URL=app.url("").rstrip("/"))
        assert loaded["loaded"] == {"accounts": 0, "numbers": 1, "short_codes": 0, "senders": 0, "services": 0,
                                    "handsets": 2, "templates": 0, "faults": 0,
                                        "verify_services": 0, "verify_blocks": 0, "conversation_services": 0,
                                        "conversation_addresses": 0, "conversation_webhooks": 0}
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
    ("sender.toml", '[[senders]]\nsender_id = "whatsapp:+14155550020"\n\n[[senders]]\nsender_id = "whatsapp:12"\n',
     5, "senders[1].sender_id: sender_id whatsapp:12 must be whatsapp: and an E.164"),
    ("wa_pool.toml", '[[services]]\nfriendly_name = "x"\nchannel_senders = ["whatsapp:+14155550029"]\n', 3,
     "services[0].channel_senders[0]: whatsapp:+14155550029 is not a WhatsApp/RCS sender of this account"),
    ("template.toml", '[[templates]]\nlanguage = "en"\ntypes = { "twilio/text" = { body = "x" } }\n'
     'approval = "maybe"\n', 4, "templates[0].approval: approval status must be one of"),
    ("verify.toml", '[[verify_services]]\nfriendly_name = "Acme"\n\n[[verify_services]]\nfriendly_name = "B"\n'
     'sid = "VA12"\n', 6, "verify_services[1].sid: Invalid parameter: Sid (VA and 32 hex digits)"),
    ("verify_type.toml", '[[verify_services]]\nfriendly_name = "Acme"\ncode_length = "8"\n', 3,
     "verify_services[0].code_length: must be int"),
    ("blocks.toml", '[[verify_blocks]]\nblocked_countries = ["Cuba"]\n', 2,
     "verify_blocks[0].blocked_countries: a list of ISO 3166-1 alpha-2 codes"),
])
def test_a_bad_scenario_file_names_file_line_and_mistake(twilio_emulator, tmp_path, name, text, line, what):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ScenarioFileError) as caught:
        twilio_emulator.load_scenario(str(path))
    assert (caught.value.path, caught.value.line) == (str(path), line), str(caught.value)
    assert what in caught.value.message


def test_a_whatsapp_shop_scenario_with_phones_on_whatsapp_and_sms(twilio_emulator, twilio_client):
    answer = "<Response><Message>Thanks, Ann!</Message></Response>"
    with Receiver(routes={"/whatsapp": (200, answer, "text/xml")}) as app:
        loaded = twilio_emulator.load_scenario("whatsapp_shop", SHOP_APP_URL=app.url("").rstrip("/"))
        assert (loaded["loaded"]["senders"], loaded["loaded"]["templates"]) == (1, 1)
        ann = twilio_emulator.phone("whatsapp:+14155550130")
        sent = ann.send("whatsapp:+14155550020", "Where is my order?")
        assert sent["outcome"]["replies"][0]["from"] == "whatsapp:+14155550020"
        assert ann.expect_message(contains="Thanks, Ann", channel="whatsapp").from_ == "whatsapp:+14155550020"
        assert app.wait_for(1)[0].param("ProfileName") == "Ann"  # the handset's profile name
    service = twilio_client.messaging.v1.services.list()[0]
    update = twilio_client.messages.create(messaging_service_sid=service.sid, to="whatsapp:+14155550130",
                                           content_sid="HX00000000000000000000000000000001",
                                           content_variables='{"1": "A-1"}')
    assert ann.expect_message(contains="Your order A-1 has shipped", channel="whatsapp").sid == update.sid
    assert twilio_emulator.wait_for_message(sid=update.sid, status="read").status == "read"
    bob = twilio_client.messages.create(from_="whatsapp:+14155550020", to="whatsapp:+14155550131",
                                        content_sid="HX00000000000000000000000000000001")
    assert twilio_emulator.wait_for_message(sid=bob.sid, status="failed").error_code == 63003  # no WhatsApp
    by_sms = twilio_client.messages.create(messaging_service_sid=service.sid, to="+14155550131", body="On SMS")
    assert twilio_emulator.phone("+14155550131").expect_message(channel="sms").sid == by_sms.sid
    ann.expect_no_sms()


def test_the_harness_adds_senders_and_templates(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number()
    sender = twilio_emulator.add_whatsapp_sender(number, profile={"name": "Acme"})
    assert sender["status"] == "ONLINE" and sender["sender_id"] == f"whatsapp:{number}"
    sid = twilio_emulator.add_template("Hi {{1}}", variables={"1": "there"})
    msg = twilio_client.messages.create(from_=f"whatsapp:{number}", to="whatsapp:+14155550132", content_sid=sid)
    phone = twilio_emulator.phone("whatsapp:+14155550132")
    assert phone.expect_message(contains="Hi there").channel == "whatsapp"
    assert msg.body == "Hi there"
    with pytest.raises(AssertionError) as failed:
        twilio_client.messages.create(from_=f"whatsapp:{number}", to="whatsapp:+14155550132", body="free-form")
        phone.expect_message(timeout=1)  # outside the window it never arrives: failed 63016
    assert "none arrived" in str(failed.value)


ACME_TOML = '''
[[numbers]]
phone_number = "+14155550301"
sms_url = "${APP}/sms"

[[services]]
friendly_name = "Acme"
phone_numbers = ["+14155550301"]
use_inbound_webhook_on_number = true
[services.advanced_opt_out]
opt_out = { keywords = ["STOP", "BAJA"], reply = "You are unsubscribed from Acme. Reply START to rejoin." }
opt_in  = { keywords = ["START", "ALTA"], reply = "Welcome back to Acme." }
help    = { keywords = ["HELP"], reply = "Acme support: call 555-0100." }
[services.advanced_opt_out.languages.es]
help    = { keywords = ["AYUDA"], reply = "Soporte de Acme: llame al 555-0100." }
'''


def test_advanced_opt_out_from_a_scenario_file_and_from_a_test(twilio_emulator, twilio_client, tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(ACME_TOML)
    with Receiver(routes={"/sms": (200, "", "text/xml")}) as app:
        twilio_emulator.load_scenario(str(path), APP=app.url("").rstrip("/"))
        customer = twilio_emulator.phone("+14155550140")
        customer.send("+14155550301", "BAJA")
        assert customer.expect_sms(contains="unsubscribed from Acme").from_ == "+14155550301"
        customer.send("+14155550301", "AYUDA")
        customer.expect_no_sms()  # opted out: no help reply (Twilio's rule), whatever the language
        customer.send("+14155550301", "ALTA")
        customer.expect_sms(contains="Welcome back to Acme")
        customer.send("+14155550301", "AYUDA")
        customer.expect_sms(contains="Soporte de Acme")
        assert [r.param("OptOutType") for r in app.wait_for(4)] == ["STOP", "HELP", "START", "HELP"]
    service = twilio_client.messaging.v1.services.list()[0]
    kept = twilio_emulator.remote.control("GET", f"/services/{service.sid}/advanced_opt_out")
    assert kept["opt_out"]["keywords"] == ["STOP", "BAJA"] and "es" in kept["languages"]
    twilio_emulator.set_advanced_opt_out(service.sid, {"opt_out": {"keywords": ["STOP", "QUIT"],
                                                                   "reply": "Bye from Acme."}})
    customer.send("+14155550301", "quit")
    customer.expect_sms(contains="Bye from Acme.")


VERIFY_TOML = """
[[verify_services]]
sid = "VA00000000000000000000000000000a11"
friendly_name = "Acme Login"
code_length = 4

[[verify_blocks]]
blocked_countries = ["cu"]
fraud_guard_prefixes = ["+23480"]
"""


def test_verify_services_with_a_fixed_sid_and_blocks_from_a_scenario_file(twilio_emulator, twilio_client, tmp_path):
    path = tmp_path / "verify.toml"
    path.write_text(VERIFY_TOML)
    assert twilio_emulator.load_scenario(str(path))["loaded"]["verify_services"] == 1
    verify = twilio_client.verify.v2.services("VA00000000000000000000000000000a11")
    assert (verify.fetch().friendly_name, verify.fetch().code_length) == ("Acme Login", 4)
    verify.verifications.create(to="+14155550177", channel="sms")
    code = twilio_emulator.phone("+14155550177").expect_verification_code()
    assert len(code) == 4 and code == twilio_emulator.verification_code("+14155550177")
    assert verify.verification_checks.create(to="+14155550177", code=code).status == "approved"
    assert twilio_emulator.remote.control("GET", f"/accounts/{twilio_emulator.account_sid}/verify")[
        "blocked_countries"] == ["CU"]
    with pytest.raises(Exception) as refused:
        verify.verifications.create(to="+5352345678", channel="sms")
    assert (refused.value.status, refused.value.code) == (403, 60605)
    with pytest.raises(Exception) as refused:
        verify.verifications.create(to="+2348012345678", channel="sms")
    assert (refused.value.status, refused.value.code) == (403, 60410)
