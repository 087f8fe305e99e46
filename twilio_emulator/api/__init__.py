"""Twilio's REST wire format. Only this package knows PascalCase params, JSON field names, date formats,
list envelopes and the error JSON. PRODUCTS is the one registry: a Twilio product (api/products.py) and
its resource modules; adding a product is one line here."""
from __future__ import annotations

from aiohttp import web

from .context import EMULATOR
from .errors import twilio_api
from .content_v1 import content
from .conversations_v1 import (configuration as conversations_configuration, conversations,
                               messages as conversation_messages, participants, people as conversation_people,
                               services as conversation_services,
                               webhooks as conversation_webhooks)
from .lookups_v1 import phone_numbers as lookups_v1
from .lookups_v2 import phone_numbers as lookups_v2
from .messaging_v1 import senders, services
from .messaging_v2 import senders as channel_senders
from .monitor_v1 import alerts
from .products import Product, host_check, prefix_check, prefixed_routes, routes
from .routing import add_unmatched
from .verify_v2 import services as verify_services, verifications as verify_verifications
from .v2010 import (accounts, applications, available_phone_numbers, calls, incoming_phone_numbers, keys,
                    media, messages, outgoing_caller_ids, recordings, short_codes)

# Each product's modules in the order their routes are tried: the hot path (Messages) first.
PRODUCTS = (
    Product("api", (messages, media, incoming_phone_numbers, available_phone_numbers, short_codes, keys, accounts,
                    outgoing_caller_ids, applications, calls, recordings)),
    Product("messaging", (services, senders, channel_senders)),
    Product("monitor", (alerts,)),
    Product("lookups", (lookups_v2, lookups_v1)),
    Product("content", (content,)),
    Product("conversations", (conversations, participants, conversation_messages, conversation_webhooks,
                              conversations_configuration, conversation_people, conversation_services)),
    Product("verify", (verify_verifications, verify_services)),
)


def add_routes(app: web.Application) -> None:
    """Every product's routes, each handler wrapped in api.errors.twilio_api (credentials unless the handler
    is public, Twilio's error JSON) and refusing a host that names another product."""
    emu, known = app[EMULATOR], frozenset(p.name for p in PRODUCTS)
    for method, path, handler, owners in routes(PRODUCTS):
        app.router.add_route(method, path, twilio_api(handler, emu, host_check(owners, known)))
    for method, path, handler, product in prefixed_routes(PRODUCTS):  # after every plain route: hot paths first
        app.router.add_route(method, path, twilio_api(handler, emu, prefix_check(product)))


def add_unmatched_route(app: web.Application) -> None:
    """After every other resource and sub-application: unknown paths and methods answer Twilio's 404/405."""
    add_unmatched(app.router, _wrapper(app), public=True)


def route_table() -> list[tuple[str, str, str]]:
    """(host, method, path) of every route, as `twilio-emulator routes` prints them."""
    return [(", ".join(p.host for p in owners), method, path) for method, path, _, owners in routes(PRODUCTS)]


def _wrapper(app: web.Application):
    emu = app[EMULATOR]
    return lambda handler: twilio_api(handler, emu)
