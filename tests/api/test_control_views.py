"""The control API's views (issue 17, what the inspector reads) over raw HTTP: each answers what it says
for the account asked about and no other, refuses a bad query with the control API's error, and the
scenario export loads back into an empty account."""
from __future__ import annotations

import requests

import twilio_emulator


def control(server, path, **kwargs):
    return requests.get(f"{server.base_url}/_emulator/v1{path}", timeout=10, **kwargs)


def test_phones_messages_and_detail_are_the_accounts_own(server, client, account, number):
    other = twilio_emulator.client(server.base_url)  # the main account: must not show up
    other_number = other.incoming_phone_numbers.create(area_code="415").phone_number
    other.messages.create(from_=other_number, to="+14155550198", body="not yours")
    mine = [client.messages.create(from_=number, to="+14155550197", body=f"invoice {i}") for i in range(3)]
    query = {"account_sid": account[0]}
    phones = control(server, "/phones", params=query).json()["phones"]
    assert [(p["address"], p["last"]["sid"]) for p in phones] == [("+14155550197", mine[-1].sid)]
    page = control(server, "/messages", params={**query, "limit": 2}).json()
    assert [m["sid"] for m in page["messages"]] == [mine[2].sid, mine[1].sid] and page["next"] == mine[1].sid
    rest = control(server, "/messages", params={**query, "before": page["next"]}).json()
    assert [m["sid"] for m in rest["messages"]] == [mine[0].sid] and rest["next"] is None
    found = control(server, "/messages", params={**query, "q": "INVOICE 1", "direction": "outbound",
                                                 "number": "+14155550197"}).json()["messages"]
    assert [m["sid"] for m in found] == [mine[1].sid]
    detail = control(server, f"/messages/{mine[0].sid}/detail", params=query).json()
    assert detail["message"]["sid"] == mine[0].sid and detail["timeline"][0]["status"] == "queued"
    assert control(server, f"/messages/{mine[0].sid}/detail").status_code == 404  # not the main account's


def test_bad_queries_are_400_and_unknown_accounts_404(server, account):
    for params in ({"status": "lost"}, {"direction": "sideways"}, {"limit": "0"}, {"limit": "x"}):
        answer = control(server, "/messages", params={"account_sid": account[0], **params})
        assert answer.status_code == 400 and answer.json()["status"] == 400, params
    assert control(server, "/phones", params={"account_sid": "AC" + "0" * 32}).status_code == 404
    bad = requests.post(f"{server.base_url}/_emulator/v1/scenario", json={"toml": "[[numbers]\n"}, timeout=10)
    assert bad.status_code == 400 and "not valid TOML" in bad.json()["error"]
    stream = requests.get(f"{server.base_url}/_emulator/v1/messages/stream", params={"events": "everything"},
                          timeout=10)
    assert stream.status_code == 400


def test_the_export_loads_back_as_a_scenario(server, main_client, client, account, number):
    service = client.messaging.v1.services.create(friendly_name="Exported", sticky_sender=False)
    sid = client.incoming_phone_numbers.list(phone_number=number)[0].sid
    client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=sid)
    doc = control(server, "/scenario", params={"account_sid": account[0]}).json()
    assert doc["numbers"][0]["phone_number"] == number
    assert doc["services"][0] == {"friendly_name": "Exported", "sticky_sender": False, "phone_numbers": [number]}
    fresh = main_client.api.v2010.accounts.create(friendly_name="restore")
    client.incoming_phone_numbers(sid).delete()  # the number is free again: the scenario buys it back
    loaded = requests.post(f"{server.base_url}/_emulator/v1/scenario", timeout=10,
                           json={"scenario": doc, "account_sid": fresh.sid}).json()
    assert (loaded["loaded"]["numbers"], loaded["loaded"]["services"]) == (1, 1)
