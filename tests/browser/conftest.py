"""End-to-end tests of the web inspector in a real browser: Playwright for Python driving Debian's chromium
(/usr/bin/chromium: `make test` installs it when root; Playwright's own browser download cannot work on
these machines). One emulator (realistic timing, so statuses visibly tick) for the module; every page is
watched: a console error, an uncaught exception or a request that leaves 127.0.0.1 fails the test."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from twilio_emulator import Settings
from twilio_emulator.testing import EmulatorThread

CHROMIUM = "/usr/bin/chromium"
# What a headless Chromium on a closed network needs (machines without internet): no background calls home.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium; `make test` does it as root)"
    return None


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API holds an event loop on this thread while it runs, which would
    break other modules' asyncio.run()."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def inspector_server():
    with EmulatorThread(Settings(timing="realistic", log_requests=False, throughput=False)) as thread:
        yield thread


class Watched:
    """A page and everything it did wrong."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            self.outside.append(request.url)


@pytest.fixture
def inspector(browser, inspector_server):
    """The emulator reset, and the inspector open on it in a fresh browser context, its event stream live;
    checked when the test ends."""
    requests.post(f"{inspector_server.base_url}/_emulator/v1/reset", timeout=10).raise_for_status()
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    watched = Watched(page, inspector_server.base_url)
    page.goto(inspector_server.base_url + "/")
    page.get_by_role("status").filter(has_text="live").wait_for()
    yield watched
    context.close()
    assert watched.errors == [], watched.errors
    assert watched.outside == [], watched.outside
