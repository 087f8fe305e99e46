"""Two-way SMS end to end: inbound -> the app's webhook -> TwiML reply -> reply delivered, with instant timings.

The emulator runs as `twilio-emulator serve --timing instant --quiet` in its own process; the user's app is a
real aiohttp app in this process that answers every inbound message with
`<Message action="/status">pong</Message>`; a conversation is over when the reply's `delivered` status
callback reaches the app. Each conversation has its own handset, so Twilio's reply-rate limit never applies.

Two phases: one conversation at a time (latency without queueing), then N at once (throughput, latency under
load, and whether any is lost). Afterwards the emulator's own records are checked: N inbound messages, N
replies, every reply delivered.
Usage: python benchmarks/bench_inbound.py [--sequential 200] [--concurrent 1000]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import signal
import subprocess
import sys
import time

import aiohttp
from aiohttp import web

SID, TOKEN = "AC" + "a" * 32, "0123456789abcdef0123456789abcdef"
NUMBER = "+14155550100"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message action="/status">pong</Message></Response>'


def start_emulator() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--timing", "instant",
                             "--quiet", "--account-sid", SID, "--auth-token", TOKEN],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
            return proc, found.group(1)
    raise SystemExit("the emulator did not start")


class App:
    """The user's app: answers inbound webhooks with TwiML; resolves a conversation's future on `delivered`."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future] = {}  # handset -> future of the delivery time

    async def sms(self, request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text=TWIML, content_type="text/xml")

    async def status(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form["MessageStatus"] == "delivered":
            fut = self.waiting.get(form["To"])
            if fut is not None and not fut.done():
                fut.set_result(time.perf_counter())
        return web.Response(status=204)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def handset(i: int) -> str:
    return f"+1415200{i:04d}"


async def conversation(session: aiohttp.ClientSession, base: str, app: App, phone: str) -> float:
    fut = asyncio.get_running_loop().create_future()
    app.waiting[phone] = fut
    started = time.perf_counter()
    async with session.post(f"{base}/_emulator/v1/inbound",
                            json={"From": phone, "To": NUMBER, "Body": "ping"}) as answer:
        if answer.status != 201:
            raise RuntimeError(f"inbound refused: {answer.status} {await answer.text()}")
    return (await asyncio.wait_for(fut, 120)) - started


def summary(name: str, latencies: list[float], wall: float, lost: int) -> str:
    ms = [x * 1000 for x in latencies]
    return (f"{name:<28}{len(latencies):>6}{len(latencies) / wall:>10.0f}{percentile(ms, 50):>9.1f}"
            f"{percentile(ms, 95):>9.1f}{percentile(ms, 99):>9.1f}{lost:>7}")


async def run(args: argparse.Namespace) -> None:
    proc, base = start_emulator()
    app = App()
    web_app = web.Application()
    web_app.router.add_post("/sms", app.sms)
    web_app.router.add_post("/status", app.status)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    app_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    lines = []
    try:
        auth = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        async with aiohttp.ClientSession(headers={"Authorization": auth},
                                         connector=aiohttp.TCPConnector(limit=100)) as session:
            async with session.post(f"{base}/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json",
                                    data={"PhoneNumber": NUMBER, "SmsUrl": f"{app_url}/sms"}) as answer:
                answer.raise_for_status()
            for i in range(20):  # warm-up
                await conversation(session, base, app, handset(9000 + i))
            sequential = []
            started = time.perf_counter()
            for i in range(args.sequential):
                sequential.append(await conversation(session, base, app, handset(i)))
            lines.append(summary("one at a time", sequential, time.perf_counter() - started, 0))
            started = time.perf_counter()
            phones = [handset(args.sequential + i) for i in range(args.concurrent)]
            results = await asyncio.gather(*(conversation(session, base, app, p) for p in phones),
                                           return_exceptions=True)
            wall = time.perf_counter() - started
            done = [r for r in results if isinstance(r, float)]
            lines.append(summary(f"{args.concurrent} at once", done, wall, len(results) - len(done)))
            # The emulator's own records: every inbound stored and every reply delivered.
            inbound = replies = delivered = 0
            url = f"/2010-04-01/Accounts/{SID}/Messages.json?PageSize=1000"
            while url:
                async with session.get(base + url) as answer:
                    page = await answer.json()
                for m in page["messages"]:
                    inbound += m["direction"] == "inbound"
                    replies += m["direction"] == "outbound-reply"
                    delivered += m["direction"] == "outbound-reply" and m["status"] == "delivered"
                url = page["next_page_uri"]
    finally:
        await runner.cleanup()
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
    total = 20 + args.sequential + args.concurrent
    print(f"Inbound -> webhook -> TwiML reply -> delivered (instant timings, --quiet); {os.cpu_count()} cores; "
          "latency from the injection to the reply's 'delivered' callback at the app")
    print(f"{'phase':<28}{'convs':>6}{'conv/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'lost':>7}")
    print("\n".join(lines))
    print(f"emulator records: {inbound:,} inbound, {replies:,} replies, {delivered:,} delivered of {total:,} "
          f"conversations ({'none lost' if inbound == replies == delivered == total else 'LOST'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=1000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
