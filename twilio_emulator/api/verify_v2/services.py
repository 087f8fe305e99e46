"""Wire format for Verify Services (spec `/v2/Services`: create 201, list `services`, fetch, update, delete 204)
and their Messaging Configurations (`/v2/Services/{ServiceSid}/MessagingConfigurations`, by Country), and the
Templates list (`/v2/Templates`: none are emulated, so the list is empty)."""
from __future__ import annotations

from aiohttp import web

from ...domain import verify as rules
from ...domain.errors import TwilioError
from ...domain.verify import MessagingConfiguration, VerifyService
from ...engine import verify as engine
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, present, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
BASE = "/v2/Services"
MAX_PAGE = 1000  # spec: PageSize maximum


def service_json(s: VerifyService, base: str) -> dict:
    url = f"{base}{BASE}/{s.sid}"
    return {"sid": s.sid, "account_sid": s.account_sid, "friendly_name": s.friendly_name,
            "code_length": s.code_length, "lookup_enabled": s.lookup_enabled, "psd2_enabled": s.psd2_enabled,
            "skip_sms_to_landlines": s.skip_sms_to_landlines, "dtmf_input_required": s.dtmf_input_required,
            "tts_name": s.tts_name, "do_not_share_warning_enabled": s.do_not_share_warning_enabled,
            "custom_code_enabled": s.custom_code_enabled,
            "push": {"include_date": False, "apn_credential_sid": None, "fcm_credential_sid": None},
            "totp": {"issuer": s.friendly_name, "time_step": 30, "code_length": 6, "skew": 1},
            "default_template_sid": s.default_template_sid,
            "whatsapp": {"msg_service_sid": s.whatsapp_msg_service_sid, "from": s.whatsapp_from},
            "passkeys": {"relying_party": None, "authenticator_attachment": None, "discoverable_credentials": None,
                         "user_verification": None},
            "verify_event_subscription_enabled": s.verify_event_subscription_enabled,
            "date_created": iso8601(s.date_created), "date_updated": iso8601(s.date_updated), "url": url,
            "links": {name: f"{url}/{path}" for name, path in (
                ("verification_checks", "VerificationCheck"), ("verifications", "Verifications"),
                ("rate_limits", "RateLimits"), ("messaging_configurations", "MessagingConfigurations"),
                ("entities", "Entities"), ("webhooks", "Webhooks"), ("access_tokens", "AccessTokens"))}}


def flag(form: Form, name: str) -> bool | None:
    """A boolean parameter; a value that is not one is 60200 naming it, as every bad Verify parameter."""
    try:
        return form.bool(name)
    except TwilioError:
        raise rules.invalid(name, "true or false") from None


def service_fields(form: Form) -> dict:
    fields = {"friendly_name": form.get("FriendlyName"),
              "code_length": form.int("CodeLength", invalid=lambda: rules.invalid("CodeLength", "4 to 10")),
              "tts_name": form.get("TtsName"), "default_template_sid": form.get("DefaultTemplateSid"),
              "whatsapp_msg_service_sid": form.get("Whatsapp.MsgServiceSid"), "whatsapp_from": form.get("Whatsapp.From")}
    for name, param in (("lookup_enabled", "LookupEnabled"), ("skip_sms_to_landlines", "SkipSmsToLandlines"),
                        ("dtmf_input_required", "DtmfInputRequired"), ("psd2_enabled", "Psd2Enabled"),
                        ("do_not_share_warning_enabled", "DoNotShareWarningEnabled"),
                        ("custom_code_enabled", "CustomCodeEnabled"),
                        ("verify_event_subscription_enabled", "VerifyEventSubscriptionEnabled")):
        fields[name] = flag(form, param)
    for group, prefix in (("push", "Push."), ("totp", "Totp."), ("passkeys", "Passkeys.")):
        fields[group] = any(key.startswith(prefix) for key in form.data)  # not emulated: refused, not ignored
    return fields


@routes.post(BASE)
async def create_service(request: web.Request) -> web.Response:
    form = await Form.read(request)
    s = await engine.create_service(request.app[EMULATOR], request[ACCOUNT], service_fields(form))
    return json_response(service_json(s, base_url(request)), status=201)


