"""Twilio's REST wire format. Only this package knows PascalCase params, JSON field names, date formats,
list envelopes and the error JSON. RESOURCES is the one registry of resource modules."""
from __future__ import annotations

from aiohttp import web

from .messaging_v1 import senders, services
from .monitor_v1 import alerts
from .v2010 import accounts, available_phone_numbers, incoming_phone_numbers, keys, media, messages, short_codes

# Routes are tried in this order: the hot path (Messages) first.
RESOURCES = (messages, media, incoming_phone_numbers, available_phone_numbers, short_codes, keys, accounts, services,
             senders, alerts)


def add_routes(app: web.Application) -> None:
    for module in RESOURCES:
        app.router.add_routes(module.routes)
