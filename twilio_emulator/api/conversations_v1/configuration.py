"""Wire format for the account's Conversations webhooks (spec `/v1/Configuration/Webhooks`, GET and POST) and
its address configurations (`/v1/Configuration/Addresses`: create 201, list `address_configurations` with Type,
fetch by SID or address, update, delete 204)."""
from __future__ import annotations

from aiohttp import web

from ...domain.conversation_events import AccountConfiguration, AddressConfiguration, WebhookConfig
from ...engine.conversations import default_service_sid
from ...engine.conversations import settings
from ...domain.errors import INVALID_PARAMETER, TwilioError
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, present, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
CONFIGURATION = "/v1/Configuration"
WEBHOOKS = "/v1/Configuration/Webhooks"
ADDRESSES = "/v1/Configuration/Addresses"
MAX_ADDRESSES_PAGE = 50  # spec


def _timer(seconds: float | None) -> str | None:
    """Seconds as the ISO 8601 duration the API shows (PT10M, PT1H30M)."""
    if seconds is None:
        return None
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{rest}S" if rest else "")


def configuration_json(c: AccountConfiguration, base: str) -> dict:
    service = default_service_sid(c.account_sid)
    return {"account_sid": c.account_sid, "default_chat_service_sid": service,
            "default_messaging_service_sid": c.default_messaging_service_sid,
            "default_inactive_timer": _timer(c.default_inactive_timer),
            "default_closed_timer": _timer(c.default_closed_timer), "url": f"{base}{CONFIGURATION}",
            "links": {"service": f"{base}/v1/Services/{service}/Configuration", "webhooks": f"{base}{WEBHOOKS}"}}


@routes.get(CONFIGURATION)
async def fetch_configuration(request: web.Request) -> web.Response:
    config = settings.account_configuration(request.app[EMULATOR], request[ACCOUNT])
    return json_response(configuration_json(config, base_url(request)))


@routes.post(CONFIGURATION)
async def update_configuration(request: web.Request) -> web.Response:
    form = await Form.read(request)
    config = await settings.configure_account(request.app[EMULATOR], request[ACCOUNT], {
        "default_chat_service_sid": form.get("DefaultChatServiceSid"),
        "default_messaging_service_sid": form.get("DefaultMessagingServiceSid"),
        "default_inactive_timer": form.get("DefaultInactiveTimer"), "default_closed_timer": form.get("DefaultClosedTimer")})
    return json_response(configuration_json(config, base_url(request)))


def webhook_config_json(c: WebhookConfig, base: str) -> dict:
    return {"account_sid": c.account_sid, "method": c.method, "filters": c.filters,
            "pre_webhook_url": c.pre_webhook_url, "post_webhook_url": c.post_webhook_url, "target": c.target,
            "url": f"{base}{WEBHOOKS}"}


@routes.get(WEBHOOKS)
async def fetch_webhook_config(request: web.Request) -> web.Response:
    config = settings.webhook_config(request.app[EMULATOR], request[ACCOUNT])
    return json_response(webhook_config_json(config, base_url(request)))


@routes.post(WEBHOOKS)
async def update_webhook_config(request: web.Request) -> web.Response:
    form = await Form.read(request)
    config = await settings.set_webhook_config(request.app[EMULATOR], request[ACCOUNT],
                                               {**update_webhook_fields(form), "target": form.get("Target")})
    return json_response(webhook_config_json(config, base_url(request)))


def update_webhook_fields(form: Form) -> dict:
    """The parameters of a webhook configuration, the account's or a service's (which has no Target)."""
    return {"method": form.get("Method"), "filters": form.getall("Filters") if "Filters" in form else None,
            "pre_webhook_url": form.get("PreWebhookUrl"), "post_webhook_url": form.get("PostWebhookUrl")}


def address_json(a: AddressConfiguration, base: str) -> dict:
    auto = {"enabled": a.enabled, "type": a.auto_type}
    if a.auto_type == "webhook":  # spec examples: a default one shows {enabled, type} only
        auto.update({"conversation_service_sid": a.conversation_service_sid, "webhook_url": a.webhook_url,
                     "webhook_method": a.webhook_method, "webhook_filters": a.webhook_filters})
    return {"sid": a.sid, "account_sid": a.account_sid, "type": a.type, "address": a.address,
            "friendly_name": a.friendly_name, "auto_creation": auto, "date_created": iso8601(a.date_created),
            "date_updated": iso8601(a.date_updated), "url": f"{base}{ADDRESSES}/{a.sid}",
            "address_country": a.address_country}


def address_fields(form: Form) -> dict:
    return {"type": form.get("Type"), "address": form.get("Address"), "friendly_name": form.get("FriendlyName"),
            "enabled": form.bool("AutoCreation.Enabled"), "auto_type": form.get("AutoCreation.Type"),
            "conversation_service_sid": form.get("AutoCreation.ConversationServiceSid"),
            "webhook_url": form.get("AutoCreation.WebhookUrl"), "webhook_method": form.get("AutoCreation.WebhookMethod"),
            "webhook_filters": form.getall("AutoCreation.WebhookFilters") if "AutoCreation.WebhookFilters" in form
            else None, "studio_flow_sid": form.get("AutoCreation.StudioFlowSid"),
            "address_country": form.get("AddressCountry")}


def _address(request: web.Request) -> AddressConfiguration:
    return settings.get_address(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])


@routes.post(ADDRESSES)
async def create_address(request: web.Request) -> web.Response:
    form = await Form.read(request)
    a = await settings.add_address(request.app[EMULATOR], request[ACCOUNT], address_fields(form))
    return json_response(address_json(a, base_url(request)), status=201)


@routes.get(ADDRESSES)
async def list_addresses(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = settings.addresses_of(request.app[EMULATOR], request[ACCOUNT], form.get("Type"))
    base = base_url(request)
    return await v1_list_response(request, form, "address_configurations", present(form, "Type"), in_memory(found),
                                  lambda a: address_json(a, base), max_size=MAX_ADDRESSES_PAGE)


@routes.get(ADDRESSES + "/{Sid}")
async def fetch_address(request: web.Request) -> web.Response:
    return json_response(address_json(_address(request), base_url(request)))


@routes.post(ADDRESSES + "/{Sid}")
async def update_address(request: web.Request) -> web.Response:
    form = await Form.read(request)
    fields = address_fields(form)
    if fields["type"] is not None or fields["address"] is not None or fields["address_country"] is not None:
        raise TwilioError("Type, Address and AddressCountry are set on create only.", code=INVALID_PARAMETER)
    a = await settings.update_address(request.app[EMULATOR], _address(request), fields)
    return json_response(address_json(a, base_url(request)))


@routes.delete(ADDRESSES + "/{Sid}")
async def delete_address(request: web.Request) -> web.Response:
    await settings.remove_address(request.app[EMULATOR], _address(request))
    return web.Response(status=204)
