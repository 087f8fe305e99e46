"""Wire format for Lookup v2 PhoneNumbers (spec LookupResponse): every key always present; a package is an
object only when `Fields` asks for it and the number is valid; an invalid number is 200 with valid=false."""
from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from ...domain import lookups
from ...domain.errors import INVALID_PARAMETER, error
from ...engine import lookups as engine
from ..context import EMULATOR
from ..forms import Form
from ..paging import json_response
from ..render import base_url

routes = web.RouteTableDef()
BASE = "/v2/PhoneNumbers"
_INPUTS = ("FirstName", "LastName", "AddressLine1", "AddressLine2", "City", "State", "PostalCode",
           "AddressCountryCode", "NationalId", "DateOfBirth", "LastVerifiedDate", "VerificationSid", "PartnerSubId")


def fields(form: Form) -> list[str]:
    asked = [f.strip() for value in form.getall("Fields") for f in value.split(",") if f.strip()]
    unknown = [f for f in asked if f not in lookups.V2_PACKAGES]
    if unknown:  # [UNVERIFIED] code: Twilio's for a bad generic parameter
        raise error(INVALID_PARAMETER, f"Fields: {', '.join(unknown)} is not a Lookup package (one of "
                    f"{', '.join(lookups.V2_PACKAGES)}).")
    return asked


@routes.get(BASE + "/{PhoneNumber}")
async def fetch_phone_number(request: web.Request) -> web.Response:
    form = await Form.read(request)
    asked, raw = fields(form), request.match_info["PhoneNumber"]
    parsed, handset, ours = engine.lookup(request.app[EMULATOR], raw, form.get("CountryCode"))
    body = {"calling_country_code": parsed.calling_code, "country_code": parsed.country,
            "phone_number": parsed.number.e164 if parsed.valid else raw,
            "national_format": parsed.number.national if parsed.valid else None, "valid": parsed.valid,
            "validation_errors": list(parsed.errors), **dict.fromkeys(lookups.V2_PACKAGES[1:]),
            # The number as the path had it: `+` literal (reference §4), anything else a URL cannot hold encoded.
            "url": f"{base_url(request)}{BASE}/{quote(parsed.number.e164 if parsed.valid else raw, safe='+')}"}
    if parsed.valid:
        inputs = {name: form.get(name) for name in _INPUTS}
        for name in asked:
            if name == "line_type_intelligence":
                body[name] = lookups.line_type_intelligence(handset, parsed.number, ours)
            elif name == "caller_name":
                body[name] = lookups.caller_name(handset, parsed.number)
            elif name != "validation":  # the basic fields are the validation
                body[name] = lookups.other_package(name, handset, parsed.number, inputs)
    return json_response(body)
