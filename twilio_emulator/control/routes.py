"""Control API routes. Errors: {"error": "...", "status": N}. No auth: the emulator listens on loopback."""
from __future__ import annotations

import asyncio
import json

from aiohttp import web

from ..api.context import EMULATOR
from ..api.v2010.messages import message_json
from ..engine import messaging

routes = web.RouteTableDef()
PREFIX = "/_emulator/v1"


def control_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message, "status": status}, status=status)


@routes.get(PREFIX + "/messages/wait")
async def wait_for_message(request: web.Request) -> web.Response:
    """Long-poll until a message matching sid/to/from/status/body (substring) exists; 408 after `timeout` s."""
    q = request.query
    try:
        timeout = float(q.get("timeout", "10"))
    except ValueError:
        return control_error(400, "timeout must be a number of seconds")
    if not 0 <= timeout <= 300:
        return control_error(400, "timeout must be between 0 and 300 seconds")
    statuses = tuple(s for s in q.get("status", "").split(",") if s)
    try:
        msg = await messaging.wait_for_match(request.app[EMULATOR], timeout, sid=q.get("sid"), to=q.get("to"),
                                             from_=q.get("from"), statuses=statuses, body=q.get("body"))
    except asyncio.TimeoutError:
        return control_error(408, f"no matching message within {timeout:g} s")
    return web.Response(body=json.dumps(message_json(msg)).encode(), content_type="application/json")
