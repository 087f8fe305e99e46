"""One scheduler, one clock: with the manual clock nothing moves until advanced, then exactly what is due."""
from __future__ import annotations

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread


def test_manual_clock_moves_messages_only_when_advanced():
    settings = Settings(timing="realistic", step_delays={"sending": 1, "sent": 2, "delivered": 3},
                        log_requests=False)
    with EmulatorThread(settings) as server:
        emu = server.emulator
        emu.set_clock("manual")
        c = twilio_emulator.client(server.base_url)
        n = c.incoming_phone_numbers.create(phone_number="+14155550180")
        m = c.messages.create(to="+14155550199", from_=n.phone_number, body="tick")
        status = lambda: c.messages(m.sid).fetch().status  # noqa: E731
        assert server.call(emu.advance, 0.5) == 0 and status() == "queued"
        assert server.call(emu.advance, 0.5) == 1 and status() == "sending"  # t = 1
        assert server.call(emu.advance, 1.9) == 0 and status() == "sending"  # t = 2.9
        assert server.call(emu.advance, 0.1) == 1 and status() == "sent"  # t = 3
        sent = c.messages(m.sid).fetch()
        assert server.call(emu.advance, 100) == 1 and status() == "delivered"  # t = 6, nothing more due
        assert sent.date_sent == c.messages(m.sid).fetch().date_sent
        emu.set_clock("real")


def test_switching_back_to_real_time_resumes_work():
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as server:
        emu = server.emulator
        emu.set_clock("manual")
        c = twilio_emulator.client(server.base_url)
        n = c.incoming_phone_numbers.create(phone_number="+14155550181")
        m = c.messages.create(to="+14155550199", from_=n.phone_number, body="later")
        assert c.messages(m.sid).fetch().status == "queued"
        emu.set_clock("real")
        assert server.call(emu.wait_for_message, m.sid, "delivered").status == "delivered"
