"""Conversation Services through the official SDK: every conversation resource under a service of one's own
(conversations, participants, messages and receipts, scoped webhooks, users, roles, a user's conversations,
ConversationWithParticipants, ParticipantConversations), kept apart from the default service's; the service's
configuration and webhook configuration, whose hooks are told of that service's conversations only; an address
configuration that autocreates into a service; deleting a service deletes what it holds."""
from __future__ import annotations

import twilio_emulator
from tests.support.phones import inject, received, refused
from tests.support.receiver import Receiver

HANDSET = "+16285550781"
OTHER = "+16285550782"


def test_a_services_conversations_are_its_own(server, client, number):
    service = client.conversations.v1.services.create(friendly_name="support")
    scoped = client.conversations.v1.services(service.sid).conversations
    convo = scoped.create(friendly_name="ticket 1", unique_name="t-1")
    assert convo.chat_service_sid == service.sid
    assert convo.url.endswith(f"/v1/Services/{service.sid}/Conversations/{convo.sid}")
    assert scoped("t-1").fetch().sid == convo.sid
    assert [c.sid for c in scoped.list()] == [convo.sid]
    # The account's paths are the default service's: the other service's conversation is not there.
    assert client.conversations.v1.conversations.list() == []
    assert refused(lambda: client.conversations.v1.conversations(convo.sid).fetch()) == (404, 20404)
    assert client.conversations.v1.conversations.create(unique_name="t-1").unique_name == "t-1"  # unique per service
    phone = scoped(convo.sid).participants.create(messaging_binding_address=HANDSET,
                                                  messaging_binding_proxy_address=number)
    assert phone.url.endswith(f"/v1/Services/{service.sid}/Conversations/{convo.sid}/Participants/{phone.sid}")
    message = scoped(convo.sid).messages.create(body="Your ticket is open", author="agent")
    [copy] = received(server, HANDSET, 1)
    assert (copy["from"], copy["body"]) == (number, "Your ticket is open")
    [receipt] = scoped(convo.sid).messages(message.sid).delivery_receipts.list()
    assert receipt.channel_message_sid == copy["sid"]
    hook = scoped(convo.sid).webhooks.create(target="webhook", configuration_url="https://example.com/hook",
                                             configuration_filters=["onMessageAdded"])
    assert [w.sid for w in scoped(convo.sid).webhooks.list()] == [hook.sid]
    # The binding rule spans services: the pair is taken.
    other = client.conversations.v1.conversations.create()
    assert refused(lambda: other.participants.create(messaging_binding_address=HANDSET,
                                                     messaging_binding_proxy_address=number)) == (409, 50416)
    found = client.conversations.v1.services(service.sid).participant_conversations.list(address=HANDSET)
    assert [(p.conversation_sid, p.chat_service_sid) for p in found] == [(convo.sid, service.sid)]
    assert client.conversations.v1.participant_conversations.list(address=HANDSET) == []
    assert refused(lambda: client.conversations.v1.services("IS" + "0" * 32).conversations.create()) == (404, 20404)


def test_users_roles_and_a_users_conversations_in_a_service(client):
    service = client.conversations.v1.services.create(friendly_name="chat")
    scope = client.conversations.v1.services(service.sid)
    role = scope.roles.create(friendly_name="member", type="conversation", permission=["sendMessage"])
    assert role.chat_service_sid == service.sid and client.conversations.v1.roles.list() == []
    user = scope.users.create(identity="ada", role_sid=role.sid)
    assert (user.chat_service_sid, user.url.endswith(f"/v1/Services/{service.sid}/Users/{user.sid}")) == (
        service.sid, True)
    assert client.conversations.v1.users.create(identity="ada").sid != user.sid  # identities are per service
    assert refused(lambda: client.conversations.v1.users.create(identity="bob", role_sid=role.sid)) == (400, 20001)
    convo = scope.conversations.create(friendly_name="team")
    scope.conversations(convo.sid).participants.create(identity="ada")
    for body in ("one", "two", "three"):
        scope.conversations(convo.sid).messages.create(body=body, author="bob")
    [mine] = scope.users(user.sid).user_conversations.list()
    assert (mine.conversation_sid, mine.friendly_name, mine.notification_level, mine.unread_messages_count) == (
        convo.sid, "team", "default", None)
    read = scope.users("ada").user_conversations(convo.sid).update(notification_level="muted",
                                                                  last_read_message_index=0)
    assert (read.notification_level, read.last_read_message_index, read.unread_messages_count) == ("muted", 0, 2)
    assert refused(lambda: scope.users(user.sid).user_conversations(convo.sid).update(
        notification_level="loud")) == (400, 20001)
    assert scope.users(user.sid).user_conversations(convo.sid).delete() is True  # the user leaves
    assert scope.conversations(convo.sid).participants.list() == []
    assert refused(lambda: scope.users(user.sid).user_conversations(convo.sid).fetch()) == (404, 20404)


