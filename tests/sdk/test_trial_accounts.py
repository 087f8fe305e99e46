"""Trial accounts through the official SDK (issue 14, item 9): only verified numbers are texted (21608), every
body starts with Twilio's trial notice, verified numbers are the OutgoingCallerIds resource, and a
ValidationRequest verifies a number (the simulated phone keys in the code)."""
from __future__ import annotations

import asyncio

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.twiml.messaging_response import MessagingResponse

import twilio_emulator
from tests.support.numbers import configure
from tests.support.receiver import Receiver

VERIFIED, STRANGER = "+14155550191", "+14155550192"
PREFIX = "Sent from your Twilio trial account - "


@pytest.fixture
def trial(server, account):
    """The test's account made a trial with one verified number (through the control API)."""
    answer = requests.post(f"{server.base_url}/_emulator/v1/accounts/{account[0]}", timeout=10,
                           json={"type": "Trial", "verified_numbers": [VERIFIED]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"sid": account[0], "type": "Trial", "verified_numbers": [VERIFIED]}
    return account


def test_a_trial_texts_its_verified_numbers_with_the_trial_notice(server, trial, client, number):
    assert client.api.v2010.accounts(trial[0]).fetch().type == "Trial"
    m = client.messages.create(to=VERIFIED, from_=number, body="hello world")
    assert m.body == PREFIX + "hello world"
    assert server.call(server.emulator.wait_for_message, m.sid, "delivered").status == "delivered"
    assert server.call(server.emulator.handset_messages, VERIFIED)[-1].body == PREFIX + "hello world"
    long = client.messages.create(to=VERIFIED, from_=number, body="x" * 140)  # 140 + the notice: two segments
    assert long.num_segments == "2"


def test_a_trial_cannot_text_an_unverified_number(trial, client, number):
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to=STRANGER, from_=number, body="hi")
    assert (exc.value.status, exc.value.code) == (400, 21608)
    assert f"The number {STRANGER} is unverified" in exc.value.msg
    assert client.messages.list() == []


def test_verified_numbers_are_outgoing_caller_ids(trial, client, number):
    listed = client.outgoing_caller_ids.list()
    assert [c.phone_number for c in listed] == [VERIFIED]
    caller_id = listed[0]
    assert caller_id.sid.startswith("PN") and caller_id.friendly_name == "(415) 555-0191"
    assert client.outgoing_caller_ids(caller_id.sid).fetch().phone_number == VERIFIED
    assert client.outgoing_caller_ids(caller_id.sid).update(friendly_name="Ada").friendly_name == "Ada"
    assert [c.sid for c in client.outgoing_caller_ids.list(phone_number=VERIFIED)] == [caller_id.sid]
    assert client.outgoing_caller_ids.list(friendly_name="nobody") == []
    assert client.outgoing_caller_ids(caller_id.sid).delete() is True
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to=VERIFIED, from_=number, body="hi")
    assert exc.value.code == 21608
    with pytest.raises(TwilioRestException) as exc:
        client.outgoing_caller_ids(caller_id.sid).fetch()
    assert exc.value.status == 404


def test_a_validation_request_verifies_a_number(server, trial, client, number, account):
    with Receiver() as app:
        request = client.validation_requests.create(phone_number=STRANGER, friendly_name="Bob",
                                                    status_callback=app.url("/verified"))
        callback = app.wait_for(1)[0]
    assert (request.phone_number, request.friendly_name, request.account_sid) == (STRANGER, "Bob", account[0])
    assert request.call_sid.startswith("CA") and len(request.validation_code) == 6
    assert request.validation_code.isdigit()
    caller_id = client.outgoing_caller_ids.list(phone_number=STRANGER)[0]
    assert callback.param("VerificationStatus") == "success"
    assert (callback.param("OutgoingCallerIdSid"), callback.param("CallSid")) == (caller_id.sid, request.call_sid)
    assert client.messages.create(to=STRANGER, from_=number, body="now I may").status == "queued"
    with pytest.raises(TwilioRestException) as exc:
        client.validation_requests.create(phone_number=STRANGER)
    assert exc.value.code == 21450


