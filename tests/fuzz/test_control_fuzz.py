"""Property-based fuzzing of the control API and of the REST input edge (issue 13), with hypothesis: JSON of
any shape and type for every control endpoint's fields, raw bytes as bodies, odd query strings; and form
bodies of any bytes and charsets for Messages.create. Every answer is below 500, in its API's error shape when
it is an error, and nothing is recorded as an internal error of ours. FUZZ_EXAMPLES sets the examples per
test (3 in `make test`, 100 in `make fuzz`)."""
from __future__ import annotations

import os
from collections import Counter

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from twilio_emulator import DEFAULT_ACCOUNT_SID as MAIN, DEFAULT_AUTH_TOKEN as TOKEN, Settings
from twilio_emulator.testing import EmulatorThread

from tests.fuzz.test_schema_fuzz import NOWHERE, loopback_only

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
# make test draws the same examples every run (a red CI is then reproducible); make fuzz sets FUZZ_RANDOM=1.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"
FIGURES: Counter = Counter()
FUZZ = settings(max_examples=EXAMPLES * 10, deadline=None, database=None, derandomize=DERANDOMIZE,
                phases=[Phase.generate], suppress_health_check=list(HealthCheck))

# Each control endpoint with the fields it reads (JSON bodies).
ENDPOINTS = {
    "/inbound": ("From", "To", "Body", "MediaUrl", "MessagingServiceSid", "wait", "ProfileName", "button_payload",
                 "message_type", "Latitude", "forwarded"),
    "/faults": ("where", "match", "do", "times", "probability", "seed"),
    "/senders": ("sender_id", "account_sid", "webhook", "profile", "configuration", "friendly_name"),
    "/calls": ("From", "To", "wait", "script", "live"),
    "/calls/CA" + "0" * 32 + "/input": ("digits", "speech", "record", "wait", "hangup"),
    f"/accounts/{MAIN}/verify": ("fraud_guard_prefixes", "blocked_countries"),
    "/short_codes": ("short_code", "country", "account_sid", "friendly_name", "sms_url", "sms_method",
                     "sms_fallback_url", "sms_fallback_method"),
    "/handsets": ("number", "carrier", "line_type", "mms", "short_codes", "behaviour", "error_code", "delays",
                  "city", "state", "zip", "whatsapp", "rcs", "read_receipts", "profile_name", "call_script"),
    "/scenario": ("scenario", "account_sid"),
    "/clock": ("mode",),
    "/clock/advance": ("seconds",),
}
NUMBER = "+14155550190"  # ours, with a webhook on loopback that nothing answers
PLAUSIBLE = st.sampled_from([NUMBER, f"whatsapp:{NUMBER}", "rcs:fuzz", "+14155550191", "+447700900123", "12345", "ACME", "", "US", "GET", "POST",
                             "manual", "real", "deliver", "failed", "landline", "30003", "api", "callback", "webhook", "carrier",
                             "drop", "delay", "duplicate", "reorder", NOWHERE, MAIN, "MG" + "0" * 32])
LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False),
                 st.text(max_size=30), PLAUSIBLE)
JSON_VALUE = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4) |
                          st.dictionaries(st.text(max_size=10) | PLAUSIBLE, inner, max_size=4), max_leaves=12)
SCENARIO = st.fixed_dictionaries({}, optional={
    section: st.lists(st.dictionaries(st.sampled_from(fields) | st.text(max_size=8), JSON_VALUE, max_size=5), max_size=3)
    for section, fields in {"accounts": ("sid", "auth_token", "friendly_name"),
                            "numbers": ("phone_number", "sms_url", "sms_method", "friendly_name", "account"),
                            "short_codes": ("short_code", "country", "sms_url"),
                            "services": ("friendly_name", "phone_numbers", "alpha_senders", "sticky_sender"),
                            "handsets": ENDPOINTS["/handsets"],
                            "verify_services": ("sid", "friendly_name", "code_length", "custom_code_enabled"),
                            "verify_blocks": ("fraud_guard_prefixes", "blocked_countries"),
                            "conversation_services": ("sid", "friendly_name"),
                            "conversation_addresses": ("type", "address", "auto_creation_enabled",
                                                       "auto_creation_type", "auto_creation_webhook_filters"),
                            "conversation_webhooks": ("service_sid", "post_webhook_url", "filters", "method")}.items()})


@pytest.fixture(scope="module")
def emulator():
    with EmulatorThread(Settings(timing="instant", log_requests=False, webhook_timeout=0.5)) as thread:
        requests.post(f"{thread.base_url}/2010-04-01/Accounts/{MAIN}/IncomingPhoneNumbers.json", auth=(MAIN, TOKEN),
                      data={"PhoneNumber": NUMBER, "SmsUrl": NOWHERE, "VoiceUrl": NOWHERE}, timeout=10)
        yield thread
        assert thread.emulator.internal_errors == []


