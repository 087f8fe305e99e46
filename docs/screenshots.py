"""Makes the README's screenshots of the inspector (docs/*.png): a small world — a support number whose app
answers with TwiML, a Messaging Service, a WhatsApp sender, a few conversations, one failure — opened in
Debian's chromium. Run it by hand after changing the page: python docs/screenshots.py"""
from __future__ import annotations

import re
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> None:
    from tests.support.receiver import Receiver
    answer = "<Response><Message>Thanks! A human will answer soon. Your ticket is #4512.</Message></Response>"
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as server, \
            Receiver(routes={"/sms": (200, answer, "text/xml")}) as app:
        base, control = server.base_url, server.base_url + "/_emulator/v1"
        c = twilio_emulator.client(base)
        support = c.incoming_phone_numbers.create(phone_number="+14155550001", friendly_name="Support line",
                                                  sms_url=app.url("/sms"))
        alerts = c.incoming_phone_numbers.create(phone_number="+14155550002", friendly_name="Alerts")
        service = c.messaging.v1.services.create(friendly_name="Appointment reminders")
        c.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=alerts.sid)
        requests.post(f"{control}/senders", json={"sender_id": "whatsapp:+14155550001",
                                                  "profile": {"name": "Corner Shop"}}, timeout=10)
        requests.post(f"{control}/handsets", json={"number": "+14155550123", "behaviour": "undelivered",
                                                   "error_code": 30003}, timeout=10)
        for body in ("Hi, my order #1182 has not arrived", "It was due on Monday"):
            requests.post(f"{control}/inbound", json={"From": "+14155550100", "To": support.phone_number,
                                                      "Body": body, "wait": True}, timeout=10)
        c.messages.create(messaging_service_sid=service.sid, to="+14155550100",
                          body="Reminder: your appointment is tomorrow at 10:00. Reply C to confirm.")
        c.messages.create(messaging_service_sid=service.sid, to="+14155550123", body="Reminder: tomorrow 9:30")
        requests.post(f"{control}/inbound", json={"From": "whatsapp:+14155550111", "To": "whatsapp:+14155550001",
                                                  "Body": "Do you deliver on Sundays?", "ProfileName": "Ann",
                                                  "wait": True}, timeout=10)
        c.messages.create(from_="whatsapp:+14155550001", to="whatsapp:+14155550111", body="We do, 10:00-16:00!")
        server.call(server.emulator.drain)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.goto(base + "/")
            page.get_by_role("status").filter(has_text="live").wait_for()
            page.get_by_role("list", name="Phones").get_by_role("button", name=re.compile(r"^\+14155550100")).click()
            page.get_by_role("button", name=re.compile("Sent message .*ticket")).first.wait_for()
            page.wait_for_timeout(300)
            page.screenshot(path=str(HERE / "inspector-phones.png"))
            page.get_by_role("button", name=re.compile("Received message .*It was due")).click()
            page.get_by_role("dialog").get_by_label("TwiML answer").wait_for()
            page.screenshot(path=str(HERE / "inspector-detail.png"))
            page.get_by_role("button", name="Close").click()
            page.get_by_role("tab", name="Messages").click()
            page.locator("#message-rows tr").first.wait_for()
            page.screenshot(path=str(HERE / "inspector-messages.png"))
            page.get_by_role("button", name="Dark theme").click()
            page.get_by_role("tab", name="World").click()
            page.get_by_role("region", name="Handsets").wait_for()
            page.wait_for_timeout(300)
            page.screenshot(path=str(HERE / "inspector-world-dark.png"))
            browser.close()


if __name__ == "__main__":
    main()
