"""An example app: an SMS support line with appointment reminders, written against the real Twilio SDK.

- POST /sms: Twilio's inbound-message webhook. Checks X-Twilio-Signature, then answers with TwiML:
  "HOURS" -> the opening hours; "C" after a reminder -> confirms the appointment; anything else -> an
  acknowledgement. (STOP/START/HELP are Twilio's job: it answers them itself and blocks sends after STOP.)
- POST /reminders: {"to": "+1…", "when": "Tue 10:00"} sends a reminder through the Messaging Service (or the
  support number when there is none); answers 201 {"sid": …}, or 409 when the patient opted out (21610).
- POST /status: message status callbacks, kept in `app[STATUSES]`.

Nothing in it knows about the emulator: the Twilio client is passed in. Run it for real with
`python support_bot.py` and TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / SUPPORT_NUMBER set.
"""
from __future__ import annotations

import os

from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

HOURS = "We're open Monday to Friday, 9am to 5pm."
STATUSES = web.AppKey("statuses", dict)  # message SID -> statuses reported, in order
PENDING = web.AppKey("pending", dict)  # phone -> appointment waiting for confirmation


def create_app(twilio: Client, auth_token: str, support_number: str,
               messaging_service_sid: str | None = None) -> web.Application:
    app = web.Application()
    app[STATUSES], app[PENDING] = {}, {}
    validator = RequestValidator(auth_token)

    async def inbound(request: web.Request) -> web.Response:
        form = await request.post()
        if not validator.validate(str(request.url), dict(form), request.headers.get("X-Twilio-Signature", "")):
            return web.Response(status=403, text="bad signature")
        phone, text = form["From"], form["Body"].strip()
        reply = MessagingResponse()
        if form.get("OptOutType") or text.upper() in ("STOP", "START", "HELP"):
            return web.Response(text=str(reply), content_type="text/xml")  # Twilio answers those itself
        if text.upper() == "HOURS":
            reply.message(HOURS)
        elif text.upper() == "C" and phone in app[PENDING]:
            reply.message(f"Confirmed: see you {app[PENDING].pop(phone)}.")
        else:
            reply.message("Thanks for your message, a member of our team will reply shortly.")
        return web.Response(text=str(reply), content_type="text/xml")

    async def remind(request: web.Request) -> web.Response:
        data = await request.json()
        sender = {"messaging_service_sid": messaging_service_sid} if messaging_service_sid else \
            {"from_": support_number}
        try:
            message = twilio.messages.create(
                to=data["to"], body=f"Reminder: your appointment is {data['when']}. Reply C to confirm.",
                status_callback=str(request.url.with_path("/status")), **sender)
        except TwilioRestException as exc:
            if exc.code == 21610:
                return web.json_response({"error": "opted out"}, status=409)
            raise
        app[PENDING][data["to"]] = data["when"]
        return web.json_response({"sid": message.sid}, status=201)

    async def status(request: web.Request) -> web.Response:
        form = await request.post()
        app[STATUSES].setdefault(form["MessageSid"], []).append(form["MessageStatus"])
        return web.Response(status=204)

    app.router.add_post("/sms", inbound)
    app.router.add_post("/reminders", remind)
    app.router.add_post("/status", status)
    return app


if __name__ == "__main__":
    web.run_app(create_app(Client(), os.environ["TWILIO_AUTH_TOKEN"], os.environ["SUPPORT_NUMBER"],
                           os.environ.get("MESSAGING_SERVICE_SID")), port=int(os.environ.get("PORT", "8080")))
