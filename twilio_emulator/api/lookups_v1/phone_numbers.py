"""Wire format for Lookup v1 PhoneNumbers (spec lookups.v1.phone_number): an invalid number is a 404 (captured,
reference twilio-more §4.1), `carrier` and `caller_name` are objects only when `Type` asks for them."""
from __future__ import annotations

from aiohttp import web

from ...domain import lookups
from ...domain.errors import INVALID_PARAMETER, NotFound, error
from ...engine import lookups as engine
from ..context import EMULATOR
from ..forms import Form
from ..paging import json_response
from ..render import base_url

routes = web.RouteTableDef()
BASE = "/v1/PhoneNumbers"


@routes.get(BASE + "/{PhoneNumber}")
async def fetch_phone_number(request: web.Request) -> web.Response:
    form = await Form.read(request)
    types = form.getall("Type")
    unknown = [t for t in types if t not in lookups.V1_TYPES]
    if unknown:  # [UNVERIFIED] code
        raise error(INVALID_PARAMETER, f"Type: {', '.join(unknown)} is not carrier or caller-name.")
    if form.getall("AddOns"):  # not emulated: said so, never silently ignored
        raise error(INVALID_PARAMETER, "AddOns: Lookup Add-ons are not emulated.")
    raw = request.match_info["PhoneNumber"]
    parsed, handset, ours = engine.lookup(request.app[EMULATOR], raw, form.get("CountryCode"))
    if not parsed.valid:
        raise NotFound(f"/PhoneNumbers/{raw}")
    n = parsed.number
    name = lookups.caller_name(handset, n)
    return json_response({
        "caller_name": {k: name[k] for k in ("caller_name", "caller_type", "error_code")}
        if "caller-name" in types else None,
        "country_code": n.country, "phone_number": n.e164, "national_format": n.national,
        "carrier": lookups.v1_carrier(handset, n, ours) if "carrier" in types else None,
        "add_ons": None, "url": f"{base_url(request)}{BASE}/{n.e164}"})
