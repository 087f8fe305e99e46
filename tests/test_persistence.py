"""Nothing is lost: with a file database, everything survives a restart, and messages still in flight when
the emulator stopped reach a final status after it starts again."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread


def test_state_survives_restart_and_in_flight_messages_finish(tmp_path, media_host):
    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        main = twilio_emulator.client(first.base_url)
        sub = main.api.v2010.accounts.create(friendly_name="kept")
        c = twilio_emulator.client(first.base_url, sub.sid, sub.auth_token)
        key = c.new_keys.create(friendly_name="kept key")
        number = c.incoming_phone_numbers.create(phone_number="+14155550160", sms_url="https://app.example/sms")
        done = [c.messages.create(to="+14155550199", from_=number.phone_number, body=f"m{i}") for i in range(3)]
        for m in done:
            first.call(first.emulator.wait_for_message, m.sid, "delivered")
        first.emulator.set_clock("manual")  # this one stays queued until after the restart
        pending = c.messages.create(to="+14155550199", from_=number.phone_number, body="in flight",
                                    media_url=[media_host.url("/x.png")])
        assert c.messages(pending.sid).fetch().status == "queued"

    with EmulatorThread(settings) as second:
        c = twilio_emulator.client(second.base_url, sub.sid, sub.auth_token)
        assert c.incoming_phone_numbers(number.sid).fetch().sms_url == "https://app.example/sms"
        assert [k.sid for k in c.keys.list()] == [key.sid]
        assert {m.sid for m in c.messages.list()} == {m.sid for m in done} | {pending.sid}
        assert all(c.messages(m.sid).fetch().status == "delivered" for m in done)
        second.call(second.emulator.wait_for_message, pending.sid, "delivered")
        assert len(c.messages(pending.sid).media.list()) == 1
        # Credentials kept too: the key still authenticates.
        with_key = twilio_emulator.client(second.base_url, key.sid, key.secret, account_sid=sub.sid)
        assert with_key.messages(pending.sid).fetch().body == "in flight"


def test_status_callbacks_not_yet_sent_are_sent_after_a_restart(tmp_path):
    from tests.support.receiver import Receiver
    settings = Settings(db_path=str(tmp_path / "cb.db"), timing="instant", log_requests=False)
    with Receiver() as app:
        with EmulatorThread(settings) as first:
            c = twilio_emulator.client(first.base_url)
            number = c.incoming_phone_numbers.create(phone_number="+14155550161").phone_number
            first.emulator.set_clock("manual")  # the steps stay in the future until the restart
            m = c.messages.create(to="+14155550199", from_=number, body="x", status_callback=app.url("/cb"))
            first.call(first.emulator.drain)
            assert app.requests == []
        with EmulatorThread(settings) as second:
            got = app.wait_for(3)
            assert [r.form["MessageStatus"][0] for r in got] == ["sending", "sent", "delivered"]
            second.call(second.emulator.drain)
        with EmulatorThread(settings) as third:  # nothing is sent twice
            third.call(third.emulator.drain)
            assert len(app.requests) == 3
            assert twilio_emulator.client(third.base_url).messages(m.sid).fetch().status == "delivered"


def test_an_inbound_message_accepted_but_not_processed_is_processed_after_a_restart(tmp_path):
    import sqlite3

    import requests

    from tests.support.receiver import Receiver

    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with Receiver(body="<Response><Message>late but sure</Message></Response>", content_type="text/xml") as app:
        with EmulatorThread(settings) as first:
            c = twilio_emulator.client(first.base_url)
            number = c.incoming_phone_numbers.create(phone_number="+14155550161", sms_url=app.url("/sms"))
            sid = requests.post(f"{first.base_url}/_emulator/v1/inbound", timeout=10, json={
                "From": "+14155550162", "To": number.phone_number, "Body": "hello", "wait": True}).json()["sid"]
        # A crash between the 201 and the webhook leaves the message 'receiving', with its outbox row.
        with sqlite3.connect(settings.db_path) as db:
            db.execute("UPDATE messages SET status = 'receiving' WHERE sid = ?", (sid,))
            db.execute("INSERT INTO inbound_work (message_sid, account_sid, stage) SELECT sid, account_sid, 'new' "
                       "FROM messages WHERE sid = ?", (sid,))
        requests_before = len(app.requests)  # before the restart: its recovery may send the webhook at once
        with EmulatorThread(settings) as second:
            second.call(second.emulator.drain)
            c = twilio_emulator.client(second.base_url)
            assert c.messages(sid).fetch().status == "received"
            assert len(app.requests) == requests_before + 1 and app.requests[-1].form["MessageSid"] == [sid]
            assert [m.body for m in c.messages.list(to="+14155550162")].count("late but sure") == 2


def test_messaging_services_pools_and_sticky_mappings_survive_a_restart(tmp_path):
    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        c = twilio_emulator.client(first.base_url)
        a = c.incoming_phone_numbers.create(phone_number="+14155550163")
        b = c.incoming_phone_numbers.create(phone_number="+14155550164")
        service = c.messaging.v1.services.create(friendly_name="kept", area_code_geomatch=False)
        for n in (a, b):
            service.phone_numbers.create(phone_number_sid=n.sid)
        m1 = c.messages.create(to="+14155550265", messaging_service_sid=service.sid, body="one")
        m2 = c.messages.create(to="+14155550266", messaging_service_sid=service.sid, body="two")
        senders = {m.sid: first.call(first.emulator.wait_for_message, m.sid, "delivered").from_ for m in (m1, m2)}
    with EmulatorThread(settings) as second:
        c = twilio_emulator.client(second.base_url)
        assert c.messaging.v1.services(service.sid).fetch().friendly_name == "kept"
        assert {p.sid for p in c.messaging.v1.services(service.sid).phone_numbers.list()} == {a.sid, b.sid}
        again = c.messages.create(to="+14155550266", messaging_service_sid=service.sid, body="sticky")
        assert second.call(second.emulator.wait_for_message, again.sid, "delivered").from_ == senders[m2.sid]


def test_an_opt_out_survives_a_restart(tmp_path):
    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        c = twilio_emulator.client(first.base_url)
        number = c.incoming_phone_numbers.create(phone_number="+14155550161").phone_number
        first.call(first.emulator.receive, "+14155550198", number, "STOP")
    with EmulatorThread(settings) as second:
        c = twilio_emulator.client(second.base_url)
        with pytest.raises(TwilioRestException) as caught:
            c.messages.create(to="+14155550198", from_=number, body="x")
        assert caught.value.code == 21610


def test_a_short_code_survives_a_restart(tmp_path):
    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        code = first.call(first.emulator.add_short_code, "30303", sms_url="https://app.example/sc")
    with EmulatorThread(settings) as second:
        c = twilio_emulator.client(second.base_url)
        assert [(s.sid, s.sms_url) for s in c.short_codes.list()] == [(code.sid, "https://app.example/sc")]
        m = c.messages.create(to="+14155550197", from_="30303", body="still ours")
        assert second.call(second.emulator.wait_for_message, m.sid, "delivered").from_ == "30303"


def test_a_stored_handset_with_a_bad_value_is_ignored_on_load(tmp_path):
    # A file from before handsets were type-checked (issue 13) may hold delays {"sending": "5"}: every message to
    # that handset failed. Loaded again, the handset is the default one, and messages to it go.
    import json
    import sqlite3

    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        c = twilio_emulator.client(first.base_url)
        number = c.incoming_phone_numbers.create(phone_number="+14155550171").phone_number
        first.call(first.emulator.declare_handset, "+14155550172", carrier="Declared")
    with sqlite3.connect(settings.db_path) as db:
        (data,) = db.execute("SELECT data FROM records WHERE kind = 'handset'").fetchone()
        db.execute("UPDATE records SET data = ? WHERE kind = 'handset'",
                   (json.dumps({**json.loads(data), "delays": {"sending": "5"}, "city": 123}),))
    with EmulatorThread(settings) as second:
        assert second.emulator.handset("+14155550172").carrier != "Declared"
        c = twilio_emulator.client(second.base_url)
        msg = c.messages.create(to="+14155550172", from_=number, body="goes")
        assert second.call(second.emulator.wait_for_message, msg.sid, "delivered").status == "delivered"


def test_a_call_that_had_not_ended_has_failed_after_a_restart(tmp_path):
    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        c = twilio_emulator.client(first.base_url)
        number = c.incoming_phone_numbers.create(phone_number="+14155550167").phone_number
        first.emulator.set_clock("manual")
        call = c.calls.create(to="+14155550197", from_=number, twiml="<Response><Say>hi</Say></Response>")
    with EmulatorThread(settings) as second:
        done = twilio_emulator.client(second.base_url).calls(call.sid).fetch()
        assert (done.status, done.end_time is not None) == ("failed", True)  # not left queued forever


def test_a_store_from_before_records_were_keyed_by_kind_keeps_every_record(tmp_path):
    """Issue 15: schema 0007 keys records by (kind, key). A --db file written by the emulator before it (keys
    a SID alone, other kinds prefixed by hand) opens and keeps every record."""
    import dataclasses
    import json
    import sqlite3
    from importlib import resources

    from twilio_emulator.domain import numbers as number_rules
    from twilio_emulator.domain.accounts import Account
    from twilio_emulator.domain.carriers import default_handset
    from twilio_emulator.domain.messaging_services import MessagingService, ServiceSender, StickyMapping
    from twilio_emulator.domain.opt_out import OptOut
    from twilio_emulator.domain.phone_numbers import IncomingPhoneNumber

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    schema = resources.files("twilio_emulator.store").joinpath("schema")
    for name in sorted(f.name for f in schema.iterdir() if f.name.endswith(".sql"))[:6]:  # 0001 … 0006
        db.executescript(schema.joinpath(name).read_text())
    db.execute("PRAGMA user_version = 6")
    sub, pn, pn2, mg, ai = "AC" + "5" * 32, "PN" + "1" * 32, "PN" + "4" * 32, "MG" + "2" * 32, "AI" + "3" * 32
    stuck, stopped, declared = "+14155550281", "+14155550282", "+14155550283"
    account = Account(sid=sub, auth_token="t" * 32, friendly_name="old", date_created=1.0, date_updated=1.0)
    number = IncomingPhoneNumber(sid=pn, account_sid=sub, phone_number="+14155550280", type="local", country="US",
                                 capabilities=number_rules.capabilities(number_rules.parse("+14155550280")),
                                 date_created=1.0, date_updated=1.0, config={"friendly_name": "kept"})
    second = dataclasses.replace(number, sid=pn2, phone_number="+14155550284")
    service = MessagingService(sid=mg, account_sid=sub, date_created=1.0, date_updated=1.0,
                               config={"friendly_name": "old service"})
    member = ServiceSender(sid=pn, account_sid=sub, service_sid=mg, kind="phone_number", address=number.phone_number,
                           country="US", capabilities=["SMS"], date_created=1.0, date_updated=1.0)
    member2 = dataclasses.replace(member, sid=pn2, address=second.phone_number)
    alpha = ServiceSender(sid=ai, account_sid=sub, service_sid=mg, kind="alpha_sender", address="OLDCO", country="",
                          capabilities=["SMS"], date_created=1.0, date_updated=1.0)
    handset = dataclasses.replace(default_handset(declared), behaviour="undelivered", error_code=30003)
    rows = [("account", sub, sub, account), ("phone_number", pn, sub, number), ("phone_number", pn2, sub, second),
            ("messaging_service", mg, sub, service), ("service_sender", f"sender:{pn}", sub, member),
            ("service_sender", f"sender:{pn2}", sub, member2), ("service_sender", f"sender:{ai}", sub, alpha),
            ("sticky_sender", f"sticky:{mg}:{stuck}", sub, StickyMapping(sub, mg, stuck, second.phone_number)),
            ("opt_out", f"optout:{mg}:{stopped}", sub, OptOut(sub, mg, stopped, 1.0)),
            ("handset", f"handset:{declared}", None, handset)]
    for kind, key, owner, obj in rows:
        db.execute("INSERT INTO records (kind, sid, account_sid, data) VALUES (?, ?, ?, ?)",
                   (kind, key, owner, json.dumps(dataclasses.asdict(obj))))
    db.execute("INSERT INTO records (kind, sid, account_sid, data) VALUES ('setting', 'setting:token_salt', NULL, ?)",
               (json.dumps({"value": "old-salt"}),))
    db.commit()
    db.close()

    with EmulatorThread(Settings(db_path=str(path), timing="instant", log_requests=False)) as server:
        c = twilio_emulator.client(server.base_url, sub, "t" * 32)
        assert c.incoming_phone_numbers(pn).fetch().friendly_name == "kept"
        assert {s.sid for s in c.messaging.v1.services(mg).phone_numbers.list()} == {pn, pn2}
        assert [s.alpha_sender for s in c.messaging.v1.services(mg).alpha_senders.list()] == ["OLDCO"]
        assert server.emulator.token_salt == "old-salt"
        assert server.emulator.handset(declared).behaviour == "undelivered"
        sticky = c.messages.create(to=stuck, messaging_service_sid=mg, body="sticky")
        assert server.call(server.emulator.wait_for_message, sticky.sid, "delivered").from_ == second.phone_number
        from twilio.base.exceptions import TwilioRestException
        try:
            c.messages.create(to=stopped, messaging_service_sid=mg, body="opted out")
            raise AssertionError("an opted-out handset was texted")
        except TwilioRestException as exc:
            assert exc.code == 21610
    with sqlite3.connect(path) as db:
        keys = {(k, key) for k, key in db.execute("SELECT kind, key FROM records")}
    assert ("handset", declared) in keys and ("service_sender", pn) in keys and ("phone_number", pn) in keys
    assert ("sticky_sender", f"{mg}:{stuck}") in keys and ("setting", "token_salt") in keys


def test_whatsapp_senders_windows_templates_and_an_unprocessed_message_survive_a_restart(tmp_path):
    import sqlite3

    import requests
    from twilio.rest.content.v1.content import ContentList

    from tests.support.receiver import Receiver

    settings = Settings(db_path=str(tmp_path / "state.db"), timing="instant", log_requests=False)
    user = "whatsapp:+14155550163"
    with Receiver(body="<Response><Message>still on WhatsApp</Message></Response>", content_type="text/xml") as app:
        with EmulatorThread(settings) as first:
            c = twilio_emulator.client(first.base_url)
            number = c.incoming_phone_numbers.create(phone_number="+14155550164")
            sender = requests.post(f"{first.base_url}/_emulator/v1/senders", timeout=10, json={
                "sender_id": f"whatsapp:{number.phone_number}", "webhook": {"callback_url": app.url("/wa")}}).json()
            content = c.content.v1.contents.create(ContentList.ContentCreateRequest(
                {"language": "en", "types": {"twilio/text": {"body": "kept"}}}))
            sid = requests.post(f"{first.base_url}/_emulator/v1/inbound", timeout=10, json={
                "From": user, "To": sender["sender_id"], "Body": "hi", "ProfileName": "Ann",
                "wait": True}).json()["sid"]
        with sqlite3.connect(settings.db_path) as db:  # as if it crashed before the webhook
            db.execute("UPDATE messages SET status = 'receiving' WHERE sid = ?", (sid,))
            db.execute("INSERT INTO inbound_work (message_sid, account_sid, stage) SELECT sid, account_sid, 'new' "
                       "FROM messages WHERE sid = ?", (sid,))
        requests_before = len(app.requests)
        with EmulatorThread(settings) as second:
            second.call(second.emulator.drain)
            c = twilio_emulator.client(second.base_url)
            assert c.messaging.v2.channels_senders(sender["sid"]).fetch().status == "ONLINE"
            assert c.content.v1.contents(content.sid).fetch().types == {"twilio/text": {"body": "kept"}}
            assert len(app.requests) == requests_before + 1
            assert (app.requests[-1].form["ProfileName"], app.requests[-1].form["From"]) == (["Ann"], [user])
            replies = [m for m in c.messages.list(to=user) if m.body == "still on WhatsApp"]
            assert len(replies) == 2 and replies[0].from_ == sender["sender_id"]
            # The user's message still holds the 24-hour window open after the restart.
            free = c.messages.create(from_=sender["sender_id"], to=user, body="free-form")
            assert second.call(second.emulator.wait_for_message, free.sid, "read").error_code is None


def test_verify_services_verifications_and_blocks_survive_a_restart(tmp_path):
    settings = Settings(db_path=str(tmp_path / "verify.db"), timing="instant", log_requests=False)
    with EmulatorThread(settings) as first:
        c = twilio_emulator.client(first.base_url)
        service = c.verify.v2.services.create(friendly_name="Kept", code_length=5)
        started = c.verify.v2.services(service.sid).verifications.create(to="+14155550161", channel="sms")
        first.call(first.emulator.wait_for_message, started_message(first, "+14155550161"), "delivered")
        code = first.emulator.verify.verifications[started.sid].code
        first.call(_blocks, first.emulator)

    with EmulatorThread(settings) as second:
        c = twilio_emulator.client(second.base_url)
        verify = c.verify.v2.services(service.sid)
        assert verify.fetch().code_length == 5
        again = verify.verifications.create(to="+14155550161", channel="sms")  # the same pending one, same code
        assert again.sid == started.sid and len(again.send_code_attempts) == 2
        assert second.emulator.verify.verifications[started.sid].code == code
        assert verify.verification_checks.create(to="+14155550161", code=code).status == "approved"
        with pytest.raises(TwilioRestException) as refused:
            verify.verifications.create(to="+5352345678", channel="sms")
        assert refused.value.code == 60605


def started_message(thread, to: str) -> str:
    [v] = [v for v in thread.emulator.verify.verifications.values() if v.to == to]
    return v.message_sids[-1]


async def _blocks(emu) -> None:
    from twilio_emulator.engine import verify
    await verify.set_blocks(emu, emu.settings.account_sid, None, ["CU"])
