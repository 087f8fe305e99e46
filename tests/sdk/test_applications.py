"""TwiML Applications through the official SDK (issue 15): CRUD, numbers that send their SMS and calls to an
application (SmsApplicationSid / VoiceApplicationSid), Messages.create with ApplicationSid, and no message
dropped silently when the application is gone."""
from __future__ import annotations

import asyncio

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

import twilio_emulator
from tests.support.numbers import configure
from tests.support.receiver import Receiver

HANDSET = "+14155550195"


def inject(server, **fields) -> dict:
    answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", json={"wait": True, **fields}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_create_fetch_list_update_delete(client, account):
    app = client.applications.create(friendly_name="Support", sms_url="https://app.example/sms", sms_method="GET",
                                     voice_url="https://app.example/voice", voice_caller_id_lookup=True,
                                     message_status_callback="https://app.example/status")
    assert app.sid.startswith("AP") and app.account_sid == account[0]
    assert (app.friendly_name, app.sms_url, app.sms_method, app.voice_method) == (
        "Support", "https://app.example/sms", "GET", "POST")
    assert app.voice_caller_id_lookup is True and app.public_application_connect_enabled is False
    assert app.uri == f"/2010-04-01/Accounts/{account[0]}/Applications/{app.sid}.json"
    client.applications.create(friendly_name="Other")
    assert client.applications(app.sid).fetch().sms_url == "https://app.example/sms"
    assert [a.sid for a in client.applications.list(friendly_name="Support")] == [app.sid]
    assert len(client.applications.list()) == 2
    updated = client.applications(app.sid).update(sms_url="https://app.example/v2/sms", sms_method="post")
    assert (updated.sms_url, updated.sms_method, updated.voice_url) == ("https://app.example/v2/sms", "POST",
                                                                        "https://app.example/voice")
    assert client.applications(app.sid).delete() is True
    with pytest.raises(TwilioRestException) as exc:
        client.applications(app.sid).fetch()
    assert (exc.value.status, exc.value.code) == (404, 20404)


def test_a_url_cleared_with_an_empty_value_reads_back_as_null(client):
    """The spec's URL fields of an application are nullable URIs: an empty value clears one, and it reads back
    null on create, update, fetch and list (it used to read "", which a schema fuzz found)."""
    app = client.applications.create(friendly_name="Cleared", message_status_callback="", sms_url="")
    assert (app.message_status_callback, app.sms_url) == (None, None)
    app = client.applications(app.sid).update(sms_url="https://app.example/sms",
                                               sms_status_callback="https://app.example/status")
    updated = client.applications(app.sid).update(sms_url="", sms_status_callback="")
    assert (updated.sms_url, updated.sms_status_callback) == (None, None)
    fetched = client.applications(app.sid).fetch()
    listed = next(a for a in client.applications.list() if a.sid == app.sid)
    for seen in (fetched, listed):
        assert (seen.sms_url, seen.sms_status_callback, seen.message_status_callback) == (None, None, None)


def test_bad_input_is_refused_and_nothing_stored(client):
    with pytest.raises(TwilioRestException) as exc:
        client.applications.create(friendly_name="x", sms_url="not a url")
    assert exc.value.status == 400 and "SmsUrl" in exc.value.msg
    with pytest.raises(TwilioRestException) as exc:
        client.applications.create(voice_method="PUT")
    assert "VoiceMethod" in exc.value.msg
    with pytest.raises(TwilioRestException):
        client.applications.create(friendly_name="x" * 65)
    assert client.applications.list() == []


def test_a_number_with_an_sms_application_sends_its_messages_there(server, client, account, number):
    response = MessagingResponse()
    response.message("answered by the application")
    with Receiver(routes={"/app/sms": (200, str(response), "text/xml")}) as app_server, Receiver() as own:
        app = client.applications.create(sms_url=app_server.url("/app/sms?via=app"))
        configure(client, number, sms_url=own.url("/number/sms"), sms_application_sid=app.sid)
        data = inject(server, From=HANDSET, To=number, Body="hi")
        request = app_server.wait_for(1)[0]
        assert len(own) == 0  # the number's own URL is ignored
    assert [m["body"] for m in data["outcome"]["replies"]] == ["answered by the application"]
    form = {k: v[0] for k, v in request.form.items()}
    assert request.url == app_server.url("/app/sms?via=app")
    assert RequestValidator(account[1]).validate(request.url, form, request.headers["X-Twilio-Signature"])
    assert client.incoming_phone_numbers.list(phone_number=number)[0].sms_application_sid == app.sid