def test_the_default_services_users_have_their_conversations_too(client):
    user = client.conversations.v1.users.create(identity="grace")
    convo = client.conversations.v1.conversation_with_participants.create(
        friendly_name="pair", participant=['{"identity": "grace"}'])
    [mine] = client.conversations.v1.users(user.sid).user_conversations.list()
    assert mine.conversation_sid == convo.sid and mine.url.endswith(f"/v1/Users/{user.sid}/Conversations/{convo.sid}")


def test_service_configuration_holds_its_default_roles(client):
    service = client.conversations.v1.services.create(friendly_name="roles")
    scope = client.conversations.v1.services(service.sid)
    config = scope.configuration().fetch()
    assert (config.chat_service_sid, config.default_conversation_role_sid, config.reachability_enabled) == (
        service.sid, None, False)
    role = scope.roles.create(friendly_name="member", type="conversation", permission=["sendMessage"])
    config = scope.configuration().update(default_conversation_role_sid=role.sid, reachability_enabled=True)
    assert (config.default_conversation_role_sid, config.reachability_enabled) == (role.sid, True)
    foreign = client.conversations.v1.roles.create(friendly_name="x", type="conversation", permission=["sendMessage"])
    assert refused(lambda: scope.configuration().update(default_conversation_role_sid=foreign.sid)) == (400, 20001)
    # The default service has a configuration too.
    default = client.conversations.v1.conversations.create().chat_service_sid
    assert client.conversations.v1.services(default).configuration().fetch().chat_service_sid == default


def test_service_webhooks_are_told_of_that_services_conversations_only(server, client, account):
    with Receiver(routes={"/service": (200, "", "text/plain"), "/account": (200, "", "text/plain")}) as app:
        number = client.incoming_phone_numbers.create(area_code="415").phone_number
        service = client.conversations.v1.services.create(friendly_name="hooks")
        scope = client.conversations.v1.services(service.sid)
        hooks = scope.configuration.webhooks().update(post_webhook_url=app.url("/service"), method="POST",
                                                      filters=["onMessageAdded"])
        assert (hooks.chat_service_sid, hooks.filters, hooks.post_webhook_url) == (service.sid, ["onMessageAdded"],
                                                                                   app.url("/service"))
        assert scope.configuration.webhooks().fetch().post_webhook_url == app.url("/service")
        client.conversations.v1.configuration.webhooks().update(post_webhook_url=app.url("/account"),
                                                                filters=["onMessageAdded"])
        mine = scope.conversations.create()
        mine.participants.create(messaging_binding_address=OTHER, messaging_binding_proxy_address=number)
        default = client.conversations.v1.conversations.create()
        default.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
        inject(server, OTHER, number, "to the service's conversation")
        inject(server, HANDSET, number, "to the default one")
        told = [(r.url.rsplit("/", 1)[1], r.param("ConversationSid")) for r in app.requests]
        assert told == [("account", mine.sid), ("service", mine.sid), ("account", default.sid)]
        assert app.requests[1].param("ChatServiceSid") == service.sid


def test_an_address_configuration_autocreates_into_its_service(server, client):
    number = client.incoming_phone_numbers.create(area_code="415").phone_number
    service = client.conversations.v1.services.create(friendly_name="inbound")
    client.conversations.v1.address_configurations.create(
        type="sms", address=number, auto_creation_enabled=True, auto_creation_type="default",
        auto_creation_conversation_service_sid=service.sid)
    assert refused(lambda: client.conversations.v1.address_configurations.create(
        type="sms", address=client.incoming_phone_numbers.create(area_code="415").phone_number,
        auto_creation_enabled=True, auto_creation_conversation_service_sid="IS" + "1" * 32)) == (400, 20001)
    inject(server, HANDSET, number, "hello")
    [convo] = client.conversations.v1.services(service.sid).conversations.list()
    assert [m.body for m in convo.messages.list()] == ["hello"]
    assert client.conversations.v1.conversations.list() == []


def test_deleting_a_service_deletes_what_it_holds(server, client, number):
    service = client.conversations.v1.services.create(friendly_name="short-lived")
    scope = client.conversations.v1.services(service.sid)
    convo = scope.conversations.create()
    convo.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)
    scope.users.create(identity="ada")
    assert client.conversations.v1.services(service.sid).delete() is True
    assert refused(lambda: scope.conversations(convo.sid).fetch()) == (404, 20404)
    again = client.conversations.v1.conversations.create()  # the pair is free again
    assert again.participants.create(messaging_binding_address=HANDSET, messaging_binding_proxy_address=number)


async def test_the_async_client_reaches_a_service(server, account):
    client = twilio_emulator.async_client(server.base_url, *account)
    try:
        service = await client.conversations.v1.services.create_async(friendly_name="async")
        scope = client.conversations.v1.services(service.sid)
        convo = await scope.conversations.create_async(friendly_name="a")
        user = await scope.users.create_async(identity="async-user")
        await scope.conversations(convo.sid).participants.create_async(identity="async-user")
        listed = await scope.users(user.sid).user_conversations.list_async()
        assert [c.conversation_sid for c in listed] == [convo.sid]
    finally:
        await client.http_client.close()
