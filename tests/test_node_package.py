"""The Node package (clients/node/) passes its own tests, `npm test` (node --test), against a real emulator started
by its startEmulator() with this checkout's `twilio-emulator` command. Skipped, saying so, where Node.js is
missing; under CI, which has it, a failure."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "clients" / "node"


def test_npm_test_passes_in_clients_node():
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are needed to test clients/node under CI")
        pytest.skip("Node.js and npm are not installed: the Node package's tests (clients/node) cannot run here")
    installed = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=PACKAGE, capture_output=True,
                               text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["npm", "test"], cwd=PACKAGE, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 5" in done.stdout, done.stdout[-2000:]