def test_an_applications_fallback_is_used(server, client, number):
    with Receiver(routes={"/broken": (500, "", "text/plain"), "/fallback": (200, "", "text/plain")}) as web:
        app = client.applications.create(sms_url=web.url("/broken"), sms_fallback_url=web.url("/fallback"))
        configure(client, number, sms_application_sid=app.sid)
        inject(server, From=HANDSET, To=number, Body="hi")
        assert web.paths() == ["/broken", "/fallback"]


def test_a_number_with_a_voice_application_sends_its_calls_there(server, client, number):
    voice = VoiceResponse()
    voice.say("Hello from the application")
    with Receiver(routes={"/voice": (200, str(voice), "text/xml")}) as web:
        app = client.applications.create(voice_url=web.url("/voice"))
        configure(client, number, voice_application_sid=app.sid)
        call = requests.post(f"{server.base_url}/_emulator/v1/calls", timeout=30,
                             json={"From": HANDSET, "To": number, "wait": True}).json()
        assert web.paths() == ["/voice"]
    assert "Hello from the application" in str(call["transcript"])


def test_an_application_of_nobody_or_of_another_account_is_not_accessible(client, main_client, number):
    theirs = main_client.applications.create(friendly_name="not yours")
    for sid in ("AP" + "0" * 32, theirs.sid):
        with pytest.raises(TwilioRestException) as exc:
            configure(client, number, sms_application_sid=sid)
        assert (exc.value.status, exc.value.code) == (400, 21420)
        with pytest.raises(TwilioRestException) as exc:
            client.incoming_phone_numbers.create(area_code="415", voice_application_sid=sid)
        assert exc.value.code == 21420
    assert client.incoming_phone_numbers.list(phone_number=number)[0].sms_application_sid == ""


def test_a_deleted_application_raises_an_alert_instead_of_dropping_the_message(server, client, number):
    app = client.applications.create(sms_url="https://app.example/sms")
    configure(client, number, sms_application_sid=app.sid)
    client.applications(app.sid).delete()
    data = inject(server, From=HANDSET, To=number, Body="anyone?")
    assert data["status"] == "received"
    [alert] = data["outcome"]["alerts"]
    assert alert["error_code"] == 11321 and app.sid in alert["alert_text"] and "no application" in alert["alert_text"]
    assert any(a.resource_sid == data["sid"] for a in client.monitor.v1.alerts.list())


def test_messages_create_with_an_application_reports_to_its_status_callback(server, client, number):
    with Receiver() as web:
        app = client.applications.create(message_status_callback=web.url("/app-status"))
        m = client.messages.create(to=HANDSET, from_=number, body="x", application_sid=app.sid)
        own = client.messages.create(to=HANDSET, from_=number, body="y", application_sid=app.sid,
                                     status_callback=web.url("/own-status"))
        got = web.wait_until(lambda rs: sum(r.form.get("MessageStatus") == ["delivered"] for r in rs) == 2)
    by_path = {(r.url.rsplit("/", 1)[-1], r.form["MessageSid"][0]) for r in got}
    assert ("app-status", m.sid) in by_path and ("own-status", own.sid) in by_path  # StatusCallback wins
    assert ("app-status", own.sid) not in by_path
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to=HANDSET, from_=number, body="z", application_sid="AP" + "1" * 32)
    assert (exc.value.status, exc.value.code) == (400, 21218)


def test_applications_through_the_async_client(server, account):
    async def run():
        c = twilio_emulator.async_client(server.base_url, *account)
        try:
            created = await c.applications.create_async(friendly_name="async app")
            return created.sid, [a.sid for a in await c.applications.list_async()]
        finally:
            await c.http_client.close()
    sid, listed = asyncio.run(run())
    assert listed == [sid]