def test_trial_limits_five_verified_numbers_and_one_twilio_number(trial, client, number):
    for n in range(3, 7):
        client.validation_requests.create(phone_number=f"+1415555019{n}")
    with pytest.raises(TwilioRestException) as exc:
        client.validation_requests.create(phone_number="+14155550199")
    assert exc.value.code == 10002
    with pytest.raises(TwilioRestException) as exc:
        client.incoming_phone_numbers.create(area_code="415")
    assert exc.value.code == 10002


def test_a_trial_reply_to_an_unverified_number_is_skipped_with_14111(server, trial, client, number):
    response = MessagingResponse()
    response.message("thanks")
    with Receiver(routes={"/sms": (200, str(response), "text/xml")}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        stranger = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30,
                                 json={"From": STRANGER, "To": number, "Body": "hi", "wait": True}).json()
        friend = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30,
                               json={"From": VERIFIED, "To": number, "Body": "hi", "wait": True}).json()
    assert stranger["outcome"]["replies"] == [] and [a["error_code"] for a in stranger["outcome"]["alerts"]] == [14111]
    assert [m["body"] for m in friend["outcome"]["replies"]] == [PREFIX + "thanks"]


def test_a_full_account_is_not_held_back(client, number):
    assert client.api.v2010.accounts(client.account_sid).fetch().type == "Full"
    assert client.messages.create(to=STRANGER, from_=number, body="hi").body == "hi"
    client.validation_requests.create(phone_number=STRANGER)  # verified caller IDs exist for every account
    assert [c.phone_number for c in client.outgoing_caller_ids.list()] == [STRANGER]


def test_scenario_files_declare_trials(server, main_client):
    sid = "AC" + "7" * 32
    answer = requests.post(f"{server.base_url}/_emulator/v1/scenario", timeout=10, json={"scenario": {
        "accounts": [{"sid": sid, "auth_token": "t" * 32, "type": "Trial", "verified_numbers": [VERIFIED]}]}})
    assert answer.status_code == 201, answer.text
    c = twilio_emulator.client(server.base_url, sid, "t" * 32)
    assert c.api.v2010.accounts(sid).fetch().type == "Trial"
    assert [x.phone_number for x in c.outgoing_caller_ids.list()] == [VERIFIED]
    bad = requests.post(f"{server.base_url}/_emulator/v1/scenario", timeout=10, json={"scenario": {
        "accounts": [{"sid": sid, "auth_token": "t" * 32, "type": "Gold"}]}})
    assert bad.status_code == 400 and bad.json()["where"] == "accounts[0].type"


def test_caller_ids_through_the_async_client(server, trial):
    async def run():
        c = twilio_emulator.async_client(server.base_url, *trial)
        try:
            await c.validation_requests.create_async(phone_number=STRANGER)
            return [x.phone_number for x in await c.outgoing_caller_ids.list_async()]
        finally:
            await c.http_client.close()
    assert asyncio.run(run()) == [VERIFIED, STRANGER]


def test_a_bad_trial_configuration_changes_nothing(server, client, account):
    url = f"{server.base_url}/_emulator/v1/accounts/{account[0]}"
    for body, code in (({"type": "Trial", "verified_numbers": [VERIFIED, "+1415"]}, 21211),
                       ({"type": "Trial", "verified_numbers": [f"+1415555011{i}" for i in range(6)]}, 10002),
                       ({"type": ["Trial"]}, 20001), ({"verified_numbers": "+14155550191"}, 20001)):
        answer = requests.post(url, json=body, timeout=10)
        assert (answer.status_code, answer.json().get("code")) == (400, code), answer.text
    assert requests.post(url, json={"colour": "red"}, timeout=10).status_code == 400
    assert requests.post(f"{server.base_url}/_emulator/v1/accounts/AC{'0' * 32}", json={}, timeout=10).status_code == 404
    assert client.api.v2010.accounts(account[0]).fetch().type == "Full"
    assert client.outgoing_caller_ids.list() == []
