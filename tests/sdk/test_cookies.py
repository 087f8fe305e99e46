"""Twilio's cookies on messaging webhooks (issue 14, item 1): a real survey app that keeps its state in a
session cookie, answered across turns of two conversations, across <Redirect>, with Twilio's 4-hour limit,
and never on status callbacks."""
from __future__ import annotations

import requests
from twilio.twiml.messaging_response import MessagingResponse

from tests.support.numbers import configure
from tests.support.receiver import Receiver

XML = "text/xml"


def text(server, from_: str, to: str, body: str) -> dict:
    answer = requests.post(f"{server.base_url}/_emulator/v1/inbound",
                           json={"From": from_, "To": to, "Body": body, "wait": True}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def cookies_of(request) -> dict:
    header = request.headers.get("Cookie", "")
    return dict(part.split("=", 1) for part in header.split("; ") if part)


def survey(request):
    """Question N+1 for an answer to question N; N lives in the `question` cookie (Flask's session style)."""
    question = int(cookies_of(request).get("question", "0")) + 1
    response = MessagingResponse()
    response.message(f"Question {question}")
    return 200, str(response), XML, [("Set-Cookie", f"question={question}; Path=/; HttpOnly")]


def test_a_survey_keeps_its_place_in_each_conversation(server, client, number):
    alice, bob = "+14155550161", "+14155550162"
    with Receiver(routes={"/survey": survey}) as app:
        configure(client, number, sms_url=app.url("/survey"))
        replies = []
        for turn in range(3):
            for who in (alice, bob):
                outcome = text(server, who, number, f"answer {turn}")["outcome"]
                replies.append((who, [m["body"] for m in outcome["replies"]]))
        sent = [cookies_of(r) for r in app.requests]
    assert replies == [(alice, ["Question 1"]), (bob, ["Question 1"]), (alice, ["Question 2"]),
                       (bob, ["Question 2"]), (alice, ["Question 3"]), (bob, ["Question 3"])]
    assert sent == [{}, {}, {"question": "1"}, {"question": "1"}, {"question": "2"}, {"question": "2"}]


def test_the_same_handset_has_another_jar_with_another_number(server, client, number):
    other = client.incoming_phone_numbers.create(area_code="415").phone_number
    with Receiver(routes={"/survey": survey}) as app:
        configure(client, number, sms_url=app.url("/survey"))
        configure(client, other, sms_url=app.url("/survey"))
        firsts = [text(server, "+14155550163", to, "hi")["outcome"]["replies"][0]["body"]
                  for to in (number, other, number)]
    assert firsts == ["Question 1", "Question 1", "Question 2"]


def test_cookies_cross_a_redirect(server, client, number):
    def start(request):
        response = MessagingResponse()
        response.redirect("/next")
        return 200, str(response), XML, [("Set-Cookie", "step=started")]

    def following(request):
        response = MessagingResponse()
        response.message(f"step was {cookies_of(request).get('step')}")
        return 200, str(response), XML

    with Receiver(routes={"/start": start, "/next": following}) as app:
        configure(client, number, sms_url=app.url("/start"))
        outcome = text(server, "+14155550164", number, "go")["outcome"]
    assert [m["body"] for m in outcome["replies"]] == ["step was started"]


def test_a_cookie_lives_at_most_four_hours(server, manual_clock, client, number):
    with Receiver(routes={"/survey": survey}) as app:
        configure(client, number, sms_url=app.url("/survey"))
        handset = "+14155550165"
        text(server, handset, number, "a")
        server.call(manual_clock.advance, 4 * 3600 - 60)
        text(server, handset, number, "b")  # within four hours of the cookie it was sent: set again
        server.call(manual_clock.advance, 4 * 3600 - 60)
        text(server, handset, number, "c")
        server.call(manual_clock.advance, 4 * 3600 + 1)
        text(server, handset, number, "d")  # more than four hours: the jar is empty, the survey starts over
        sent = [cookies_of(r).get("question") for r in app.requests]
    assert sent == [None, "1", "2", None]


def test_a_shorter_max_age_is_honoured_and_max_age_zero_removes_the_cookie(server, manual_clock, client, number):
    def app_answer(request):
        cookie = {"set": "a=1; Max-Age=60", "drop": "a=1; Max-Age=0"}.get(request.param("Body"), "")
        return 200, "", XML, [("Set-Cookie", cookie)] if cookie else []

    with Receiver(routes={"/s": app_answer}) as app:
        configure(client, number, sms_url=app.url("/s"))
        handset = "+14155550166"
        text(server, handset, number, "set")
        server.call(manual_clock.advance, 61)
        text(server, handset, number, "set")
        text(server, handset, number, "drop")
        text(server, handset, number, "after")
        sent = [r.headers.get("Cookie") for r in app.requests]
    assert sent == [None, None, "a=1", None]


def test_status_callbacks_and_other_hosts_get_no_cookies(server, client, number):
    def set_everywhere(request):
        response = MessagingResponse()
        response.message("thanks", status_callback="/status")
        return 200, str(response), XML, [("Set-Cookie", "sid=42; Path=/")]

    handset = "+14155550167"
    with Receiver(routes={"/sms": set_everywhere}) as app, Receiver() as elsewhere:
        configure(client, number, sms_url=app.url("/sms"))
        text(server, handset, number, "one")
        app.wait_until(lambda got: any(r.url.endswith("/status") for r in got))
        configure(client, number, sms_url=elsewhere.url("/sms").replace("127.0.0.1", "localhost"))
        text(server, handset, number, "two")  # another host: its own cookies only (none)
        statuses = [r for r in app.requests if r.url.endswith("/status")]
        assert statuses and all("Cookie" not in r.headers for r in statuses)
        assert "Cookie" not in elsewhere.wait_for(1)[0].headers
