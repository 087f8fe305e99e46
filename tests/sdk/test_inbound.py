"""Two-way SMS with a real aiohttp app as the user's webhook, answering TwiML built by the official SDK's
MessagingResponse: the inbound request's parameters and signature, replies through the lifecycle, MMS, GET
webhooks, <Message> attributes, <Redirect>, and text/plain and empty answers."""
from __future__ import annotations

import base64

import requests
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from tests.support.numbers import configure
from tests.support.receiver import Receiver

HANDSET = "+14155550177"
XML = "text/xml"


def twiml(build) -> tuple[int, str, str]:
    response = MessagingResponse()
    build(response)
    return 200, str(response), XML


def inject(server, **fields) -> requests.Response:
    return requests.post(f"{server.base_url}/_emulator/v1/inbound", json=fields, timeout=30)


def delivered_to(server, handset: str, body: str):
    return server.call(server.emulator.wait_for_message, _sid_of(server, handset, body), "delivered")


def _sid_of(server, handset, body):
    from twilio_emulator.engine import messaging
    return server.call(messaging.wait_for_match, server.emulator, 10, to=handset, body=body).sid


def test_ping_reaches_the_app_with_every_parameter_and_pong_is_delivered(server, client, account, number):
    with Receiver(routes={"/sms": twiml(lambda r: r.message("pong"))}) as app:
        configure(client, number, sms_url=app.url("/sms?shop=1"))
        answer = inject(server, From=HANDSET, To=number, Body="ping", wait=True)
        request = app.wait_for(1)[0]
    assert answer.status_code == 201
    data = answer.json()
    assert data["direction"] == "inbound" and data["status"] == "received" and data["sid"].startswith("SM")
    assert (data["from"], data["to"], data["body"], data["account_sid"]) == (HANDSET, number, "ping", account[0])
    form = {k: v[0] for k, v in request.form.items()}
    assert form["MessageSid"] == form["SmsSid"] == form["SmsMessageSid"] == data["sid"]
    assert (form["AccountSid"], form["From"], form["To"], form["Body"]) == (account[0], HANDSET, number, "ping")
    assert (form["NumMedia"], form["NumSegments"], form["SmsStatus"], form["ApiVersion"]) == (
        "0", "1", "received", "2010-04-01")
    # Geo from phonenumbers: +1 415 is San Francisco, California.
    assert (form["FromCity"], form["FromState"], form["FromCountry"]) == ("SAN FRANCISCO", "CA", "US")
    assert (form["ToCountry"], form["ToState"]) == ("US", "CA")
    for key in ("FromZip", "ToZip", "ToCity"):
        assert key in form  # present, empty when unknown (as Twilio)
    assert "MessagingServiceSid" not in form
    assert request.method == "POST" and request.url == app.url("/sms?shop=1")
    assert RequestValidator(account[1]).validate(request.url, form, request.headers["X-Twilio-Signature"])
    assert request.headers["User-Agent"] == "TwilioProxy/1.1"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["I-Twilio-Idempotency-Token"]
    # What happened, in the answer: the webhook request and the reply.
    outcome = data["outcome"]
    assert [w["response_status"] for w in outcome["webhooks"]] == [200]
    [reply] = outcome["replies"]
    assert (reply["direction"], reply["from"], reply["to"], reply["body"]) == ("outbound-reply", number, HANDSET,
                                                                              "pong")
    assert outcome["alerts"] == []
    # The reply goes through the normal lifecycle and lands in the handset's inbox.
    assert server.call(server.emulator.wait_for_message, reply["sid"], "delivered").status == "delivered"
    inbox = requests.get(f"{server.base_url}/_emulator/v1/handsets/{HANDSET}/messages", timeout=10).json()
    assert reply["sid"] in [m["sid"] for m in inbox["messages"]]
    # Both are Messages of the account, as the SDK reads them.
    inbound = client.messages(data["sid"]).fetch()
    assert (inbound.direction, inbound.status, inbound.body) == ("inbound", "received", "ping")
    assert inbound.date_sent is not None and inbound.price is not None
    assert client.messages.list(to=number)[0].sid == data["sid"]


