"""Twilio Conversations through the official SDK: conversations, participants and the binding rule, messages that
reach the handset as SMS from the proxy with their delivery receipts, an inbound SMS captured by its
conversation instead of the number's webhook, and states on the clock."""
from __future__ import annotations

import requests

import twilio_emulator
from tests.support.phones import inject, received, refused
from tests.support.receiver import Receiver

HANDSET = "+16285550761"
OTHER = "+16285550762"


def test_conversations_crud_by_sid_and_unique_name(client, account):
    convos = client.conversations.v1.conversations
    first = convos.create(friendly_name="Support", unique_name="support-1", attributes='{"tier": "gold"}')
    assert first.sid.startswith("CH") and first.chat_service_sid.startswith("IS")
    assert (first.state, first.attributes, first.account_sid, first.timers) == ("active", '{"tier": "gold"}',
                                                                                account[0], {})
    assert first.url.endswith(f"/v1/Conversations/{first.sid}") and first.links["participants"].endswith("/Participants")
    assert convos("support-1").fetch().sid == first.sid
    second = convos.create(friendly_name="Sales")
    assert [c.sid for c in convos.list(page_size=1)] == [first.sid, second.sid]  # two pages, meta.next_page_url
    assert convos(first.sid).update(friendly_name="Support desk").friendly_name == "Support desk"
    assert refused(lambda: convos.create(unique_name="support-1")) == (409, 50353)
    assert refused(lambda: convos.create(timers_inactive="PT1M")) == (400, 50382)
    assert refused(lambda: convos.create(attributes="{not json")) == (400, 20001)
    assert convos(second.sid).delete() is True
    assert refused(lambda: convos(second.sid).fetch()) == (404, 20404)
    assert [c.sid for c in convos.list()] == [first.sid]


def test_a_date_before_the_year_1000_reads_back_as_iso_8601(server, account):
    """Raw HTTP (the SDK itself writes such a year unpadded): the year has its four digits, as a schema fuzz
    found (strftime's %Y writes "557")."""
    made = requests.post(f"{server.base_url}/v1/Conversations", auth=account, timeout=10,
                         data={"DateCreated": "0557-12-03T18:16:26+06:45"})
    assert made.status_code == 201 and made.json()["date_created"] == "0557-12-03T11:31:26Z"


def test_participants_and_the_binding_rule(client, number):
    convos = client.conversations.v1.conversations
    first, second = convos.create(friendly_name="a"), convos.create(friendly_name="b")
    sms = first.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    assert sms.sid.startswith("MB") and sms.identity is None
    assert sms.messaging_binding == {"type": "sms", "address": HANDSET, "proxy_address": number}
    agent = first.participants.create(identity="agent-7", attributes='{"role": "agent"}')
    assert agent.messaging_binding is None and first.participants("agent-7").fetch().sid == agent.sid
    assert [p.sid for p in first.participants.list()] == [sms.sid, agent.sid]
    assert refused(lambda: first.participants.create(identity="agent-7")) == (409, 50433)
    # The same (address, proxy) pair in a second open conversation: 50416; once the first is closed, free.
    assert refused(lambda: second.participants.create(messaging_binding_address=HANDSET,
                                                      messaging_binding_proxy_address=number)) == (409, 50416)
    assert refused(lambda: second.participants.create(messaging_binding_address=HANDSET,
                                                      messaging_binding_proxy_address="+14155550000")) == (400, 50408)
    assert refused(lambda: second.participants.create(messaging_binding_address=number,
                                                      messaging_binding_proxy_address=number)) == (400, 50409)
    convos(first.sid).update(state="closed")
    again = second.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    assert again.conversation_sid == second.sid
    assert first.participants(agent.sid).update(attributes='{"role": "lead"}').attributes == '{"role": "lead"}'
    assert first.participants(agent.sid).delete() is True


