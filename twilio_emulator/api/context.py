"""Typed aiohttp keys shared by the api package and server.py."""
from aiohttp import web

from ..domain.accounts import Account
from ..engine import Emulator

EMULATOR = web.AppKey("emulator", Emulator)
_RequestKey = getattr(web, "RequestKey", None)  # aiohttp >= 3.14; plain strings before
# The Account whose credentials were presented, and the Account the path names (checked against it).
PRINCIPAL = _RequestKey("principal", Account) if _RequestKey else "twilio_emulator.principal"
ACCOUNT = _RequestKey("account", Account) if _RequestKey else "twilio_emulator.account"
# What a handler adds to its activity-log line (e.g. the SID it created), so that one call is one line.
NOTE = _RequestKey("note", str) if _RequestKey else "twilio_emulator.note"
# The product a request named by its path prefix (`/messaging/v1/Services`): "/messaging", kept in the links
# the answer carries (api.render.base_url), so that they lead back to the same product.
PREFIX = _RequestKey("prefix", str) if _RequestKey else "twilio_emulator.prefix"
