"""Twilio products as the unit of the REST API (issue 15): every route of every product wants credentials
(401/20003, never a 500), and the Twilio host a request names picks its product."""
from __future__ import annotations

import re

import pytest
import requests
from click.testing import CliRunner

from twilio_emulator.api import PRODUCTS, route_table
from twilio_emulator.cli import main

SAMPLE = {"AccountSid": "AC" + "0" * 32, "Sid": "XX" + "0" * 32, "ServiceSid": "MG" + "0" * 32,
          "MessageSid": "MM" + "0" * 32, "CountryCode": "US", "PhoneNumber": "+14155550100",
          "Type": "Local"}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLE.get(m.group(1), "x"), path)


@pytest.mark.parametrize("host,method,path", route_table())
def test_every_route_wants_credentials(server, host, method, path):
    answer = requests.request(method, server.base_url + concrete(path), timeout=10,
                              headers={"X-Forwarded-Host": host.split(", ")[0]})
    if path.endswith("/Media/{Sid}") or "/Recordings/{Sid:" in path:  # media and recordings: public, as Twilio
        # serves them by default
        assert answer.status_code == 404
        return
    assert answer.status_code == 401, (method, path, answer.text)
    assert answer.json()["code"] == 20003


def test_the_host_picks_the_product(server, main_client):
    services = f"{server.base_url}/v1/Services"
    auth = (main_client.username, main_client.password)
    assert requests.get(services, auth=auth, timeout=10).status_code == 200  # no Twilio host: by path
    assert requests.get(services, auth=auth, headers={"X-Forwarded-Host": "messaging.twilio.com"},
                        timeout=10).status_code == 200
    wrong = requests.get(services, auth=auth, headers={"X-Forwarded-Host": "monitor.twilio.com"}, timeout=10)
    assert (wrong.status_code, wrong.json()["code"]) == (404, 20404)
    other = requests.get(services, auth=auth, headers={"X-Forwarded-Host": "sync.twilio.com"},
                         timeout=10)
    assert other.status_code == 404 and "sync.twilio.com is not emulated" in other.json()["message"]
    theirs = requests.get(services, auth=auth, headers={"X-Forwarded-Host": "conversations.twilio.com"}, timeout=10)
    assert theirs.status_code == 200 and theirs.json()["services"][0]["sid"].startswith("IS")  # Conversations'
    edge = requests.get(f"{server.base_url}/2010-04-01/Accounts/{auth[0]}.json", auth=auth, timeout=10,
                        headers={"X-Forwarded-Host": "api.dublin.ie1.twilio.com"})  # TWILIO_EDGE/REGION hosts
    assert edge.status_code == 200


def test_the_sdk_reaches_each_product_through_its_host(client):
    assert client.messaging.v1.services.list() == []  # messaging.twilio.com
    assert client.monitor.v1.alerts.list() == []  # monitor.twilio.com
    assert client.messages.list() == []  # api.twilio.com


def test_routes_lists_every_route_with_its_host():
    listed = CliRunner().invoke(main, ["routes"])
    assert listed.exit_code == 0
    table, _, footer = listed.output.partition("\n\n")
    lines = table.splitlines()
    assert len(lines) == len(route_table())
    assert "path prefix" in footer and "/messaging/v1/Services" in footer
    rows = [re.match(r"(\S+(?:, \S+)*)\s+(\S+)\s+(\S+)$", line).groups() for line in lines]
    assert {host for hosts, _, _ in rows for host in hosts.split(", ")} == {p.host for p in PRODUCTS}
    assert ("api.twilio.com", "POST", "/2010-04-01/Accounts/{AccountSid}/Messages.json") in rows
    assert ("messaging.twilio.com, conversations.twilio.com", "GET", "/v1/Services") in rows  # a shared path
