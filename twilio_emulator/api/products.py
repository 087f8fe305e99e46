"""Twilio products as the unit of the REST API: each one is a host (`api.twilio.com`, `messaging.twilio.com` …)
with its resource modules, and every route it registers is authenticated by construction (api.errors
twilio_api: a handler is reached without credentials only when it is marked `public`).

Routing. Twilio tells its products apart by host; the SDK helpers (sdk.py, the README's Node recipe) keep the
host in `X-Forwarded-Host` when they send every request to the emulator. A request whose host names a
Twilio product gets that product's route or a 404 (a messaging path asked of lookups.twilio.com is not
found, as on Twilio; a product the emulator does not have says so). A request without a Twilio host (curl,
a hand-written client with one base URL, Prism setups) is routed by its path alone; where two products have
the same path, the host decides, and without one the answer is a 404 that asks for it. No path of the
emulated products collides (`twilio-emulator routes` lists them); Twilio's others do (`/v1/Services` is also
Conversations', Notify's and Sync's), which is why the host wins whenever it is given.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable

from aiohttp import web

from ..domain.errors import TwilioError
from .context import PREFIX

TWILIO_DOMAIN = "twilio.com"


@dataclass(frozen=True)
class Product:
    name: str  # the host's first label: api, messaging, monitor, lookups …
    modules: tuple[ModuleType, ...]  # resource modules, each with a `routes` RouteTableDef; hot paths first

    @property
    def host(self) -> str:
        return f"{self.name}.{TWILIO_DOMAIN}"


class NotEmulated(TwilioError):
    code, status = 20404, 404


_PRODUCT_OF: dict[str, str | None] = {}  # host header as given -> twilio_product's answer
_UNSEEN = object()


def twilio_product(request: web.Request) -> str | None:
    """The product a request was meant for, from the Twilio host it names (X-Forwarded-Host, else Host);
    None when it names none (a request made straight to the emulator's address). Edge and region hosts
    (`api.sydney.au1.twilio.com`) name their product by the first label too."""
    headers = request.headers
    given = headers.get("X-Forwarded-Host") or headers.get("Host") or ""
    product = _PRODUCT_OF.get(given, _UNSEEN)
    if product is _UNSEEN:
        host = given.split(":", 1)[0].lower()
        product = host.split(".", 1)[0] if host.endswith("." + TWILIO_DOMAIN) else None
        if len(_PRODUCT_OF) < 256:  # a client names a handful of hosts: remember them (every request asks)
            _PRODUCT_OF[given] = product
    return product


def routes(products: Iterable[Product]) -> list[tuple[str, str, Callable, tuple[Product, ...]]]:
    """Every (method, path, handler, products) to register: one entry per method and path; a path that several
    products have gets a handler that picks by host (`by_host`)."""
    owners: dict[tuple[str, str], list[tuple[Product, Callable]]] = defaultdict(list)
    for product in products:
        for module in product.modules:
            for route in module.routes:
                if isinstance(route, web.RouteDef):
                    owners[(route.method, route.path)].append((product, route.handler))
    out = []
    for (method, path), found in owners.items():
        handler = found[0][1] if len(found) == 1 else by_host(path, {p.name: h for p, h in found})
        out.append((method, path, handler, tuple(p for p, _ in found)))
    return out


def prefixed_routes(products: Iterable[Product]) -> list[tuple[str, str, Callable, Product]]:
    """The same routes under each product's name as a path prefix (`/messaging/v1/Services`,
    `/api/2010-04-01/…`): the prefix names the product, so one rewrite of `https://(product).twilio.com` to
    `http://emulator/(product)` reaches every product, with any client and no header. (method, path, handler,
    product)."""
    return [(route.method, f"/{product.name}{route.path}", route.handler, product)
            for product in products for module in product.modules for route in module.routes
            if isinstance(route, web.RouteDef)]


def prefix_check(product: Product) -> Callable[[web.Request], None]:
    """For a prefixed route: the prefix is the product (it wins over a host header); the answer's links keep it."""
    prefix = "/" + product.name

    def check(request: web.Request) -> None:
        request[PREFIX] = prefix
    return check


def host_check(owners: tuple[Product, ...], known: frozenset[str]) -> Callable[[web.Request], None]:
    """For a route of `owners`: raises the 404 Twilio answers when the request's host names another Twilio
    product (called by the route's wrapper, api.errors.twilio_api: no coroutine of its own on the hot path)."""
    names = frozenset(p.name for p in owners)

    def check(request: web.Request) -> None:
        wanted = twilio_product(request)
        if wanted is not None and wanted not in names:
            raise not_here(request, wanted, known)
    return check


def not_here(request: web.Request, wanted: str, known: frozenset[str]) -> TwilioError:
    if wanted not in known:
        return NotEmulated(f"The requested resource {request.path} was not found: {wanted}.{TWILIO_DOMAIN} is "
                           "not emulated (twilio-emulator routes lists what is)")
    return NotEmulated(f"The requested resource {request.path} was not found on {wanted}.{TWILIO_DOMAIN}")


# Without a Twilio host, a shared path that names a SID goes to the product of its prefix (reference
# twilio-conversations §0: /v1/Services/MG… is Messaging's, /v1/Services/IS… Conversations'); the bare collection
# stays with the product listed first (Messaging's /v1/Services, as before Conversations existed), and so does a
# SID of no product's prefix (Messaging answers it as it always has).
SID_PRODUCTS = {"MG": "messaging", "IS": "conversations"}


def by_host(path: str, handlers: dict[str, Callable]) -> Callable:
    async def shared_path(request: web.Request) -> web.StreamResponse:
        wanted = twilio_product(request)
        if wanted is None:
            named = {SID_PRODUCTS.get(v[:2]) for v in request.match_info.values()} & set(handlers)
            wanted = named.pop() if len(named) == 1 else next(iter(handlers))
        if wanted in handlers:
            return await handlers[wanted](request)
        raise NotEmulated(f"{path} is a path of {', '.join(f'{n}.{TWILIO_DOMAIN}' for n in sorted(handlers))}: "
                          "send the Twilio host in X-Forwarded-Host (the SDK helpers do) to say which")
    shared_path.public = all(getattr(h, "public", False) for h in handlers.values())
    return shared_path
