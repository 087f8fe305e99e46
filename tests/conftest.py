"""Shared fixtures: one real emulator on a free loopback port for the session, an isolated subaccount per test.

Isolation comes from accounts (one account never sees another's data), so tests need no global reset.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread

from tests.support.receiver import Receiver

# The smallest valid PNG (1x1): what the media host answers for any path.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture(scope="session")
def server():
    with EmulatorThread(Settings(timing="instant", log_requests=False)) as thread:
        yield thread


@pytest.fixture(autouse=True)
def no_internal_errors(request):
    """Fail any test during which the shared emulator hit a bug of its own (even one it survived)."""
    if "server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("server")
    before = len(server.emulator.internal_errors)
    yield
    assert server.emulator.internal_errors[before:] == []


@pytest.fixture
def manual_clock(server):
    """The shared emulator's clock stopped for this test (nothing moves until advanced), then real again."""
    server.emulator.set_clock("manual")
    yield server.emulator
    server.emulator.set_clock("real")


@pytest.fixture
def main_client(server):
    return twilio_emulator.client(server.base_url)


@pytest.fixture
def account(main_client):
    """A fresh subaccount: (sid, auth_token)."""
    sub = main_client.api.v2010.accounts.create(friendly_name="test")
    return sub.sid, sub.auth_token


@pytest.fixture
def client(server, account):
    return twilio_emulator.client(server.base_url, *account)


@pytest.fixture
def number(client):
    """An SMS-capable US number owned by the test's account."""
    return client.incoming_phone_numbers.create(area_code="415").phone_number


OAI_DIR = Path(os.environ.get("TWILIO_OAI_DIR", Path(__file__).resolve().parents[2] / "shared" / "twilio-oai"))


@pytest.fixture(scope="session")
def oai_dir() -> Path:
    if not OAI_DIR.is_dir():
        pytest.skip(f"twilio-oai spec not found at {OAI_DIR} (set TWILIO_OAI_DIR)")
    return OAI_DIR


def pytest_terminal_summary(terminalreporter) -> None:
    """One line at the end of the run when the contract tests (spec shapes, schema fuzz, coverage) had no specs."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "twilio-oai" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} contract tests skipped: Twilio's OpenAPI descriptions (twilio-oai) are not at {OAI_DIR}; "
            "set TWILIO_OAI_DIR to a clone's spec/json to run them (docs/architecture.md#contract-tests)",
            yellow=True, bold=True)


@pytest.fixture(scope="session")
def media_host():
    """A real web server for outbound media (Twilio downloads every MediaUrl before sending an MMS): any path
    answers a small PNG, /card a vCard; `media_host.url("/a.png")`."""
    with Receiver(body=PNG, content_type="image/png",
                  routes={"/card": (200, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n", "text/vcard")}) as app:
        yield app


@pytest.fixture(scope="session")
def node_twilio(tmp_path_factory):
    """A directory where `require("twilio")` (twilio-node from the npm registry) and `require("twilio-emulator")`
    (this repository's clients/node) work, for the docs' Node examples; a skip where this machine has no Node.js
    (a failure under CI, which has it)."""
    import shutil
    import subprocess
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are needed to run the docs' Node examples under CI")
        pytest.skip("Node.js and npm are not installed: the docs' Node examples cannot run here")
    where = tmp_path_factory.mktemp("node")
    package = Path(__file__).resolve().parents[1] / "clients" / "node"
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--install-links", "twilio@6",
                           str(package)], cwd=where,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return where
