"""Messages through the official twilio SDK against a real emulator: create, fetch, list, update, delete."""
from __future__ import annotations

import datetime as dt

import pytest
from twilio.base.exceptions import TwilioRestException

import twilio_emulator

TO = "+14155550199"


def test_create_returns_queued_message_with_every_field(client, account, number):
    m = client.messages.create(to=TO, from_=number, body="Hello there")
    assert m.sid.startswith("SM") and len(m.sid) == 34
    assert m.account_sid == account[0]
    assert (m.to, m.from_, m.body) == (TO, number, "Hello there")
    assert m.status == "queued"
    assert m.direction == "outbound-api"
    assert m.num_segments == "1" and m.num_media == "0"  # strings, as Twilio sends them
    assert m.price is None and m.date_sent is None  # null until sent
    assert isinstance(m.date_created, dt.datetime)  # RFC 2822 parsed by the SDK
    assert m.api_version == "2010-04-01"
    assert m.uri == f"/2010-04-01/Accounts/{account[0]}/Messages/{m.sid}.json"
    assert m.subresource_uris["media"] == f"/2010-04-01/Accounts/{account[0]}/Messages/{m.sid}/Media.json"
    assert m.error_code is None and m.messaging_service_sid is None


def test_message_reaches_delivered_with_date_sent_and_price(server, client, number):
    m = client.messages.create(to=TO, from_=number, body="hi")
    server.call(server.emulator.wait_for_message, m.sid, "delivered")
    fetched = client.messages(m.sid).fetch()
    assert fetched.status == "delivered"
    assert isinstance(fetched.date_sent, dt.datetime)
    assert fetched.price == "-0.00790" and fetched.price_unit == "USD"


def test_fetch_returns_the_same_message(client, number):
    created = client.messages.create(to=TO, from_=number, body="fetch me")
    fetched = client.messages(created.sid).fetch()
    assert (fetched.sid, fetched.body, fetched.to) == (created.sid, "fetch me", TO)


def test_segments_counted_on_every_message(client, number):
    assert client.messages.create(to=TO, from_=number, body="a" * 160).num_segments == "1"
    assert client.messages.create(to=TO, from_=number, body="a" * 161).num_segments == "2"
    assert client.messages.create(to=TO, from_=number, body="€" * 80).num_segments == "1"  # 2 septets each
    assert client.messages.create(to=TO, from_=number, body="ç" * 71).num_segments == "2"  # UCS-2: 70/67
    assert client.messages.create(to=TO, from_=number, body="😀" * 35).num_segments == "1"


def test_stream_yields_all_45_messages_across_pages(client, number):
    sids = {client.messages.create(to=TO, from_=number, body=f"n{i}").sid for i in range(45)}
    streamed = [m.sid for m in client.messages.stream(page_size=10)]
    assert len(streamed) == 45 and set(streamed) == sids


def test_list_is_most_recent_first_and_pages_link_both_ways(client, number):
    sids = [client.messages.create(to=TO, from_=number, body=f"n{i}").sid for i in range(5)]
    page = client.messages.page(page_size=2)
    assert [m.sid for m in page] == sids[::-1][:2]
    second = page.next_page()
    assert [m.sid for m in second] == sids[::-1][2:4]
    back = second.previous_page()
    assert [m.sid for m in back] == sids[::-1][:2]
    third = second.next_page()
    assert [m.sid for m in third] == sids[:1]
    assert third.next_page() is None


def test_list_filters_by_to_and_from(client, number):
    other = client.incoming_phone_numbers.create(area_code="212").phone_number
    client.messages.create(to=TO, from_=number, body="a")
    client.messages.create(to="+14155550123", from_=number, body="b")
    client.messages.create(to=TO, from_=other, body="c")
    assert sorted(m.body for m in client.messages.list(to=TO)) == ["a", "c"]
    assert sorted(m.body for m in client.messages.list(from_=other)) == ["c"]
    assert [m.body for m in client.messages.list(to=TO, from_=number)] == ["a"]


def test_list_filters_by_date_sent(server, manual_clock, client, number):
    first = client.messages.create(to=TO, from_=number, body="day one")
    server.call(manual_clock.advance, 2 * 86400)
    second = client.messages.create(to=TO, from_=number, body="day three")
    server.call(manual_clock.advance, 1)
    day1 = client.messages(first.sid).fetch().date_sent.date()
    day3 = client.messages(second.sid).fetch().date_sent.date()
    assert (day3 - day1).days == 2
    assert [m.body for m in client.messages.list(date_sent=day1)] == ["day one"]
    assert [m.body for m in client.messages.list(date_sent_before=day1 + dt.timedelta(days=1))] == ["day one"]
    assert [m.body for m in client.messages.list(date_sent_after=day1 + dt.timedelta(days=1))] == ["day three"]
    assert [m.body for m in client.messages.list(date_sent_after=day1, date_sent_before=day3)] == \
        ["day three", "day one"]
    # A datetime is reduced to its GMT day, as the spec describes the filter.
    noon = dt.datetime.combine(day3, dt.time(12, 0), tzinfo=dt.timezone.utc)
    assert [m.body for m in client.messages.list(date_sent=noon)] == ["day three"]


