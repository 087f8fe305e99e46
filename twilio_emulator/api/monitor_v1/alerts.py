"""Wire format for Monitor Alerts (monitor.twilio.com/v1/Alerts): the debugger's alerts, as the SDK reads
them (`client.monitor.v1.alerts`). Field names from twilio-python's rest/monitor/v1/alert.py (the Monitor
spec is not in ../shared/twilio-oai). Read-only, as in Twilio for these alerts."""
from __future__ import annotations

from aiohttp import web

from ...engine import monitor
from ...store.webhooks import Alert
from ..context import ACCOUNT, EMULATOR
from ..forms import Form
from ..paging import in_memory, json_response, present, v1_list_response
from ..render import base_url, iso8601

routes = web.RouteTableDef()
BASE = "/v1/Alerts"


def alert_json(a: Alert, base: str) -> dict:
    return {
        "account_sid": a.account_sid,
        "alert_text": a.alert_text,
        "api_version": "2010-04-01",
        "date_created": iso8601(a.date_created),
        "date_generated": iso8601(a.date_created),
        "date_updated": iso8601(a.date_created),
        "error_code": str(a.error_code),  # Twilio: a string
        "log_level": a.log_level,
        "more_info": f"https://www.twilio.com/docs/errors/{a.error_code}",
        "request_method": a.request_method,
        "request_url": a.request_url,
        "request_variables": None,
        "resource_sid": a.resource_sid,
        "response_body": None,
        "response_headers": None,
        "request_headers": None,
        "service_sid": None,
        "sid": a.sid,
        "url": f"{base}{BASE}/{a.sid}",
    }


@routes.get(BASE)
async def list_alerts(request: web.Request) -> web.Response:
    form = await Form.read(request)
    found = await monitor.alerts(request.app[EMULATOR], request[ACCOUNT], form.get("LogLevel"),
                                 form.datetime("StartDate"), form.datetime("EndDate"))
    base = base_url(request)
    return await v1_list_response(request, form, "alerts", present(form, "LogLevel", "StartDate", "EndDate"),
                                  in_memory(found), lambda a: alert_json(a, base))


@routes.get(BASE + "/{Sid}")
async def fetch_alert(request: web.Request) -> web.Response:
    alert = await monitor.alert(request.app[EMULATOR], request[ACCOUNT], request.match_info["Sid"])
    return json_response(alert_json(alert, base_url(request)))
