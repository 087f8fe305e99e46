"""Raw HTTP: what the SDK cannot express — auth failures, headers, malformed input, exact envelopes."""
from __future__ import annotations

import pytest
import requests

from twilio_emulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Emulator, Settings
from aiohttp import BasicAuth, web
from aiohttp.test_utils import TestClient, TestServer

from twilio_emulator.api.context import EMULATOR
from twilio_emulator.api.errors import twilio_api
from twilio_emulator.api.routing import add_wrapped
from twilio_emulator.control.routes import control_errors
from twilio_emulator.server import build_app

from tests.support.http import assert_twilio_error

MAIN = (DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN)


def test_no_credentials_401_20003(messages_url):
    resp = requests.get(messages_url)
    body = assert_twilio_error(resp, 401, 20003)
    assert body["message"] == "Authenticate" and "detail" in body
    assert resp.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'


def test_wrong_token_401(messages_url, account):
    body = assert_twilio_error(requests.get(messages_url, auth=(account[0], "wrong")), 401, 20003)
    assert body["detail"] == "Your AccountSid or AuthToken was incorrect."


@pytest.mark.parametrize("header", ["Basic !!!notbase64", "Bearer abc", "Basic " + "QUM=", ""])
def test_malformed_authorization_401(messages_url, header):
    assert_twilio_error(requests.get(messages_url, headers={"Authorization": header}), 401, 20003)


def test_unknown_account_in_path_404(url):
    path = "/2010-04-01/Accounts/AC" + "f" * 32 + "/Messages.json"
    body = assert_twilio_error(requests.get(url(path), auth=MAIN), 404, 20404)
    assert body["message"] == f"The requested resource {path} was not found"


def test_valid_credentials_for_another_account_401(url, account):
    path = f"/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/Messages.json"
    assert_twilio_error(requests.get(url(path), auth=account), 401, 20003)


def test_unknown_route_404_json(url, account):
    path = f"/2010-04-01/Accounts/{account[0]}/Nope.json"
    assert_twilio_error(requests.get(url(path), auth=account), 404, 20404)


def test_method_not_allowed_405(messages_url, account):
    assert_twilio_error(requests.put(messages_url, auth=account, data={"To": "+14155550199"}), 405, 20004)


def test_method_not_allowed_on_a_v1_path_405(url, account):
    assert_twilio_error(requests.put(url("/v1/Services"), auth=account), 405, 20004)


def test_unknown_route_with_wrong_credentials_401(url, account):
    # Credentials are checked before the route is looked at, as for every REST path.
    assert_twilio_error(requests.get(url(f"/2010-04-01/Accounts/{account[0]}/Nope.json"),
                                     auth=(account[0], "wrong")), 401, 20003)


def test_path_outside_the_rest_api_404_json_without_credentials(url):
    body = assert_twilio_error(requests.post(url("/nowhere/at/all")), 404, 20404)
    assert "/nowhere/at/all" in body["message"]


async def test_a_bug_of_ours_answers_500_in_each_apis_shape_and_is_recorded():
    emu = Emulator(Settings(timing="instant", log_requests=False))

    async def bug(request: web.Request) -> web.Response:
        raise RuntimeError("a bug of ours")
    app = build_app(emu)
    path = f"/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/Bug.json"
    add_wrapped(app.router, [web.get(path, bug)], twilio_api)
    async with TestClient(TestServer(app, host="127.0.0.1")) as http:
        rest = await http.get(path, auth=BasicAuth(*MAIN))
        assert rest.status == 500 and (await rest.json())["code"] == 20500
    control = web.Application()  # the control API's wrapper, on an app of its own (a mounted one is frozen)
    control[EMULATOR] = emu
    add_wrapped(control.router, [web.get("/bug", bug)], control_errors)
    async with TestClient(TestServer(control, host="127.0.0.1")) as http:
        ctl = await http.get("/bug")
        assert ctl.status == 500 and await ctl.json() == {"error": "Internal server error.", "status": 500}
    assert len(emu.internal_errors) == 2 and all("a bug of ours" in e for e in emu.internal_errors)


