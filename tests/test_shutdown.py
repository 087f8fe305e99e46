"""SIGTERM/SIGINT at any moment ends `twilio-emulator serve` within a bound, with nothing acknowledged lost:
during start-up (a signal that cancelled the emulator's start used to leave the store's worker thread keeping
the finished process alive), with a long-poll in flight, and twice in a row."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

import twilio_emulator
from tests.support.receiver import Receiver
from tests.test_cli import Serve

BOUND = 10  # seconds from the signal to the end of the process


def long_poll(base_url: str) -> threading.Thread:
    """A /messages/wait that nothing will satisfy: a request in flight when the signal comes (the server's end
    closes it, which is what this expects)."""
    def wait() -> None:
        try:
            requests.get(f"{base_url}/_emulator/v1/messages/wait", params={"to": "+19999999999", "timeout": 120},
                         timeout=130)
        except requests.RequestException:
            pass
    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return thread


def serve(db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--db", str(db),
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_signal_at_a_random_moment_of_start_up_always_ends_the_process(tmp_path):
    rng = random.Random(20261206)  # the same moments every run
    for round_ in range(16):
        process = serve(tmp_path / f"round{round_}.db")
        time.sleep(rng.uniform(0.05, 0.7))  # the moment of the signal: from imports to a running server
        process.send_signal(rng.choice((signal.SIGTERM, signal.SIGINT)))
        try:
            code = process.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"round {round_}: still running {BOUND} s after the signal")
        # 0 once the server handles signals; before that (still importing) the signal's default action.
        assert code in (0, -signal.SIGTERM, -signal.SIGINT, 1), code


def test_a_signal_with_a_long_poll_in_flight_ends_it_within_the_bound_and_keeps_what_was_acknowledged(tmp_path):
    db = tmp_path / "kept.db"
    with Serve("--db", str(db), "--quiet") as server:
        client = twilio_emulator.client(server.base_url)
        number = client.incoming_phone_numbers.create(area_code="415").phone_number
        sent = client.messages.create(to="+14155550142", from_=number, body="kept")
        long_poll(server.base_url)
        server.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert server.proc.wait(timeout=BOUND) == 0
        assert time.monotonic() - started < BOUND
    with Serve("--db", str(db), "--quiet") as again:
        assert twilio_emulator.client(again.base_url).messages(sent.sid).fetch().body == "kept"


def test_a_second_signal_during_shutdown_ends_it_at_once(tmp_path):
    """A webhook that never answers holds an inbound message (injected with wait) in flight: the first signal
    gives it the grace period, the second ends the process at once."""
    with Receiver(hang=True) as app, Serve("--db", str(tmp_path / "twice.db"), "--quiet") as server:
        client = twilio_emulator.client(server.base_url)
        number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        def inject() -> None:
            try:
                requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=60,
                              json={"From": "+14155550143", "To": number, "Body": "hi", "wait": True})
            except requests.RequestException:
                pass  # the server ends under it: what this test does
        threading.Thread(target=inject, daemon=True).start()
        app.wait_for(1)  # the webhook is in flight
        server.proc.send_signal(signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):
            server.proc.wait(timeout=1)  # the first signal waits for what is in flight
        server.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        server.proc.wait(timeout=BOUND)
        assert time.monotonic() - started < 2
