"""Twilio's REST wire format. Only this package knows PascalCase params, JSON field names, date formats,
list envelopes and the error JSON. RESOURCES is the one registry of resource modules."""
from __future__ import annotations

from aiohttp import web

from .context import EMULATOR
from .errors import twilio_api
from .messaging_v1 import senders, services
from .monitor_v1 import alerts
from .routing import add_unmatched, add_wrapped
from .v2010 import (accounts, available_phone_numbers, incoming_phone_numbers, keys, media, messages,
                    outgoing_caller_ids, short_codes)

# Routes are tried in this order: the hot path (Messages) first.
RESOURCES = (messages, media, incoming_phone_numbers, available_phone_numbers, short_codes, keys, accounts, services,
             senders, alerts, outgoing_caller_ids)


def add_routes(app: web.Application) -> None:
    """Every resource's routes, each handler wrapped in api.errors.twilio_api (auth and Twilio's error JSON)."""
    for module in RESOURCES:
        add_wrapped(app.router, module.routes, _wrapper(app))


def add_unmatched_route(app: web.Application) -> None:
    """After every other resource and sub-application: unknown paths and methods answer Twilio's 404/405."""
    add_unmatched(app.router, _wrapper(app))


def _wrapper(app: web.Application):
    limit = app[EMULATOR].settings.max_body_bytes
    return lambda handler: twilio_api(handler, limit)
