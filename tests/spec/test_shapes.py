"""Every JSON the emulator sends has exactly the keys of the twilio-oai schema, with the schema's JSON types.

The spec is read from TWILIO_OAI_DIR (default ../shared/twilio-oai); the tests skip only when it is absent.
"""
from __future__ import annotations

import json

import pytest
import requests

V2010 = "twilio_api_v2010.json"
_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list, "number": (int, float, str)}


@pytest.fixture(scope="module")
def spec(oai_dir):
    return json.loads((oai_dir / V2010).read_text())


def check(spec: dict, schema_name: str, payload: dict) -> None:
    schemas = spec["components"]["schemas"]
    props = schemas[schema_name]["properties"]
    assert set(payload) == set(props), (
        f"{schema_name}: missing {sorted(set(props) - set(payload))}, extra {sorted(set(payload) - set(props))}")
    for key, prop in props.items():
        value = payload[key]
        if "$ref" in prop:
            enum = schemas[prop["$ref"].rsplit("/", 1)[1]]
            assert value is None or value in enum.get("enum", [value]), f"{schema_name}.{key}={value!r}"
            continue
        if value is None:
            assert prop.get("nullable"), f"{schema_name}.{key} is null but not nullable"
            continue
        assert isinstance(value, _TYPES[prop["type"]]), f"{schema_name}.{key}: {value!r} is not {prop['type']}"
        if prop.get("format") == "date-time-rfc-2822":
            assert value.endswith(" +0000"), f"{schema_name}.{key}={value!r}"


def list_keys(spec: dict, path: str) -> set[str]:
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return set(schema["properties"])


@pytest.fixture
def get(server, account):
    def get(path: str, **params):
        resp = requests.get(f"{server.base_url}/2010-04-01/Accounts/{account[0]}{path}", auth=account, params=params)
        assert resp.status_code == 200, resp.text
        return resp.json()
    return get


def test_message_and_media_and_their_lists(spec, server, client, number, get, media_host):
    queued = client.messages.create(to="+14155550199", from_=number, body="shape",
                                    media_url=[media_host.url("/a.png")])
    msg = get(f"/Messages/{queued.sid}.json")
    check(spec, "api.v2010.account.message", msg)
    server.call(server.emulator.wait_for_message, queued.sid, "delivered")
    check(spec, "api.v2010.account.message", get(f"/Messages/{queued.sid}.json"))  # price, date_sent set
    page = get("/Messages.json")
    assert set(page) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/Messages.json")
    media_page = get(f"/Messages/{queued.sid}/Media.json")
    assert set(media_page) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json")
    check(spec, "api.v2010.account.message.media", media_page["media_list"][0])


def test_incoming_phone_number_and_list(spec, client, get):
    n = client.incoming_phone_numbers.create(phone_number="+14155550177", sms_url="https://app.example/sms")
    check(spec, "api.v2010.account.incoming_phone_number", get(f"/IncomingPhoneNumbers/{n.sid}.json"))
    page = get("/IncomingPhoneNumbers.json")
    assert set(page) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json")


@pytest.mark.parametrize("country,kind,schema", [
    ("US", "Local", "available_phone_number_local"), ("US", "TollFree", "available_phone_number_toll_free"),
    ("GB", "Mobile", "available_phone_number_mobile")])
def test_available_numbers(spec, get, country, kind, schema):
    page = get(f"/AvailablePhoneNumbers/{country}/{kind}.json", PageSize=2)
    assert set(page) == list_keys(spec, f"/2010-04-01/Accounts/{{AccountSid}}/AvailablePhoneNumbers/{{CountryCode}}/{kind}.json")
    assert len(page["available_phone_numbers"]) == 2
    for item in page["available_phone_numbers"]:
        check(spec, f"api.v2010.account.available_phone_number_country.{schema}", item)


def test_available_number_countries(spec, get):
    page = get("/AvailablePhoneNumbers.json")
    assert set(page) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers.json")
    check(spec, "api.v2010.account.available_phone_number_country", get("/AvailablePhoneNumbers/US.json"))


def test_account_and_list(spec, server, account):
    base = f"{server.base_url}/2010-04-01"
    check(spec, "api.v2010.account", requests.get(f"{base}/Accounts/{account[0]}.json", auth=account).json())
    page = requests.get(f"{base}/Accounts.json", auth=account).json()
    assert set(page) == list_keys(spec, "/2010-04-01/Accounts.json")


def test_keys(spec, server, account, get):
    created = requests.post(f"{server.base_url}/2010-04-01/Accounts/{account[0]}/Keys.json", auth=account,
                            data={"FriendlyName": "k"})
    assert created.status_code == 201
    check(spec, "api.v2010.account.new_key", created.json())
    check(spec, "api.v2010.account.key", get(f"/Keys/{created.json()['sid']}.json"))
    assert set(get("/Keys.json")) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/Keys.json")


def test_short_code_and_list(spec, server, client, get):
    r = requests.post(f"{server.base_url}/_emulator/v1/short_codes",
                      json={"short_code": "40404", "account_sid": client.account_sid}, timeout=10)
    check(spec, "api.v2010.account.short_code", r.json())
    check(spec, "api.v2010.account.short_code", get(f"/SMS/ShortCodes/{r.json()['sid']}.json"))
    page = get("/SMS/ShortCodes.json")
    assert set(page) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes.json")
    check(spec, "api.v2010.account.short_code", page["short_codes"][0])


@pytest.fixture(scope="module")
def spec_v1(oai_dir):
    return json.loads((oai_dir / "twilio_messaging_v1.json").read_text())


def test_messaging_service_and_its_senders(spec_v1, server, client, number):
    auth = (client.account_sid, client.password)
    base = f"{server.base_url}/v1/Services"
    service = requests.post(base, auth=auth, data={"FriendlyName": "shapes"}, timeout=10).json()
    check(spec_v1, "messaging.v1.service", service)
    code = requests.post(f"{server.base_url}/_emulator/v1/short_codes",
                         json={"short_code": "40405", "account_sid": client.account_sid}, timeout=10).json()
    pn = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    for path, field, value, schema in (("PhoneNumbers", "PhoneNumberSid", pn, "phone_number"),
                                       ("ShortCodes", "ShortCodeSid", code["sid"], "short_code"),
                                       ("AlphaSenders", "AlphaSender", "ACME", "alpha_sender")):
        created = requests.post(f"{base}/{service['sid']}/{path}", auth=auth, data={field: value}, timeout=10)
        assert created.status_code == 201, created.text
        check(spec_v1, f"messaging.v1.service.{schema}", created.json())
        listed = requests.get(f"{base}/{service['sid']}/{path}", auth=auth, timeout=10).json()
        check(spec_v1, f"messaging.v1.service.{schema}", listed[listed["meta"]["key"]][0])


def test_application_and_caller_id_and_their_lists(spec, client, get):
    app = client.applications.create(friendly_name="shape", sms_url="https://app.example/sms")
    check(spec, "api.v2010.account.application", get(f"/Applications/{app.sid}.json"))
    listed = get("/Applications.json")
    assert set(listed) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/Applications.json")
    client.validation_requests.create(phone_number="+14155550196")
    listed = get("/OutgoingCallerIds.json")
    assert set(listed) == list_keys(spec, "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json")
    check(spec, "api.v2010.account.outgoing_caller_id", listed["outgoing_caller_ids"][0])