@routes.get(BASE)
async def list_services(request: web.Request) -> web.Response:
    form = await Form.read(request)
    base = base_url(request)
    return await v1_list_response(request, form, "services", [],
                                  in_memory(engine.services_of(request.app[EMULATOR], request[ACCOUNT])),
                                  lambda s: service_json(s, base), max_size=MAX_PAGE)


def service(request: web.Request, name: str = "Sid") -> VerifyService:
    return engine.get_service(request.app[EMULATOR], request[ACCOUNT], request.match_info[name])


@routes.get(BASE + "/{Sid}")
async def fetch_service(request: web.Request) -> web.Response:
    return json_response(service_json(service(request), base_url(request)))


@routes.post(BASE + "/{Sid}")
async def update_service(request: web.Request) -> web.Response:
    form = await Form.read(request)
    s = await engine.update_service(request.app[EMULATOR], request[ACCOUNT], service(request), service_fields(form))
    return json_response(service_json(s, base_url(request)))


@routes.delete(BASE + "/{Sid}")
async def delete_service(request: web.Request) -> web.Response:
    await engine.delete_service(request.app[EMULATOR], service(request))
    return web.Response(status=204)


# ---- messaging configurations ---------------------------------------------------------------------------------
CONFIGURATIONS = BASE + "/{ServiceSid}/MessagingConfigurations"


def configuration_json(c: MessagingConfiguration, base: str) -> dict:
    return {"account_sid": c.account_sid, "service_sid": c.service_sid, "country": c.country,
            "messaging_service_sid": c.messaging_service_sid, "date_created": iso8601(c.date_created),
            "date_updated": iso8601(c.date_updated),
            "url": f"{base}{BASE}/{c.service_sid}/MessagingConfigurations/{c.country}"}


@routes.post(CONFIGURATIONS)
async def create_configuration(request: web.Request) -> web.Response:
    form = await Form.read(request)
    c = await engine.set_configuration(request.app[EMULATOR], request[ACCOUNT], service(request, "ServiceSid"),
                                       form.get("Country"), form.get("MessagingServiceSid"), creating=True)
    return json_response(configuration_json(c, base_url(request)), status=201)


@routes.get(CONFIGURATIONS)
async def list_configurations(request: web.Request) -> web.Response:
    form = await Form.read(request)
    base, s = base_url(request), service(request, "ServiceSid")
    return await v1_list_response(request, form, "messaging_configurations", [],
                                  in_memory(engine.configurations_of(request.app[EMULATOR], s), lambda c: c.key),
                                  lambda c: configuration_json(c, base), sid_of=lambda c: c.key, max_size=MAX_PAGE)


@routes.get(CONFIGURATIONS + "/{Country}")
async def fetch_configuration(request: web.Request) -> web.Response:
    c = engine.get_configuration(request.app[EMULATOR], service(request, "ServiceSid"), request.match_info["Country"])
    return json_response(configuration_json(c, base_url(request)))


@routes.post(CONFIGURATIONS + "/{Country}")
async def update_configuration(request: web.Request) -> web.Response:
    form = await Form.read(request)
    c = await engine.set_configuration(request.app[EMULATOR], request[ACCOUNT], service(request, "ServiceSid"),
                                       request.match_info["Country"], form.get("MessagingServiceSid"), creating=False)
    return json_response(configuration_json(c, base_url(request)))


@routes.delete(CONFIGURATIONS + "/{Country}")
async def delete_configuration(request: web.Request) -> web.Response:
    emu = request.app[EMULATOR]
    c = engine.get_configuration(emu, service(request, "ServiceSid"), request.match_info["Country"])
    await engine.delete_configuration(emu, c)
    return web.Response(status=204)


@routes.get("/v2/Templates")
async def list_templates(request: web.Request) -> web.Response:
    """Twilio's predefined Verify templates are not emulated: the list is empty (and a TemplateSid is 60228)."""
    form = await Form.read(request)
    return await v1_list_response(request, form, "templates", present(form, "FriendlyName"), in_memory([]),
                                  lambda t: t, max_size=MAX_PAGE)
