"""Fault rules (issue 18) through the official SDK and real receiver apps: the API answering 429/20429 for the
next N creates (nothing stored), callbacks dropped, duplicated (one idempotency token), delayed past the
next one, reordered; an inbound webhook failing on the emulator's side so the fallback answers; a carrier
failing a prefix; probabilities with a seed; and malformed rules named by field."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from tests.support.receiver import Receiver

TO = "+16285550175"


def fault(server, **rule) -> dict:
    answer = requests.post(f"{server.base_url}/_emulator/v1/faults", json=rule, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture
def rules(server):
    """Rules set by the test are removed after it (the shared emulator serves other tests)."""
    made: list[str] = []
    yield lambda **rule: made.append(fault(server, **rule)["id"]) or made[-1]
    for rule_id in made:
        requests.delete(f"{server.base_url}/_emulator/v1/faults/{rule_id}", timeout=10)


def final(server, sid):
    return server.call(server.emulator.wait_for_message, sid, ("delivered", "undelivered", "failed"))


def test_the_next_two_creates_are_429_and_nothing_is_stored(server, client, account, number, rules):
    rule_id = rules(where="api", match={"method": "POST", "resource": "Messages", "account_sid": account[0]},
                    do={"status": 429, "code": 20429}, times=2)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as err:
            client.messages.create(from_=number, to=TO, body="too many")
        assert (err.value.status, err.value.code) == (429, 20429)
    assert client.messages.list() == []
    assert client.messages.create(from_=number, to=TO, body="third time").status == "queued"
    listed = requests.get(f"{server.base_url}/_emulator/v1/faults/{rule_id}", timeout=10).json()
    assert (listed["fired"], listed["times"]) == (2, 2)
    raw = requests.post(f"{server.base_url}/2010-04-01/Accounts/{account[0]}/Messages.json", auth=account,
                        data={"To": TO, "From": number, "Body": "x"}, timeout=10)
    assert raw.status_code == 201  # spent: the rule no longer acts


def test_a_429_says_twilio_concurrent_requests_and_other_resources_pass(server, client, account, number, rules):
    rules(where="api", match={"resource": "Messages", "account_sid": account[0]}, do={"status": 429}, times=1)
    assert client.incoming_phone_numbers.list()  # another resource: untouched
    raw = requests.post(f"{server.base_url}/2010-04-01/Accounts/{account[0]}/Messages.json", auth=account,
                        data={"To": TO, "From": number, "Body": "x"}, timeout=10)
    assert raw.status_code == 429 and raw.headers["Twilio-Concurrent-Requests"]
    assert raw.json()["code"] == 20429 and raw.json()["more_info"].endswith("/20429")


def test_api_latency_slows_the_answer_and_the_request_still_succeeds(server, client, account, number, rules):
    rule_id = rules(where="api", match={"resource": "Messages", "account_sid": account[0]}, do={"latency": 0.05},
                    times=1)
    assert client.messages.create(from_=number, to=TO, body="slow but fine").status == "queued"
    assert requests.get(f"{server.base_url}/_emulator/v1/faults/{rule_id}", timeout=10).json()["fired"] == 1


def _statuses(app, sid):
    return [(r.param("MessageStatus"), r.headers["I-Twilio-Idempotency-Token"]) for r in app.requests
            if r.param("MessageSid") == sid]


def test_callbacks_dropped_duplicated_delayed_and_reordered_reach_a_real_app(server, client, account, number,
                                                                              rules, manual_clock):
    with Receiver() as app:
        rules(where="callback", match={"to": "+16285550176", "status": "sent"}, do={"effect": "drop"}, times=1)
        rules(where="callback", match={"to": "+16285550177", "status": "sent"}, do={"effect": "duplicate"},
              times=1)
        rules(where="callback", match={"to": "+16285550178", "status": "sending"},
              do={"effect": "delay", "seconds": 5}, times=1)
        rules(where="callback", match={"to": "+16285550179", "status": "sending"}, do={"effect": "reorder"},
              times=1)
        sent = {to: client.messages.create(from_=number, to=to, body="cb", status_callback=app.url("/s")).sid
                for to in ("+16285550176", "+16285550177", "+16285550178", "+16285550179")}
        server.call(manual_clock.advance, 1)
        server.call(manual_clock.drain)
        server.call(manual_clock.advance, 10)
        server.call(manual_clock.drain)
        app.wait_for(2 + 4 + 3 + 3)
    dropped = _statuses(app, sent["+16285550176"])
    assert [s for s, _ in dropped] == ["sending", "delivered"]
    doubled = _statuses(app, sent["+16285550177"])
    assert [s for s, _ in doubled] == ["sending", "sent", "sent", "delivered"]
    assert doubled[1][1] == doubled[2][1]  # the same idempotency token
    late = _statuses(app, sent["+16285550178"])
    assert [s for s, _ in late] == ["sent", "delivered", "sending"]  # arrives after the ones that followed
    swapped = _statuses(app, sent["+16285550179"])
    assert [s for s, _ in swapped] == ["sent", "sending", "delivered"]
    log = requests.get(f"{server.base_url}/_emulator/v1/webhooks", params={"sid": sent["+16285550176"]},
                       timeout=10).json()["webhooks"]
    assert any("dropped by fault rule" in (w["error"] or "") for w in log)


def test_a_webhook_fault_fails_before_the_app_and_the_fallback_answers(server, client, number, rules):
    fallback = "<Response><Message>from the fallback</Message></Response>"
    with Receiver(routes={"/fallback": (200, fallback, "text/xml")}) as app:
        sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
        client.incoming_phone_numbers(sid).update(sms_url=app.url("/sms"), sms_fallback_url=app.url("/fallback"))
        rules(where="webhook", match={"to": number, "url_contains": "/sms"}, do={"effect": "connection_failure"},
              times=1)
        answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
            "From": "+16285550174", "To": number, "Body": "hello", "wait": True}).json()
    assert app.paths() == ["/fallback"]  # the app's primary URL was never reached
    assert [a["error_code"] for a in answer["outcome"]["alerts"]] == [11205]
    assert [r["body"] for r in answer["outcome"]["replies"]] == ["from the fallback"]
    assert app.requests[0].param("ErrorCode") == "11205"


def test_a_carrier_rule_fails_a_prefix_and_a_seeded_probability_is_repeatable(server, client, number, rules):
    rules(where="carrier", match={"to_prefix": "+1628555018"}, do={"status": "undelivered", "error_code": 30007},
          times=2)
    out = [client.messages.create(from_=number, to=f"+1628555018{i}", body="x").sid for i in range(3)]
    assert [final(server, s).error_code for s in out] == [30007, 30007, None]

    def run(seed):
        rule_id = fault(server, where="carrier", match={"to": "+16285550190"}, do={"status": "failed"},
                        probability=0.5, seed=seed)["id"]
        codes = [final(server, client.messages.create(from_=number, to="+16285550190", body="x").sid).error_code
                 for _ in range(12)]
        requests.delete(f"{server.base_url}/_emulator/v1/faults/{rule_id}", timeout=10)
        return codes
    first, again = run(7), run(7)
    assert first == again and 30008 in first and None in first


@pytest.mark.parametrize("rule,field", [
    ({"where": "nowhere", "do": {"status": 429}}, "where"),
    ({"where": "api", "do": {"status": 418}}, "do"),
    ({"where": "api", "do": {"status": 429}, "times": 0}, "times"),
    ({"where": "api", "do": {"status": 429}, "probability": 2}, "probability"),
    ({"where": "callback", "do": {"effect": "explode"}}, "do"),
    ({"where": "callback", "do": {"effect": "delay"}}, "do.seconds"),
    ({"where": "carrier", "match": {"method": "POST"}, "do": {"status": "failed"}}, "match"),
    ({"where": "api", "do": {"status": 429}, "when": "always"}, "when"),
])
def test_a_malformed_rule_is_400_naming_the_field(server, rule, field):
    answer = requests.post(f"{server.base_url}/_emulator/v1/faults", json=rule, timeout=10)
    assert answer.status_code == 400 and field in answer.json()["error"], answer.text
    assert all(r["where"] in ("api", "callback", "webhook", "carrier") for r in
               requests.get(f"{server.base_url}/_emulator/v1/faults", timeout=10).json()["faults"])
