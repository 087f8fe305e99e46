"""A running emulator as a test sees it, over HTTP only (so it works for one in-process and one running
elsewhere): the `twilio_emulator` fixture's object, with the control API's verbs as methods and phones that
hold conversations with your app. Standard library only, and cheap to import (the pytest plugin loads it at
pytest start-up; the engine is imported only when a test starts an emulator)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

VERIFY_TEXT = r"verification code is: ([0-9A-Za-z]+)"  # Verify's SMS and WhatsApp text (domain.verify.sms_text)

@dataclass
class Sms:
    """A message as a test reads it (from the emulator's Twilio JSON)."""
    sid: str
    from_: str | None
    to: str
    body: str
    status: str
    direction: str
    error_code: int | None
    num_media: int
    data: dict

    @classmethod
    def of(cls, data: dict) -> "Sms":
        return cls(sid=data["sid"], from_=data.get("from"), to=data["to"], body=data.get("body") or "",
                   status=data["status"], direction=data.get("direction", ""), error_code=data.get("error_code"),
                   num_media=int(data.get("num_media") or 0), data=data)

    def __str__(self) -> str:
        return f"{self.from_} -> {self.to}: {self.body!r} ({self.status})"

    @property
    def channel(self) -> str:
        """"whatsapp" or "rcs" for a message over that channel, "sms" (or "mms", with media) otherwise."""
        for address in (self.from_ or "", self.to):
            if address.startswith(("whatsapp:", "rcs:")):
                return address.split(":", 1)[0]
        return "mms" if self.num_media else "sms"


class Handset:
    def __init__(self, harness: "TwilioEmulator", number: str):
        self.harness, self.number = harness, number

    @property
    def messages(self) -> list[Sms]:
        """What this handset has received by now, oldest first."""
        answer = self.harness.remote.control("GET", f"/handsets/{quote(self.number)}/messages")
        return [Sms.of(m) for m in answer["messages"]]


class Phone:
    """An end user's phone in a conversation with your app:

        phone = twilio_emulator.phone("+14155550100")
        phone.send("+14155550001", "HELLO")      # texts one of your numbers
        code = phone.expect_sms(contains="code")  # the next SMS it receives must contain "code"
        phone.reply("YES")                        # answers whoever texted it last
        phone.expect_no_sms()                     # and nothing more arrives

    Each expect_sms takes the phone's next unread message, waiting for it (no sleep: the emulator answers
    when it arrives). A failed expectation shows the conversation and the webhook log.

    The same phone on WhatsApp is `twilio_emulator.phone("whatsapp:+14155550100")`: it writes to a WhatsApp
    sender (`send("whatsapp:+1…", "hi", profile_name="Ann", button_payload="yes")`) and reads its WhatsApp
    chats (`expect_message(contains=…, channel="whatsapp")`)."""

    def __init__(self, harness: "TwilioEmulator", number: str):
        self.harness, self.number = harness, number
        self.read = 0  # messages of the inbox already taken by expect_sms
        self.last_from: str | None = None

    def send(self, to: str, body: str = "", media_urls: list[str] | tuple = (), **extras) -> dict:
        """Text `body` to `to` (one of your numbers, or a WhatsApp sender); returns once your app's webhook
        answered and its TwiML ran: {"sid", …, "outcome": {"webhooks", "replies", "alerts"}}. `extras`: a
        WhatsApp message's own fields (profile_name, button_payload, latitude …)."""
        self.last_from = self.last_from or to
        return self.harness.send_sms(self.number, to, body, media_urls, **extras)

    def reply(self, body: str = "", media_urls: list[str] | tuple = (), **extras) -> dict:
        """Answer whoever sent the last message this phone read (or the number it last texted)."""
        if self.last_from is None:
            raise AssertionError(f"{self.number} has nobody to reply to: it has neither received nor sent an SMS")
        return self.harness.send_sms(self.number, self.last_from, body, media_urls, **extras)

    def expect_sms(self, contains: str | None = None, *, from_: str | None = None, matches: str | None = None,
                   timeout: float = 5.0) -> Sms:
        """The next SMS this phone receives (waiting up to `timeout` seconds of real time for it), which must
        contain `contains`, come from `from_` and match the regular expression `matches`, when given."""
        __tracebackhide__ = True
        return self.expect_message(contains, from_=from_, matches=matches, timeout=timeout)

    def expect_message(self, contains: str | None = None, *, from_: str | None = None, matches: str | None = None,
                       channel: str | None = None, timeout: float = 5.0) -> Sms:
        """expect_sms for any channel: also `channel` ("whatsapp", "rcs", "sms", "mms") when given. A
        whatsapp: phone reads its WhatsApp chats; a plain number its SMS, MMS and RCS messages."""
        __tracebackhide__ = True
        answer = self.harness.remote.control("GET", f"/handsets/{quote(self.number)}/messages",
                                             query={"count": self.read + 1, "timeout": timeout})
        inbox = answer["messages"]
        wanted = " ".join(filter(None, (f"containing {contains!r}" if contains else "",
                                        f"from {from_}" if from_ else "",
                                        f"matching {matches!r}" if matches else "",
                                        f"over {channel}" if channel else "")))
        what = "message" if channel or ":" in self.number else "SMS"
        if len(inbox) <= self.read:
            self.harness.fail(f"expected an {what} to {self.number} {wanted}".rstrip() +
                              f", but none arrived within {timeout:g} s", self)
        sms = Sms.of(inbox[self.read])
        self.read += 1
        self.last_from = sms.from_
        self.harness.expected.add(sms.sid)
        if (contains is not None and contains not in sms.body) or (from_ is not None and sms.from_ != from_) or \
                (matches is not None and not re.search(matches, sms.body)) or \
                (channel is not None and sms.channel != channel):
            self.harness.fail(f"expected the next {what} to {self.number} {wanted}, got {sms} over {sms.channel}",
                              self)
        return sms

    def call(self, to: str, script: list[dict] | None = None, live: bool = False) -> "PhoneCall | LiveCall":
        """Call `to` (one of your numbers) and do what `script` says — [{"press": "1"}, {"say": "billing"},
        {"wait": 3}, {"record": 5}, {"hangup": True}] — as each <Gather>, <Record> and <Dial> of your app's TwiML
        listens; returns once the call has ended, with what the phone heard. `live=True`: returns at once a
        LiveCall, which listens, presses, speaks and hangs up as the test goes."""
        body = {"From": self.number, "To": to, "wait": not live, "live": live}
        if script is not None:
            body["script"] = script
        answer = self.harness.remote.control("POST", "/calls", body)
        return LiveCall(self.harness, answer["sid"]) if live else PhoneCall(answer)

    def expect_verification_code(self, timeout: float = 5.0) -> str:
        """The code of the next Verify message this phone receives (SMS or WhatsApp; waiting up to `timeout`
        seconds of real time for it), read from its text as a person would. For a code by call, see
        `TwilioEmulator.verification_code`."""
        __tracebackhide__ = True
        sms = self.expect_message(matches=VERIFY_TEXT, timeout=timeout)
        return re.search(VERIFY_TEXT, sms.body).group(1)

    def expect_no_sms(self) -> None:
        """Nothing more has arrived, and nothing is on its way (after every webhook already started has
        finished, so a reply your app is still sending counts)."""
        __tracebackhide__ = True
        self.harness.remote.control("POST", "/drain")
        answer = self.harness.remote.control("GET", f"/handsets/{quote(self.number)}/messages")
        extra = [Sms.of(m) for m in answer["messages"][self.read:] + answer["pending"]]
        if extra:
            self.harness.fail(f"expected no more SMS to {self.number}, got: " + "; ".join(map(str, extra)), self)

    def conversation(self) -> list[Sms]:
        """Every message to and from this phone, oldest first."""
        return [m for m in self.harness.messages() if self.number in (m.to, m.from_)]


class PhoneCall:
    """A call a phone made, once it ended: `sid`, `status`, `transcript` (each step: what the phone heard, what
    it pressed and said, what was recorded and dialled), and `webhooks` (each request made for it)."""

    def __init__(self, data: dict):
        self.data, self.sid, self.status = data, data["sid"], data["status"]
        self.transcript: list[dict] = data["transcript"]
        self.webhooks: list[dict] = data.get("outcome", {}).get("webhooks", [])

    def heard(self) -> list[str]:
        """What was said to the phone (<Say>), in order."""
        return [step["text"] for step in self.transcript if step["verb"] == "Say"]

    def __repr__(self) -> str:
        return f"<PhoneCall {self.sid} {self.status}: {self.heard()}>"


class LiveCall:
    """A call in progress that the test drives: `listen()` waits until the app's TwiML waits for the phone (or
    the call ended) and answers what it heard; `press("1")`, `say("billing")`, `record(seconds)`, `hangup()`
    act; `end()` waits for the call to end and answers it as a PhoneCall."""

    def __init__(self, harness: "TwilioEmulator", sid: str):
        self.harness, self.sid = harness, sid

    def _input(self, **what) -> None:
        self.harness.remote.control("POST", f"/calls/{self.sid}/input", what)

    def listen(self, timeout: float = 10) -> list[str]:
        answer = self.harness.remote.control("GET", f"/calls/{self.sid}", query={"wait": "listening",
                                                                               "timeout": timeout})
        return PhoneCall(answer).heard()

    def press(self, digits: str) -> None:
        self._input(digits=digits)

    def say(self, words: str) -> None:
        self._input(speech=words)

    def record(self, seconds: float) -> None:
        self._input(record=seconds)

    def hangup(self) -> None:
        self._input(hangup=True)

    def end(self, timeout: float = 30) -> PhoneCall:
        return PhoneCall(self.harness.remote.control("GET", f"/calls/{self.sid}", query={"wait": "final",
                                                                                          "timeout": timeout}))


class TwilioEmulator:
    """A running emulator as a test uses it (the `twilio_emulator` fixture): its URL and credentials, a
    twilio.rest.Client for it, the control API's verbs as methods, and phones to hold conversations with.
    Works the same for an in-process emulator and one already running elsewhere (HTTP only)."""

    def __init__(self, base_url: str, account_sid: str, auth_token: str, fixtures_dir: str | None = None):
        from .remote import Remote
        self.base_url, self.account_sid, self.auth_token = base_url, account_sid, auth_token
        self.remote = Remote(base_url, timeout=330)
        self.fixtures_dir = fixtures_dir
        self.expected: set[str] = set()  # outbound messages a phone has read (strict mode)
        self._phones: dict[str, Phone] = {}

    # -- set-up ---------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the start-up state (done before every test by the fixture)."""
        self.remote.control("POST", "/reset")
        self.expected.clear()
        self._phones.clear()

    def client(self, **kwargs):
        """A twilio.rest.Client pointed at this emulator, as this account."""
        from . import client
        return client(self.base_url, self.account_sid, self.auth_token, **kwargs)

    def add_number(self, phone_number: str | None = None, area_code: str | None = "415", **config) -> "OwnedNumber":
        """Buy a number (`phone_number`, else any in `area_code`); config in snake_case: sms_url, sms_method,
        sms_fallback_url, status_callback, voice_url, friendly_name… Returns the number: its E.164 string (use
        it as `from_`), with `.sid` and `.json` (the IncomingPhoneNumber's Twilio JSON, also by key)."""
        # snake_case -> PascalCase as domain.fields.pascal does (the harness stays free of the domain's imports)
        form = {"".join(p.capitalize() for p in k.split("_")): v for k, v in config.items() if v is not None}
        form.update({"PhoneNumber": phone_number} if phone_number else {"AreaCode": area_code})
        path = f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers.json"
        return OwnedNumber(self.remote.rest("POST", path, (self.account_sid, self.auth_token), form=form))

    def add_short_code(self, short_code: str, country: str = "US", **config) -> dict:
        return self.remote.control("POST", "/short_codes", {"short_code": short_code, "country": country,
                                                            "account_sid": self.account_sid, **config})

    def set_handset(self, number: str, **fields) -> dict:
        """Declare a handset: carrier, line_type, mms, short_codes, behaviour, error_code, delays, whatsapp,
        rcs, read_receipts, profile_name…"""
        return self.remote.control("POST", "/handsets", {"number": number, **fields})

    def add_whatsapp_sender(self, number: str, webhook_url: str | None = None, **fields) -> dict:
        """Make `number` (E.164; usually one you bought) a WhatsApp sender of this account, online at once;
        `webhook_url`: where its inbound messages go (else the number's own webhook). `fields`: the Senders
        API's webhook/profile objects. Returns the sender (its `sid` is XE…, `sender_id` whatsapp:+1…)."""
        body = {"sender_id": f"whatsapp:{number}", "account_sid": self.account_sid, **fields}
        if webhook_url:
            body["webhook"] = {"callback_url": webhook_url, **body.get("webhook", {})}
        return self.remote.control("POST", "/senders", body)

    def fault(self, where: str, do: dict, match: dict | None = None, times: int | None = None,
              probability: float | None = None, seed: int | None = None) -> "Fault":
        """A fault rule for the length of a `with` block (or until .remove()): where ("api", "callback",
        "webhook", "carrier"), what it does and matches, for the next `times` events or with a `probability`
        (see the README's fault rules). `.fired` reads how often it acted."""
        body = {"where": where, "do": do, "match": match or {}}
        body.update({k: v for k, v in (("times", times), ("probability", probability), ("seed", seed))
                     if v is not None})
        return Fault(self, self.remote.control("POST", "/faults", body))

    def set_advanced_opt_out(self, service_sid: str, config: dict) -> dict:
        """Give a Messaging Service its own opt-out, opt-in and help keywords and replies (Advanced Opt-Out:
        {"opt_out": {"keywords": [...], "reply": "…"}, "languages": {"es": {...}}, …}; {} removes them)."""
        return self.remote.control("POST", f"/services/{service_sid}/advanced_opt_out", config)

    def set_conversations_autocreate(self, service_sid: str, enabled: bool = True) -> dict:
        """The Messaging Service's inbound messages autocreate Conversations (the console's "Autocreate a
        Conversation", which Twilio's API does not have)."""
        return self.remote.control("POST", f"/services/{service_sid}/conversations", {"autocreate": enabled})

    def conversation_messages(self, conversation: str, service: str | None = None) -> list[dict]:
        """A conversation's messages (by SID or unique name; `service`: the Conversation Service it is in, when
        not the default one), oldest first, as the Conversations API shows them (asked under its product
        prefix, /conversations/v1/…, which names the product without a host)."""
        return self._conversation_list(conversation, service, "Messages", "messages")

    def conversation_participants(self, conversation: str, service: str | None = None) -> list[dict]:
        """A conversation's participants, as the Conversations API shows them (arguments as conversation_messages)."""
        return self._conversation_list(conversation, service, "Participants", "participants")

    def _conversation_list(self, conversation: str, service: str | None, resource: str, key: str) -> list[dict]:
        scope = f"/Services/{service}" if service else ""
        found, page = [], f"/conversations/v1{scope}/Conversations/{conversation}/{resource}"
        query: dict | None = {"PageSize": 100}
        while page:
            answer = self.remote.rest("GET", page, (self.account_sid, self.auth_token), query=query)
            found += answer[key]
            following = answer["meta"].get("next_page_url")
            page, query = (following[len(self.base_url):], None) if following else (None, None)
        return found

    def wait_for_conversation_messages(self, conversation: str, count: int = 1, timeout: float = 10) -> list[dict]:
        """A conversation's messages (by SID, or a unique name only one conversation has), oldest first, once it
        has at least `count` of them: waits up to `timeout` seconds of real time, and fails the test with what
        it has when they do not come."""
        __tracebackhide__ = True
        answer = self.remote.control("GET", f"/conversations/{quote(conversation)}/messages",
                                     query={"count": count, "timeout": timeout})
        if not answer["complete"]:
            have = "; ".join(f"{m['index']} {m['author']}: {m['body']!r}" for m in answer["messages"]) or "none"
            self.fail(f"expected {count} messages in conversation {conversation} within {timeout:g} s, "
                      f"it has {len(answer['messages'])} ({have})")
        return answer["messages"]

    def verifications(self, to: str | None = None) -> list[dict]:
        """Verify's verifications (of any account; to one phone when given), oldest first, with their codes,
        statuses, send attempts and wrong checks."""
        return self.remote.control("GET", "/verifications", query={"to": to} if to else None)["verifications"]

    def verification_code(self, to: str) -> str:
        """The code of the last verification sent to `to` by any channel (a call's included)."""
        __tracebackhide__ = True
        found = self.verifications(to)
        if not found:
            self.fail(f"expected a verification to {to}, but Verify has sent none")
        return found[-1]["code"]

    def set_verify_blocks(self, account_sid: str | None = None, *, fraud_guard_prefixes: list[str] | None = None,
                          blocked_countries: list[str] | None = None) -> dict:
        """Where Verify refuses to send for the account: Fraud Guard's prefixes (60410) and the countries its
        Geo-Permissions leave out (60605)."""
        body = {k: v for k, v in (("fraud_guard_prefixes", fraud_guard_prefixes),
                                  ("blocked_countries", blocked_countries)) if v is not None}
        return self.remote.control("POST", f"/accounts/{account_sid or self.account_sid}/verify", body)

    def set_throughput(self, enabled: bool | None = None, **senders: dict) -> dict:
        """Turn sender queues on or off for the rest of the test (reset turns them back to the default), and
        set senders' rates: set_throughput(True, **{"+14155550100": {"mps": 5}})."""
        body: dict = {"senders": senders} if senders else {}
        if enabled is not None:
            body["enabled"] = enabled
        return self.remote.control("POST", "/throughput", body)

    def add_template(self, types: dict | str, variables: dict | None = None, language: str = "en",
                     approval: str | None = "approved", friendly_name: str = "") -> str:
        """A Content template (`types`, or a body text for a twilio/text template), its WhatsApp approval
        decided (`approval`: approved, rejected …; None leaves it unsubmitted). Returns its HX… SID."""
        kinds = {"twilio/text": {"body": types}} if isinstance(types, str) else types
        created = self.remote.rest("POST", "/v1/Content", (self.account_sid, self.auth_token), json_body={
            "friendly_name": friendly_name, "language": language, "variables": variables or {}, "types": kinds})
        if approval:
            self.remote.control("POST", f"/content/{created['sid']}/approval", {"status": approval})
        return created["sid"]

    def load_scenario(self, name: str, **variables: str) -> dict:
        """Load a scenario file: a path, or a name in the fixtures directory (with or without .toml/.json).
        ${NAME} in its strings takes variables[NAME], else the environment's NAME (e.g. your app's URL)."""
        from .remote import RemoteError
        from .scenario_files import ScenarioFileError, locate, read
        path = self._scenario_path(name)
        doc = read(path, variables)
        try:
            return self.remote.control("POST", "/scenario", {"scenario": doc, "account_sid": self.account_sid})
        except RemoteError as exc:
            where = exc.body.get("where", "")
            raise ScenarioFileError(str(path), locate(path, where) if where else 0,
                                    f"{where}: {exc.message}" if where else exc.message) from None

    def _scenario_path(self, name: str) -> Path:
        candidates = [Path(name)]
        if self.fixtures_dir:
            base = Path(self.fixtures_dir) / name
            candidates += [base, base.with_name(base.name + ".toml"), base.with_name(base.name + ".json")]
        for path in candidates:
            if path.is_file():
                return path
        raise FileNotFoundError(f"no scenario {name!r} (looked for {', '.join(map(str, candidates))})")

    # -- the world ------------------------------------------------------------------------------------------
    def phone(self, number: str) -> Phone:
        """The phone of `number` (the same object for the whole test)."""
        return self._phones.setdefault(number, Phone(self, number))

    def handset(self, number: str) -> Handset:
        return Handset(self, number)

    def send_sms(self, from_: str, to: str, body: str = "", media_urls: list[str] | tuple = (), **extras) -> dict:
        """The handset `from_` texts your number `to` (or writes to a WhatsApp sender: whatsapp: on both);
        returns once the webhook and its TwiML have run. `extras`: WhatsApp fields (profile_name …)."""
        return self.remote.control("POST", "/inbound", {"From": from_, "To": to, "Body": body,
                                                         "MediaUrl": list(media_urls), "wait": True, **extras})

    def wait_for_message(self, *, sid: str | None = None, to: str | None = None, from_: str | None = None,
                         status: str | tuple | None = None, body: str | None = None, timeout: float = 10) -> Sms:
        statuses = ",".join(status) if isinstance(status, tuple) else status
        return Sms.of(self.remote.control("GET", "/messages/wait", query={
            "sid": sid, "to": to, "from": from_, "status": statuses, "body": body, "timeout": timeout}))

    def messages(self, *, to: str | None = None, from_: str | None = None) -> list[Sms]:
        """This account's messages (every direction), oldest first."""
        found, page = [], f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        query = {"To": to, "From": from_, "PageSize": 1000}
        while page:
            answer = self.remote.rest("GET", page, (self.account_sid, self.auth_token), query=query)
            found += answer["messages"]
            page, query = answer.get("next_page_uri"), None
        return [Sms.of(m) for m in reversed(found)]

    def set_clock(self, mode: str) -> dict:
        return self.remote.control("POST", "/clock", {"mode": mode})

    def advance(self, seconds: float) -> dict:
        """Move the manual clock forward (switching to it first if time is still real)."""
        if self.remote.control("GET", "/clock")["mode"] != "manual":
            self.set_clock("manual")
        return self.remote.control("POST", "/clock/advance", {"seconds": seconds})

    def alerts(self) -> list[dict]:
        return self.remote.control("GET", "/alerts", query={"account_sid": self.account_sid})["alerts"]

    def webhooks(self, sid: str | None = None, kind: str | None = None) -> list[dict]:
        """Every request the emulator made (of one message: `sid`; of one kind: "status_callback",
        "incoming_message", "fallback", "redirect" …), oldest first, each retry its own entry — how your app
        coped with a fault rule or a retry is read here."""
        found = self.remote.control("GET", "/webhooks", query={"sid": sid})["webhooks"]
        return [w for w in found if kind is None or w["kind"] == kind]

    # -- assertions -----------------------------------------------------------------------------------------
    def unexpected(self) -> list[Sms]:
        """Outbound messages no phone has read with expect_sms (strict mode fails the test on them)."""
        return [m for m in self.messages() if m.direction.startswith("outbound") and m.sid not in self.expected]

    def report(self, phone: Phone | None = None) -> str:
        """The conversation of `phone` (else every message) and the webhook log, for a failure message."""
        lines = [f"conversation of {phone.number}:" if phone else "messages:"]
        for m in (phone.conversation() if phone else self.messages()):
            lines.append(f"  {m.direction:<14} {m}" + (f" error {m.error_code}" if m.error_code else ""))
        if len(lines) == 1:
            lines.append("  (none)")
        hooks = self.webhooks()
        lines.append("webhook log:")
        for w in hooks:
            lines.append(f"  {w['method']} {w['url']} -> {w['response_status'] or w['error']}")
        if not hooks:
            lines.append("  (none)")
        return "\n".join(lines)

    def fail(self, message: str, phone: Phone | None = None) -> None:
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        raise AssertionError(f"{message}\n{self.report(phone)}")


class Fault:
    """A fault rule the test set (TwilioEmulator.fault): a context manager that removes it at the end."""

    def __init__(self, harness: "TwilioEmulator", data: dict):
        self.harness, self.id, self.data = harness, data["id"], data

    @property
    def fired(self) -> int:
        """How often the rule acted so far."""
        return self.harness.remote.control("GET", f"/faults/{self.id}")["fired"]

    def remove(self) -> None:
        self.harness.remote.control("DELETE", f"/faults/{self.id}")

    def __enter__(self) -> "Fault":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class OwnedNumber(str):
    """A number add_number() bought: the E.164 string itself (so that `from_=number` works), with the
    IncomingPhoneNumber's Twilio JSON as `.json`, `.sid`, `.friendly_name`, and by key (`number["sid"]`,
    as when add_number() returned the JSON)."""

    def __new__(cls, data: dict) -> "OwnedNumber":
        number = super().__new__(cls, data["phone_number"])
        number.json = data
        return number

    @property
    def sid(self) -> str:
        return self.json["sid"]

    @property
    def friendly_name(self) -> str:
        return self.json["friendly_name"]

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.json[key]
        return str.__getitem__(self, key)
