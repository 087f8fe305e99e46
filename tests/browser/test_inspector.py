"""The web inspector in Chromium (issue 17): what an SDK send looks like live, texting the app from a phone
and seeing its TwiML reply, a message's detail with its signed webhook request, the manual clock, filters,
the world and its handsets, themes — all without a reload, elements found by role and label."""
from __future__ import annotations

import re

import requests
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

import twilio_emulator
from tests.support.receiver import Receiver

PHONE = "+14155550142"
PONG = "<Response><Message>pong from the app</Message></Response>"
SEEN_STATUSES = """() => {
  window.__seen = [];
  new MutationObserver((changes) => {
    for (const c of changes) for (const n of c.addedNodes) if (n.querySelectorAll)
      for (const s of n.querySelectorAll('[data-status]')) window.__seen.push(s.dataset.status);
  }).observe(document.getElementById('bubbles'), {childList: true, subtree: true});
}"""


def client(server):
    return twilio_emulator.client(server.base_url)


def test_an_sdk_send_appears_live_and_ticks_to_delivered(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    number = c.incoming_phone_numbers.create(area_code="415").phone_number
    clock = f"{inspector_server.base_url}/_emulator/v1/clock"
    requests.post(clock, json={"mode": "manual"}, timeout=10)  # held at queued while the page is looked at
    sent = c.messages.create(from_=number, to=PHONE, body="Your order has shipped")
    phone = page.get_by_role("list", name="Phones").get_by_role("button", name=re.compile(re.escape(PHONE)))
    expect(phone).to_be_visible()  # arrived over the event stream: no reload
    phone.click()
    bubble = page.get_by_role("button", name=re.compile(f"Sent message {sent.sid}"))
    expect(bubble).to_contain_text("Your order has shipped")
    expect(bubble).to_contain_text(number)  # the sender
    status = bubble.locator("[data-status]")
    expect(status).to_have_text("queued")
    page.evaluate(SEEN_STATUSES)
    requests.post(clock, json={"mode": "real"}, timeout=10)  # time runs again: the carrier moves it on
    expect(status).to_have_text("delivered", timeout=10000)
    seen = page.evaluate("() => window.__seen")
    assert seen and seen[-1] == "delivered", seen  # each change re-rendered the bubble in place


def test_texting_the_app_from_a_phone_shows_the_twiml_reply_live(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    with Receiver(routes={"/sms": (200, PONG, "text/xml")}) as app:
        number = c.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        page.reload()  # the To list now has the number (bought after the page opened)
        page.get_by_role("status").filter(has_text="live").wait_for()
        form = page.get_by_role("form", name="Text your app from a phone")
        form.get_by_label("From").fill(PHONE)
        form.get_by_label("To").select_option(number)
        form.get_by_label("Body").fill("ping")
        form.get_by_role("button", name="Send").click()
        thread = page.get_by_role("list", name="Conversation")
        ping = thread.get_by_role("button", name=re.compile("Received message .*: ping"))
        expect(ping).to_be_visible()
        expect(ping).to_contain_text(f"incoming message: POST {app.url('/sms')} → 200")  # the webhook, live
        reply = thread.get_by_role("button", name=re.compile("Sent message .*: pong from the app"))
        expect(reply).to_be_visible()
        expect(reply.locator("[data-status]")).to_have_text("delivered", timeout=10000)
        got = app.wait_for(1)[0]
    assert got.param("Body") == "ping" and got.param("From") == PHONE
    keyword = form.get_by_role("button", name="STOP")
    keyword.click()
    expect(thread.get_by_role("button", name=re.compile("Sent message .*unsubscribed"))).to_be_visible()


def test_message_detail_shows_the_signed_webhook_request_and_the_twiml(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    with Receiver(routes={"/sms": (200, PONG, "text/xml")}) as app:
        number = c.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms?shop=1")).phone_number
        answer = requests.post(f"{inspector_server.base_url}/_emulator/v1/inbound", timeout=30, json={
            "From": PHONE, "To": number, "Body": "ping", "wait": True}).json()
        got = app.wait_for(1)[0]
    page.get_by_role("list", name="Phones").get_by_role("button", name=re.compile(re.escape(PHONE))).click()
    page.get_by_role("button", name=re.compile(f"Received message {answer['sid']}")).click()
    dialog = page.get_by_role("dialog", name=f"Message {answer['sid']}")
    expect(dialog).to_be_visible()
    request = dialog.get_by_role("article", name="incoming message request")
    expect(request).to_contain_text(f"POST {app.url('/sms?shop=1')}")
    signature = got.headers["X-Twilio-Signature"]
    assert RequestValidator(c.password).validate(got.url, {k: v[0] for k, v in got.form.items()}, signature)
    expect(request.get_by_role("row", name=re.compile("X-Twilio-Signature"))).to_contain_text(signature)
    expect(request.get_by_role("row", name=re.compile("^Body ping"))).to_be_visible()
    twiml = request.get_by_label("TwiML answer")
    expect(twiml).to_have_text("<Response>\n  <Message>pong from the app</Message>\n</Response>")
    expect(request.get_by_role("row", name="Content-Type text/xml")).to_be_visible()
    expect(request.locator("pre.curl")).to_contain_text("X-Twilio-Signature: " + signature)
    expect(dialog.get_by_role("region", name="Timeline")).to_contain_text("received")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_the_manual_clock_moves_a_message_on(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    number = c.incoming_phone_numbers.create(area_code="415").phone_number
    page.get_by_role("button", name="Stop the clock").click()
    expect(page.get_by_role("button", name="Run the clock")).to_be_visible()
    sent = c.messages.create(from_=number, to=PHONE, body="wait for the clock")
    page.get_by_role("list", name="Phones").get_by_role("button", name=re.compile(re.escape(PHONE))).click()
    status = page.get_by_role("button", name=re.compile(f"Sent message {sent.sid}")).locator("[data-status]")
    expect(status).to_have_text("queued")
    page.get_by_label("Advance by (seconds)").fill("5")
    page.get_by_role("button", name="Advance").click()
    expect(status).to_have_text("delivered")
    page.get_by_role("button", name="Run the clock").click()
    expect(page.get_by_role("button", name="Stop the clock")).to_be_visible()


def test_filtering_messages_by_text_status_direction_and_number(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    number = c.incoming_phone_numbers.create(area_code="415").phone_number
    requests.post(f"{inspector_server.base_url}/_emulator/v1/handsets", timeout=10,
                  json={"number": "+14155550143", "behaviour": "failed", "error_code": 30008})
    ok = [c.messages.create(from_=number, to=PHONE, body=f"invoice {i}") for i in range(3)]
    bad = c.messages.create(from_=number, to="+14155550143", body="receipt")
    for m in (*ok, bad):
        inspector_server.call(inspector_server.emulator.wait_for_message, m.sid, ("delivered", "failed"))
    page.get_by_role("tab", name="Messages").click()
    rows = page.get_by_role("table", name="Messages").locator("tbody tr")
    expect(rows).to_have_count(4)
    filters = page.get_by_role("form", name="Filter messages")
    filters.get_by_label("Text").fill("INVOICE")
    filters.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    filters.get_by_label("Text").fill("")
    filters.get_by_label("Status").select_option("failed")
    filters.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("30008")
    filters.get_by_role("button", name="Clear").click()
    filters.get_by_label("Number").fill(PHONE)
    filters.get_by_label("Direction").select_option("outbound")
    filters.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    rows.first.press("Enter")  # keyboard: a row opens its message
    expect(page.get_by_role("dialog", name=re.compile(f"Message {ok[-1].sid}"))).to_be_visible()


def test_the_world_shows_numbers_services_and_edits_a_handset(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    number = c.incoming_phone_numbers.create(area_code="415", sms_url="http://127.0.0.1:9/sms")
    service = c.messaging.v1.services.create(friendly_name="Reminders")
    c.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    c.messages.create(messaging_service_sid=service.sid, to=PHONE, body="hi")
    requests.post(f"{inspector_server.base_url}/_emulator/v1/services/{service.sid}/advanced_opt_out", timeout=10,
                  json={"opt_out": {"keywords": ["STOP", "BAJA"]}, "languages": {"es": {}}})
    page.get_by_role("tab", name="World").click()
    expect(page.get_by_role("region", name="Messaging Services")).to_contain_text(
        "advanced opt-out: opt-out STOP/BAJA (+es)")
    expect(page.get_by_role("region", name="Numbers")).to_contain_text(number.phone_number)
    expect(page.get_by_role("region", name="Messaging Services")).to_contain_text(
        re.compile(f"Reminders.*{re.escape(number.phone_number)}"))
    handsets = page.get_by_role("region", name="Handsets")
    handsets.get_by_role("button", name=f"Edit handset {PHONE}").click()
    form = handsets.get_by_role("form", name=f"Handset {PHONE}")
    form.get_by_label("Carrier").fill("Test Mobile")
    form.get_by_label("Behaviour").select_option("undelivered")
    form.get_by_label("Error code").fill("30003")
    form.get_by_role("button", name="Save handset").click()
    expect(form).to_be_hidden()  # saved: the table shows the handset as declared
    expect(handsets.get_by_role("row", name=re.compile("^" + re.escape(PHONE)))).to_contain_text("undelivered (30003)")
    declared = requests.get(f"{inspector_server.base_url}/_emulator/v1/handsets/{PHONE}", timeout=10).json()
    assert (declared["carrier"], declared["behaviour"], declared["error_code"]) == ("Test Mobile", "undelivered", 30003)
    rule = requests.post(f"{inspector_server.base_url}/_emulator/v1/faults", timeout=10, json={
        "where": "carrier", "match": {"to_prefix": "+44"}, "do": {"status": "failed"}, "times": 3}).json()
    page.get_by_role("tab", name="Messages").click()
    page.get_by_role("tab", name="World").click()
    faults = page.get_by_role("region", name="Fault rules")
    expect(faults).to_contain_text("next 3")
    faults.get_by_role("button", name=f"Remove fault rule {rule['id']}").click()
    expect(faults).to_contain_text("None.")
    page.get_by_role("tab", name="Alerts").click()  # the service's webhook-less number: nothing failed yet
    expect(page.get_by_role("table", name="Alerts")).to_be_visible()


def test_a_scenario_file_loads_and_the_world_exports(inspector_server, inspector, tmp_path):
    page = inspector.page
    scenario = tmp_path / "shop.toml"
    scenario.write_text('[[numbers]]\nphone_number = "+14155550044"\nfriendly_name = "Shop"\n\n'
                        '[[handsets]]\nnumber = "+14155550145"\ncarrier = "Scenario Mobile"\n')
    page.get_by_role("tab", name="World").click()
    form = page.get_by_role("region", name="Scenario")
    form.get_by_label("Scenario file").set_input_files(str(scenario))
    form.get_by_role("button", name="Load scenario").click()
    expect(form).to_contain_text("loaded: 1 numbers, 1 handsets")
    expect(page.get_by_role("region", name="Numbers")).to_contain_text("+14155550044")
    with page.expect_download() as download:
        form.get_by_role("button", name="Export as scenario").click()
    exported = download.value.path().read_text()
    assert '"phone_number": "+14155550044"' in exported and '"Scenario Mobile"' in exported


def test_dark_theme_and_keyboard_tabs(inspector):
    page = inspector.page
    theme = page.get_by_role("button", name="Dark theme")
    theme.click()
    expect(theme).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    page.get_by_role("tab", name="Phones").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Messages")).to_be_focused()
    expect(page.get_by_role("tab", name="Messages")).to_have_attribute("aria-selected", "true")


def test_mms_media_inline_a_whatsapp_chat_and_the_account_switcher(inspector_server, inspector):
    from tests.conftest import PNG
    page, c = inspector.page, client(inspector_server)
    sub = c.api.v2010.accounts.create(friendly_name="Second shop")
    other = twilio_emulator.client(inspector_server.base_url, sub.sid, sub.auth_token)
    theirs = other.incoming_phone_numbers.create(area_code="415").phone_number
    other.messages.create(from_=theirs, to="+14155550146", body="from the second shop")
    with Receiver(routes={"/cat.png": (200, PNG, "image/png")}) as media:
        number = c.incoming_phone_numbers.create(area_code="415").phone_number
        mms = c.messages.create(from_=number, to=PHONE, body="a picture", media_url=[media.url("/cat.png")])
        requests.post(f"{inspector_server.base_url}/_emulator/v1/senders", timeout=10,
                      json={"sender_id": f"whatsapp:{number}"})
        requests.post(f"{inspector_server.base_url}/_emulator/v1/inbound", timeout=30, json={
            "From": "whatsapp:+14155550147", "To": f"whatsapp:{number}", "Body": "hola", "ProfileName": "Ana",
            "wait": True})
        phones = page.get_by_role("list", name="Phones")
        phones.get_by_role("button", name=re.compile(re.escape(PHONE))).click()
        bubble = page.get_by_role("button", name=re.compile(f"Sent message {mms.sid}"))
        expect(bubble.get_by_role("img", name="media image/png")).to_be_visible()
        phones.get_by_role("button", name=re.compile("whatsapp:\\+14155550147")).click()
        expect(page.get_by_role("button", name=re.compile("Received message .*: hola"))).to_contain_text(
            "whatsapp:+14155550147")
    expect(phones.get_by_role("button", name=re.compile("14155550146"))).to_have_count(0)  # another account's
    page.get_by_label("Account").focus()  # opening the switcher lists the account made after the page opened
    page.get_by_label("Account").select_option(sub.sid)
    expect(phones.get_by_role("button", name=re.compile("14155550146"))).to_be_visible()
    expect(phones.get_by_role("button", name=re.compile(re.escape(PHONE)))).to_have_count(0)


def test_a_conversation_shows_its_participants_receipts_and_webhooks_live(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    with Receiver(routes={"/post": (200, "", "text/plain")}) as app:
        number = c.incoming_phone_numbers.create(area_code="415").phone_number
        c.conversations.v1.configuration.webhooks().update(post_webhook_url=app.url("/post"),
                                                            filters=["onMessageAdded"])
        convo = c.conversations.v1.conversations.create(friendly_name="Order 42")
        convo.participants.create(messaging_binding_address=PHONE, messaging_binding_proxy_address=number)
        convo.participants.create(identity="agent-ada")
        page.get_by_role("tab", name="Conversations").click()
        page.get_by_role("list", name="Conversations").get_by_role("button", name=re.compile("Order 42")).click()
        participants = page.get_by_role("region", name="Participants")
        expect(participants).to_contain_text(f"{PHONE} via {number} (sms)")
        expect(participants).to_contain_text("agent-ada (chat)")
        requests.post(f"{inspector_server.base_url}/_emulator/v1/inbound", timeout=30,
                      json={"From": PHONE, "To": number, "Body": "Where is it?", "wait": True})
        thread = page.get_by_role("region", name="Thread")
        expect(thread).to_contain_text(f"{PHONE}: Where is it?")  # captured, shown live
        convo.messages.create(author="agent-ada", body="On its way")
        reply = thread.get_by_role("listitem", name="Message 1")
        expect(reply).to_contain_text("agent-ada: On its way")
        expect(reply.locator("[data-receipt]")).to_have_text(f"{PHONE}: delivered", timeout=10000)
        expect(page.get_by_role("region", name="Webhooks")).to_contain_text(f"onMessageAdded → POST {app.url('/post')}: 200")


def test_the_verify_view_shows_codes_attempts_and_the_code_message_live(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    phone = "+14155550171"
    verify = c.verify.v2.services(c.verify.v2.services.create(friendly_name="Acme").sid)
    page.get_by_role("tab", name="Verify").click()
    expect(page.get_by_text("No verification yet.")).to_be_visible()
    started = verify.verifications.create(to=phone, channel="sms")
    row = page.get_by_role("table", name="Verifications").get_by_role("row", name=f"Verification {started.sid}")
    expect(row).to_contain_text(phone)  # arrived over the event stream: no reload
    expect(row.locator("[data-verification]")).to_have_text("pending")
    code = requests.get(f"{inspector_server.base_url}/_emulator/v1/verifications", params={"to": phone},
                        timeout=10).json()["verifications"][-1]["code"]
    expect(row.get_by_role("code")).to_have_text(code)
    sent = row.get_by_role("list", name="Sent")
    expect(sent).to_contain_text(f"+18885550142 → {phone}: delivered · Your Acme verification code is: {code}",
                                 timeout=10000)  # Twilio's managed sender's message, followed to delivered
    verify.verification_checks.create(to=phone, code="000000" if code != "000000" else "111111")
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # one wrong check
    verify.verification_checks.create(to=phone, code=code)
    expect(row.locator("[data-verification]")).to_have_text("approved")


def test_a_call_shows_as_a_thread_with_keys_a_playable_recording_and_its_requests(inspector_server, inspector):
    page, c = inspector.page, client(inspector_server)
    menu = ('<Response><Gather numDigits="1" action="/menu"><Say>Press 1 to leave a message</Say></Gather>'
            '</Response>')
    record = '<Response><Record maxLength="20" action="/saved"/></Response>'
    with Receiver(routes={"/voice": (200, menu, "text/xml"), "/menu": (200, record, "text/xml"),
                          "/saved": (200, "<Response/>", "text/xml")}) as app:
        number = c.incoming_phone_numbers.create(area_code="415", voice_url=app.url("/voice")).phone_number
        page.get_by_role("tab", name="Calls").click()
        expect(page.get_by_text("No call yet.")).to_be_visible()
        placed = requests.post(f"{inspector_server.base_url}/_emulator/v1/calls", timeout=30, json={
            "From": PHONE, "To": number, "wait": True,
            "script": [{"press": "1"}, {"say": "please call me back"}, {"hangup": True}]}).json()
    entry = page.get_by_role("list", name="Calls").get_by_role("button", name=re.compile(re.escape(f"{PHONE} → {number}")))
    expect(entry).to_contain_text("completed")  # arrived over the event stream: no reload
    entry.click()
    thread = page.get_by_role("region", name="Call thread")
    expect(thread).to_contain_text("heard: “Press 1 to leave a message”")
    expect(thread).to_contain_text("pressed 1")
    expect(thread).to_contain_text("recorded 2 s (“please call me back”), ended by hangup")
    recording = thread.get_by_label(re.compile("Recording RE"))
    expect(recording).to_be_visible()
    duration = recording.evaluate("a => new Promise(ok => { a.onloadedmetadata = () => ok(a.duration); a.load(); })")
    assert abs(duration - 2) < 0.5  # a real, playable audio file of the recording's length
    requests_made = page.get_by_role("region", name="Call requests")
    expect(requests_made).to_contain_text(f"POST {app.url('/menu')}: 200")
    assert placed["status"] == "completed"
