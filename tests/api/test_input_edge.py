"""The one input edge (api/inputs.py), through raw HTTP: every malformed body, query and header answers a
Twilio-shaped 4xx (REST) or the control API's {error, status} (control), stores nothing, and is never one of
the emulator's internal errors (the autouse fixture fails a test that makes one)."""
from __future__ import annotations

import base64
import socket
import time

from urllib.parse import unquote_to_bytes

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from twilio_emulator.api import inputs
from twilio_emulator.api.inputs import MAX_DEPTH

from tests.support.http import assert_twilio_error

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _count(messages_url, account) -> int:
    return len(requests.get(messages_url, auth=account, params={"PageSize": 1000}).json()["messages"])


def _form(number: str, body: bytes = b"hello") -> bytes:
    return b"To=%2B14155550199&From=" + number.replace("+", "%2B").encode() + b"&Body=" + body


# ---- dates ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "99999-01-01",
                                   "Wed, 19 Jun 99999 22:04:00 -0000", "2024-13-45", "yesterday"])
@pytest.mark.parametrize("name", ["DateSent", "DateSent<", "DateSent>"])
def test_a_date_filter_out_of_range_or_malformed_is_a_400(messages_url, account, name, value):
    body = assert_twilio_error(requests.get(messages_url, auth=account, params={name: value}), 400, 20001)
    assert name in body["message"]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "99999-01-01T00:00:00Z"])
def test_send_at_out_of_range_is_a_400_and_nothing_is_stored(client, messages_url, account, number, value):
    service = client.messaging.v1.services.create(friendly_name="s")
    before = _count(messages_url, account)
    resp = requests.post(messages_url, auth=account, data={"To": "+14155550199", "MessagingServiceSid": service.sid,
                                                           "Body": "x", "ScheduleType": "fixed", "SendAt": value})
    assert resp.status_code == 400, resp.text
    assert resp.json()["code"] in (20001, 35111, 35114)
    assert _count(messages_url, account) == before


# ---- form bodies ----------------------------------------------------------------------------------------

def test_invalid_utf8_in_a_form_body_is_a_400_naming_the_parameter(messages_url, account, number):
    before = _count(messages_url, account)
    for raw in (b"\xff\xfe", b"%ff%fe", b"%ed%a0%80"):  # raw bytes, percent-encoded bytes, an encoded surrogate
        body = assert_twilio_error(requests.post(messages_url, auth=account, data=_form(number, raw), headers=FORM),
                                   400, 21602)  # Body's own code
        assert "Body" in body["message"]
    bad_to = b"To=%ff&From=" + number.replace("+", "%2B").encode() + b"&Body=x"
    assert "To" in assert_twilio_error(requests.post(messages_url, auth=account, data=bad_to, headers=FORM),
                                       400, 20001)["message"]
    for name in (b"\xff", b"%ff", b"%ff+"):  # a parameter's name, raw or percent-encoded
        bad_name = name + b"=1&To=%2B14155550199&From=" + number.replace("+", "%2B").encode() + b"&Body=x"
        assert "parameter name" in assert_twilio_error(
            requests.post(messages_url, auth=account, data=bad_name, headers=FORM), 400, 20001)["message"]
    assert _count(messages_url, account) == before


@pytest.mark.parametrize("charset", ["klingon", "utf-16", "UTF-32", "utf-16-le"])
def test_an_unknown_or_ascii_incompatible_charset_is_a_400(messages_url, account, number, charset):
    body = assert_twilio_error(requests.post(messages_url, auth=account, data=_form(number),
                                             headers={"Content-Type": f"{FORM['Content-Type']}; charset={charset}"}),
                               400, 20001)
    assert "harset" in body["message"]


def test_a_declared_latin1_charset_is_decoded_as_such(messages_url, account, number):
    resp = requests.post(messages_url, auth=account, data=_form(number, b"caf\xe9"),
                         headers={"Content-Type": f"{FORM['Content-Type']}; charset=iso-8859-1"})
    assert resp.status_code == 201 and resp.json()["body"] == "café"


def test_multipart_text_fields_are_read_like_a_form(messages_url, account, number):
    resp = requests.post(messages_url, auth=account,
                         files={"To": (None, "+14155550199"), "From": (None, number), "Body": (None, "hi ☃")})
    assert resp.status_code == 201, resp.text
    assert resp.json()["body"] == "hi ☃"


@pytest.mark.parametrize("case", ["no boundary", "file part", "truncated", "garbage", "unnamed part",
                                  "unknown part charset"])
