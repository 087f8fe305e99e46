"""One scheduler, one clock: with the manual clock nothing moves until advanced, then exactly what is due."""
from __future__ import annotations

import datetime as dt

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
        assert status() == "queued"
        server.call(emu.advance, 0.5)
        assert status() == "queued"
        server.call(emu.advance, 0.5)  # t = 1
        assert status() == "sending" and c.messages(m.sid).fetch().date_sent is None
        server.call(emu.advance, 1.9)  # t = 2.9
        assert status() == "sending"
        server.call(emu.advance, 0.1)  # t = 3
        sent = c.messages(m.sid).fetch()
        assert sent.status == "sent" and sent.date_sent is not None and sent.price == "-0.00790"
        server.call(emu.advance, 100)  # t = 103: delivered at t = 6, nothing after it
        delivered = c.messages(m.sid).fetch()
        assert delivered.status == "delivered" and delivered.date_sent == sent.date_sent
        assert delivered.date_updated == sent.date_updated + dt.timedelta(seconds=3)
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