def test_a_message_reaches_the_handset_from_the_proxy_with_its_receipt(server, client, number):
    convo = client.conversations.v1.conversations.create(friendly_name="Order 42")
    phone = convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    convo.participants.create(identity="agent")
    sent = convo.messages.create(author="agent", body="Your order has shipped")
    assert (sent.index, sent.author, sent.sid[:2]) == (0, "agent", "IM")
    sms = received(server, HANDSET, 1)[-1]
    assert (sms["from"], sms["to"], sms["body"]) == (number, HANDSET, "Your order has shipped")
    server.call(server.emulator.wait_for_message, sms["sid"], "delivered")
    receipts = convo.messages(sent.sid).delivery_receipts.list()
    assert [(r.participant_sid, r.channel_message_sid, r.status, r.error_code) for r in receipts] == [
        (phone.sid, sms["sid"], "delivered", 0)]
    assert convo.messages(sent.sid).delivery_receipts(receipts[0].sid).fetch().status == "delivered"
    fetched = convo.messages(sent.sid).fetch()
    assert fetched.delivery == {"total": 1, "sent": "none", "delivered": "all", "read": "none", "failed": "none",
                                "undelivered": "none"}
    second = convo.messages.create(body="Anything else?")
    assert (second.index, second.author, second.participant_sid) == (1, "system", None)
    assert [m.index for m in convo.messages.list(order="desc")] == [1, 0]
    assert convo.messages(second.sid).update(body="Anything else? :)").body == "Anything else? :)"
    assert convo.messages(second.sid).delete() is True


def test_an_inbound_sms_of_a_bound_pair_is_captured_not_sent_to_the_number(server, client, account):
    with Receiver(body="<Response/>", content_type="text/xml") as app:
        number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        convo = client.conversations.v1.conversations.create(friendly_name="Help")
        phone = convo.participants.create(messaging_binding_address=OTHER, messaging_binding_proxy_address=number)
        outcome = inject(server, OTHER, number, "Where is my parcel?")
        assert outcome["outcome"]["webhooks"] == [] and app.requests == []
        captured = convo.messages.list()
        assert [(m.index, m.author, m.body, m.participant_sid) for m in captured] == [
            (0, OTHER, "Where is my parcel?", phone.sid)]
        # The inbound message is still a Message of the account (Twilio: it also appears in Messaging logs).
        assert client.messages(outcome["sid"]).fetch().direction == "inbound"
        phone.delete()
        inject(server, OTHER, number, "Hello?")
        assert [r.param("Body") for r in app.requests] == ["Hello?"]  # unbound: the number's webhook again


def test_set_to_call_it_too_a_captured_message_also_reaches_the_numbers_webhook():
    """--captured-also-webhook (the docs' other reading): the conversation gets the message and the number's
    webhook is called for it as well, once."""
    from twilio_emulator.config import Settings
    from twilio_emulator.testing import EmulatorThread
    with EmulatorThread(Settings(timing="instant", log_requests=False, captured_also_webhook=True)) as emu, \
            Receiver(body="<Response><Message>Seen</Message></Response>", content_type="text/xml") as app:
        client = twilio_emulator.client(emu.base_url)
        number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        convo = client.conversations.v1.conversations.create()
        convo.participants.create(messaging_binding_address=OTHER, messaging_binding_proxy_address=number)
        inject(emu, OTHER, number, "Both of you")
        assert [m.body for m in convo.messages.list()] == ["Both of you"]
        assert [r.param("Body") for r in app.requests] == ["Both of you"]
        assert [m["body"] for m in received(emu, OTHER, 1)] == ["Seen"]  # the app's TwiML reply, carried out


def test_timers_on_the_manual_clock(server, manual_clock, client, number):
    convo = client.conversations.v1.conversations.create(state="active", timers_inactive="PT1M",
                                                         timers_closed="PT10M")
    assert set(convo.timers) == {"date_inactive", "date_closed"}
    convo.participants.create(messaging_binding_address="+16285550763", messaging_binding_proxy_address=number)
    server.call(manual_clock.advance, 61)
    assert client.conversations.v1.conversations(convo.sid).fetch().state == "inactive"
    inject(server, "+16285550763", number, "still there?")  # a message wakes it
    assert client.conversations.v1.conversations(convo.sid).fetch().state == "active"
    server.call(manual_clock.advance, 601)
    closed = client.conversations.v1.conversations(convo.sid).fetch()
    assert (closed.state, closed.timers) == ("closed", {})
    assert refused(lambda: convo.messages.create(body="too late")) == (400, 20001)
    other = client.conversations.v1.conversations.create()
    other.participants.create(messaging_binding_address="+16285550763", messaging_binding_proxy_address=number)