def test_no_aiohttp_middlewares():
    # Handlers are wrapped at registration (api/routing.py): a middleware on any app would make aiohttp wrap
    # every request's handler again, per app, at request time.
    app = build_app(Emulator(Settings()))
    apps = [app, *(r.get_info()["app"] for r in app.router.resources() if "app" in r.get_info())]
    assert len(apps) == 2 and all(not a.middlewares for a in apps)


def test_oversized_body_413_and_server_keeps_serving(messages_url, account):
    resp = requests.post(messages_url, auth=account, data={"Body": "x" * (300 * 1024), "To": "+14155550199"})
    assert_twilio_error(resp, 413, 20001)
    assert requests.get(messages_url, auth=account).status_code == 200


def test_create_answers_201_json(messages_url, account, number):
    resp = requests.post(messages_url, auth=account, data={"To": "+14155550199", "From": number, "Body": "hi"})
    assert resp.status_code == 201
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert resp.json()["status"] == "queued"


def test_form_with_percent20_spaces_as_twilio_node_sends(messages_url, account, number):
    body = f"To=%2B14155550199&From={number.replace('+', '%2B')}&Body=Hello%20%C3%A9%20%26%20%3D%20%2B"
    resp = requests.post(messages_url, auth=account, data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 201 and resp.json()["body"] == "Hello é & = +"


def test_list_get_with_form_content_type_and_empty_body(messages_url, account):
    # twilio-python's page() sends this header on a GET with no body (reference sdk.md §1.4).
    resp = requests.get(messages_url, auth=account, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 200


def test_list_envelope_has_only_paging_keys_and_one_list_key(messages_url, account, number):
    for i in range(3):
        requests.post(messages_url, auth=account, data={"To": "+14155550199", "From": number, "Body": str(i)})
    resp = requests.get(messages_url, auth=account, params={"To": "+14155550199", "PageSize": 2})
    assert resp.status_code == 200
    page = resp.json()
    assert set(page) == {"end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri",
                         "start", "uri", "messages"}
    base = f"/2010-04-01/Accounts/{account[0]}/Messages.json"
    assert page["first_page_uri"] == f"{base}?To=%2B14155550199&PageSize=2&Page=0"
    assert page["uri"] == page["first_page_uri"]
    assert page["next_page_uri"] == f"{base}?To=%2B14155550199&PageSize=2&Page=1&PageToken=PA{page['messages'][1]['sid']}"
    assert (page["page"], page["page_size"], page["start"], page["end"]) == (0, 2, 0, 1)
    assert page["previous_page_uri"] is None
    nxt = requests.get(f"{messages_url.split('/2010')[0]}{page['next_page_uri']}", auth=account).json()
    assert (nxt["page"], nxt["start"], nxt["end"], len(nxt["messages"])) == (1, 2, 2, 1)
    assert nxt["next_page_uri"] is None and nxt["previous_page_uri"].endswith(f"PageToken=PB{nxt['messages'][0]['sid']}")


def test_empty_list_page(messages_url, account):
    page = requests.get(messages_url, auth=account).json()
    assert page["messages"] == [] and (page["start"], page["end"]) == (0, 0) and page["next_page_uri"] is None


def test_date_filter_keys_are_percent_encoded_in_page_uris(messages_url, account):
    page = requests.get(messages_url, auth=account, params={"DateSent>": "2008-01-02"}).json()
    assert "DateSent%3E=2008-01-02" in page["uri"]


@pytest.mark.parametrize("value", ["2008-01-02", "06/11/2019 22:05:25 MST", "2019-06-11 22:05:25.000",
                                   "Wed, 19 Jun 2019 22:04:00 -0000", "2019-06-11T22:05:25Z"])
def test_every_spec_date_format_is_accepted(messages_url, account, value):
    assert requests.get(messages_url, auth=account, params={"DateSent>": value}).status_code == 200


def test_page_size_is_capped_at_1000(messages_url, account):
    assert requests.get(messages_url, auth=account, params={"PageSize": 5000}).json()["page_size"] == 1000


@pytest.mark.parametrize("params", [{"PageSize": 0}, {"PageSize": "abc"}, {"Page": -1}, {"PageToken": "XYZ"},
                                   {"DateSent": "not a date"}, {"DateSent<": "2019-13-45"}])
def test_bad_list_parameters_400(messages_url, account, params):
    assert_twilio_error(requests.get(messages_url, auth=account, params=params), 400, 20001)


@pytest.mark.parametrize("data,code", [
    ({"ProvideFeedback": "maybe"}, 20001), ({"ValidityPeriod": "soon"}, 21624), ({"ValidityPeriod": "0"}, 21624),
    ({"ValidityPeriod": "36001"}, 21624), ({"ScheduleType": "whenever"}, 20001), ({"SendAt": "tomorrow"}, 20001),
])
def test_bad_create_parameters_400_and_nothing_created(messages_url, account, number, data, code):
    resp = requests.post(messages_url, auth=account, data={"To": "+14155550199", "From": number, "Body": "x", **data})
    assert resp.status_code == 400 and resp.json()["code"] == code
    assert requests.get(messages_url, auth=account).json()["messages"] == []


@pytest.mark.parametrize("data", [
    {}, {"To": "\x00\x01"}, {"To": "+1" + "9" * 40, "From": "+1", "Body": "x"}, {"To": "+14155550199", "Body": ""},
    {"To": "+14155550199", "From": "", "Body": "x"}, {"To": "whatsapp:+14155550199", "From": "+14155550100", "Body": "x"},
    {"To": "+14155550199", "From": "+14155550100", "MediaUrl": "http://"},
])
def test_garbage_create_input_is_a_400_never_a_500(messages_url, account, data):
    resp = requests.post(messages_url, auth=account, data=data)
    assert resp.status_code == 400, resp.text
    assert resp.json()["code"] >= 20000


def test_delete_is_204_with_empty_body(server, messages_url, account, number):
    sid = requests.post(messages_url, auth=account, data={"To": "+14155550199", "From": number, "Body": "x"}).json()["sid"]
    server.call(server.emulator.wait_for_message, sid, "delivered")
    resp = requests.delete(messages_url.replace(".json", f"/{sid}.json"), auth=account)
    assert resp.status_code == 204 and resp.content == b""


def test_accounts_list_envelope(url, account):
    page = requests.get(url("/2010-04-01/Accounts.json"), auth=account).json()
    assert [a["sid"] for a in page["accounts"]] == [account[0]]
    assert page["uri"] == "/2010-04-01/Accounts.json?PageSize=50&Page=0"


def test_non_api_path_is_plain_404(url):
    # The root is the web inspector (issue 17); any other path no product has is Twilio's 404.
    assert requests.get(url("/nowhere")).status_code == 404
    root = requests.get(url("/"))
    assert root.status_code == 200 and root.headers["Content-Type"].startswith("text/html")
    assert requests.get(url("/_emulator/inspector/nothing.js")).status_code == 404
    assert requests.post(url("/")).status_code == 405


def test_available_numbers_bad_area_code_is_21451(url, account):
    # The SDK raises a plain TwilioException for list errors (no code); the wire carries Twilio's code.
    path = f"/2010-04-01/Accounts/{account[0]}/AvailablePhoneNumbers/US/Local.json"
    assert_twilio_error(requests.get(url(path), auth=account, params={"AreaCode": "99"}), 400, 21451)
    assert_twilio_error(requests.get(url(path), auth=account, params={"Contains": "x"}), 400, 20001)


def test_a_path_no_route_takes_is_answered_in_the_apis_shape_whatever_its_characters(server):
    # The catch-all route's pattern missed a newline: a path with %0A and a } got aiohttp's plain-text 404.
    rest = requests.get(f"{server.base_url}/x%0Ay%7D", timeout=10)
    assert (rest.status_code, rest.json()["code"]) == (404, 20404)
    control = requests.get(f"{server.base_url}/_emulator/v1/calls/a%0A%7Db", timeout=10)
    assert control.status_code == 404 and control.json()["status"] == 404
