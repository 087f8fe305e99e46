"""Twilio Verify through the official SDK: a code that reaches the handset as an SMS of the simulated network,
checked wrong and right; a resend with the same code; expiry on the manual clock; Twilio's limits (60202, 60203);
custom codes and code length; WhatsApp and call channels; Fraud Guard and Geo-Permissions blocks; what is not
emulated."""
from __future__ import annotations

import re

import requests

import twilio_emulator
from tests.support.phones import received, refused

PHONE = "+16285550791"


def code_in(message: dict) -> str:
    return re.search(r"verification code is: (\w+)", message["body"]).group(1)


def control_codes(server, to) -> list[dict]:
    return requests.get(f"{server.base_url}/_emulator/v1/verifications", params={"to": to}, timeout=10).json()[
        "verifications"]


def test_a_code_by_sms_is_checked_wrong_then_right_then_gone(server, client):
    service = client.verify.v2.services.create(friendly_name="Acme")
    assert (service.sid[:2], service.code_length, service.friendly_name) == ("VA", 6, "Acme")
    verify = client.verify.v2.services(service.sid)
    started = verify.verifications.create(to=PHONE, channel="sms")
    assert (started.sid[:2], started.status, started.valid, started.channel) == ("VE", "pending", False, "sms")
    assert [a["channel"] for a in started.send_code_attempts] == ["SMS"]
    [sms] = received(server, PHONE, 1)
    assert re.fullmatch(r"Your Acme verification code is: \d{6}", sms["body"]), sms["body"]
    code = code_in(sms)
    wrong = "000000" if code != "000000" else "111111"
    check = verify.verification_checks.create(to=PHONE, code=wrong)
    assert (check.status, check.valid) == ("pending", False)
    check = verify.verification_checks.create(to=PHONE, code=code)
    assert (check.status, check.valid, check.sid) == ("approved", True, started.sid)
    assert refused(lambda: verify.verification_checks.create(to=PHONE, code=code)) == (404, 20404)
    assert refused(lambda: verify.verifications(started.sid).fetch()) == (404, 20404)
    # The code came from Twilio's managed sender, as a message of Twilio's own: not in the account's Messages.
    assert sms["from"] == "+18885550142"
    assert refused(lambda: client.messages(sms["sid"]).fetch()) == (404, 20404)
    assert client.messages.list(to=PHONE) == []


def test_a_resend_carries_the_same_code_and_the_sixth_send_is_refused(server, client):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Resend").sid)
    phone = "+16285550792"
    first = verify.verifications.create(to=phone, channel="sms")
    again = verify.verifications.create(to=phone, channel="sms")
    assert again.sid == first.sid and len(again.send_code_attempts) == 2
    codes = {code_in(m) for m in received(server, phone, 2)}
    assert len(codes) == 1
    for _ in range(3):
        verify.verifications.create(to=phone, channel="sms")
    assert refused(lambda: verify.verifications.create(to=phone, channel="sms")) == (429, 60203)


def test_five_wrong_checks_end_the_verification(server, client):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Checks").sid)
    phone = "+16285550793"
    started = verify.verifications.create(to=phone, channel="sms")
    code = code_in(received(server, phone, 1)[0])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert verify.verification_checks.create(to=phone, code=wrong).status == "pending"
    assert refused(lambda: verify.verification_checks.create(to=phone, code=wrong)) == (429, 60202)
    assert refused(lambda: verify.verification_checks.create(verification_sid=started.sid, code=code)) == (404, 20404)
    assert [v["status"] for v in control_codes(server, phone)] == ["max_attempts_reached"]


def test_a_code_expires_after_ten_minutes_on_the_clock(server, manual_clock, client):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Clock").sid)
    phone = "+16285550794"
    started = verify.verifications.create(to=phone, channel="sms")
    code = control_codes(server, phone)[-1]["code"]
    server.call(manual_clock.advance, 11 * 60)
    assert refused(lambda: verify.verification_checks.create(to=phone, code=code)) == (404, 20404)
    assert refused(lambda: verify.verifications(started.sid).fetch()) == (404, 20404)
    again = verify.verifications.create(to=phone, channel="sms")  # a new one, with a code of its own
    assert again.sid != started.sid


def test_custom_codes_need_the_service_to_allow_them_and_code_length_counts(server, client):
    plain = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Plain").sid)
    assert refused(lambda: plain.verifications.create(to="+16285550795", channel="sms", custom_code="4242")) == (
        400, 60200)
    custom = client.verify.v2.services(client.verify.v2.services.create(
        friendly_name="Custom", custom_code_enabled=True, code_length=8).sid)
    custom.verifications.create(to="+16285550795", channel="sms", custom_code="4242")
    assert code_in(received(server, "+16285550795", 1)[0]) == "4242"
    custom.verifications.create(to="+16285550796", channel="sms")
    assert re.fullmatch(r"\d{8}", code_in(received(server, "+16285550796", 1)[0]))
    assert refused(lambda: client.verify.v2.services.create(friendly_name="x", code_length=11)) == (400, 60200)
    assert refused(lambda: client.verify.v2.services.create(friendly_name="y" * 31)) == (400, 60200)


