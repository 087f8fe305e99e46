"""Fault rules from a test (issue 18): the plugin's context manager, and a scenario file's [[faults]]."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException


def test_a_fault_for_the_length_of_a_with_block(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number()
    with twilio_emulator.fault("api", {"status": 503}, match={"method": "POST", "resource": "Messages"},
                               times=1) as rule:
        with pytest.raises(TwilioRestException) as err:
            twilio_client.messages.create(from_=number, to="+14155550170", body="x")
        assert (err.value.status, err.value.code) == (503, 20503)
        assert rule.fired == 1
    assert twilio_emulator.remote.control("GET", "/faults")["faults"] == []  # removed at the end
    twilio_client.messages.create(from_=number, to="+14155550170", body="x")


def test_a_scenario_files_faults(twilio_emulator, twilio_client, tmp_path):
    path = tmp_path / "flaky.toml"
    path.write_text('[[numbers]]\nphone_number = "+14155550061"\n\n[[faults]]\nwhere = "carrier"\n'
                    'match = { to_prefix = "+44" }\ndo = { status = "undelivered", error_code = 30003 }\n')
    assert twilio_emulator.load_scenario(str(path))["loaded"]["faults"] == 1
    uk = twilio_client.messages.create(from_="+14155550061", to="+447700900123", body="x")
    assert twilio_emulator.wait_for_message(sid=uk.sid, status="undelivered").error_code == 30003


def test_how_the_app_coped_is_read_from_the_webhook_log(twilio_emulator, twilio_client):
    from tests.support.receiver import Receiver
    number = twilio_emulator.add_number()
    with Receiver(status=500) as app, \
            twilio_emulator.fault("callback", {"effect": "duplicate"}, match={"status": "delivered"}, times=1):
        m = twilio_client.messages.create(from_=number, to="+14155550171", body="x",
                                          status_callback=app.url("/s#rc=1&rp=5xx"))
        twilio_emulator.wait_for_message(sid=m.sid, status="delivered")
        twilio_emulator.remote.control("POST", "/drain")
    callbacks = twilio_emulator.webhooks(m.sid, kind="status_callback")
    delivered = [c for c in callbacks if dict(map(tuple, c["params"]))["MessageStatus"] == "delivered"]
    assert len(delivered) == 4  # duplicated by the rule, each retried once on its 500
    assert len({c["headers"]["I-Twilio-Idempotency-Token"] for c in delivered}) == 1


def test_queues_from_a_test_and_a_scenario(twilio_emulator, twilio_client, tmp_path):
    path = tmp_path / "rates.toml"
    path.write_text('[[numbers]]\nphone_number = "+14155550062"\nmps = 2\nqueue_depth = 2\n')
    twilio_emulator.load_scenario(str(path))
    state = twilio_emulator.set_throughput(True)
    assert state["senders"]["+14155550062"] == {"mps": 2.0, "queue_depth": 2}
    twilio_emulator.set_clock("manual")
    for i in range(2):
        twilio_client.messages.create(from_="+14155550062", to=f"+1415555016{i}", body="x")
    with pytest.raises(TwilioRestException) as err:
        twilio_client.messages.create(from_="+14155550062", to="+14155550169", body="x")
    assert err.value.code == 21611
