"""Typed aiohttp keys shared by the api package and server.py."""
from aiohttp import web

from ..domain.accounts import Account
from ..engine import Emulator

EMULATOR = web.AppKey("emulator", Emulator)
PRINCIPAL = "twilio_emulator.principal"  # request key: the Account whose credentials were presented
ACCOUNT = "twilio_emulator.account"  # request key: the Account the path names (checked against PRINCIPAL)