def _check(response: requests.Response, control: bool) -> None:
    FIGURES["requests"] += 1
    FIGURES[f"{response.status_code // 100}xx"] += 1
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert (body["status"] == response.status_code and body["error"]) if control else \
            (body["status"] == response.status_code and isinstance(body["code"], int) and body["message"])


def _body(endpoint: str):
    fields = st.sampled_from(ENDPOINTS[endpoint]) | st.text(max_size=8)
    value = SCENARIO if endpoint == "/scenario" else JSON_VALUE
    return st.one_of(st.dictionaries(fields, value, max_size=6),
                     st.fixed_dictionaries({"scenario": SCENARIO}) if endpoint == "/scenario" else st.nothing(),
                     JSON_VALUE)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_control_json_of_any_shape_is_answered_below_500(emulator, endpoint):
    @FUZZ
    @given(body=_body(endpoint))
    def run(body):
        if endpoint == "/clock/advance":
            requests.post(f"{emulator.base_url}/_emulator/v1/clock", json={"mode": "manual"}, timeout=10)
        body = loopback_only(body)
        _check(requests.post(f"{emulator.base_url}/_emulator/v1{endpoint}", json=body, timeout=30), control=True)
    try:
        run()
    finally:
        requests.post(f"{emulator.base_url}/_emulator/v1/clock", json={"mode": "real"}, timeout=10)
        # A fuzzed fault rule (an api 500 on everything, say) must not reach the other endpoints' tests.
        for rule in requests.get(f"{emulator.base_url}/_emulator/v1/faults", timeout=10).json()["faults"]:
            requests.delete(f"{emulator.base_url}/_emulator/v1/faults/{rule['id']}", timeout=10)


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "/reset", "/drain"])
def test_control_bodies_of_any_bytes_are_answered_below_500(emulator, endpoint):
    @FUZZ
    @given(raw=st.binary(max_size=200), ctype=st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                                               "multipart/form-data; boundary=x", "text/plain", ""]))
    def run(raw, ctype):
        headers = {"Content-Type": ctype} if ctype else {}
        if endpoint == "/reset":  # keep the world: reset only with an empty body
            raw = b""
        _check(requests.post(f"{emulator.base_url}/_emulator/v1{endpoint}", data=raw, headers=headers, timeout=30),
               control=True)
    run()


QUERY_VALUE = st.one_of(st.text(max_size=12), st.sampled_from(["0", "0.01", "-1", "1e9", "nan", "inf", NUMBER]))


@pytest.mark.parametrize("path", ["/messages/wait", "/handsets/{n}", "/handsets/{n}/messages", "/calls/{n}",
                                  "/alerts", "/webhooks", "/clock"])
def test_control_queries_of_any_shape_are_answered_below_500(emulator, path):
    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(["sid", "to", "from", "status", "body", "count", "timeout",
                                                  "account_sid"]) | st.text(max_size=5), QUERY_VALUE, max_size=5),
           segment=st.text(min_size=1, max_size=20).filter(lambda t: "/" not in t and t not in (".", "..")))
    def run(query, segment):
        if "timeout" in query or path in ("/messages/wait", "/handsets/{n}/messages"):
            query["timeout"] = "0"  # long-polls answer at once: the fuzz never waits on them
        url = f"{emulator.base_url}/_emulator/v1{path.replace('{n}', requests.utils.quote(segment, safe=''))}"
        _check(requests.get(url, params=query, timeout=30), control=True)
    run()


@given(pairs=st.lists(st.tuples(st.sampled_from(["To", "From", "Body", "MediaUrl", "StatusCallback", "SendAt",
                                                 "ValidityPeriod", "SmartEncoded", "ScheduleType",
                                                 "MessagingServiceSid"]) | st.text(max_size=6),
                                st.binary(max_size=40)), max_size=6),
       charset=st.sampled_from(["", "; charset=utf-8", "; charset=latin-1", "; charset=utf-16", "; charset=nope",
                                "; charset=ascii"]))
@FUZZ
def test_messages_create_form_bodies_of_any_bytes_are_answered_below_500(emulator, pairs, charset):
    from urllib.parse import quote_from_bytes
    raw = "&".join(f"{quote_from_bytes(k.encode('utf-8', 'surrogatepass'))}={quote_from_bytes(v)}"
                   for k, v in pairs).encode()
    raw = raw.replace(b"http", b"xttp")  # no generated webhook URL is ever called
    _check(requests.post(f"{emulator.base_url}/2010-04-01/Accounts/{MAIN}/Messages.json", data=raw,
                         auth=(MAIN, TOKEN), timeout=30,
                         headers={"Content-Type": "application/x-www-form-urlencoded" + charset}), control=False)


def teardown_module() -> None:
    if FIGURES["requests"]:
        print(f"\ncontrol/edge fuzz: {FIGURES['requests']} requests, "
              f"{dict((k, v) for k, v in sorted(FIGURES.items()) if k.endswith('xx'))}")
