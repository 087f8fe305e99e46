"""The pytest plugin (entry point `pytest11`, so installing the package is enough).

Fixtures: `twilio_emulator` (harness.TwilioEmulator: URL, credentials, control verbs, phones),
`twilio_client` (a twilio.rest.Client pointed at it) and `twilio_async_client` (the SDK's async client, for
pytest-asyncio tests). One emulator per session (per xdist worker), in-process on a free loopback port, or
the one at --twilio-emulator-url; its state is reset before every test, so tests never see each other's
numbers, messages, handsets or clock. Markers: `twilio_scenario("name")` loads fixtures/name.toml|json
before the test; `twilio_strict` fails a test that sent a message no phone expected.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .config import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, TIMINGS, Settings
from .harness import TwilioEmulator


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("twilio-emulator")
    group.addoption("--twilio-emulator-url", default=os.environ.get("TWILIO_EMULATOR_URL"),
                    help="Use the emulator already running at this URL (a CI service) instead of starting one "
                         "[env TWILIO_EMULATOR_URL].")
    group.addoption("--twilio-emulator-db", default=None,
                    help="SQLite file for the in-process emulator (default: in memory); one per xdist worker.")
    parser.addini("twilio_emulator_timing", default="instant",
                  help=f"Delivery step timing of the in-process emulator: {' | '.join(sorted(TIMINGS))}.")
    parser.addini("twilio_emulator_fixtures", default="fixtures",
                  help="Directory of scenario files, relative to the rootdir.")
    parser.addini("twilio_emulator_strict", type="bool", default=False,
                  help="Fail every test that sent a message no phone expected (as the twilio_strict marker).")
    parser.addini("twilio_emulator_media_fetch", type="bool", default=True,
                  help="Download outbound media before an MMS goes (false: take it unread, for a machine without "
                       "internet).")
    parser.addini("twilio_emulator_captured_also_webhook", type="bool", default=False,
                  help="An inbound message captured by a Conversation also reaches the number's own webhook.")
    parser.addini("twilio_emulator_throughput", default="",
                  help="Sender queues of the in-process emulator: true | false (default: as its timing says, "
                       "off with instant).")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "twilio_scenario(name, ...): load these scenario files before the test.")
    config.addinivalue_line("markers", "twilio_strict: fail if an outbound message nobody expected was sent.")


@pytest.fixture(scope="session")
def _twilio_emulator_url(request: pytest.FixtureRequest):
    """The base URL of this session's emulator, started here unless --twilio-emulator-url names one."""
    config = request.config
    url = config.getoption("--twilio-emulator-url")
    if url:
        yield url.rstrip("/")
        return
    timing = config.getini("twilio_emulator_timing")
    if timing not in TIMINGS:
        raise pytest.UsageError(f"twilio_emulator_timing must be one of {', '.join(sorted(TIMINGS))}, not {timing!r}")
    db = config.getoption("--twilio-emulator-db") or ":memory:"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and db != ":memory:":  # each worker its own file
        path = Path(db)
        db = str(path.with_name(f"{path.stem}-{worker}{path.suffix}"))
    from .testing import EmulatorThread  # the engine is imported only when a test needs an emulator
    raw = str(config.getini("twilio_emulator_throughput")).strip().lower()
    if raw not in ("", "true", "false"):
        raise pytest.UsageError(f"twilio_emulator_throughput must be true or false, not {raw!r}")
    throughput = None if raw == "" else raw == "true"
    settings = Settings(timing=timing, db_path=db, log_requests=False, throughput=throughput,
                        media_fetch=config.getini("twilio_emulator_media_fetch"),
                        captured_also_webhook=config.getini("twilio_emulator_captured_also_webhook"))
    with EmulatorThread(settings) as server:
        yield server.base_url


@pytest.fixture
def twilio_emulator(_twilio_emulator_url: str, request: pytest.FixtureRequest):
    """The emulator, reset to its start-up state, with any twilio_scenario files loaded."""
    config = request.config
    harness = TwilioEmulator(_twilio_emulator_url, os.environ.get("TWILIO_ACCOUNT_SID", DEFAULT_ACCOUNT_SID)
                             if config.getoption("--twilio-emulator-url") else DEFAULT_ACCOUNT_SID,
                             os.environ.get("TWILIO_AUTH_TOKEN", DEFAULT_AUTH_TOKEN)
                             if config.getoption("--twilio-emulator-url") else DEFAULT_AUTH_TOKEN,
                             fixtures_dir=str(Path(config.rootpath) / config.getini("twilio_emulator_fixtures")))
    harness.reset()
    for marker in reversed(list(request.node.iter_markers("twilio_scenario"))):
        for name in marker.args:
            harness.load_scenario(name)
    yield harness
    strict = request.node.get_closest_marker("twilio_strict") is not None or config.getini("twilio_emulator_strict")
    if strict:
        unexpected = harness.unexpected()
        if unexpected:
            harness.fail("strict mode: messages were sent that no phone expected: "
                         + "; ".join(map(str, unexpected)))


@pytest.fixture
def twilio_client(twilio_emulator: TwilioEmulator):
    """A twilio.rest.Client pointed at the emulator."""
    return twilio_emulator.client()


try:
    import pytest_asyncio
except ImportError:  # the async client fixture needs pytest-asyncio
    pass
else:
    @pytest_asyncio.fixture
    async def twilio_async_client(twilio_emulator: TwilioEmulator):
        """The SDK's async client pointed at the emulator (`await client.messages.create_async(...)`)."""
        from . import async_client
        client = async_client(twilio_emulator.base_url, twilio_emulator.account_sid, twilio_emulator.auth_token)
        yield client
        await client.http_client.close()
