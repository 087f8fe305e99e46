"""Wire format for AvailablePhoneNumbers: the countries, and number searches by type."""
from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from ...domain import numbers
from ...domain.errors import INVALID_PARAMETER, error
from ...engine import numbers as number_ops
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import json_response, page_request, present
from ..render import account_uri

routes = web.RouteTableDef()
BASE = "/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers"
TYPES = {"Local": numbers.LOCAL, "Mobile": numbers.MOBILE, "TollFree": numbers.TOLL_FREE}
OTHER_TYPES = ("National", "SharedCost", "Voip", "MachineToMachine")  # Emulator: always empty
_SUBRESOURCE = {numbers.LOCAL: ("local", "Local"), numbers.MOBILE: ("mobile", "Mobile"),
                numbers.TOLL_FREE: ("toll_free", "TollFree")}


def country_json(account_sid: str, c: number_ops.Country) -> dict:
    return {
        "country_code": c.code,
        "country": c.name,
        "uri": account_uri(account_sid, f"/AvailablePhoneNumbers/{c.code}.json"),
        "beta": False,
        "subresource_uris": {_SUBRESOURCE[k][0]: account_uri(account_sid,
                                                            f"/AvailablePhoneNumbers/{c.code}/{_SUBRESOURCE[k][1]}.json")
                             for k in c.kinds},
    }


def available_number_json(n: numbers.Number) -> dict:
    nanp = n.country in numbers.NANP
    return {
        "friendly_name": n.national,
        "phone_number": n.e164,
        # Emulator: phonenumbers has no LATA, rate centre, coordinates or postal codes.
        "lata": None,
        "locality": n.city.title() or None,
        "rate_center": (n.city or None) if nanp else None,
        "latitude": None,
        "longitude": None,
        "region": n.state or None,
        "postal_code": None,
        "iso_country": n.country,
        "address_requirements": "none",
        "beta": False,
        "capabilities": numbers.capabilities(n),
    }


@routes.get(BASE + ".json")
async def list_countries(request: web.Request) -> web.Response:
    account = request[ACCOUNT]
    return json_response({
        "countries": [country_json(account.sid, c) for c in number_ops.COUNTRIES.values()],
        "uri": account_uri(account.sid, "/AvailablePhoneNumbers.json"),
    })


@routes.get(BASE + "/{CountryCode}.json")
async def fetch_country(request: web.Request) -> web.Response:
    c = number_ops.country(request.match_info["CountryCode"])
    return json_response(country_json(request[ACCOUNT].sid, c))


# The route names each type of the spec (Twilio's paths: .../Local.json, .../Voip.json …); another is a 404.
@routes.get(BASE + "/{CountryCode}/{Type:%s}.json" % "|".join((*TYPES, *OTHER_TYPES)))
async def list_available_numbers(request: web.Request) -> web.Response:
    type_name = request.match_info["Type"]
    c = number_ops.country(request.match_info["CountryCode"])
    form = await Form.read(request)
    req = page_request(form)
    kind = TYPES.get(type_name)
    found: list[numbers.Number] = []
    if kind in c.kinds:
        found = number_ops.search(request.app[EMULATOR], _criteria(form, c.code, kind), req.size)
    filters = present(form, "AreaCode", "Contains", "SmsEnabled", "MmsEnabled", "VoiceEnabled", "FaxEnabled",
                      "InRegion", "InLocality", "NearNumber")
    query = urlencode([*filters, ("PageSize", str(req.size))])
    # Twilio: a search answers one page, with the paging keys but never a next page (spec schema).
    uri = f"{request.path}?{query}"
    return json_response({
        "available_phone_numbers": [available_number_json(n) for n in found],
        "end": max(0, len(found) - 1), "first_page_uri": uri, "next_page_uri": None, "page": 0,
        "page_size": req.size, "previous_page_uri": None, "start": 0, "uri": uri,
    })


# Search filters of Twilio's that need data the simulated world does not have (postal codes, rate centres, LATAs,
# coordinates): refused, not ignored (an ignored filter would answer numbers that do not match it).
NOT_EMULATED_FILTERS = ("InPostalCode", "InRateCenter", "InLata", "NearLatLong")


def _criteria(form: Form, country: str, kind: str) -> numbers.SearchCriteria:
    for name in NOT_EMULATED_FILTERS:
        if form.get(name) is not None:
            raise error(INVALID_PARAMETER, f"{name} is not emulated: the simulated world has no postal codes, rate "
                        "centres, LATAs or coordinates (search by AreaCode, InRegion, InLocality or NearNumber).")
    area_code = form.get("AreaCode")
    near = form.get("NearNumber")
    if near:  # Emulator: "near" means the same area code (NANP) — no coordinates to measure distance with
        parsed = numbers.parse(near, country)
        if parsed is None:
            raise error(INVALID_PARAMETER, f"NearNumber {near} is not a valid phone number.")
        if parsed.country in numbers.NANP:
            area_code = area_code or parsed.e164[2:5]
    if area_code is not None:
        if not (area_code.isdigit() and len(area_code) == 3) or country not in numbers.NANP:
            raise error(21451, f"AreaCode {area_code} is invalid.")
        if area_code not in numbers.nanp_area_codes() and kind != numbers.TOLL_FREE:
            raise error(21451, f"AreaCode {area_code} is invalid.")
    contains = None
    if form.get("Contains") is not None:
        contains = numbers.contains_pattern(form.get("Contains"))
        if contains is None:
            raise error(INVALID_PARAMETER, f"Contains pattern {form.get('Contains')!r} is invalid.")
    return numbers.SearchCriteria(
        country=country, kind=kind, area_code=area_code if kind != numbers.TOLL_FREE else None, contains=contains,
        in_region=form.get("InRegion"), in_locality=form.get("InLocality"), sms=form.bool("SmsEnabled"),
        mms=form.bool("MmsEnabled"), voice=form.bool("VoiceEnabled"), fax=form.bool("FaxEnabled"))
