"""SIGTERM/SIGINT at any moment ends `twilio-emulator serve` within a bound, with nothing acknowledged lost:
during start-up (a signal that cancelled the emulator's start used to leave the store's worker thread keeping
the finished process alive), with a long-poll in flight, and twice in a row."""
from __future__ import annotations

import importlib.util
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

import twilio_emulator
from tests.support.receiver import Receiver
from tests.test_cli import Serve

BOUND = 10  # seconds from the signal to the end of the process
# serve --loop: asyncio's, and uvloop's when installed (it is in the test extra)
LOOPS = ["asyncio", pytest.param("uvloop", marks=pytest.mark.skipif(
    importlib.util.find_spec("uvloop") is None, reason="uvloop is not installed (it is in the test extra)"))]


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


def serve(db, loop: str = "asyncio") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--db", str(db),
                             "--quiet", "--loop", loop], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("loop", LOOPS)
def test_a_signal_at_a_random_moment_of_start_up_always_ends_the_process(tmp_path, loop):
    rng = random.Random(20261206)  # the same moments every run
    for round_ in range(16):
        process = serve(tmp_path / f"round{round_}.db", loop)
        time.sleep(rng.uniform(0.05, 0.7))  # the moment of the signal: from imports to a running server
        process.send_signal(rng.choice((signal.SIGTERM, signal.SIGINT)))
        try:
            code = process.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"round {round_}: still running {BOUND} s after the signal")
        # 0 once the server handles signals; before that (still importing) the signal's default action.
        assert code in (0, -signal.SIGTERM, -signal.SIGINT, 1), code


@pytest.mark.parametrize("loop", LOOPS)
def test_a_signal_with_a_long_poll_in_flight_ends_it_within_the_bound_and_keeps_what_was_acknowledged(tmp_path, loop):
    db = tmp_path / "kept.db"
    with Serve("--db", str(db), "--quiet", "--loop", loop) as server:
        client = twilio_emulator.client(server.base_url)
        number = client.incoming_phone_numbers.create(area_code="415").phone_number
        sent = client.messages.create(to="+14155550142", from_=number, body="kept")
        long_poll(server.base_url)
        server.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert server.proc.wait(timeout=BOUND) == 0
        assert time.monotonic() - started < BOUND
    with Serve("--db", str(db), "--quiet") as again:  # read back on asyncio's loop
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


def _load(url: str, acknowledged: list, stop: threading.Event) -> None:
    """Creates and inbound messages as fast as one client sends them, keeping the SID of every one the emulator
    acknowledged (a 201), until the server goes away."""
    session = requests.Session()
    auth = (twilio_emulator.DEFAULT_ACCOUNT_SID, twilio_emulator.DEFAULT_AUTH_TOKEN)
    base = f"{url}/2010-04-01/Accounts/{auth[0]}"
    try:
        number = session.post(f"{base}/IncomingPhoneNumbers.json", auth=auth, data={"AreaCode": "415"},
                              timeout=5).json()["phone_number"]
        while not stop.is_set():
            sent = session.post(f"{base}/Messages.json", auth=auth, timeout=5,
                                data={"To": "+14155550147", "From": number, "Body": "load"})
            if sent.status_code == 201:
                acknowledged.append(sent.json()["sid"])
            came = session.post(f"{url}/_emulator/v1/inbound", timeout=5,
                                json={"From": "+14155550148", "To": number, "Body": "in"})
            if came.status_code == 201:
                acknowledged.append(came.json()["sid"])
    except (requests.RequestException, ValueError, KeyError):
        pass  # the server ended: what this test does


def test_fifty_signals_at_random_moments_always_end_it_and_lose_nothing_acknowledged(tmp_path):
    """Single and double, to the process and to its process group, with and without --db, under load or idle,
    at seeded-random moments from start-up on: the process always ends within the bound, and with --db every
    message and inbound message it acknowledged is there after a restart."""
    rng = random.Random(27)
    for round_ in range(50):
        db = tmp_path / f"r{round_}.db" if round_ % 2 else None
        double, to_group, loaded = rng.random() < 0.3, rng.random() < 0.5, rng.random() < 0.6
        process = subprocess.Popen([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--quiet",
                                    "--timing", "instant", *(["--db", str(db)] if db else [])],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        acknowledged: list[str] = []
        stop = threading.Event()
        if loaded:  # wait for the banner, then load it (its log read all along, so that it never blocks on it)
            url = next(m[1] for line in process.stderr if (m := re.search(r"listening on (\S+)", line)))
            threading.Thread(target=process.stderr.read, daemon=True).start()
            worker = threading.Thread(target=_load, args=(url, acknowledged, stop), daemon=True)
            worker.start()
        time.sleep(rng.uniform(0.0, 0.6))  # the moment of the signal
        send = (lambda s: os.killpg(process.pid, s)) if to_group else process.send_signal
        send(signal.SIGTERM)
        if double:
            time.sleep(rng.uniform(0.0, 0.2))
            try:
                send(signal.SIGTERM)
            except ProcessLookupError:
                pass  # already gone
        try:
            process.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"round {round_} (double={double}, group={to_group}, load={loaded}, db={bool(db)}):"
                                 f" still running {BOUND} s after the signal")
        finally:
            stop.set()
        if db and acknowledged:
            with Serve("--db", str(db), "--quiet") as again:
                client = twilio_emulator.client(again.base_url)
                stored = {m.sid for m in client.messages.list()}
            assert set(acknowledged) - stored == set(), f"round {round_}: acknowledged and lost"


def test_a_signal_with_a_hanging_webhook_in_flight_ends_it_within_the_bound(tmp_path):
    """The app never answers the inbound webhook (the emulator would wait its 15 s webhook timeout): one signal
    still ends the process within the bound, and what was acknowledged is kept."""
    db = tmp_path / "hang.db"
    with Receiver(hang=True) as app, Serve("--db", str(db), "--quiet") as server:
        client = twilio_emulator.client(server.base_url)
        number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        inbound = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=10,
                                json={"From": "+14155550149", "To": number, "Body": "kept"}).json()  # no wait
        app.wait_for(1)  # the webhook is in flight, and will never be answered
        server.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        server.proc.wait(timeout=BOUND + 5)
        assert time.monotonic() - started < BOUND
    with Serve("--db", str(db), "--quiet") as again:
        assert twilio_emulator.client(again.base_url).messages(inbound["sid"]).fetch().body == "kept"


def test_sigterm_to_make_serves_process_group_ends_both(tmp_path):
    """`make serve` under `timeout` or a CI teardown: SIGTERM to make's process group ends make and the
    emulator within the bound."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "VIRTUAL_ENV": sys.prefix}  # make uses this interpreter as it is
    make = subprocess.Popen(["make", "-s", "serve", "PORT=0", f"PYTHON={sys.executable}"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        url = next((m[1] for line in make.stderr if (m := re.search(r"listening on (\S+)", line))), None)
        assert url, "make serve printed no banner"
        threading.Thread(target=make.stderr.read, daemon=True).start()
        assert requests.get(f"{url}/_emulator/v1/clock", timeout=10).status_code == 200
        os.killpg(make.pid, signal.SIGTERM)
        started = time.monotonic()
        make.wait(timeout=BOUND + 5)
        assert time.monotonic() - started < BOUND
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/_emulator/v1/clock", timeout=2)  # the emulator is gone too, and its port free
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
