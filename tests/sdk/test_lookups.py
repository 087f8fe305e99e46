"""Lookup v1 and v2 through the official SDK (issue 15): the simulated network's answer, consistent with how a
message to the same number is delivered."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException

import twilio_emulator

FINAL = ("delivered", "undelivered", "failed")


def test_v2_basic_fields_of_a_valid_number(client):
    r = client.lookups.v2.phone_numbers("+14155550123").fetch()
    assert (r.valid, r.validation_errors, r.phone_number, r.national_format) == (True, [], "+14155550123",
                                                                                  "(415) 555-0123")
    assert (r.calling_country_code, r.country_code) == ("1", "US")
    assert r.line_type_intelligence is None and r.caller_name is None  # packages only when asked for
    national = client.lookups.v2.phone_numbers("020 7946 0123").fetch(country_code="GB")
    assert (national.valid, national.phone_number, national.calling_country_code) == (True, "+442079460123", "44")


@pytest.mark.parametrize("raw,errors", [("+141555501", ["TOO_SHORT"]), ("+1415555012345", ["TOO_LONG"]),
                                        ("hello", ["NOT_A_NUMBER"]), ("+999123456", ["INVALID_COUNTRY_CODE"])])
def test_v2_an_invalid_number_is_200_with_valid_false(client, raw, errors):
    r = client.lookups.v2.phone_numbers(raw).fetch(fields="line_type_intelligence")
    assert (r.valid, r.validation_errors, r.phone_number) == (False, errors, raw)
    assert r.national_format is None and r.country_code is None and r.line_type_intelligence is None


def test_v2_line_type_and_caller_name_follow_the_handset(server, client, number):
    handset = "+14155550193"
    server.call(server.emulator.declare_handset, handset, line_type="landline", carrier="Acme Telephone",
                caller_name="ADA LOVELACE", caller_type="CONSUMER")
    r = client.lookups.v2.phone_numbers(handset).fetch(fields="line_type_intelligence,caller_name")
    assert r.line_type_intelligence == {"mobile_country_code": None, "mobile_network_code": None,
                                        "carrier_name": "Acme Telephone", "type": "landline", "error_code": None}
    assert r.caller_name == {"caller_name": "ADA LOVELACE", "caller_type": "CONSUMER", "error_code": None}
    m = client.messages.create(to=handset, from_=number, body="to a landline")  # the same network delivers
    done = server.call(server.emulator.wait_for_message, m.sid, FINAL)
    assert (done.status, done.error_code) == ("undelivered", 30006)
    default = client.lookups.v2.phone_numbers("+447700900456").fetch(fields="line_type_intelligence")
    assert default.line_type_intelligence["type"] == "mobile"  # Ofcom's fictional mobile range
    toll_free = client.lookups.v2.phone_numbers("+18005550100").fetch(fields="line_type_intelligence")
    assert (toll_free.line_type_intelligence["type"], toll_free.line_type_intelligence["carrier_name"]) == (
        "tollFree", None)


def test_v2_a_number_of_ours_is_twilio(client, number):
    r = client.lookups.v2.phone_numbers(number).fetch(fields="line_type_intelligence")
    assert r.line_type_intelligence["carrier_name"] == "Twilio - SMS/MMS-SVR"
    assert r.line_type_intelligence["type"] == "nonFixedVoip"


def test_v2_every_package_has_the_spec_shape(client, oai_dir: Path):
    spec = json.loads((oai_dir / "twilio_lookups_v2.json").read_text())["components"]["schemas"]
    shapes = {"caller_name": "CallerNameInfo", "sim_swap": "SimSwapInfo", "call_forwarding": "CallForwardingInfo",
              "line_type_intelligence": "LineTypeIntelligenceInfo", "line_status": "LineStatusInfo",
              "identity_match": "IdentityMatchInfo", "reassigned_number": "ReassignedNumberInfo",
              "sms_pumping_risk": "SmsPumpingRiskInfo"}
    r = client.lookups.v2.phone_numbers("+14155550123").fetch(fields=",".join(shapes))
    for package, schema in shapes.items():
        assert set(getattr(r, package)) == set(spec[schema]["properties"]), package
    assert r.call_forwarding["error_code"] == 60607  # a UK-only package for a US number
    uk = client.lookups.v2.phone_numbers("+447700900456").fetch(fields="call_forwarding,caller_name")
    assert uk.call_forwarding == {"call_forwarding_enabled": False, "error_code": None}
    assert uk.caller_name["error_code"] == 60607  # CNAM is US-only


def test_v2_an_unknown_package_is_refused(client):
    with pytest.raises(TwilioRestException) as exc:
        client.lookups.v2.phone_numbers("+14155550123").fetch(fields="line_type_intelligence,horoscope")
    assert exc.value.status == 400 and "horoscope" in exc.value.msg


def test_v1_carrier_and_caller_name(server, client):
    handset = "+14155550194"
    server.call(server.emulator.declare_handset, handset, carrier="Acme Wireless", caller_name="ACME INC",
                caller_type="BUSINESS")
    r = client.lookups.v1.phone_numbers(handset).fetch(type=["carrier", "caller-name"])
    assert (r.phone_number, r.national_format, r.country_code) == (handset, "(415) 555-0194", "US")
    assert r.carrier == {"mobile_country_code": None, "mobile_network_code": None, "name": "Acme Wireless",
                         "type": "mobile", "error_code": None}
    assert r.caller_name == {"caller_name": "ACME INC", "caller_type": "BUSINESS", "error_code": None}
    plain = client.lookups.v1.phone_numbers("4155550194").fetch()  # national: US by default
    assert (plain.phone_number, plain.carrier, plain.caller_name) == (handset, None, None)


def test_v1_an_invalid_number_is_404(client):
    with pytest.raises(TwilioRestException) as exc:
        client.lookups.v1.phone_numbers("+141555501").fetch()
    assert (exc.value.status, exc.value.code) == (404, 20404)
    assert "/PhoneNumbers/+141555501 was not found" in exc.value.msg
    with pytest.raises(TwilioRestException) as exc:
        client.lookups.v1.phone_numbers("+14155550123").fetch(add_ons=["whitepages"])
    assert exc.value.status == 400 and "not emulated" in exc.value.msg


def test_lookup_through_the_async_client(server, account):
    async def run():
        c = twilio_emulator.async_client(server.base_url, *account)
        try:
            return await c.lookups.v2.phone_numbers("+14155550123").fetch_async(fields="line_type_intelligence")
        finally:
            await c.http_client.close()
    assert asyncio.run(run()).line_type_intelligence["type"] == "mobile"
