"""Fixtures of the raw-HTTP tests: URLs on the shared emulator."""
from __future__ import annotations

import pytest


@pytest.fixture
def url(server):
    return lambda path: f"{server.base_url}{path}"


@pytest.fixture
def messages_url(url, account):
    return url(f"/2010-04-01/Accounts/{account[0]}/Messages.json")
