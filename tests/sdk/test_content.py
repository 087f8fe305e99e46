"""Content API v1 through the official SDK (issue 16): create, fetch, list, update, delete; WhatsApp approval
requests decided on the virtual clock (or by the control API); ContentAndApprovals; malformed templates."""
from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest.content.v1.content import ContentList
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

TYPES = {
    "twilio/text": {"body": "Hi {{1}}, your order {{2}} is on its way."},
    # Media on loopback, where nothing listens: the download fails at once and nothing leaves the machine.
    "twilio/media": {"body": "Your receipt, {{1}}", "media": ["http://127.0.0.1:9/receipts/{{2}}.pdf"]},
    "twilio/quick-reply": {"body": "Hi {{1}}, rate us?", "actions": [{"title": "Good", "id": "good"},
                                                                     {"title": "Bad", "id": "bad"}]},
    "twilio/call-to-action": {"body": "Track {{2}}", "actions": [{"type": "URL", "title": "Track",
                                                                  "url": "https://example.com/t/{{2}}"}]},
    "twilio/card": {"title": "Order {{2}}", "subtitle": "Thanks, {{1}}", "media": ["http://127.0.0.1:9/c.png"]},
}


def create(client, types=None, **more):
    return client.content.v1.contents.create(ContentList.ContentCreateRequest({
        "friendly_name": "order", "language": "en", "variables": {"1": "Ann", "2": "A1"}, "types": types or TYPES,
        **more}))


def test_templates_are_created_fetched_listed_updated_and_deleted(client):
    content = create(client)
    assert content.sid.startswith("HX") and content.language == "en" and content.friendly_name == "order"
    assert content.types == TYPES and content.variables == {"1": "Ann", "2": "A1"}
    assert content.links["approval_fetch"].endswith(f"/v1/Content/{content.sid}/ApprovalRequests")
    assert content.date_created is not None
    assert client.content.v1.contents(content.sid).fetch().types == TYPES
    other = create(client, {"twilio/text": {"body": "Plain"}})
    assert {c.sid for c in client.content.v1.contents.list()} == {content.sid, other.sid}
    updated = client.content.v1.contents(other.sid).update(ContentList.ContentUpdateRequest(
        {"language": "es", "types": {"twilio/text": {"body": "Hola"}}}))
    assert (updated.language, updated.types) == ("es", {"twilio/text": {"body": "Hola"}})
    assert client.content.v1.contents(other.sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        client.content.v1.contents(other.sid).fetch()
    assert err.value.status == 404


def test_a_whatsapp_approval_is_received_then_decided_on_the_clock(server, client, manual_clock):
    content = create(client)
    api = client.content.v1.contents(content.sid)
    assert api.approval_fetch().fetch().whatsapp["status"] == "unsubmitted"
    submitted = api.approval_create.create(ApprovalCreateList.ContentApprovalRequest(
        {"name": "order_update", "category": "UTILITY"}))
    assert (submitted.name, submitted.category, submitted.status) == ("order_update", "UTILITY", "received")
    server.call(manual_clock.advance, 1)
    fetched = api.approval_fetch().fetch()
    assert (fetched.sid, fetched.whatsapp["status"], fetched.whatsapp["name"]) == (content.sid, "approved",
                                                                                     "order_update")
    with pytest.raises(TwilioRestException) as err:  # docs errors/92009
        api.approval_create.create(ApprovalCreateList.ContentApprovalRequest(
            {"name": "order_update", "category": "UTILITY"}))
    assert err.value.code == 92009
    both = client.content.v1.content_and_approvals.list()
    assert [(c.sid, c.approval_requests["status"]) for c in both] == [(content.sid, "approved")]


def test_the_control_api_decides_an_approval_as_whatsapp_would(server, client):
    content = create(client)
    decided = requests.post(f"{server.base_url}/_emulator/v1/content/{content.sid}/approval", timeout=10,
                            json={"status": "rejected", "rejection_reason": "Too promotional"})
    assert decided.json() == {"sid": content.sid, "status": "rejected"}
    whatsapp = client.content.v1.contents(content.sid).approval_fetch().fetch().whatsapp
    assert (whatsapp["status"], whatsapp["rejection_reason"]) == ("rejected", "Too promotional")
    bad = requests.post(f"{server.base_url}/_emulator/v1/content/{content.sid}/approval", json={"status": "ok"},
                        timeout=10)
    assert bad.status_code == 400 and "status" in bad.json()["error"]


@pytest.mark.parametrize("body,code", [
    ({"types": {"twilio/text": {"body": "x"}}}, 20001),  # no language
    ({"language": "en"}, 20001),  # no types
    ({"language": "en", "types": {}}, 20001),
    ({"language": "en", "types": {"twilio/button": {"body": "x"}}}, 92008),
    ({"language": "en", "types": {"twilio/whatever": {"body": "x"}}}, 20001),
    ({"language": "en", "types": {"twilio/quick-reply": {"body": "x"}}}, 20001),  # actions required
    ({"language": "en", "types": {"twilio/text": {"body": 5}}}, 20001),
])
def test_a_malformed_template_is_refused_naming_what_is_wrong(server, account, body, code):
    answer = requests.post(f"{server.base_url}/v1/Content", json=body, auth=account, timeout=10,
                           headers={"X-Forwarded-Host": "content.twilio.com"})
    assert answer.status_code == 400 and answer.json()["code"] == code, answer.text
    listed = requests.get(f"{server.base_url}/v1/Content", auth=account, timeout=10).json()
    assert listed["contents"] == [] and listed["meta"]["key"] == "contents"


def test_each_channel_gets_its_type_and_the_values(server, client, number):
    content = create(client)
    sms = client.messages.create(from_=number, to="+14155550161", content_sid=content.sid)
    assert (sms.body, sms.num_media) == ("Your receipt, Ann", "1")  # SMS/MMS: twilio/media, with its media
    media = client.messages(sms.sid).media.list()
    assert len(media) == 1
    text_only = create(client, {"twilio/text": {"body": "Hi {{1}}"}, "twilio/location": {"latitude": 1.5,
                                                                                        "longitude": 2.5}})
    assert client.messages.create(from_=number, to="+14155550161", content_sid=text_only.sid).body == "Hi Ann"
    rich_only = create(client, {"twilio/quick-reply": TYPES["twilio/quick-reply"]})
    with pytest.raises(TwilioRestException) as err:  # docs errors/19023: nothing an SMS can carry
        client.messages.create(from_=number, to="+14155550161", content_sid=rich_only.sid)
    assert err.value.code == 19023
