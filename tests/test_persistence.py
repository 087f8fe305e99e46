"""Nothing is lost: with a file database, everything survives a restart, and messages still in flight when
the emulator stopped reach a final status after it starts again."""
from __future__ import annotations

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread


def test_state_survives_restart_and_in_flight_messages_finish(tmp_path):
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
                                    media_url=["https://example.com/x.png"])
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
