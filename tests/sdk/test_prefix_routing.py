"""One-line routing: every product also answers under its name as a path prefix (`/messaging/v1/Services`,
`/api/2010-04-01/…`), so a client that only rewrites `https://(product).twilio.com` to
`http://emulator/(product)`, with no X-Forwarded-Host, reaches every product, edge and region hosts included,
and the SDK's paging links stay on the emulator."""
from __future__ import annotations

import re

import pytest
import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

# The rewrite a user writes once: the product is the host's first label (api.dublin.ie1.twilio.com -> api).
TWILIO = re.compile(r"^https://([a-z]+)(?:\.[a-z0-9-]+)*\.twilio\.com")


class OneLineRewrite(TwilioHttpClient):
    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        return super().request(method, TWILIO.sub(self.base_url + r"/\1", url), *args, **kwargs)


@pytest.fixture
def rewritten(server, account):
    return Client(*account, http_client=OneLineRewrite(server.base_url))


def test_messages_services_and_lookup_through_the_rewrite_alone(rewritten):
    number = rewritten.incoming_phone_numbers.create(area_code="415").phone_number
    sent = [rewritten.messages.create(to="+14155550144", from_=number, body=f"#{i}").sid for i in range(3)]
    assert [m.sid for m in rewritten.messages.list(to="+14155550144", page_size=1)] == sent[::-1]  # three pages
    made = [rewritten.messaging.v1.services.create(friendly_name=f"s{i}").sid for i in range(3)]
    assert sorted(s.sid for s in rewritten.messaging.v1.services.list(page_size=1)) == sorted(made)
    found = rewritten.lookups.v2.phone_numbers("+14155550144").fetch(fields="line_type_intelligence")
    assert found.valid and found.line_type_intelligence["type"] == "mobile"


def test_edge_and_region_hosts_work_the_same_way(server, account):
    client = Client(*account, http_client=OneLineRewrite(server.base_url), edge="dublin", region="ie1")
    assert client.api.v2010.accounts(account[0]).fetch().sid == account[0]
    assert client.messaging.v1.services.create(friendly_name="edge").sid.startswith("MG")


def test_the_prefix_names_the_product_and_its_links_keep_it(server, account):
    auth = account
    for name in ("a", "b"):
        requests.post(f"{server.base_url}/messaging/v1/Services", auth=auth, data={"FriendlyName": name}, timeout=10)
    page = requests.get(f"{server.base_url}/messaging/v1/Services", params={"PageSize": 1}, auth=auth, timeout=10)
    meta = page.json()["meta"]
    assert meta["next_page_url"].startswith(f"{server.base_url}/messaging/v1/Services?")
    assert requests.get(meta["next_page_url"], auth=auth, timeout=10).json()["meta"]["page"] == 1
    listed = requests.get(f"{server.base_url}/api/2010-04-01/Accounts/{auth[0]}/Messages.json", auth=auth,
                          params={"PageSize": 1}, timeout=10).json()
    assert listed["uri"].startswith(f"/2010-04-01/Accounts/{auth[0]}/Messages.json")  # Twilio's own uri
    wrong = requests.get(f"{server.base_url}/lookups/v1/Services", auth=auth, timeout=10)
    assert wrong.status_code == 404 and wrong.json()["code"] == 20404
