"""Schema-driven fuzzing (issue 13): schemathesis generates requests from Twilio's own OpenAPI specs
(../shared/twilio-oai) for every operation the emulator implements — API v2010, Messaging v1, Monitor v1 —
valid ones (positive) and invalid ones (negative), and checks every answer: never a 5xx, every success
conforming to the spec's response schema, and no internal error of ours recorded.

One exception, made in the spec we load rather than in the checks: Twilio's v2010 paging and resource URIs
(`uri`, `first_page_uri`, `next_page_uri`, …) are relative paths on the wire (reference §0.1.3; the SDK joins
them to its base URL), while the spec calls them `format: uri`; that format is dropped for them.

Path parameters are often replaced by SIDs that exist (a number, a service, a message with media, …) so that
the fuzzing reaches past 404. `make test` runs a few examples per operation (FUZZ_EXAMPLES, default 3);
`make fuzz` runs FUZZ_EXAMPLES=100 and prints the figures.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest
import requests

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

import twilio_emulator  # noqa: E402
from twilio_emulator import DEFAULT_ACCOUNT_SID as MAIN, DEFAULT_AUTH_TOKEN as TOKEN, Settings  # noqa: E402
from twilio_emulator.testing import EmulatorThread  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
# make test draws the same examples every run (a red CI is then reproducible); make fuzz sets FUZZ_RANDOM=1.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"
SPECS = ("twilio_api_v2010.json", "twilio_messaging_v1.json", "twilio_monitor_v1.json", "twilio_lookups_v1.json",
         "twilio_lookups_v2.json", "twilio_messaging_v2.json", "twilio_content_v1.json", "twilio_conversations_v1.json",
         "twilio_verify_v2.json")
FIGURES: Counter = Counter()


NOWHERE = "http://127.0.0.1:9/fuzz"  # the discard port on loopback: nothing listens, nothing leaves the machine


def loopback_only(value):
    """Every generated URL (a webhook, a callback, a media URL) replaced by one on loopback that nothing
    answers, so that the webhooks the emulator then sends never leave 127.0.0.1."""
    if isinstance(value, str):
        return NOWHERE if "://" in value or value.lower().startswith(("http", "//")) else value
    if isinstance(value, dict):
        return {k: loopback_only(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [loopback_only(v) for v in value]
    return value


def _relative_uris(doc):
    """Drop `format: uri` from the properties whose values Twilio sends as relative paths (…uri, …uris)."""
    if isinstance(doc, dict):
        for name, prop in (doc.get("properties") or {}).items():
            if isinstance(prop, dict) and name.endswith(("uri", "uris")) and prop.get("format") == "uri":
                del prop["format"]
        for value in doc.values():
            _relative_uris(value)
    elif isinstance(doc, list):
        for value in doc:
            _relative_uris(value)
    return doc


def _lookup_nulls(doc):
    """Lookup v2: the spec's examples answer null for a package not asked for (and for a package's values
    it has no data for: caller_name outside the US), but its schemas do not say `nullable` (reference
    twilio-more §4.2). Say it, so that the answers Twilio gives conform."""
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        if name != "LookupResponse" and not name.endswith("Info"):
            continue
        for key, prop in list((schema.get("properties") or {}).items()):
            if "$ref" in prop:
                schema["properties"][key] = {"allOf": [{"$ref": prop["$ref"]}], "nullable": True}
            else:
                prop["nullable"] = True
    return doc


@pytest.fixture(scope="module")
def emulator():
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as thread:
        yield thread
    FIGURES["internal errors"] += len(thread.emulator.internal_errors)


def _implemented() -> set[tuple[str, str, str]]:
    """(product, method, path with its placeholders blanked) of every REST route the emulator serves: a path two
    products have (/v1/Services) is implemented for the product that registers it only."""
    from twilio_emulator.api import route_table
    return {(host.split(".", 1)[0], method, re.sub(r"\{[^}]+\}", "{}", path))
            for hosts, method, path in route_table() for host in hosts.split(", ")}


@pytest.fixture(scope="module")
def world(emulator) -> dict[str, list[str]]:
    """SIDs that exist, by prefix: what path parameters are swapped for."""
    c = twilio_emulator.client(emulator.base_url)
    number = c.incoming_phone_numbers.create(area_code="415")
    service = c.messaging.v1.services.create(friendly_name="fuzz")
    member = c.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    alpha = c.messaging.v1.services(service.sid).alpha_senders.create(alpha_sender="FUZZ")
    code = requests.post(f"{emulator.base_url}/_emulator/v1/short_codes", json={"short_code": "90210"}, timeout=10)
    msg = c.messages.create(to="+14155550199", from_=number.phone_number, body="fuzz",
                            media_url=[NOWHERE + ".png"])  # its download fails at once, on loopback
    media = c.messages(msg.sid).media.list()
    key = c.new_keys.create(friendly_name="fuzz")
    sub = c.api.v2010.accounts.create(friendly_name="fuzz")
    app = c.applications.create(friendly_name="fuzz")
    call = c.calls.create(to="+14155550199", from_=number.phone_number, twiml="<Response><Say>fuzz</Say></Response>")
    sender = requests.post(f"{emulator.base_url}/_emulator/v1/senders", json={"sender_id": "rcs:fuzz_agent"},
                           timeout=10).json()
    content = requests.post(f"{emulator.base_url}/v1/Content", auth=(MAIN, TOKEN), timeout=10, json={
        "language": "en", "types": {"twilio/text": {"body": "Hi {{1}}"}}}).json()
    convo = c.conversations.v1.conversations.create(friendly_name="fuzz")
    participant = c.conversations.v1.conversations(convo.sid).participants.create(
        messaging_binding_address="+14155550198", messaging_binding_proxy_address=number.phone_number)
    said = c.conversations.v1.conversations(convo.sid).messages.create(body="fuzz")
    receipts = c.conversations.v1.conversations(convo.sid).messages(said.sid).delivery_receipts.list()
    hook = c.conversations.v1.conversations(convo.sid).webhooks.create(target="webhook", configuration_url=NOWHERE)
    spare = c.incoming_phone_numbers.create(area_code="415")
    address = c.conversations.v1.address_configurations.create(type="sms", address=spare.phone_number)
    role = c.conversations.v1.roles.create(friendly_name="fuzz", type="conversation", permission=["sendMessage"])
    user = c.conversations.v1.users.create(identity="fuzz")
    from twilio_emulator.engine.voice import recordings
    recording = emulator.call(recordings.create, emulator.emulator, MAIN, call.sid, 3.0, "fuzz", 0.0)
    transcription = emulator.call(recordings.transcribe, emulator.emulator, emulator.emulator.accounts[MAIN], recording,
                                  None, "POST", [])
    verify = c.verify.v2.services.create(friendly_name="fuzz")
    started = c.verify.v2.services(verify.sid).verifications.create(to="+14155550197", channel="sms")
    return {"VA": [verify.sid], "VE": [started.sid], "RE": [recording.sid], "TR": [transcription.sid],"CH": [convo.sid], "MB": [participant.sid], "IM": [said.sid], "DY": [r.sid for r in receipts],
            "WH": [hook.sid], "IG": [address.sid], "RL": [role.sid], "US": [user.sid],
            "XE": [sender["sid"]], "HX": [content["sid"]],"AP": [app.sid], "CA": [call.sid], "PN": [number.sid, member.sid], "MG": [service.sid], "AI": [alpha.sid], "SC": [code.json()["sid"]],
            "MM": [msg.sid], "SM": [msg.sid], "ME": [m.sid for m in media], "SK": [key.sid], "AC": [sub.sid],
            "NO": []}


def _operations():
    base = os.environ.get("TWILIO_OAI_DIR")
    folder = base if base else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "twilio-oai")
    found, ours = [], _implemented()
    for name in SPECS:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            doc = _relative_uris(json.load(f))
        if name == "twilio_lookups_v2.json":
            doc = _lookup_nulls(doc)
        schema = schemathesis.openapi.from_dict(doc)
        for result in schema.get_all_operations():
            op = result.ok()
            product = name.split("_")[1]  # twilio_<product>_<version>.json
            if (product, op.method.upper(), re.sub(r"\{[^}]+\}", "{}", op.path)) not in ours:
                continue  # not emulated (the 404 for those is tested in tests/api)
            params = {p["name"]: p.get("schema", {}).get("pattern", "")
                      for p in doc["paths"][op.path].get("parameters", []) if p.get("in") == "path"}
            found.append(pytest.param(op, params, product, id=f"{op.method.upper()} {op.path}"))
    return found


OPERATIONS = _operations()


@pytest.mark.skipif(not OPERATIONS, reason="twilio-oai specs not found (set TWILIO_OAI_DIR)")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("op,path_patterns,product", OPERATIONS)
def test_generated_requests_get_no_5xx_and_conforming_answers(emulator, world, op, path_patterns, product, mode):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        for name, pattern in path_patterns.items():
            if name == "AccountSid":
                case.path_parameters[name] = MAIN
                continue
            known = world.get(pattern[1:3], []) if pattern.startswith("^") else []
            if op.path.startswith("/2010-04-01/Accounts/{Sid}"):
                known = world["AC"]  # never the main account itself (closing it would end the run)
            if known and data.draw(st.integers(0, 3), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
        case.body, case.query = loopback_only(case.body), loopback_only(case.query)
        # Under the product's path prefix: a path two products have (/v1/Services) goes to the spec's product.
        response = case.call(base_url=f"{emulator.base_url}/{product}", auth=(MAIN, TOKEN))
        FIGURES["requests"] += 1
        FIGURES[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    run()
    assert emulator.emulator.internal_errors == []


def teardown_module() -> None:
    if FIGURES["requests"]:
        print(f"\nschema fuzz: {FIGURES['requests']} requests over {len(OPERATIONS)} operations x 2 modes, "
              f"{dict((k, v) for k, v in sorted(FIGURES.items()) if k.endswith('xx'))}, "
              f"internal errors {FIGURES['internal errors']}")
