"""The container image: `make image` builds it (here on a base made with debootstrap, from a wheelhouse made on
the host: TWILIO_EMULATOR_IMAGE_BASE, which .ci/run sets up), and in a container it answers the SDK and the
control API, delivers an inbound message to a webhook on the host, reports healthy, and stops on SIGTERM within
the bound. Every build and container uses the host's network, so every connection stays on 127.0.0.1. Skipped,
saying why, where Docker cannot run; under CI with Docker set up (TWILIO_EMULATOR_DOCKER=required), a failure."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import twilio_emulator
from tests.support.receiver import Receiver

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "twilio-emulator:test"
BOUND = 10  # seconds from docker stop to the container's end


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def docker_or_skip() -> None:
    why = None
    if not shutil.which("docker"):
        why = "docker is not installed"
    elif subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode != 0:
        why = "no Docker engine answers (docker info)"
    if why:
        if os.environ.get("TWILIO_EMULATOR_DOCKER") == "required":
            pytest.fail(f"the container test cannot run: {why}")
        pytest.skip(f"{why}: the container image is not tested here (.ci/docker-setup prepares a machine)")


@pytest.fixture(scope="module")
def image() -> str:
    docker_or_skip()
    base = os.environ.get("TWILIO_EMULATOR_IMAGE_BASE")
    env = {**os.environ, "VIRTUAL_ENV": sys.prefix}  # make uses this interpreter as it is
    built = subprocess.run(["make", "-s", "image", f"IMAGE={IMAGE}", f"PYTHON={sys.executable}",
                            *([f"BASE={base}"] if base else [])], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=900)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return IMAGE


def inspect(container: str) -> dict:
    return json.loads(subprocess.run(["docker", "inspect", container], capture_output=True, text=True,
                                     check=True).stdout)[0]["State"]


def test_the_image_serves_reports_healthy_reaches_the_host_and_stops_on_sigterm(image):
    port = free_port()
    name = f"twilio-emulator-test-{port}"
    started = subprocess.run(["docker", "run", "-d", "--name", name, "--network", "host",
                              "-e", f"TWILIO_EMULATOR_PORT={port}", "-e", "TWILIO_EMULATOR_TIMING=instant",
                              "-e", "TWILIO_EMULATOR_MEDIA_FETCH=false", image], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    try:
        deadline = time.monotonic() + 60
        while inspect(name).get("Health", {}).get("Status") != "healthy":  # the image's own HEALTHCHECK
            assert time.monotonic() < deadline, subprocess.run(["docker", "logs", name], capture_output=True,
                                                               text=True).stderr
            assert inspect(name)["Running"], subprocess.run(["docker", "logs", name], capture_output=True,
                                                            text=True).stderr
            time.sleep(0.5)  # polling Docker's view of the health check, which has no event to wait on
        url = f"http://127.0.0.1:{port}"
        client = twilio_emulator.client(url)
        with Receiver(body="<Response><Message>got it</Message></Response>", content_type="text/xml") as app:
            number = client.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
            sent = client.messages.create(to="+14155550145", from_=number, body="from the container",
                                          media_url=["https://demo.twilio.com/owl.png"])  # hermetic: not fetched
            done = requests.get(f"{url}/_emulator/v1/messages/wait", timeout=30,
                                params={"sid": sent.sid, "status": "delivered", "timeout": 20}).json()
            assert done["status"] == "delivered"
            inbound = requests.post(f"{url}/_emulator/v1/inbound", timeout=30, json={
                "From": "+14155550146", "To": number, "Body": "hello app", "wait": True}).json()
            assert [r["body"] for r in inbound["outcome"]["replies"]] == ["got it"]
            assert app.requests[0].param("Body") == "hello app"  # the webhook on the host was reached
        stopping = time.monotonic()
        subprocess.run(["docker", "stop", "-t", str(BOUND + 5), name], check=True, capture_output=True)
        assert time.monotonic() - stopping < BOUND
        assert inspect(name)["ExitCode"] == 0
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
