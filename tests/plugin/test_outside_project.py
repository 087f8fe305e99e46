"""A user's project outside this package, in a temp dir: its tests use only the plugin's fixtures and
markers (no import from twilio_emulator) and pass, alone and under pytest-xdist with two workers. Also what a
failure looks like, strict mode, --twilio-emulator-url and the ini options."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


from twilio_emulator.testing import EmulatorThread
from twilio_emulator import Settings

USER_TESTS = '''
import pytest

def test_reminder_reaches_the_phone(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number(area_code="415")  # the E.164 number, with .sid and .json
    assert number.startswith("+1415") and number.sid.startswith("PN") and number["sid"] == number.sid
    assert number.json["phone_number"] == number == number["phone_number"]
    twilio_client.messages.create(to="+14155550100", from_=number, body="Your code is 1234")
    phone = twilio_emulator.phone("+14155550100")
    assert phone.expect_sms(contains="code").from_ == number
    phone.expect_no_sms()

def test_each_test_starts_empty(twilio_client):
    assert twilio_client.incoming_phone_numbers.list() == []

@pytest.mark.twilio_scenario("line")
def test_scenario_from_fixtures_dir(twilio_emulator, twilio_client):
    assert [n.phone_number for n in twilio_client.incoming_phone_numbers.list()] == ["+14155550001"]
    phone = twilio_emulator.phone("+14155550177")
    phone.send("+14155550001", "STOP")
    assert "unsubscribed" in phone.expect_sms().body

@pytest.mark.twilio_strict
def test_strict_mode_passes_when_every_message_was_expected(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number()["phone_number"]
    twilio_client.messages.create(to="+14155550102", from_=number, body="hello")
    twilio_emulator.phone("+14155550102").expect_sms("hello")

def test_manual_clock(twilio_emulator, twilio_client):
    twilio_emulator.set_handset("+14155550103", delays={"delivered": 30})
    number = twilio_emulator.add_number()["phone_number"]
    m = twilio_client.messages.create(to="+14155550103", from_=number, body="later")
    twilio_emulator.advance(10)
    assert twilio_client.messages(m.sid).fetch().status == "sent"
    twilio_emulator.advance(30)
    assert twilio_emulator.handset("+14155550103").messages[0].body == "later"

async def test_async_client(twilio_async_client):
    created = await twilio_async_client.incoming_phone_numbers.create_async(area_code="212")
    assert created.phone_number.startswith("+1212")

@pytest.mark.parametrize("i", range(6))
def test_many(twilio_emulator, twilio_client, i):
    number = twilio_emulator.add_number(phone_number=f"+1415555020{i}")["phone_number"]
    assert [n.phone_number for n in twilio_client.incoming_phone_numbers.list()] == [number]
'''

SCENARIO = '''
[[numbers]]
phone_number = "+14155550001"
'''


def make_project(root: Path, tests: str = USER_TESTS) -> Path:
    (root / "fixtures").mkdir(parents=True)
    (root / "fixtures" / "line.toml").write_text(SCENARIO)
    (root / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (root / "test_user_app.py").write_text(textwrap.dedent(tests))
    return root


def run_pytest(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # -p no:cacheprovider: nothing written into the project; PYTHONPATH cleared so that nothing but the
    # installed package (its pytest11 entry point) brings the plugin in.
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": "", **(env or {})})


def test_a_project_outside_the_package_passes_with_only_the_fixtures(tmp_path):
    root = make_project(tmp_path / "userproject")
    text = (root / "test_user_app.py").read_text()
    assert "import twilio_emulator" not in text and "from twilio_emulator" not in text  # fixtures only
    done = run_pytest(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "12 passed" in done.stdout


def test_the_same_project_passes_under_xdist_with_two_workers(tmp_path):
    root = make_project(tmp_path / "userproject")
    done = run_pytest(root, "-n", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "12 passed" in done.stdout


FAILING = '''
import pytest

def test_wrong_text(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number()["phone_number"]
    twilio_client.messages.create(to="+14155550104", from_=number, body="Your code is 1234")
    twilio_emulator.phone("+14155550104").expect_sms(contains="password")

@pytest.mark.twilio_strict
def test_unexpected_message(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number()["phone_number"]
    twilio_client.messages.create(to="+14155550105", from_=number, body="surprise")

def test_no_sms_expected(twilio_emulator, twilio_client):
    number = twilio_emulator.add_number()["phone_number"]
    twilio_client.messages.create(to="+14155550106", from_=number, body="one too many")
    twilio_emulator.phone("+14155550106").expect_no_sms()
'''


def test_failures_show_the_conversation_and_the_webhook_log(tmp_path):
    root = make_project(tmp_path / "userproject", FAILING)
    done = run_pytest(root)
    out = done.stdout
    assert done.returncode == 1, out
    assert "expected the next SMS to +14155550104 containing 'password', got" in out
    assert "conversation of +14155550104:" in out and "'Your code is 1234'" in out and "webhook log:" in out
    assert "strict mode: messages were sent that no phone expected:" in out and "'surprise'" in out
    assert "expected no more SMS to +14155550106, got:" in out and "'one too many'" in out
    assert "2 failed, 1 passed, 1 error" in out  # strict mode fails at teardown


def test_an_already_running_emulator_and_the_ini_timing(tmp_path):
    root = make_project(tmp_path / "userproject", '''
        def test_uses_the_running_emulator(twilio_emulator):
            assert twilio_emulator.base_url == __import__("os").environ["EXPECTED_URL"]
    ''')
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as server:
        done = run_pytest(root, f"--twilio-emulator-url={server.base_url}",
                          env={"EXPECTED_URL": server.base_url})
        assert done.returncode == 0, done.stdout + done.stderr
    (root / "pytest.ini").write_text("[pytest]\ntwilio_emulator_timing = sometimes\n")
    done = run_pytest(root)
    assert done.returncode != 0 and "twilio_emulator_timing must be one of" in done.stdout + done.stderr


def test_a_file_database_per_xdist_worker(tmp_path):
    root = make_project(tmp_path / "userproject")
    done = run_pytest(root, "-n", "2", f"--twilio-emulator-db={tmp_path / 'state.db'}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.glob("state-*.db")) == ["state-gw0.db", "state-gw1.db"]


def test_the_ini_option_turns_sender_queues_on(tmp_path):
    root = make_project(tmp_path / "userproject", '''
        import pytest
        from twilio.base.exceptions import TwilioRestException

        def test_a_long_code_queues(twilio_emulator, twilio_client):
            number = twilio_emulator.add_number()
            assert twilio_emulator.remote.control("GET", "/throughput")["enabled"] is True
            twilio_emulator.set_throughput(**{number: {"queue_depth": 1}})
            twilio_emulator.set_clock("manual")
            twilio_client.messages.create(to="+14155550100", from_=number, body="first")
            with pytest.raises(TwilioRestException) as err:
                twilio_client.messages.create(to="+14155550101", from_=number, body="second")
            assert err.value.code == 21611
    ''')
    (root / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\ntwilio_emulator_throughput = true\n")
    done = run_pytest(root)
    assert done.returncode == 0, done.stdout + done.stderr
    (root / "pytest.ini").write_text("[pytest]\ntwilio_emulator_throughput = maybe\n")
    done = run_pytest(root)
    assert done.returncode != 0 and "twilio_emulator_throughput must be true or false" in done.stdout + done.stderr