def test_the_message_text_follows_the_service_and_the_request(server, client):
    verify = client.verify.v2.services(client.verify.v2.services.create(
        friendly_name="Acme", do_not_share_warning_enabled=True).sid)
    verify.verifications.create(to="+16285550797", channel="sms", custom_friendly_name="Acme Login",
                                app_hash="FA+9qCX9VSu")
    body = received(server, "+16285550797", 1)[0]["body"]
    assert re.fullmatch(r"<#> Your Acme Login verification code is: \d{6}\. Don\u2019t share this code with anyone; "
                        r"our employees will never ask for the code\. FA\+9qCX9VSu", body), body


def test_whatsapp_needs_a_sender_and_then_arrives_on_whatsapp(server, client, account):
    service = client.verify.v2.services.create(friendly_name="Chat")
    phone = "+16285550798"
    assert refused(lambda: client.verify.v2.services(service.sid).verifications.create(
        to=phone, channel="whatsapp")) == (400, 68008)
    number = client.incoming_phone_numbers.create(area_code="415").phone_number
    made = requests.post(f"{server.base_url}/_emulator/v1/senders", timeout=10, json={
        "sender_id": f"whatsapp:{number}", "account_sid": account[0]})
    assert made.status_code == 201, made.text
    client.verify.v2.services(service.sid).update(whatsapp_from=f"whatsapp:{number}")
    started = client.verify.v2.services(service.sid).verifications.create(to=phone, channel="whatsapp")
    assert started.channel == "whatsapp"
    [chat] = received(server, f"whatsapp:{phone}", 1)
    assert chat["from"] == f"whatsapp:{number}" and "verification code is:" in chat["body"]


def test_a_call_verification_reaches_the_handset_and_says_the_code(server, client):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Voice").sid)
    phone = "+16285550799"
    started = verify.verifications.create(to=phone, channel="call")
    assert [a["channel"] for a in started.send_code_attempts] == ["CALL"]
    [entry] = control_codes(server, phone)
    call_sid = entry["message_sids"][-1]
    assert call_sid.startswith("CA")
    call = requests.get(f"{server.base_url}/_emulator/v1/calls/{call_sid}", timeout=10,
                        params={"wait": "completed", "timeout": 10}).json()
    said = " ".join(t.get("text", "") for t in call["transcript"])
    assert " ".join(entry["code"]) in said, call


def test_fraud_guard_and_geo_permissions_block_where_told(server, client, account):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Blocks").sid)
    told = requests.post(f"{server.base_url}/_emulator/v1/accounts/{account[0]}/verify", timeout=10,
                         json={"fraud_guard_prefixes": ["+23480"], "blocked_countries": ["CU"]})
    assert told.status_code == 200, told.text
    assert refused(lambda: verify.verifications.create(to="+2348012345678", channel="sms")) == (403, 60410)
    assert refused(lambda: verify.verifications.create(to="+5352345678", channel="sms")) == (403, 60605)
    bad = requests.post(f"{server.base_url}/_emulator/v1/accounts/{account[0]}/verify", timeout=10,
                        json={"blocked_countries": "CU"})
    assert bad.status_code == 400


def test_bad_parameters_and_what_is_not_emulated(client):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Edges").sid)
    assert refused(lambda: verify.verifications.create(to="16285550790", channel="sms")) == (400, 60200)
    assert refused(lambda: verify.verifications.create(to="+16285550790", channel="pigeon")) == (400, 60200)
    assert refused(lambda: verify.verifications.create(to="a@example.com", channel="email")) == (400, 60204)
    assert refused(lambda: verify.verifications.create(to="+16285550790", channel="sms", locale="xx")) == (404, 20404)
    assert refused(lambda: verify.verification_checks.create(code="1234")) == (400, 60200)
    assert refused(lambda: client.verify.v2.services.create(friendly_name="t", totp_issuer="Acme")) == (400, 60204)
    assert refused(lambda: verify.entities.create(identity="ff483d1ff591898a9942916050d2ca3f")) == (404, 20404)
    try:
        verify.entities.create(identity="ff483d1ff591898a9942916050d2ca3f")
    except Exception as exc:  # Twilio's 404, saying why
        assert "it is not emulated" in exc.msg