def test_malformed_multipart_is_a_400_and_nothing_is_stored(messages_url, account, number, case):
    before = _count(messages_url, account)
    if case == "file part":
        resp = requests.post(messages_url, auth=account, files={"Body": ("a.txt", b"hi")},
                             data={"To": "+14155550199", "From": number})
    else:
        raw = {"no boundary": b"To=1",
               "truncated": b'--XX\r\nContent-Disposition: form-data; name="To"\r\n\r\n+14155550199',
               "garbage": b"\x00\x01\x02 not multipart at all",
               "unnamed part": b"--XX\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XX--\r\n",
               "unknown part charset": b'--XX\r\nContent-Disposition: form-data; name="To"\r\n'
                                       b"Content-Type: text/plain; charset=klingon\r\n\r\n+14155550199\r\n--XX--\r\n"}[case]
        ctype = "multipart/form-data" if case == "no boundary" else "multipart/form-data; boundary=XX"
        resp = requests.post(messages_url, auth=account, data=raw, headers={"Content-Type": ctype})
    assert_twilio_error(resp, 400, 21602 if case == "file part" else 20001)
    assert _count(messages_url, account) == before


def test_a_declared_content_length_over_the_limit_is_refused_at_once_with_413(server, account):
    # 10 GB declared, a few bytes sent: the answer comes without waiting for the body, and keeps no connection.
    path = f"/2010-04-01/Accounts/{account[0]}/Messages.json"
    auth = base64.b64encode(f"{account[0]}:{account[1]}".encode()).decode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
                     f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10737418240\r\n\r\n"
                     "To=%2B1".encode())
        started, data = time.monotonic(), b""
        while b"}" not in data:  # the whole answer (a JSON object) arrives while the body is still owed
            data += sock.recv(65536)
        answered = time.monotonic() - started
        while chunk := sock.recv(65536):  # then the emulator closes the connection: it does not wait for 10 GB
            data += chunk
        closed = time.monotonic() - started
    assert answered < 1 and closed < 2, (answered, closed)  # limits far above the real ones, never near 10 s
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"connection: close" in head.lower()
    assert b'"code": 20001' in body and b'"status": 413' in body


