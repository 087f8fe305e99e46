"""Accounts, subaccounts and API keys through the official SDK; isolation between accounts."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

import twilio_emulator
from twilio_emulator import DEFAULT_ACCOUNT_SID


def test_fetch_own_account(main_client):
    a = main_client.api.v2010.accounts(DEFAULT_ACCOUNT_SID).fetch()
    assert a.sid == DEFAULT_ACCOUNT_SID and a.status == "active" and a.type == "Full"
    assert a.subresource_uris["messages"] == f"/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/Messages.json"


def test_create_list_fetch_update_subaccount(main_client):
    sub = main_client.api.v2010.accounts.create(friendly_name="worker-1")
    assert sub.sid.startswith("AC") and sub.owner_account_sid == DEFAULT_ACCOUNT_SID and len(sub.auth_token) == 32
    assert sub.friendly_name == "worker-1"
    listed = [a.sid for a in main_client.api.v2010.accounts.list(friendly_name="worker-1")]
    assert listed == [sub.sid]
    assert main_client.api.v2010.accounts(sub.sid).fetch().friendly_name == "worker-1"
    renamed = main_client.api.v2010.accounts(sub.sid).update(friendly_name="worker-one")
    assert renamed.friendly_name == "worker-one"
    suspended = main_client.api.v2010.accounts(sub.sid).update(status="suspended")
    assert suspended.status == "suspended"
    assert sub.sid in [a.sid for a in main_client.api.v2010.accounts.list(status="suspended")]


def test_default_subaccount_name(main_client):
    assert main_client.api.v2010.accounts.create().friendly_name.startswith("SubAccount Created at ")


def test_subaccount_credentials_see_only_their_own_account(server, client, account):
    listed = [a.sid for a in client.api.v2010.accounts.list()]
    assert listed == [account[0]]
    with pytest.raises(TwilioRestException) as exc:
        client.api.v2010.accounts(DEFAULT_ACCOUNT_SID).fetch()
    assert (exc.value.status, exc.value.code) == (401, 20003)


def test_parent_credentials_reach_subaccount_resources(main_client, client, account, number):
    m = client.messages.create(to="+14155550199", from_=number, body="from the sub")
    via_parent = main_client.api.v2010.accounts(account[0]).messages(m.sid).fetch()
    assert via_parent.body == "from the sub"
    # ...but the parent's own list does not include the subaccount's messages.
    assert m.sid not in [x.sid for x in main_client.messages.list(limit=200)]


def test_closed_account_can_no_longer_authenticate(server, main_client):
    sub = main_client.api.v2010.accounts.create(friendly_name="to close")
    main_client.api.v2010.accounts(sub.sid).update(status="closed")
    closed = twilio_emulator.client(server.base_url, sub.sid, sub.auth_token)
    with pytest.raises(TwilioRestException) as exc:
        closed.api.v2010.accounts(sub.sid).fetch()
    assert exc.value.status == 401


def test_invalid_account_status_is_refused(main_client, account):
    with pytest.raises(TwilioRestException) as exc:
        main_client.api.v2010.accounts(account[0]).update(status="deleted")
    assert exc.value.status == 400
    assert main_client.api.v2010.accounts(account[0]).fetch().status == "active"


def test_api_key_create_shows_secret_once(client):
    key = client.new_keys.create(friendly_name="ci")
    assert key.sid.startswith("SK") and len(key.secret) == 32 and key.friendly_name == "ci"
    fetched = client.keys(key.sid).fetch()
    assert fetched.friendly_name == "ci" and not hasattr(fetched, "secret")
    assert [k.sid for k in client.keys.list()] == [key.sid]


def test_api_key_authenticates_for_its_account(server, client, account, number):
    key = client.new_keys.create(friendly_name="app")
    with_key = twilio_emulator.client(server.base_url, key.sid, key.secret, account_sid=account[0])
    m = with_key.messages.create(to="+14155550199", from_=number, body="via key")
    assert m.account_sid == account[0]
    wrong = twilio_emulator.client(server.base_url, key.sid, "not-the-secret", account_sid=account[0])
    with pytest.raises(TwilioRestException) as exc:
        wrong.messages.create(to="+14155550199", from_=number, body="via a bad key")
    assert (exc.value.status, exc.value.code) == (401, 20003)


def test_api_key_update_and_delete_revokes_it(server, client, account):
    key = client.new_keys.create(friendly_name="old")
    assert client.keys(key.sid).update(friendly_name="new").friendly_name == "new"
    assert client.keys(key.sid).delete() is True
    revoked = twilio_emulator.client(server.base_url, key.sid, key.secret, account_sid=account[0])
    with pytest.raises(TwilioRestException) as exc:
        revoked.api.v2010.accounts(account[0]).fetch()
    assert exc.value.status == 401
    with pytest.raises(TwilioRestException) as exc:
        client.keys(key.sid).fetch()
    assert exc.value.code == 20404


def test_api_key_of_one_account_cannot_reach_another(server, client, main_client):
    key = client.new_keys.create()
    other = main_client.api.v2010.accounts.create(friendly_name="other")
    stranger = twilio_emulator.client(server.base_url, key.sid, key.secret, account_sid=other.sid)
    with pytest.raises(TwilioRestException) as exc:
        stranger.api.v2010.accounts(other.sid).fetch()
    assert (exc.value.status, exc.value.code) == (401, 20003)
