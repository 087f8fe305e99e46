"""Wire format for Accounts (the main account and its subaccounts)."""
from __future__ import annotations

from aiohttp import web

from ...domain.accounts import ACCOUNT_STATUSES, Account
from ...engine import accounts
from ..context import EMULATOR, PRINCIPAL
from ..forms import Form
from ..paging import in_memory, json_response, list_response, present
from ..render import account_uri, rfc2822

routes = web.RouteTableDef()

# The subresources Twilio lists on an Account (spec fetch example), relative to api.twilio.com.
_SUBRESOURCES = {
    "available_phone_numbers": "/AvailablePhoneNumbers.json", "calls": "/Calls.json",
    "conferences": "/Conferences.json", "incoming_phone_numbers": "/IncomingPhoneNumbers.json",
    "notifications": "/Notifications.json", "outgoing_caller_ids": "/OutgoingCallerIds.json",
    "recordings": "/Recordings.json", "transcriptions": "/Transcriptions.json", "addresses": "/Addresses.json",
    "signing_keys": "/SigningKeys.json", "connect_apps": "/ConnectApps.json", "sip": "/SIP.json",
    "authorized_connect_apps": "/AuthorizedConnectApps.json", "usage": "/Usage.json", "keys": "/Keys.json",
    "applications": "/Applications.json", "short_codes": "/SMS/ShortCodes.json", "queues": "/Queues.json",
    "messages": "/Messages.json", "balance": "/Balance.json",
}


def account_json(a: Account) -> dict:
    return {
        "auth_token": a.auth_token,
        "date_created": rfc2822(a.date_created),
        "date_updated": rfc2822(a.date_updated),
        "friendly_name": a.friendly_name,
        "owner_account_sid": a.owner_account_sid or a.sid,  # Twilio: a main account owns itself (spec example)
        "sid": a.sid,
        "status": a.status,
        "subresource_uris": {k: account_uri(a.sid, v) for k, v in _SUBRESOURCES.items()},
        "type": a.type,
        "uri": account_uri(a.sid, ".json"),
    }


@routes.get("/2010-04-01/Accounts.json")
async def list_accounts(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = accounts.visible_accounts(request.app[EMULATOR], request[PRINCIPAL], form.get("FriendlyName"),
                                      form.choice("Status", ACCOUNT_STATUSES))
    return await list_response(request, form, "accounts", present(form, "FriendlyName", "Status"),
                               in_memory(found), account_json)


@routes.post("/2010-04-01/Accounts.json")
async def create_account(request: web.Request) -> web.Response:
    form = await Form.read(request)
    account = await accounts.create_subaccount(request.app[EMULATOR], request[PRINCIPAL], form.get("FriendlyName"))
    return json_response(account_json(account), status=201)


def _target(request: web.Request) -> Account:
    return accounts.resolve(request.app[EMULATOR], request[PRINCIPAL], request.match_info["Sid"])


@routes.get("/2010-04-01/Accounts/{Sid}.json")
async def fetch_account(request: web.Request) -> web.Response:
    return json_response(account_json(_target(request)))


@routes.post("/2010-04-01/Accounts/{Sid}.json")
async def update_account(request: web.Request) -> web.Response:
    form = await Form.read(request)
    account = await accounts.update_account(request.app[EMULATOR], _target(request), form.get("FriendlyName"),
                                            form.get("Status"))
    return json_response(account_json(account))
