"""kill -9 under mixed load, three rounds, restart on the same --db file (issue 13): acknowledged messages
lost 0, inbound messages accepted but never answered 0, replies sent twice 0, callbacks due but never sent 0,
callbacks re-sent with a new idempotency token 0.

The emulator runs as `twilio-emulator serve` in a subprocess (realistic timing: status steps 0.1-1.5 s
apart, so callbacks are in flight when it dies); the app is a real aiohttp receiver in this process."""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
from collections import defaultdict

import requests

import twilio_emulator
from twilio_emulator import DEFAULT_ACCOUNT_SID as SID, DEFAULT_AUTH_TOKEN as TOKEN

from tests.support.receiver import Receiver

AUTH = (SID, TOKEN)
A, B = "+14155550181", "+14155550182"  # the app's number, and a second number of ours (texted by A's sends)


class Server:
    """`twilio-emulator serve --db FILE` in a subprocess; stderr drained by a thread (banner = ready)."""

    def __init__(self, db: str):
        # --no-throughput: the load goes out as fast as the carrier takes it, as this test was written for
        # (with sender queues on, a long code sends one segment a second; tests/sdk/test_throughput.py).
        self.proc = subprocess.Popen([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--db", db,
                                      "--quiet", "--no-throughput"], stderr=subprocess.PIPE, text=True,
                                     env=os.environ.copy())
        self.lines: list[str] = []
        ready = threading.Event()

        def drain() -> None:
            for line in self.proc.stderr:
                self.lines.append(line)
                found = re.search(r"listening on (http://\S+)", line)
                if found:
                    self.base_url = found.group(1)
                    ready.set()
            ready.set()
        threading.Thread(target=drain, daemon=True).start()
        assert ready.wait(60) and self.proc.poll() is None, "".join(self.lines)

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no cleanup of any kind
        self.proc.wait(30)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def _app(request) -> tuple[int, str, str]:
    sid = request.param("MessageSid")
    return 200, f"<Response><Message>reply to {sid}</Message></Response>", "text/xml"


def _load(base: str, stop: threading.Event, seed: int, acked: dict, lock: threading.Lock, receiver: Receiver) -> None:
    """Creates (with a StatusCallback, to handsets and to B) and inbound messages, until `stop` or the server
    dies; what got a 201 is acknowledged."""
    rng = random.Random(seed)
    session = requests.Session()
    n = 0
    while not stop.is_set():
        n += 1
        kind = rng.choice(("create", "create", "to_b", "inbound"))
        body = f"{kind} {seed}-{n}"
        try:
            if kind == "inbound":
                resp = session.post(f"{base}/_emulator/v1/inbound", timeout=5,
                                    json={"From": f"+1415555{rng.randrange(1000, 9999)}", "To": A, "Body": body})
            else:
                to = B if kind == "to_b" else f"+1415555{rng.randrange(1000, 9999)}"
                resp = session.post(f"{base}/2010-04-01/Accounts/{SID}/Messages.json", auth=AUTH, timeout=5,
                                    data={"To": to, "From": A, "Body": body, "StatusCallback": receiver.url("/status")})
        except requests.RequestException:
            return  # killed
        if resp.status_code == 201:
            with lock:
                acked[resp.json()["sid"]] = (kind, body)


def test_kill_9_under_mixed_load_three_rounds(tmp_path):
    db = str(tmp_path / "crash.db")
    acked: dict[str, tuple[str, str]] = {}
    lock = threading.Lock()
    rng = random.Random(13)
    routes = {"/sms": _app, "/sms-b": (200, "<Response/>", "text/xml"), "/status": (200, "", "text/plain")}
    with Receiver(routes=routes) as app:
        server = Server(db)
        c = twilio_emulator.client(server.base_url)
        c.incoming_phone_numbers.create(phone_number=A, sms_url=app.url("/sms"))
        c.incoming_phone_numbers.create(phone_number=B, sms_url=app.url("/sms-b"))
        for round_ in range(3):
            stop = threading.Event()
            workers = [threading.Thread(target=_load, args=(server.base_url, stop, round_ * 10 + i, acked, lock, app))
                       for i in range(4)]
            for w in workers:
                w.start()
            # Kill once the round has acknowledged a good number of messages (no sleeping: wait on the app).
            target = len(app) + rng.randrange(150, 400)
            app.wait_until(lambda reqs, t=target: len(reqs) >= t, timeout=60)
            server.kill()
            stop.set()
            for w in workers:
                w.join(30)
            server = Server(db)
        try:
            _check(server, app, acked)
        finally:
            server.stop()


def _check(server: Server, app: Receiver, acked: dict[str, tuple[str, str]]) -> None:
    inbound = {sid for sid, (kind, _) in acked.items() if kind == "inbound"}
    with_callback = {sid for sid, (kind, _) in acked.items() if kind in ("create", "to_b")}
    to_b = {body for kind, body in acked.values() if kind == "to_b"}
    assert len(inbound) > 20 and len(with_callback) > 50 and len(to_b) > 10, (len(inbound), len(with_callback))

    def settled(reqs) -> bool:
        webhooks = {r.param("MessageSid") for r in reqs if r.url.split("?")[0].endswith("/sms")}
        finals = {r.param("MessageSid") for r in reqs if r.url.endswith("/status")
                  and r.param("MessageStatus") in ("delivered", "undelivered", "failed")}
        arrived = {r.param("Body") for r in reqs if r.url.endswith("/sms-b")}
        return inbound <= webhooks and with_callback <= finals and to_b <= arrived
    reqs = app.wait_until(settled, timeout=60)
    requests.post(f"{server.base_url}/_emulator/v1/drain", timeout=60)

    # Callbacks: every (message, status) came with one token, however often it was sent.
    tokens = defaultdict(set)
    for r in reqs:
        if r.url.endswith("/status"):
            tokens[(r.param("MessageSid"), r.param("MessageStatus"))].add(r.headers["I-Twilio-Idempotency-Token"])
        elif r.url.endswith("/sms") or r.url.endswith("/sms-b"):
            tokens[(r.param("MessageSid"), "webhook")].add(r.headers["I-Twilio-Idempotency-Token"])
    assert [key for key, found in tokens.items() if len(found) > 1] == []
    # Every step of every acknowledged message with a callback was sent (sending, sent and its final one).
    statuses = defaultdict(set)
    for (sid, status) in tokens:
        statuses[sid].add(status)
    assert [sid for sid in with_callback if not {"sent", "delivered"} <= statuses[sid]] == []

    # Nothing acknowledged was lost; every inbound message was answered exactly once.
    c = twilio_emulator.client(server.base_url)
    stored = {m.sid: m for m in c.messages.list(page_size=1000)}
    assert [sid for sid in acked if sid not in stored] == []
    replies = defaultdict(int)
    for m in stored.values():
        if m.direction == "outbound-reply" and m.body.startswith("reply to "):
            replies[m.body.removeprefix("reply to ")] += 1
    assert [sid for sid in inbound if replies[sid] != 1] == []
    # Every message to B arrived there exactly once.
    arrived = defaultdict(int)
    for m in stored.values():
        if m.direction == "inbound" and m.to == B:
            arrived[m.body] += 1
    assert [body for body in to_b if arrived[body] != 1] == []
