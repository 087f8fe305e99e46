"""The Emulator: owns the store, clock, scheduler, events and caches; starts, stops and resets them.

Use cases live in one module per area (accounts, numbers, messaging) as functions taking the Emulator.
No HTTP server code here.
"""
from __future__ import annotations

import asyncio
import logging
import random
import secrets
import uuid
from operator import attrgetter

from ..config import Settings
from ..domain.accounts import Account, ApiKey
from ..domain import carriers
from ..domain.carriers import Handset
from ..domain.phone_numbers import IncomingPhoneNumber
from ..domain.sids import SidFactory
from ..store import Store, records
from ..store.webhooks import Alert
from ..webhooks.dispatcher import Dispatcher
from .activity import ActivityLog
from .tasks import Background
from .callbacks import StatusCallbacks
from .clock import Clock
from .events import Events
from .scheduler import Scheduler
from .tables import Table

log = logging.getLogger(__name__)


_TOKENS = uuid.UUID("6f1c2a6e-3b0e-4e2a-9d57-7a1d2c6b1f00")  # the namespace of idempotency tokens


def _base_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"  # listening everywhere: loopback reaches it
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Emulator:
    def __init__(self, settings: Settings | None = None, activity: ActivityLog | None = None):
        self.settings = settings or Settings()
        self.activity = activity or ActivityLog()  # one line per API call and status change, when enabled
        self.rng = random.Random(self.settings.seed)
        self.sids = SidFactory(self.rng)
        self.clock = Clock()
        self.now = self.clock.now  # the time, epoch seconds: the clock's own method, without a call of ours around it
        self.scheduler: Scheduler | None = None
        self.events: Events | None = None
        self.closing: asyncio.Event | None = None  # set when the server shuts down: live streams end
        self.store = Store(self.settings.db_path, on_error=self.record_internal_error)
        # The small resources, one table each (engine.tables): in memory with their indexes, written through
        # to the store (the source of truth) by save()/remove(), loaded at start and by reset (_load).
        self.accounts: Table[Account] = Table("account", Account)
        self.keys: Table[ApiKey] = Table("key", ApiKey)
        self.numbers: Table[IncomingPhoneNumber] = Table("phone_number", IncomingPhoneNumber,
                                                         indexes={"e164": attrgetter("phone_number")})
        # The numbers and short codes of every account by their E.164 (or code): the numbers table's index
        # (the same dict for the table's life: it is cleared in place).
        self.numbers_by_e164 = self.numbers.index("e164")
        from .messaging_services import tables as service_tables
        # MessagingService by sid, their ServiceSenders by sid (PN… / SC… / AI…), StickyMappings by
        # "service:recipient" (engine.messaging_services).
        self.services, self.service_senders, self.sticky = service_tables()
        from .opt_outs import advanced_table, table as opt_out_table
        self.opt_outs = opt_out_table()  # by "scope:handset": a service sid or sender E.164 (engine.opt_outs)
        self.advanced_opt_outs = advanced_table()  # services' own keywords and replies, by service SID
        from .channels import tables as channel_tables
        # WhatsApp/RCS senders (XE…) by sid and sender_id, and WhatsApp conversations (engine.channels).
        self.channel_senders, self.conversations = channel_tables()
        from .content import table as content_table
        self.contents = content_table()  # Content API templates (HX…) by sid (engine.content)
        from .conversations import Tables as ConversationTables
        self.conv = ConversationTables()  # Conversations (CH…), their participants and messages
        from .verify import Tables as VerifyTables
        self.verify = VerifyTables()  # Verify services (VA…), verifications (VE…), messaging configurations
        from .faults import Faults
        self.faults = Faults(self)  # fault rules (FR…): where the emulator is imperfect on demand
        from .throughput import Throughput
        self.throughput = Throughput(self)  # each sender's queue and rate
        # Declared handsets by E.164 (others get carriers.default_handset).
        self.handsets: Table[Handset] = Table("handset", Handset, key=attrgetter("number"), check=carriers.check)
        self.auth_cache: dict[str, Account] = {}  # Authorization header -> account (engine.accounts): a cache
        self.dispatcher = Dispatcher(self.settings.webhook_timeout)
        self.background = Background()  # webhook requests and what follows them, one task each
        self.callbacks = StatusCallbacks(self)
        from .media import MediaFetches
        self.media = MediaFetches(self)  # outbound MMS: their media downloaded before they go
        self._inbound = self._calls = None  # built on first use (properties below)
        # Where apps reach the emulator (inbound media URLs); the server sets it once it knows its port.
        self.public_url = self.settings.public_url or _base_url(self.settings.host, self.settings.port)
        from .lifecycle import Lifecycle
        self.lifecycle = Lifecycle(self)
        # Bugs of ours caught at run time (failed jobs, failed commit callbacks, 500s): tests assert it stays
        # empty, so that an error swallowed to keep serving still fails the suite.
        self.internal_errors: list[str] = []
        # Makes webhook idempotency tokens (token()) unique to this store; kept in it, so a restart keeps them.
        self.token_salt = ""

    # Two-way SMS and voice bring the TwiML interpreter (lxml) with them: imported when first needed, which
    # keeps an emulator that only sends (and the pytest plugin's session start) quick to start.
    @property
    def inbound(self):
        if self._inbound is None:
            from .inbound import Inbound
            self._inbound = Inbound(self)
        return self._inbound

    @property
    def calls(self):
        if self._calls is None:
            from .voice.calls import Calls
            self._calls = Calls(self)
        return self._calls

    def record_internal_error(self, what: str) -> None:
        self.internal_errors.append(what)

    async def start(self) -> None:
        """Open the store and load the world. Whatever interrupts it (a signal during start-up cancels it, a bad
        start-up scenario raises) closes what it had opened, so that nothing keeps the process alive."""
        self.scheduler = Scheduler(self.clock, on_error=self.record_internal_error)
        self.events = Events()
        self.closing = asyncio.Event()
        try:
            await self.store.open()
            await self._load()
            from . import accounts
            await accounts.ensure_account(self, self.settings.account_sid, self.settings.auth_token)
            await self._load_scenario()
            if self.settings.db_path != ":memory:":  # a fresh in-memory store has nothing to recover
                await self.callbacks.recover()
                await self.inbound.recover()
                await self.media.recover()
                await self.calls.recover()
            from . import conversations
            conversations.start(self)
        except BaseException:
            await asyncio.shield(self.stop())
            raise
        self.scheduler.start()

    def close_streams(self) -> None:
        """End the live streams (control API's /messages/stream): the server is shutting down."""
        if self.closing is not None:
            self.closing.set()

    async def stop(self) -> None:
        self.close_streams()
        self.activity.close()
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.background.close()
        await self.dispatcher.close()
        await self.store.close()

    async def _load(self) -> None:
        await self.accounts.load(self.store)
        await self.keys.load(self.store)
        await self.numbers.load(self.store)
        # A file written before handsets were type-checked may hold a value that would break sends: such a
        # handset is skipped (the default handset again), with a warning.
        await self.handsets.load(self.store)
        for table in (self.services, self.service_senders, self.sticky):
            await table.load(self.store)
        self.faults.clear_generators()
        self.throughput.reset()
        for table in (self.opt_outs, self.advanced_opt_outs, self.channel_senders, self.conversations, self.contents, self.faults.table,
                      self.throughput.rates):
            await table.load(self.store)
        await self.conv.load(self.store)
        await self.verify.load(self.store)
        self.auth_cache.clear()
        self.token_salt = await records.setting(self.store, "token_salt") or ""
        if not self.token_salt:
            self.token_salt = secrets.token_hex(16)
            await self.store.write(records.put_setting("token_salt", self.token_salt))

    def token(self, resource_sid: str, event: str) -> str:
        """The I-Twilio-Idempotency-Token of one event (a status of a message, its inbound webhook, a redirect):
        Twilio's is "unique per event, reused on retries" (reference §7.5). Derived from the event, not drawn,
        so that a request sent again after a crash carries the same token as the first (issue 13)."""
        return str(uuid.uuid5(_TOKENS, f"{self.token_salt}/{resource_sid}/{event}"))

    def new_alert(self, account_sid: str, code: int, text: str, method: str | None, url: str | None,
                  resource_sid: str | None, level: str = "error") -> Alert:
        return Alert(sid=self.sids.new("NO"), account_sid=account_sid, error_code=code, log_level=level,
                     alert_text=text, request_method=method, request_url=url, resource_sid=resource_sid,
                     date_created=self.now())

    async def reset(self) -> None:
        """Back to the start-up state: every record, message, handset, log and alert gone, the clock real,
        the start-up account as configured."""
        self.scheduler.clear()
        await self.background.close()
        if self._inbound is not None:
            self._inbound.reset()
        await self.store.wipe()
        self.clock.set_mode("real")
        await self._load()
        from . import accounts
        await accounts.ensure_account(self, self.settings.account_sid, self.settings.auth_token)
        await self._load_scenario()

    async def _load_scenario(self) -> None:
        """The start-up scenario (Settings.scenario), once per store: a file DB that already holds it (a
        restart) keeps what it has. Raises scenarios.ScenarioError."""
        if not self.settings.scenario:
            return
        if await records.marked(self.store, "scenario", "startup"):
            return
        from . import scenarios
        await scenarios.apply(self, self.settings.scenario)
        await self.store.write(records.mark("scenario", "startup"))

    # ---- verbs for tests and the control API (issue 3 adds their HTTP form) ---------------------------------
    def set_clock(self, mode: str) -> None:
        """"real" (default) or "manual": in manual mode nothing scheduled happens until advance()."""
        self.clock.set_mode(mode)
        self.scheduler.wake()

    async def advance(self, seconds: float) -> int:
        """Manual clock: move time forward, running every step that falls due. Returns the steps run."""
        if self.clock.mode != "manual":
            raise RuntimeError("advance() needs the manual clock: call set_clock('manual') first")
        return await self.scheduler.advance(seconds)

    async def wait_for_message(self, sid: str, statuses: tuple[str, ...] | str, timeout: float = 10.0):
        """Wait until message `sid` has one of `statuses`; returns the Message. Raises asyncio.TimeoutError."""
        from .messaging import wait_for_status
        return await wait_for_status(self, sid, (statuses,) if isinstance(statuses, str) else statuses, timeout)

    async def declare_handset(self, number: str, **fields):
        """Declare or update the handset of `number` (carrier, line_type, mms, behaviour, error_code, delays)."""
        from . import handsets
        return await handsets.declare(self, number, **fields)

    async def add_short_code(self, short_code: str, country: str = "US", account_sid: str | None = None,
                             **config):
        """Provision a short code to an account (default: the start-up account); config takes friendly_name,
        sms_url, sms_method, sms_fallback_url, sms_fallback_method. Returns it (an IncomingPhoneNumber of type
        short-code, SID SC…)."""
        from . import numbers
        from ..domain.errors import error
        if account_sid is not None and not isinstance(account_sid, str):
            raise error(20001, f"account_sid must be a string, not {account_sid!r}.")
        account = self.accounts.get(account_sid or self.settings.account_sid)
        if account is None:
            raise error(20404, f"No account {account_sid}.", status=404)
        return await numbers.provision_short_code(self, account, short_code, country, config)

    def handset(self, number: str):
        """The handset of `number`: declared, else the default one; None for an invalid number."""
        from . import handsets
        return handsets.get(self, number)

    async def handset_messages(self, number: str):
        """What the handset of `number` has received by now, oldest first."""
        from . import handsets
        return await handsets.inbox(self, number)

    async def alerts(self, account_sid: str | None = None):
        from ..store import webhooks
        return await webhooks.alerts(self.store, account_sid)

    async def webhooks(self, sid: str | None = None):
        """Every outgoing webhook request (oldest first), or those of one resource."""
        from ..store import webhooks
        return await webhooks.attempts(self.store, sid)

    async def receive(self, from_: str, to: str, body: str | None = None, media_urls: list[str] | None = None,
                      messaging_service_sid: str | None = None, wait: bool = True):
        """The handset `from_` texts our number `to`. With `wait` (default) returns the engine.inbound.Outcome
        once the webhook and its TwiML have been carried out; else the inbound Message at once."""
        msg, task = await self.inbound.receive(from_, to, body, media_urls, messaging_service_sid)
        return await asyncio.shield(task) if wait else msg

    async def place_call(self, from_: str, to: str, wait: bool = True):
        """`from_` calls our number `to` (its voice TwiML runs; <Sms> sends messages). With `wait` (default)
        returns the engine.voice.calls.CallOutcome once the call has ended; else the ringing Call at once."""
        call, task = await self.calls.place(from_, to)
        return await asyncio.shield(task) if wait else call

    async def call_transcript(self, sid: str):
        """A call as it stands (status, transcript); None if there is no such call."""
        return await self.calls.get(sid)

    async def drain(self) -> None:
        """Wait until every webhook request already started has finished (tests assert after this)."""
        await self.background.drain()
