"""Advanced Opt-Out (issue 19): a Messaging Service's own keywords and replies, globally and per language and
country; opt-outs recorded as the default keywords are (21610 from any sender of the service, lifted by an
opt-in keyword), OptOutType on the webhook; toll-free numbers and short codes keep today's rules."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from tests.support.receiver import Receiver

ACME = {
    "opt_out": {"keywords": ["STOP", "BAJA"], "reply": "You are unsubscribed from Acme. Reply START to rejoin."},
    "opt_in": {"keywords": ["START", "ALTA"], "reply": "Welcome back to Acme."},
    "help": {"keywords": ["HELP"], "reply": "Acme support: call 555-0100."},
    "languages": {"es": {"help": {"keywords": ["AYUDA"], "reply": "Soporte de Acme: llame al 555-0100."}}},
    "countries": {"MX": {"help": {"reply": "Acme México: llame al 55-0100."}}},
}
US, MX = "+16285550220", "+525512345678"


def configure(server, service_sid, config):
    return requests.post(f"{server.base_url}/_emulator/v1/services/{service_sid}/advanced_opt_out", json=config,
                         timeout=10)


@pytest.fixture
def acme(server, client):
    with Receiver(routes={"/sms": (200, "", "text/xml")}) as app:
        number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms"))
        other = client.incoming_phone_numbers.create(area_code="415")
        service = client.messaging.v1.services.create(friendly_name="Acme", use_inbound_webhook_on_number=True)
        for n in (number, other):
            client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=n.sid)
        assert configure(server, service.sid, ACME).status_code == 200
        yield service, number.phone_number, other.phone_number, app


def text(server, from_, to, body):
    return requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
        "From": from_, "To": to, "Body": body, "wait": True}).json()


def test_custom_keywords_opt_out_and_in_with_the_services_replies(server, client, acme):
    service, number, other, app = acme
    out = text(server, US, number, "baja")
    assert [r["body"] for r in out["outcome"]["replies"]] == [ACME["opt_out"]["reply"]]
    assert app.wait_for(1)[-1].param("OptOutType") == "STOP"
    for sender in ({"messaging_service_sid": service.sid}, {"from_": other}):  # any sender of the service
        with pytest.raises(TwilioRestException) as err:
            client.messages.create(to=US, body="promo", **sender)
        assert err.value.code == 21610
    back = text(server, US, number, "Alta")
    assert [r["body"] for r in back["outcome"]["replies"]] == ["Welcome back to Acme."]
    assert app.wait_for(2)[-1].param("OptOutType") == "START"
    assert client.messages.create(to=US, messaging_service_sid=service.sid, body="promo").status == "accepted"


def test_a_language_list_answers_in_its_language_and_a_country_override_wins(server, acme):
    service, number, _, app = acme
    ayuda = text(server, US, number, "AYUDA")
    assert [r["body"] for r in ayuda["outcome"]["replies"]] == ["Soporte de Acme: llame al 555-0100."]
    assert app.wait_for(1)[-1].param("OptOutType") == "HELP"
    mexico = text(server, MX, number, "help")
    assert [r["body"] for r in mexico["outcome"]["replies"]] == ["Acme México: llame al 55-0100."]


def test_stop_still_opts_out_and_unlisted_defaults_are_ordinary_messages(server, client, acme):
    service, number, _, app = acme
    plain = text(server, "+16285550221", number, "UNSUBSCRIBE")  # a default keyword this service does not list
    assert plain["outcome"]["replies"] == [] and app.wait_for(1)[-1].param("OptOutType") is None
    stop = text(server, "+16285550221", number, "STOP")
    assert [r["body"] for r in stop["outcome"]["replies"]] == [ACME["opt_out"]["reply"]]
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(to="+16285550221", messaging_service_sid=service.sid, body="x")
    assert err.value.code == 21610


def test_a_malformed_configuration_names_the_field_and_changes_nothing(server, acme):
    service, number, _, _ = acme
    for config, where in (({"opt_out": {"keywords": ["BAJA"]}}, "opt_out.keywords"),
                          ({"help": {"keywords": "HELP"}}, "help.keywords"),
                          ({"opt_in": {"reply": ""}}, "opt_in.reply"),
                          ({"languages": {"spanish": {}}}, "languages.spanish"),
                          ({"opt_out": {"keywords": ["STOP", "HELP"]}, "help": {"keywords": ["HELP"]}}, "keywords"),
                          ({"shout": {}}, "shout")):
        answer = configure(server, service.sid, config)
        assert answer.status_code == 400 and where in answer.json()["error"], (config, answer.text)
    kept = requests.get(f"{server.base_url}/_emulator/v1/services/{service.sid}/advanced_opt_out", timeout=10).json()
    assert kept["opt_out"]["keywords"] == ["STOP", "BAJA"]


def test_a_service_without_a_configuration_keeps_twilios_defaults(server, client):
    number = client.incoming_phone_numbers.create(area_code="415")
    service = client.messaging.v1.services.create(friendly_name="plain")
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    out = text(server, "+16285550222", number.phone_number, "unsubscribe")
    assert out["outcome"]["replies"][0]["body"].startswith("You have successfully been unsubscribed")
    assert configure(server, service.sid, {}).json() == {}


def test_a_second_toll_free_number_in_one_pool_raises_a_warning(server, client, account):
    service = client.messaging.v1.services.create(friendly_name="toll-free")
    for found in client.available_phone_numbers("US").toll_free.list(limit=2):
        n = client.incoming_phone_numbers.toll_free.create(phone_number=found.phone_number)
        client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=n.sid)
    alerts = requests.get(f"{server.base_url}/_emulator/v1/alerts", params={"account_sid": account[0]},
                          timeout=10).json()["alerts"]
    warned = [a for a in alerts if a["resource_sid"] == service.sid]
    assert [(a["error_code"], a["log_level"]) for a in warned] == [(80105, "warning")]
