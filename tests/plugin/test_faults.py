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
