"""When the user's app fails, as Twilio handles it: each failure mode is an alert with Twilio's code, the
fallback URL is tried, hostile TwiML is refused, a reply loop between two emulated numbers stops, and bad
injections are refused with nothing stored."""
from __future__ import annotations

import socket

import pytest
import requests
from twilio.twiml.messaging_response import MessagingResponse

from tests.support.numbers import configure
from tests.support.receiver import Receiver

HANDSET = "+14155550166"
XML = "text/xml"
_pong = MessagingResponse()
_pong.message("pong")
PONG = (200, str(_pong), XML)


def inject(server, **fields) -> requests.Response:
    return requests.post(f"{server.base_url}/_emulator/v1/inbound", json={"wait": True, **fields}, timeout=30)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/sms"  # nothing listens there any more


def codes(outcome) -> list[int]:
    return [a["error_code"] for a in outcome["alerts"]]


@pytest.mark.parametrize("answer,code", [
    ((500, "oops", "text/plain"), 11200),
    ((404, "", XML), 11200),
    ((200, '{"reply": "json is not TwiML"}', "application/json"), 12300),
    ((200, "<Response><Message>unclosed</Response>", XML), 12100),
    ((200, "not xml at all", XML), 12100),
    ((200, "<Reply><Message>x</Message></Reply>", XML), 12102),
    ((200, "<Response>" + "<Message>x</Message>" * 5000 + "</Response>", XML), 11750),
])
def test_a_failing_app_is_an_alert_with_twilios_code_and_no_reply(server, client, account, number, answer, code):
    with Receiver(routes={"/sms": answer}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        data = inject(server, From=HANDSET, To=number, Body="hello").json()
    outcome = data["outcome"]
    assert data["status"] == "received"  # the message is not lost: it was received, the app failed
    assert codes(outcome) == [code] and outcome["replies"] == []
    assert outcome["alerts"][0]["request_url"] == app.url("/sms") and outcome["alerts"][0]["resource_sid"] == data["sid"]
    listed = requests.get(f"{server.base_url}/_emulator/v1/alerts", params={"account_sid": account[0]}, timeout=10)
    assert [a["error_code"] for a in listed.json()["alerts"]] == [code]


def test_connection_refused_is_11205(server, client, number):
    configure(client, number, sms_url=closed_port_url())
    outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
    assert codes(outcome) == [11205] and outcome["webhooks"][0]["response_status"] is None
    assert outcome["webhooks"][0]["error"]


def test_timeout_is_11205_and_the_connection_override_shortens_it(server, client, number):
    # Twilio's connection override #tt= (total time, ms) bounds the request instead of the default 15 s.
    with Receiver(hang=True) as slow:
        configure(client, number, sms_url=slow.url("/sms") + "#tt=300")
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
        assert slow.wait_for(1)[0].url == slow.url("/sms")  # the fragment is never sent
    assert codes(outcome) == [11205] and "timeout" in outcome["webhooks"][0]["error"]


def test_fallback_url_gets_the_same_parameters_and_its_twiml_is_carried_out(server, client, number):
    with Receiver(routes={"/sms": (500, "", XML), "/fallback": PONG}) as app:
        configure(client, number, sms_url=app.url("/sms"), sms_fallback_url=app.url("/fallback"),
                  sms_fallback_method="POST")
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
        primary, fallback = app.wait_for(2)
    assert fallback.url == app.url("/fallback")
    for name in ("MessageSid", "From", "To", "Body", "AccountSid"):
        assert fallback.form[name] == primary.form[name]
    assert fallback.form["ErrorCode"] == ["11200"] and fallback.form["ErrorUrl"] == [app.url("/sms")]
    assert codes(outcome) == [11200] and [m["body"] for m in outcome["replies"]] == ["pong"]


def test_fallback_that_fails_too_is_a_second_alert(server, client, number):
    with Receiver(routes={"/sms": (200, "junk", "application/octet-stream"), "/fallback": (503, "", XML)}) as app:
        configure(client, number, sms_url=app.url("/sms"), sms_fallback_url=app.url("/fallback"))
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
    assert codes(outcome) == [12300, 11200] and outcome["replies"] == []


XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       "<Response><Message>&x;</Message></Response>")
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
                  + "]><Response><Message>&lol9;</Message></Response>")
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE Response SYSTEM "http://127.0.0.1:9/evil.dtd"><Response/>'