async def test_the_async_client_creates_and_lists(server, account):
    client = twilio_emulator.async_client(server.base_url, *account)
    try:
        convo = await client.conversations.v1.conversations.create_async(friendly_name="async")
        participant = await client.conversations.v1.conversations(convo.sid).participants.create_async(
            identity="async-user")
        listed = await client.conversations.v1.conversations(convo.sid).participants.list_async()
        assert [p.sid for p in listed] == [participant.sid]
    finally:
        await client.http_client.close()


def test_a_messaging_service_set_to_autocreate_does_it_for_every_number_of_its_pool(server, client, account):
    with Receiver(body="<Response/>", content_type="text/xml") as app:
        service = client.messaging.v1.services.create(friendly_name="support", inbound_request_url=app.url("/in"))
        numbers = [client.incoming_phone_numbers.create(area_code="415").phone_number for _ in range(2)]
        for n in numbers:
            pn = client.incoming_phone_numbers.list(phone_number=n)[0]
            client.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=pn.sid)
        set_on = requests.post(f"{server.base_url}/_emulator/v1/services/{service.sid}/conversations", timeout=10,
                               json={"autocreate": True})
        assert set_on.json() == {"autocreate": True}
        for i, n in enumerate(numbers):
            inject(server, f"+162855507{70 + i}", n, f"hello {i}")
        assert app.requests == []  # the service's inbound URL is not called: the conversations take the messages
        made = client.conversations.v1.conversations.list()
        assert sorted(c.messages.list()[0].body for c in made) == ["hello 0", "hello 1"]
        assert {c.messaging_service_sid for c in made} == {service.sid}
        requests.post(f"{server.base_url}/_emulator/v1/services/{service.sid}/conversations", timeout=10,
                      json={"autocreate": False})
        inject(server, "+16285550779", numbers[0], "back to the webhook")
        assert [r.param("Body") for r in app.requests] == ["back to the webhook"]
    bad = requests.post(f"{server.base_url}/_emulator/v1/services/{service.sid}/conversations", timeout=10,
                        json={"autocreate": "yes"})
    assert bad.status_code == 400


def test_a_whatsapp_participant_gets_its_copy_inside_the_window_only(server, manual_clock, client, account):
    number = client.incoming_phone_numbers.create(area_code="415").phone_number
    requests.post(f"{server.base_url}/_emulator/v1/senders", timeout=10,
                  json={"sender_id": f"whatsapp:{number}", "account_sid": account[0]})
    user = "whatsapp:+16285550764"
    convo = client.conversations.v1.conversations.create()
    phone = convo.participants.create(messaging_binding_address=user, messaging_binding_proxy_address=f"whatsapp:{number}")
    assert phone.messaging_binding["type"] == "whatsapp"
    inject(server, user, f"whatsapp:{number}", "hi")  # opens the 24-hour window, captured by the conversation
    inside = convo.messages.create(body="Hello on WhatsApp")
    server.call(manual_clock.advance, 25 * 3600)
    outside = convo.messages.create(body="Still there?")
    server.call(manual_clock.advance, 10)
    statuses = [(m.delivery_receipts.list()[0].status, m.delivery_receipts.list()[0].error_code)
                for m in (convo.messages(inside.sid), convo.messages(outside.sid))]
    assert statuses[0][0] in ("delivered", "read") and statuses[1] == ("failed", 63016)
    copy = client.messages(convo.messages(inside.sid).delivery_receipts.list()[0].channel_message_sid).fetch()
    assert (copy.from_, copy.to) == (f"whatsapp:{number}", user)


def test_configuration_defaults_apply_to_new_conversations(client):
    config = client.conversations.v1.configuration().update(default_inactive_timer="PT5M",
                                                            default_closed_timer="PT1H")
    assert (config.default_inactive_timer, config.default_closed_timer) == ("PT5M", "PT1H")
    assert config.default_chat_service_sid.startswith("IS")
    assert set(client.conversations.v1.conversations.create().timers) == {"date_inactive", "date_closed"}
    assert refused(lambda: client.conversations.v1.configuration().update(default_inactive_timer="PT10S")) == (400,
                                                                                                           20001)
    client.conversations.v1.configuration().update(default_chat_service_sid=config.default_chat_service_sid)