def test_a_body_over_the_limit_without_a_content_length_is_413(server, messages_url, account):
    limit = server.emulator.settings.max_body_bytes

    def chunks():  # chunked transfer: no Content-Length to refuse up front
        for _ in range(limit // 65536 + 2):
            yield b"Body=" + b"x" * 65536
    assert_twilio_error(requests.post(messages_url, auth=account, data=chunks(), headers=FORM), 413, 20001)


def test_a_control_body_over_the_limit_is_413_in_the_control_shape(server, url):
    limit = server.emulator.settings.max_body_bytes
    resp = requests.post(url("/_emulator/v1/scenario"), data=b"{" + b" " * limit + b"}", headers=JSON)
    assert resp.status_code == 413 and resp.json()["status"] == 413


def test_a_client_that_disconnects_mid_body_is_no_error_of_ours(server, account):
    path = f"/2010-04-01/Accounts/{account[0]}/Messages.json"
    auth = base64.b64encode(f"{account[0]}:{account[1]}".encode()).decode()
    errors = len(server.emulator.internal_errors)
    for target in (path, "/_emulator/v1/inbound"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(f"POST {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
                         f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nTo=".encode())
    # The emulator still answers, and recorded nothing (the autouse fixture checks again at teardown).
    assert requests.get(f"{server.base_url}{path}", auth=account).status_code == 200
    assert server.emulator.internal_errors[errors:] == []


def test_lowercase_basic_scheme_authenticates(messages_url, account):
    token = base64.b64encode(f"{account[0]}:{account[1]}".encode()).decode()
    for scheme in ("basic", "BASIC", "Basic"):
        assert requests.get(messages_url, headers={"Authorization": f"{scheme} {token}"}).status_code == 200


def test_page_bounds_say_what_they_are(messages_url, account):
    body = assert_twilio_error(requests.get(messages_url, auth=account, params={"Page": "-1"}), 400, 20001)
    assert body["message"] == "Page must be at least 0."
    assert "None" not in assert_twilio_error(requests.get(messages_url, auth=account, params={"PageSize": "0"}),
                                             400, 20001)["message"]


# ---- JSON bodies (control API) ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/_emulator/v1/handsets", "/_emulator/v1/inbound", "/_emulator/v1/scenario",
                                  "/_emulator/v1/short_codes", "/_emulator/v1/clock", "/_emulator/v1/clock/advance",
                                  "/_emulator/v1/calls"])
@pytest.mark.parametrize("raw", ["[" * 100000 + "]" * 100000, '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
                                 '{"seconds": NaN}', '{"seconds": Infinity}', "{not json", '{"x": "\\ud800"}',
                                 '{"\\udfff": 1}', "\udcff"])
def test_malformed_json_on_every_control_endpoint_is_a_400(url, path, raw):
    data = raw.encode("utf-8", "surrogateescape")
    resp = requests.post(url(path), data=data, headers=JSON)
    assert resp.status_code == 400, resp.text
    assert resp.json()["status"] == 400 and resp.json()["error"]


def test_a_lone_surrogate_in_an_inbound_body_is_a_400_with_the_body_code_and_nothing_is_lost(
        server, client, url, messages_url, account, number):
    # Issue 13, as reported: this request answered 500 and left a transaction open; ten creates after it
    # answered 201 and were later rolled back by a create with a MediaUrl.
    resp = requests.post(url("/_emulator/v1/inbound"), headers=JSON,
                         data=('{"From": "+14155550126", "To": "%s", "Body": "\\ud800", '
                               '"MediaUrl": "https://example.com/a.png"}' % number).encode())
    assert resp.status_code == 400 and resp.json()["code"] == 21602 and resp.json()["param"] == "Body"
    resp = requests.post(url("/_emulator/v1/inbound"), headers=JSON,
                         data=('{"From": "+14155550126", "To": "%s", "Body": "x", '
                               '"MediaUrl": ["https://example.com/\\udc00.png"]}' % number).encode())
    assert resp.status_code == 400 and resp.json()["code"] == 21620
    sids = [client.messages.create(to="+14155550199", from_=number, body=f"m{i}").sid for i in range(10)]
    client.messages.create(to="+14155550199", from_=number, body="with media", media_url=["https://example.com/a.png"])
    assert [client.messages(sid).fetch().sid for sid in sids] == sids


@pytest.mark.parametrize("fields", [
    {"sms_url": 123}, {"sms_method": ["GET"]}, {"friendly_name": {"a": 1}}, {"sms_fallback_url": True},
    {"country": 1}, {"account_sid": 5},
])
def test_short_code_fields_are_type_checked(url, fields):
    resp = requests.post(url("/_emulator/v1/short_codes"), json={"short_code": "45678", **fields})
    assert resp.status_code == 400, resp.text


@pytest.mark.parametrize("fields", [
    {"delays": {"sending": "5"}}, {"delays": {"sending": "abc"}}, {"delays": [1, 2]}, {"delays": {"sent": True}},
    {"delays": {"sent": -1}}, {"delays": {"nope": 1}}, {"city": 123}, {"state": None, "zip": 94105},
    {"carrier": ""}, {"carrier": 7}, {"error_code": "abc", "behaviour": "failed"}, {"error_code": 1.5},
    {"mms": "yes"}, {"short_codes": 1}, {"line_type": 3}, {"behaviour": ["deliver"]},
])
def test_handset_fields_are_type_checked_and_nothing_breaks_later(client, url, number, fields):
    handset = "+14155550177"
    resp = requests.post(url("/_emulator/v1/handsets"), json={"number": handset, **fields})
    assert resp.status_code == 400, resp.text
    assert resp.json()["status"] == 400
    # Nothing was stored: a message to that handset still goes as before.
    assert client.messages.create(to=handset, from_=number, body="still fine").status == "queued"


def test_clock_advance_takes_only_a_number(manual_clock, url):
    for seconds in ("5", None, True, [1], {"s": 1}, -1, 1e300):
        resp = requests.post(url("/_emulator/v1/clock/advance"), json={"seconds": seconds})
        assert resp.status_code == 400, (seconds, resp.text)


def test_inbound_fields_are_type_checked(url, number):
    for fields in ({"From": 5}, {"Body": ["x"]}, {"MediaUrl": [1]}, {"MediaUrl": {"a": "b"}},
                   {"MessagingServiceSid": 3}, {"To": None, "From": None}):
        resp = requests.post(url("/_emulator/v1/inbound"), json={"From": "+14155550126", "To": number, "Body": "x",
                                                                 **fields})
        assert resp.status_code in (400, 404), (fields, resp.text)


# ---- fields the REST API used to echo unchecked --------------------------------------------------------------

@pytest.mark.parametrize("param,value", [("BundleSid", "nope"), ("IdentitySid", "RI123"), ("AddressSid", "AD" + "z" * 32),
                                         ("TrunkSid", "XX" + "0" * 32), ("SmsApplicationSid", "AP1"),
                                         ("EmergencyAddressSid", "BU" + "0" * 32), ("VoiceReceiveMode", "telex"),
                                         ("EmergencyStatus", "Maybe")])
def test_incoming_phone_number_update_checks_the_spec_patterns(client, account, url, param, value):
    sid = client.incoming_phone_numbers.create(area_code="415").sid
    path = url(f"/2010-04-01/Accounts/{account[0]}/IncomingPhoneNumbers/{sid}.json")
    assert_twilio_error(requests.post(path, auth=account, data={param: value}), 400, 20001)
    assert requests.get(path, auth=account).json()[param_json(param)] in (None, "", "voice", "Inactive")


def param_json(param: str) -> str:
    return {"BundleSid": "bundle_sid", "IdentitySid": "identity_sid", "AddressSid": "address_sid",
            "TrunkSid": "trunk_sid", "SmsApplicationSid": "sms_application_sid",
            "EmergencyAddressSid": "emergency_address_sid", "VoiceReceiveMode": "voice_receive_mode",
            "EmergencyStatus": "emergency_status"}[param]


def test_a_valid_bundle_sid_is_kept(client):
    number = client.incoming_phone_numbers.create(area_code="415")
    bundle = "BU" + "0123456789abcdef" * 2
    assert client.incoming_phone_numbers(number.sid).update(bundle_sid=bundle).bundle_sid == bundle


def test_a_cleared_service_url_reads_back_as_null(client):
    service = client.messaging.v1.services.create(friendly_name="s", status_callback="https://example.com/cb",
                                                  inbound_request_url="https://example.com/in")
    assert service.status_callback == "https://example.com/cb"
    cleared = client.messaging.v1.services(service.sid).update(status_callback="", inbound_request_url="")
    assert cleared.status_callback is None and cleared.inbound_request_url is None
    assert client.messaging.v1.services.create(friendly_name="t", status_callback="").status_callback is None


def test_query_strings_with_undecodable_bytes_are_answered(messages_url, account):
    for query in ("To=%ff", "To=%ed%a0%80", "DateSent=%00", "PageSize=%ff"):
        resp = requests.get(f"{messages_url}?{query}", auth=account)
        assert resp.status_code in (200, 400), resp.text


@pytest.mark.parametrize("param", ["StatusCallback", "InboundRequestUrl", "FallbackUrl"])
def test_a_service_url_that_is_no_url_is_a_400(url, account, param):
    # Found by the schema fuzz: a service stored any text as its URLs and answered it back.
    resp = requests.post(url("/v1/Services"), auth=account, data={"FriendlyName": "s", param: "\x06ÂS not a url"})
    assert param in assert_twilio_error(resp, 400, 20001)["message"]


# ---- form parts -----------------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=40) | st.text(alphabet="%+\\abcAFfz09xé\n", max_size=30).map(str.encode))
def test_a_form_part_is_unquoted_as_the_standard_library_does(raw):
    """The C fast path for %XX (api/inputs.py) gives exactly what unquote_to_bytes gives, whatever the bytes:
    invalid escapes, a trailing %, backslashes."""
    assert inputs._unquote(raw) == unquote_to_bytes(raw.replace(b"+", b" "))


def _parsed(raw, charset="utf-8"):
    try:
        return list(inputs.parse_form(raw, charset).items())
    except inputs.BadInput as exc:
        return exc.message


def _parsed_by_field(raw, charset="utf-8"):
    try:
        return list(inputs._by_field(raw, charset).items())
    except inputs.BadInput as exc:
        return exc.message


@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=40) | st.text(alphabet="%+&=\\abcDdf2-6é\udcff\n", max_size=30).map(
    lambda text: text.encode("utf-8", "surrogatepass")))
def test_a_form_read_at_once_is_the_form_read_field_by_field(raw):
    """A UTF-8 body is unquoted and decoded at once (api/inputs.py): the same parameters, in the same order,
    as field by field, and the same error naming the same field when a name or value is not UTF-8, whatever
    the bytes: escaped separators (%26, %3D), invalid escapes, a character split by an escape."""
    assert _parsed(raw) == _parsed_by_field(raw)
