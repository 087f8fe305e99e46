"""Settings: everything the CLI, the pytest plugin or a test can choose about one emulator instance."""
from __future__ import annotations

from dataclasses import dataclass, field

# A documented default test account, created at start-up when no credentials are given (README).
DEFAULT_ACCOUNT_SID = "AC" + "a" * 32
DEFAULT_AUTH_TOKEN = "0123456789abcdef0123456789abcdef"

# Seconds each outbound step takes: queued -> sending -> sent -> delivered (reference §12).
TIMINGS = {
    "instant": {"sending": 0.0, "sent": 0.0, "delivered": 0.0, "read": 0.0},  # each still 1 ms after the last
    # Emulator: short but ordered like Twilio's; real carriers take from under a second to minutes. `read`:
    # a WhatsApp/RCS read receipt after delivery (its user opening the chat).
    "realistic": {"sending": 0.1, "sent": 0.4, "delivered": 1.5, "read": 3.0},
}
# Seconds a WhatsApp/RCS sender takes to come online after it is created (or verified), and a Content
# template's WhatsApp approval takes [UNVERIFIED: minutes to days on Twilio; short here so `serve` shows it].
CHANNEL_TIMINGS = {
    "instant": {"sender": 0.0, "approval": 0.0},
    "realistic": {"sender": 2.0, "approval": 5.0},
}
# A call's progress (domain.voice.calls): seconds to initiated, to ringing, and ringing until the handset answers.
CALL_TIMINGS = {
    "instant": {"initiated": 0.001, "ringing": 0.001, "answered": 0.001},
    "realistic": {"initiated": 0.1, "ringing": 0.5, "answered": 2.0},
}

# API calls a second above which the activity log sums up, a line a second (engine.activity; serve
# --log-summary-above); 0: never.
LOG_SUMMARY_ABOVE = 1000

# The event loops `serve --loop` runs on (server.new_loop): asyncio's, or uvloop's (an optional package).
LOOPS = ("asyncio", "uvloop")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4010
    db_path: str = ":memory:"
    account_sid: str = DEFAULT_ACCOUNT_SID
    auth_token: str = DEFAULT_AUTH_TOKEN
    timing: str = "realistic"
    seed: int | None = None  # seeds SIDs, secrets and generated numbers
    max_body_bytes: int = 256 * 1024  # request bodies above this get 413
    log_requests: bool = True
    log_summary_above: int = LOG_SUMMARY_ABOVE
    webhook_timeout: float = 15.0  # seconds for a whole webhook request (Twilio: 15 s, reference §7.4)
    public_url: str | None = None  # how apps reach the emulator (inbound media URLs); default http://host:port
    step_delays: dict = field(default_factory=dict)  # overrides TIMINGS[timing] per step
    # Sender queues drained at each sender's rate (issue 18): None = on with realistic timing, off with instant.
    throughput: bool | None = None
    # Outbound media downloaded before an MMS goes, as Twilio does; False for a machine without internet: the
    # media is accepted unread, its type from the URL's extension, and the message says so in an info alert.
    media_fetch: bool = True
    # Conversations: an inbound message captured by the conversation that binds its (From, To) pair also reaches
    # the number's own webhook (the docs' other reading; by default it does not: reference
    # twilio-conversations §2.1).
    captured_also_webhook: bool = False
    # A scenario document (a fixtures/ file, parsed: scenario_files.read) that is part of the start-up state:
    # loaded into a fresh store at start and again by every reset.
    scenario: dict | None = None

    def delays(self) -> dict[str, float]:
        return {**TIMINGS[self.timing], **self.step_delays}

    def channel_delay(self, what: str) -> float:
        return CHANNEL_TIMINGS[self.timing][what]