def test_conversation_with_participants_and_participant_conversations(client, number):
    import json
    made = client.conversations.v1.conversation_with_participants.create(friendly_name="trio", participant=[
        json.dumps({"identity": "ada"}),
        json.dumps({"messaging_binding": {"address": "+16285550765", "proxy_address": number}})])
    assert made.sid.startswith("CH")
    assert sorted(p.identity or p.messaging_binding["address"]
                  for p in client.conversations.v1.conversations(made.sid).participants.list()) == ["+16285550765", "ada"]
    assert refused(lambda: client.conversations.v1.conversation_with_participants.create(participant=[
        json.dumps({"messaging_binding": {"address": "+16285550765", "proxy_address": number}})])) == (409, 50425)
    assert refused(lambda: client.conversations.v1.conversation_with_participants.create(
        participant=["{not json"])) == (400, 20001)
    rows = client.conversations.v1.participant_conversations.list(address="+16285550765")
    assert [(r.conversation_sid, r.conversation_friendly_name) for r in rows] == [(made.sid, "trio")]
    assert [r.participant_identity for r in client.conversations.v1.participant_conversations.list(identity="ada")] == [
        "ada"]


def test_users_and_roles_are_plain_crud(client):
    role = client.conversations.v1.roles.create(friendly_name="agent", type="conversation",
                                                permission=["sendMessage", "leaveConversation"])
    assert (role.sid[:2], role.permissions) == ("RL", ["sendMessage", "leaveConversation"])
    assert client.conversations.v1.roles(role.sid).update(permission=["sendMessage"]).permissions == ["sendMessage"]
    user = client.conversations.v1.users.create(identity="ada", friendly_name="Ada", role_sid=role.sid)
    assert (user.sid[:2], user.identity, user.role_sid) == ("US", "ada", role.sid)
    assert refused(lambda: client.conversations.v1.users.create(identity="ada")) == (409, 50201)
    assert client.conversations.v1.users(user.sid).update(friendly_name="Ada L.").friendly_name == "Ada L."
    assert [u.sid for u in client.conversations.v1.users.list()] == [user.sid]
    assert client.conversations.v1.users(user.sid).delete() is True
    assert client.conversations.v1.roles(role.sid).delete() is True


def test_conversation_services_share_the_path_with_messaging_services(server, client, account):
    made = client.conversations.v1.services.create(friendly_name="support desk")
    assert made.sid.startswith("IS")
    listed = client.conversations.v1.services.list()
    assert [s.friendly_name for s in listed] == ["Default Conversations Service", "support desk"]
    assert listed[0].sid == client.conversations.v1.conversations.create().chat_service_sid
    assert client.messaging.v1.services.list() == []  # the host tells the two apart
    messaging = client.messaging.v1.services.create(friendly_name="sms")
    # Without a host (curl, a plain rewrite): a SID goes by its prefix, the bare collection stays Messaging's.
    plain = lambda path: requests.get(f"{server.base_url}{path}", auth=account, timeout=10)  # noqa: E731
    assert plain(f"/v1/Services/{made.sid}").json()["friendly_name"] == "support desk"
    assert plain(f"/v1/Services/{messaging.sid}").json()["friendly_name"] == "sms"
    assert [s["sid"] for s in plain("/v1/Services").json()["services"]] == [messaging.sid]
    assert [s["sid"] for s in plain("/conversations/v1/Services").json()["services"]][1:] == [made.sid]
    assert refused(lambda: client.conversations.v1.services(listed[0].sid).delete()) == (400, 20001)
    assert client.conversations.v1.services(made.sid).delete() is True


def test_what_is_not_emulated_is_refused_not_ignored(client, number):
    convo = client.conversations.v1.conversations.create()
    phone = convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    assert refused(lambda: convo.participants(phone.sid).update(messaging_binding_proxy_address="+14155550000")) == (
        400, 20001)
    assert refused(lambda: convo.messages.create(media_sid="ME" + "0" * 32)) == (400, 20001)
    assert refused(lambda: client.conversations.v1.conversations.create(bindings_email_address="a@example.com")) == (
        400, 20001)
    assert convo.messages.list() == []