@pytest.mark.parametrize("document", [XXE, BILLION_LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "dtd"])
def test_hostile_twiml_is_refused_with_12100_and_the_emulator_keeps_serving(server, client, number, document):
    with Receiver(routes={"/sms": (200, document, XML), "/ok": PONG}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
        assert codes(outcome) == [12100] and outcome["replies"] == []
        configure(client, number, sms_url=app.url("/ok"))
        after = inject(server, From=HANDSET, To=number, Body="still there?").json()["outcome"]
    assert [m["body"] for m in after["replies"]] == ["pong"]
    assert "root:" not in str(outcome)


def test_unknown_verbs_and_bad_nesting_are_12200_warnings_and_the_rest_runs(server, client, number):
    document = ("<Response><Say>hello</Say><message>lowercase</message>"
                "<Message>kept<Redirect>/x</Redirect></Message></Response>")
    with Receiver(routes={"/sms": (200, document, XML)}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
    # Three 12200 warnings in one document are one alert that counts them (issue 13: no alert floods).
    assert codes(outcome) == [12200]
    assert "(and 2 more warnings 12200 in this document)" in outcome["alerts"][0]["alert_text"]
    assert {a["log_level"] for a in outcome["alerts"]} == {"warning"}
    assert [m["body"] for m in outcome["replies"]] == ["kept"]


def test_invalid_message_attributes_are_14101_14102_14103(server, client, number):
    response = MessagingResponse()
    response.message("bad to", to="not a number")
    response.message("not ours", from_="+14155550111")
    response.message("")
    response.message("fine")
    with Receiver(routes={"/sms": (200, str(response), XML)}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
    assert codes(outcome) == [14101, 14102, 14103]
    assert [m["body"] for m in outcome["replies"]] == ["fine"]


def test_redirects_are_bounded(server, client, number):
    with Receiver(routes={"/loop": (200, "<Response><Redirect>/loop</Redirect></Response>", XML)}) as app:
        configure(client, number, sms_url=app.url("/loop"))
        outcome = inject(server, From=HANDSET, To=number, Body="hello").json()["outcome"]
    assert len(outcome["webhooks"]) == 11 and codes(outcome) == [11215]


def test_a_reply_loop_between_two_emulated_numbers_stops_at_twilios_rate_limit(server, client, number):
    other = client.incoming_phone_numbers.create(area_code="212").phone_number
    with Receiver(routes={"/a": PONG, "/b": PONG}) as app:
        configure(client, number, sms_url=app.url("/a"))
        configure(client, other, sms_url=app.url("/b"))
        # Number `other` texts `number`; each app answers every message: a loop.
        inject(server, From=other, To=number, Body="ping")
        from twilio_emulator.engine import messaging
        stopped = server.call(messaging.wait_for_match, server.emulator, 30, statuses=("failed",), from_=number,
                              to=other)
        server.call(server.emulator.drain)
    assert stopped.error_code == 14107
    sent = client.messages.list(from_=number, to=other)  # each reply, and its arrival at `other` (inbound)
    replies = [m for m in sent if m.direction == "outbound-reply"]
    assert len(replies) == 31  # 30 within the window, then refused: the conversation ends there
    assert [m.status for m in replies].count("failed") == 1 and replies[0].status == "failed"
    assert len([m for m in sent if m.direction == "inbound"]) == 30  # the failed one never arrived


def test_webhook_log_lists_every_inbound_request(server, client, number):
    with Receiver(routes={"/sms": (500, "", XML), "/fb": PONG}) as app:
        configure(client, number, sms_url=app.url("/sms"), sms_fallback_url=app.url("/fb"))
        sid = inject(server, From=HANDSET, To=number, Body="log me").json()["sid"]
    log = requests.get(f"{server.base_url}/_emulator/v1/webhooks", params={"sid": sid}, timeout=10).json()
    assert [(w["kind"], w["response_status"]) for w in log["webhooks"]] == [("incoming_message", 500),
                                                                           ("fallback", 200)]
    assert all(w["headers"]["X-Twilio-Signature"] for w in log["webhooks"])
    assert dict(map(tuple, log["webhooks"][0]["params"]))["Body"] == "log me"


@pytest.mark.parametrize("fields,status,words", [
    ({"From": HANDSET, "To": "+14155550000", "Body": "x"}, 404, "not a phone number of any account"),
    ({"From": HANDSET, "Body": "x"}, 400, "To"),
    # An alphanumeric sender ID cannot receive replies (Twilio): it is no number of ours.
    ({"From": HANDSET, "To": "MyBrand", "Body": "x"}, 404, "not a phone number of any account"),
    ({"To": "NUMBER", "Body": "x"}, 400, "From"),
    ({"From": "not a number", "To": "NUMBER", "Body": "x"}, 400, "not a valid phone number"),
    ({"From": HANDSET, "To": "NUMBER"}, 400, "Body or MediaUrl"),
    ({"From": HANDSET, "To": "NUMBER", "Body": "x" * 1601}, 400, "1600"),
    ({"From": HANDSET, "To": "NUMBER", "MediaUrl": ["ftp://x/y.png"]}, 400, "MediaUrl"),
    ({"From": HANDSET, "To": "NUMBER", "MediaUrl": ["https://x.example/a.png"] * 11}, 400, "10"),
    ({"From": HANDSET, "To": "NUMBER", "Body": "x", "MessagingServiceSid": "nope"}, 400, "Messaging Service"),
    ({"From": HANDSET, "To": "NUMBER", "Body": 5}, 400, "Body must be a string"),
])
def test_bad_injections_are_refused_and_store_nothing(server, client, number, fields, status, words):
    fields = {k: number if v == "NUMBER" else v for k, v in fields.items()}
    answer = inject(server, **fields)
    assert answer.status_code == status, answer.text
    assert words in answer.json()["error"] and answer.json()["status"] == status
    assert client.messages.list(to=number) == []


def test_a_number_without_sms_cannot_receive(server, client):
    landline = client.incoming_phone_numbers.create(phone_number="+442071838750")
    assert landline.capabilities["sms"] is False
    answer = inject(server, From="+447700900123", To=landline.phone_number, Body="x")
    assert answer.status_code == 400 and "not SMS-capable" in answer.json()["error"]


def test_form_encoded_injection_with_repeated_media(server, client, number):
    answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=10,
                           data=[("From", HANDSET), ("To", number), ("MediaUrl", "https://x.example/a.png"),
                                 ("MediaUrl", "https://x.example/b.gif")])
    assert answer.status_code == 201 and answer.json()["num_media"] == "2"
    server.call(server.emulator.drain)


def test_an_injected_body_is_counted_in_utf16_units_as_the_rest_api_counts_it(server, client, number):
    # Issue 15: one rule for a message's body (domain.messages.check_content): inbound used len(), so 1,000
    # emoji (2,000 UTF-16 units, over Twilio's 1,600) were taken in, where Messages.create refuses them.
    url = f"{server.base_url}/_emulator/v1/inbound"
    emoji = requests.post(url, json={"From": HANDSET, "To": number, "Body": "\U0001F600" * 1000}, timeout=10)
    assert (emoji.status_code, emoji.json()["code"]) == (400, 21617)
    assert requests.post(url, json={"From": HANDSET, "To": number, "Body": "x" * 1600}, timeout=10).status_code == 201