def test_a_date_sent_list_pages_newest_sent_first_through_ties(server, manual_clock, client, number):
    """Issue 14, item 13: a DateSent-filtered list walks its index (date_sent, then creation order, newest
    first), so its pages and page tokens stay exact through messages sent at the same instant."""
    slow = "+14155550179"
    server.call(manual_clock.declare_handset, slow, delays={"sent": 60})
    try:
        late = client.messages.create(to=slow, from_=number, body="late")  # created first, sent a minute later
        tied = [client.messages.create(to=TO, from_=number, body=f"tie {i}") for i in range(5)]
        server.call(manual_clock.advance, 10)
        after = [client.messages.create(to=TO, from_=number, body=f"after {i}") for i in range(2)]
        server.call(manual_clock.advance, 120)
    finally:
        server.call(manual_clock.declare_handset, slow, delays={})
    day = client.messages(late.sid).fetch().date_sent.date()
    expected = [late.sid] + [m.sid for m in after[::-1]] + [m.sid for m in tied[::-1]]
    page, seen, pages = client.messages.page(date_sent=day, page_size=3), [], []
    while page is not None:
        pages.append(page)
        seen += [m.sid for m in page]
        page = page.next_page()
    assert seen == expected
    assert [m.sid for m in pages[2].previous_page()] == expected[3:6]
    assert [m.sid for m in pages[1].previous_page()] == expected[:3]
    assert [m.sid for m in client.messages.list(date_sent_after=day, page_size=2)] == expected


def test_redact_body_of_a_delivered_message(server, client, number):
    m = client.messages.create(to=TO, from_=number, body="secret")
    server.call(server.emulator.wait_for_message, m.sid, "delivered")
    redacted = client.messages(m.sid).update(body="")
    assert redacted.body == ""
    assert client.messages(m.sid).fetch().body == ""


def test_redact_refused_before_delivery_completes(manual_clock, client, number):
    m = client.messages.create(to=TO, from_=number, body="secret")
    with pytest.raises(TwilioRestException) as exc:
        client.messages(m.sid).update(body="")
    assert exc.value.code == 20009
    assert client.messages(m.sid).fetch().body == "secret"


def test_cancel_refused_for_a_message_that_is_not_scheduled(client, number):
    m = client.messages.create(to=TO, from_=number, body="now")
    with pytest.raises(TwilioRestException) as exc:
        client.messages(m.sid).update(status="canceled")
    assert exc.value.status == 400 and exc.value.code == 30409
    assert client.messages(m.sid).fetch().status != "canceled"


def test_delete_a_final_message(server, client, number):
    m = client.messages.create(to=TO, from_=number, body="bye")
    server.call(server.emulator.wait_for_message, m.sid, "delivered")
    assert client.messages(m.sid).delete() is True
    with pytest.raises(TwilioRestException) as exc:
        client.messages(m.sid).fetch()
    assert exc.value.status == 404 and exc.value.code == 20404


def test_deleting_or_redacting_a_message_leaves_it_on_the_phone(server, client, number):
    """Issue 14, item 4: the account's log is not the phone's inbox: an app that purges or redacts its messages
    once delivered does not take them off the handset that received them."""
    handset = "+14155550178"
    kept = client.messages.create(to=handset, from_=number, body="first")
    purged = client.messages.create(to=handset, from_=number, body="second")
    redacted = client.messages.create(to=handset, from_=number, body="third, secret")
    for m in (kept, purged, redacted):
        server.call(server.emulator.wait_for_message, m.sid, "delivered")
    assert client.messages(purged.sid).delete() is True
    client.messages(redacted.sid).update(body="")
    client.messages(redacted.sid).delete()  # redacted, then deleted: the phone still has the text it got
    inbox = server.call(server.emulator.handset_messages, handset)
    assert [(m.sid, m.body, m.status) for m in inbox] == [
        (kept.sid, "first", "delivered"), (purged.sid, "second", "delivered"),
        (redacted.sid, "third, secret", "delivered")]
    assert [m.sid for m in client.messages.list(to=handset)] == [kept.sid]


def test_delete_refused_while_in_flight(manual_clock, client, number):
    m = client.messages.create(to=TO, from_=number, body="not yet")
    with pytest.raises(TwilioRestException) as exc:
        client.messages(m.sid).delete()
    assert exc.value.code == 20009
    assert client.messages(m.sid).fetch().status == "queued"


def test_media_subresource_list_fetch_delete(server, client, number):
    urls = ["https://example.com/cat.jpg", "https://example.com/clip.mp4"]
    m = client.messages.create(to=TO, from_=number, media_url=urls)
    assert m.sid.startswith("MM") and m.num_media == "2" and m.body == ""
    media = client.messages(m.sid).media.list()
    assert [x.content_type for x in media] == ["image/jpeg", "video/mp4"]
    assert all(x.parent_sid == m.sid and x.sid.startswith("ME") for x in media)
    one = client.messages(m.sid).media(media[0].sid).fetch()
    assert one.uri == f"/2010-04-01/Accounts/{m.account_sid}/Messages/{m.sid}/Media/{media[0].sid}.json"
    assert client.messages(m.sid).media(media[0].sid).delete() is True
    assert [x.sid for x in client.messages(m.sid).media.list()] == [media[1].sid]
    with pytest.raises(TwilioRestException) as exc:
        client.messages(m.sid).media(media[0].sid).fetch()
    assert exc.value.code == 20404


def test_provide_feedback_adds_the_feedback_subresource(client, number):
    m = client.messages.create(to=TO, from_=number, body="x", provide_feedback=True)
    assert m.subresource_uris["feedback"].endswith(f"/Messages/{m.sid}/Feedback.json")


async def test_async_client_create_fetch_list(server, account, number):
    c = twilio_emulator.async_client(server.base_url, *account)
    try:
        created = await c.messages.create_async(to=TO, from_=number, body="async hello")
        assert created.status == "queued"
        fetched = await c.messages(created.sid).fetch_async()
        assert fetched.body == "async hello"
        listed = await c.messages.list_async(to=TO)
        assert created.sid in [m.sid for m in listed]
    finally:
        await c.http_client.close()
