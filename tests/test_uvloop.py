"""`serve --loop uvloop`: the same emulator on uvloop's event loop (an optional package). Through the SDK and the
simulated network, and a one-line error without the package. (Stopping it by signal: tests/test_shutdown.py,
on both loops.)"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import requests

import twilio_emulator
from tests.test_cli import Serve

needs_uvloop = pytest.mark.skipif(importlib.util.find_spec("uvloop") is None,
                                  reason="uvloop is not installed (it is in the test extra)")


def uses_uvloop(pid: int) -> bool:
    """Whether the process has uvloop's compiled loop mapped: the loop it runs on, not what it says it runs on."""
    return any("uvloop/loop" in line for line in Path(f"/proc/{pid}/maps").read_text().splitlines())


@needs_uvloop
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_serve_on_uvloop_sends_delivers_and_answers_the_sdk():
    with Serve("--loop", "uvloop", "--timing", "instant") as server:
        assert "event loop:  uvloop" in "".join(server.lines)
        assert uses_uvloop(server.proc.pid)
        client = twilio_emulator.client(server.base_url)
        number = client.incoming_phone_numbers.create(area_code="415").phone_number
        sent = client.messages.create(to="+14155550142", from_=number, body="on uvloop")
        assert sent.status == "queued"
        done = requests.get(f"{server.base_url}/_emulator/v1/messages/wait",
                            params={"sid": sent.sid, "status": "delivered", "timeout": 10}, timeout=15)
        assert done.status_code == 200, done.text
        assert client.messages(sent.sid).fetch().status == "delivered"
        with pytest.raises(Exception) as refused:  # a Twilio error in Twilio's shape, on this loop too
            client.messages.create(to="not a number", from_=number, body="x")
        assert getattr(refused.value, "code", None) == 21211


@needs_uvloop
async def test_the_async_sdk_on_a_uvloop_server():
    with Serve("--loop", "uvloop", "--timing", "instant") as server:
        client = twilio_emulator.async_client(server.base_url)
        try:
            number = await client.incoming_phone_numbers.create_async(area_code="415")
            sent = await client.messages.create_async(to="+14155550143", from_=number.phone_number, body="async")
            assert (await client.messages(sent.sid).fetch_async()).body == "async"
        finally:
            await client.http_client.close()


def test_loop_uvloop_without_the_package_is_a_one_line_error():
    # uvloop made unimportable in that process only, as on a machine without the extra
    script = ("import sys; sys.modules['uvloop'] = None; from twilio_emulator.cli import main; "
              "sys.argv = ['twilio-emulator', 'serve', '--port', '0', '--loop', 'uvloop']; main()")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == ("Error: --loop uvloop needs the uvloop package: pip install "
                                   "'twilio-emulator[uvloop]' (or uvloop itself)")


def test_an_unknown_loop_is_refused():
    done = subprocess.run([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--loop", "trio"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "'trio' is not one of 'asyncio', 'uvloop'" in done.stderr