def test_messaging_configurations_send_through_the_service(server, client, number):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Pool").sid)
    pool = client.messaging.v1.services.create(friendly_name="verify pool")
    client.messaging.v1.services(pool.sid).phone_numbers.create(
        phone_number_sid=client.incoming_phone_numbers.list(phone_number=number)[0].sid)
    config = verify.messaging_configurations.create(country="US", messaging_service_sid=pool.sid)
    assert (config.country, config.messaging_service_sid) == ("US", pool.sid)
    assert [c.country for c in verify.messaging_configurations.list()] == ["US"]
    verify.verifications.create(to="+16285550789", channel="sms")
    assert received(server, "+16285550789", 1)[0]["from"] == number
    assert verify.messaging_configurations("US").delete() is True
    assert client.verify.v2.templates.list() == []


async def test_the_async_client_starts_and_checks(server, account):
    client = twilio_emulator.async_client(server.base_url, *account)
    try:
        service = await client.verify.v2.services.create_async(friendly_name="Async")
        await client.verify.v2.services(service.sid).verifications.create_async(to="+16285550788", channel="sms")
        code = control_codes(server, "+16285550788")[-1]["code"]
        check = await client.verify.v2.services(service.sid).verification_checks.create_async(
            to="+16285550788", code=code)
        assert check.status == "approved"
    finally:
        await client.http_client.close()


def test_a_trial_account_sends_codes_to_its_verified_numbers_only(server, client, account):
    made = requests.post(f"{server.base_url}/_emulator/v1/accounts/{account[0]}", timeout=10,
                         json={"type": "Trial", "verified_numbers": ["+16285550787"]})
    assert made.status_code == 200, made.text
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Trial").sid)
    assert refused(lambda: verify.verifications.create(to="+16285550786", channel="sms"))[1] == 21608
    verify.verifications.create(to="+16285550787", channel="sms")
    # Twilio's own sender, not the trial's: no "Sent from your Twilio trial account" prefix.
    assert received(server, "+16285550787", 1)[0]["body"].startswith("Your Trial verification code is: ")


def test_the_command_line_and_the_control_api_show_the_codes(server, client):
    from click.testing import CliRunner
    from twilio_emulator.cli import main
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Cli").sid)
    started = verify.verifications.create(to="+16285550785", channel="sms")
    [entry] = control_codes(server, "+16285550785")
    assert (entry["sid"], entry["status"], entry["channel"], entry["wrong_checks"]) == (started.sid, "pending", "sms", 0)
    shown = CliRunner().invoke(main, ["verifications", "--url", server.base_url, "--to", "6285550785"])
    assert shown.exit_code == 0, shown.output
    assert f"{started.sid}  pending" in shown.output and shown.output.rstrip().endswith(
        f"+16285550785: {entry['code']}")
    none = CliRunner().invoke(main, ["verifications", "--url", server.base_url, "--to", "+16285550700"])
    assert none.exit_code == 0 and "no verifications to +16285550700" in none.output
    assert requests.get(f"{server.base_url}/_emulator/v1/calls/CA0/x", timeout=10).status_code == 404
    bad = requests.get(f"{server.base_url}/_emulator/v1/calls/{'CA' + '0' * 32}", params={"wait": "final",
                                                                                       "timeout": "soon"}, timeout=10)
    assert bad.status_code == 400


def test_a_code_that_cannot_be_sent_leaves_no_verification(server, client):
    service = client.verify.v2.services.create(friendly_name="Nowhere", whatsapp_from="whatsapp:+16285550701")
    verify = client.verify.v2.services(service.sid)
    status, code = refused(lambda: verify.verifications.create(to="+16285550784", channel="whatsapp"))
    assert status == 400 and code == 63007  # not a WhatsApp sender of the account: the send path says so
    assert control_codes(server, "+16285550784") == []
    verify.verifications.create(to="+16285550784", channel="sms")  # a first send, not a second
    assert [len(v["send_code_attempts"]) for v in control_codes(server, "+16285550784")] == [1]


def test_a_landline_is_skipped_with_lookup_and_otherwise_gets_an_undelivered_code(server, client):
    landline = "+16285550783"
    declared = requests.post(f"{server.base_url}/_emulator/v1/handsets", timeout=10,
                             json={"number": landline, "line_type": "landline"})
    assert declared.status_code in (200, 201), declared.text
    skipping = client.verify.v2.services(client.verify.v2.services.create(
        friendly_name="Skip", lookup_enabled=True, skip_sms_to_landlines=True).sid)
    assert refused(lambda: skipping.verifications.create(to=landline, channel="sms")) == (403, 60205)
    plain = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Plain").sid)
    plain.verifications.create(to=landline, channel="sms")  # accepted; the carrier cannot deliver it
    [entry] = control_codes(server, landline)
    got = requests.get(f"{server.base_url}/_emulator/v1/messages/wait", timeout=30, params={
        "sid": entry["message_sids"][-1], "status": "undelivered,failed", "timeout": 20})
    assert got.status_code == 200, got.text