def test_without_wait_the_message_is_receiving_and_then_received(server, client, number):
    with Receiver(routes={"/sms": (204, "", XML)}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        answer = inject(server, From=HANDSET, To=number, Body="hello")
        assert answer.status_code == 201 and answer.json()["status"] == "receiving"
        assert "outcome" not in answer.json()
        app.wait_for(1)
        server.call(server.emulator.drain)
    assert client.messages(answer.json()["sid"]).fetch().status == "received"


def test_mms_parameters_and_media_served_by_the_emulator(server, client, account, number):
    png = base64.b64encode(b"\x89PNG fake image").decode()
    with Receiver(routes={"/sms": (200, "<Response/>", XML)}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        data = inject(server, From=HANDSET, To=number, Body="", wait=True,
                      MediaUrl=[f"data:image/png;base64,{png}", "https://example.com/cat.jpg"]).json()
        form = {k: v[0] for k, v in app.wait_for(1)[0].form.items()}
    assert data["sid"].startswith("MM") and data["num_media"] == "2"
    assert (form["NumMedia"], form["Body"], form["MessageSid"]) == ("2", "", data["sid"])
    assert (form["MediaContentType0"], form["MediaContentType1"]) == ("image/png", "image/jpeg")
    media = client.messages(data["sid"]).media.list()
    sids = {m.sid for m in media}
    for i in range(2):
        url = form[f"MediaUrl{i}"]
        assert url.startswith(f"{server.base_url}/2010-04-01/Accounts/{account[0]}/Messages/{data['sid']}/Media/ME")
        assert url.rsplit("/", 1)[1] in sids
    content = requests.get(form["MediaUrl0"], timeout=10)  # no credentials needed, as Twilio by default
    assert content.status_code == 200 and content.content == b"\x89PNG fake image"
    assert content.headers["Content-Type"] == "image/png"
    moved = requests.get(form["MediaUrl1"], timeout=10, allow_redirects=False)
    assert moved.status_code == 307 and moved.headers["Location"] == "https://example.com/cat.jpg"
    assert requests.get(form["MediaUrl0"], auth=(account[0], "wrong"), timeout=10).status_code == 401


def test_get_webhook_puts_the_parameters_in_the_query_and_signs_the_url(server, client, account, number):
    with Receiver(routes={"/sms": twiml(lambda r: r.message("got it"))}) as app:
        configure(client, number, sms_url=app.url("/sms?x=1"), sms_method="GET")
        data = inject(server, From=HANDSET, To=number, Body="via get", wait=True).json()
        request = app.wait_for(1)[0]
    assert request.method == "GET" and request.form == {}
    assert request.url.startswith(app.url("/sms?x=1&"))
    assert request.query["Body"] == "via get" and request.query["MessageSid"] == data["sid"]
    assert RequestValidator(account[1]).validate(request.url, {}, request.headers["X-Twilio-Signature"])
    assert [r["body"] for r in data["outcome"]["replies"]] == ["got it"]


def test_message_attributes_media_and_several_messages(server, client, number):
    other = client.incoming_phone_numbers.create(area_code="212").phone_number

    def build(r):
        r.message("first")
        m = r.message(to="+14155550178", from_=other)
        m.body("second")
        m.media("/pics/a.png")
        r.message("third", to="4155550179")  # national format: the From number's country

    with Receiver(routes={"/app/sms": twiml(build)}) as app:
        configure(client, number, sms_url=app.url("/app/sms"))
        replies = inject(server, From=HANDSET, To=number, Body="go", wait=True).json()["outcome"]["replies"]
    assert [(m["body"], m["from"], m["to"]) for m in replies] == [
        ("first", number, HANDSET), ("second", other, "+14155550178"), ("third", number, "+14155550179")]
    assert replies[1]["sid"].startswith("MM") and replies[1]["num_media"] == "1"
    [media] = client.messages(replies[1]["sid"]).media.list()
    assert media.content_type == "image/png"


def test_text_plain_answer_is_the_reply_and_empty_answers_send_nothing(server, client, number):
    routes = {"/text": (200, "Thanks, we got it", "text/plain"), "/empty": (200, "<Response></Response>", XML),
              "/nocontent": (204, "", XML)}
    with Receiver(routes=routes) as app:
        configure(client, number, sms_url=app.url("/text"))
        text = inject(server, From=HANDSET, To=number, Body="a", wait=True).json()["outcome"]
        configure(client, number, sms_url=app.url("/empty"))
        empty = inject(server, From=HANDSET, To=number, Body="b", wait=True).json()["outcome"]
        configure(client, number, sms_url=app.url("/nocontent"))
        nocontent = inject(server, From=HANDSET, To=number, Body="c", wait=True).json()["outcome"]
    assert [m["body"] for m in text["replies"]] == ["Thanks, we got it"]
    for outcome in (empty, nocontent):
        assert outcome["replies"] == [] and outcome["alerts"] == []


def test_redirect_follows_relative_urls_with_its_method_and_skips_later_verbs(server, client, account, number):
    def first(r):
        r.message("before")
        r.redirect("next?step=2", method="GET")
        r.message("unreachable")

    routes = {"/flow/start": twiml(first), "/flow/next": twiml(lambda r: r.message("after"))}
    with Receiver(routes=routes) as app:
        configure(client, number, sms_url=app.url("/flow/start"))
        data = inject(server, From=HANDSET, To=number, Body="go", wait=True).json()
        got = app.wait_for(2)
    assert [m["body"] for m in data["outcome"]["replies"]] == ["before", "after"]
    assert got[1].method == "GET" and got[1].url.startswith(app.url("/flow/next?step=2&"))
    assert got[1].query["MessageSid"] == data["sid"]  # the redirect carries the inbound parameters
    assert RequestValidator(account[1]).validate(got[1].url, {}, got[1].headers["X-Twilio-Signature"])
    assert [w["url"].split("?")[0] for w in data["outcome"]["webhooks"]] == [app.url("/flow/start"),
                                                                             app.url("/flow/next")]


def test_message_action_is_the_replys_status_callback(server, client, account, number):
    def build(r):
        r.message("tracked", action="/status", method="POST")
        r.message("legacy", status_callback="/legacy")

    with Receiver(routes={"/sms": twiml(build)}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        replies = inject(server, From=HANDSET, To=number, Body="go", wait=True).json()["outcome"]["replies"]
        got = app.wait_for(1 + 3 + 3)
    by_path: dict[str, list] = {}
    for r in got[1:]:
        by_path.setdefault(r.url.split(str(app.port), 1)[1], []).append(r)
    assert [r.form["MessageStatus"][0] for r in by_path["/status"]] == ["sending", "sent", "delivered"]
    assert {r.form["MessageSid"][0] for r in by_path["/status"]} == {replies[0]["sid"]}
    assert {r.form["MessageSid"][0] for r in by_path["/legacy"]} == {replies[1]["sid"]}
    r = by_path["/status"][0]
    assert RequestValidator(account[1]).validate(r.url, {k: v[0] for k, v in r.form.items()},
                                                 r.headers["X-Twilio-Signature"])


def test_message_action_with_get(server, client, number):
    with Receiver(routes={"/sms": twiml(lambda r: r.message("x", action="/s?a=1", method="GET"))}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        inject(server, From=HANDSET, To=number, Body="go", wait=True)
        got = app.wait_for(4)
    assert all(r.method == "GET" for r in got[1:])
    assert [r.query["MessageStatus"] for r in got[1:]] == ["sending", "sent", "delivered"]


def test_number_without_webhook_receives_and_says_why_nothing_was_called(server, client, number):
    # Issue 15: nothing is dropped silently: the message is received, and a warning says why no app heard of it.
    data = inject(server, From=HANDSET, To=number, Body="nobody listens", wait=True).json()
    assert data["status"] == "received" and data["outcome"]["webhooks"] == [] and data["outcome"]["replies"] == []
    [alert] = data["outcome"]["alerts"]
    assert (alert["error_code"], alert["log_level"]) == (11321, "warning")
    assert alert["alert_text"] == f"Message {data['sid']} to {number} reached no webhook: the number {number} has no SmsUrl"


def test_python_api_receive(server, client, number):
    with Receiver(routes={"/sms": twiml(lambda r: r.message("hi back"))}) as app:
        configure(client, number, sms_url=app.url("/sms"))
        outcome = server.call(server.emulator.receive, HANDSET, number, "hi")
    assert outcome.message.status == "received"
    assert [m.body for m in outcome.replies] == ["hi back"]
    assert [a.status for a in outcome.webhooks] == [200]


def test_inbound_messages_through_the_async_client(server, account, number):
    import asyncio

    import twilio_emulator

    data = inject(server, From=HANDSET, To=number, Body="async read", wait=True).json()

    async def read():
        client = twilio_emulator.async_client(server.base_url, *account)
        try:
            return await client.messages(data["sid"]).fetch_async()
        finally:
            await client.http_client.close()

    fetched = asyncio.run(read())
    assert (fetched.direction, fetched.body) == ("inbound", "async read")
