"""Wire format for Messaging Services (/v1/Services): create, list, fetch, update, delete."""
from __future__ import annotations

from aiohttp import web

from ...domain.messaging_services import SCAN_MESSAGE_CONTENT, USECASES, MessagingService
from ...engine import messaging_services as services
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
BASE = "/v1/Services"
LINKS = {"phone_numbers": "PhoneNumbers", "short_codes": "ShortCodes", "alpha_senders": "AlphaSenders",
         "messages": "Messages", "us_app_to_person": "Compliance/Usa2p",
         "us_app_to_person_usecases": "Compliance/Usa2p/Usecases", "channel_senders": "ChannelSenders",
         "destination_alpha_senders": "DestinationAlphaSenders"}
_STRINGS = {"FriendlyName": "friendly_name", "InboundRequestUrl": "inbound_request_url",
            "FallbackUrl": "fallback_url", "StatusCallback": "status_callback"}
_METHODS = {"InboundMethod": "inbound_method", "FallbackMethod": "fallback_method"}
_BOOLS = {"StickySender": "sticky_sender", "MmsConverter": "mms_converter", "SmartEncoding": "smart_encoding",
          "FallbackToLongCode": "fallback_to_long_code", "AreaCodeGeomatch": "area_code_geomatch",
          "SynchronousValidation": "synchronous_validation",
          "UseInboundWebhookOnNumber": "use_inbound_webhook_on_number"}


def service_json(s: MessagingService, base: str) -> dict:
    url = f"{base}{BASE}/{s.sid}"
    return {
        "account_sid": s.account_sid,
        "area_code_geomatch": s.get("area_code_geomatch"),
        "date_created": iso8601(s.date_created),
        "date_updated": iso8601(s.date_updated),
        "fallback_method": s.get("fallback_method"),
        "fallback_to_long_code": s.get("fallback_to_long_code"),
        "fallback_url": s.get("fallback_url") or None,  # cleared (set to "") shows null, as Twilio
        "friendly_name": s.get("friendly_name"),
        "inbound_method": s.get("inbound_method"),
        "inbound_request_url": s.get("inbound_request_url") or None,
        "links": {key: f"{url}/{path}" for key, path in LINKS.items()},
        "mms_converter": s.get("mms_converter"),
        "scan_message_content": s.get("scan_message_content"),
        "sid": s.sid,
        "smart_encoding": s.get("smart_encoding"),
        "status_callback": s.get("status_callback") or None,
        "sticky_sender": s.get("sticky_sender"),
        "synchronous_validation": s.get("synchronous_validation"),
        "url": url,
        "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": s.get("use_inbound_webhook_on_number"),
        "usecase": s.get("usecase"),
        "validity_period": s.get("validity_period"),
    }


def _config(form: Form) -> dict:
    config = {name: form.get(param) for param, name in _STRINGS.items() if param in form}
    config.update({name: form.get(param).upper() for param, name in _METHODS.items() if form.get(param)})
    config.update({name: form.bool(param) for param, name in _BOOLS.items() if param in form})
    if "ScanMessageContent" in form:
        config["scan_message_content"] = form.choice("ScanMessageContent", SCAN_MESSAGE_CONTENT)
    if "Usecase" in form:
        config["usecase"] = form.choice("Usecase", USECASES)
    if "ValidityPeriod" in form:
        config["validity_period"] = form.int("ValidityPeriod")
    return config


def _service(request: web.Request) -> MessagingService:
    return services.get(request.app[EMULATOR], request[ACCOUNT], request.match_info["ServiceSid"])


@routes.post(BASE)
async def create_service(request: web.Request) -> web.Response:
    form = await Form.read(request)
    service = await services.create(request.app[EMULATOR], request[ACCOUNT], _config(form))
    return json_response(service_json(service, base_url(request)), status=201)


@routes.get(BASE)
async def list_services(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = services.listed(request.app[EMULATOR], request[ACCOUNT])
    base = base_url(request)
    return await v1_list_response(request, form, "services", [], in_memory(found), lambda s: service_json(s, base))


@routes.get(BASE + "/{ServiceSid}")
async def fetch_service(request: web.Request) -> web.Response:
    return json_response(service_json(_service(request), base_url(request)))


@routes.post(BASE + "/{ServiceSid}")
async def update_service(request: web.Request) -> web.Response:
    form = await Form.read(request)
    service = await services.update(request.app[EMULATOR], _service(request), _config(form))
    return json_response(service_json(service, base_url(request)))


@routes.delete(BASE + "/{ServiceSid}")
async def delete_service(request: web.Request) -> web.Response:
    await services.delete(request.app[EMULATOR], _service(request))
    return web.Response(status=204)
