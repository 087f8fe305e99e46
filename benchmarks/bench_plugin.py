"""The pytest plugin's costs: session start (an in-process emulator on a free port, ready for its first test)
and the set-up each test pays (the twilio_emulator fixture: reset to the start-up state over HTTP), plain and
with a scenario file. Targets (issue 6): set-up per test <= 5 ms, session start <= 300 ms.
Usage: python benchmarks/bench_plugin.py [--tests 500] [--starts 10]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from twilio_emulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Settings
from twilio_emulator.testing import EmulatorThread, TwilioEmulator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.50):6.2f} ms   p95 {pick(0.95):6.2f} ms   p99 {pick(0.99):6.2f} ms   max {ordered[-1] * 1000:6.2f} ms"


def session_starts(count: int) -> list[float]:
    """What the session fixture does before the first test: start the emulator, reach it once."""
    out = []
    for _ in range(count):
        began = time.perf_counter()
        server = EmulatorThread(Settings(timing="instant", log_requests=False)).start()
        TwilioEmulator(server.base_url, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN).reset()
        out.append(time.perf_counter() - began)
        server.stop()
    return out


COLD = """
import time
import pytest  # loaded before any plugin: not the plugin's cost
began = time.perf_counter()
from twilio_emulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Settings
from twilio_emulator.testing import EmulatorThread, TwilioEmulator
import twilio_emulator.pytest_plugin
server = EmulatorThread(Settings(timing="instant", log_requests=False)).start()
TwilioEmulator(server.base_url, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN).reset()
print(time.perf_counter() - began)
server.stop()
"""


def cold_starts(count: int) -> list[float]:
    """The same in a fresh interpreter, the plugin's imports included (what pytest pays once per session).
    With the package's bytecode compiled first, as an installed package has it: where PYTHONDONTWRITEBYTECODE
    is set (this machine sets it) every import would compile from source, adding about 60 ms."""
    import compileall
    import subprocess

    import twilio_emulator
    compileall.compile_dir(Path(twilio_emulator.__file__).parent, quiet=1)
    return [float(subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
                  .stdout) for _ in range(count)]


def setups(server: EmulatorThread, count: int, scenario: str | None) -> list[float]:
    """What the twilio_emulator fixture does before each test (after a test that bought a number and sent)."""
    out = []
    for _ in range(count):
        harness = TwilioEmulator(server.base_url, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, str(FIXTURES))
        number = harness.add_number(area_code="415")["phone_number"]  # the previous test's state
        harness.client().messages.create(to="+14155550100", from_=number, body="x")
        began = time.perf_counter()
        fresh = TwilioEmulator(server.base_url, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, str(FIXTURES))
        fresh.reset()
        if scenario:
            fresh.load_scenario(scenario)
        out.append(time.perf_counter() - began)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=int, default=500)
    parser.add_argument("--starts", type=int, default=10)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; {args.starts} session starts, {args.tests} test set-ups each")
    starts = session_starts(args.starts)
    print(f"session start (emulator up, first reset): {percentiles(starts)}")
    cold = cold_starts(args.starts)
    print(f"  the same in a fresh interpreter:         {percentiles(cold)}")
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as server:
        plain = setups(server, args.tests, None)
        print(f"set-up per test (reset):                  {percentiles(plain)}")
        with_scenario = setups(server, args.tests // 5, "appointment_reminders")
        print(f"set-up per test (reset + scenario file):  {percentiles(with_scenario)}")
    ok = statistics.median(plain) <= 0.005 and statistics.median(cold) <= 0.300
    print(f"targets (median set-up <= 5 ms, median session start <= 300 ms): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
