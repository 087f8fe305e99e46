"""The web inspector over a large store (issue 17): a file store of 100,000 messages (2,000 phones, some
conversations long), then Debian's chromium (Playwright) opening the page. Prints the time to first render
of the phone list, of the message list and of one conversation (ms from navigation / from the click, as the
page's own clock reads them; median of several loads), and the live delay of the event stream: from the
moment the manual clock is advanced to the moment the page shows the message delivered (p50/p99).
Targets (issue 17): first render <= 1 s, live delay p50 <= 100 ms.
Usage: python benchmarks/bench_inspector.py [--messages 100000] [--loads 5] [--samples 50]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import requests

import twilio_emulator
from twilio_emulator import Settings
from twilio_emulator.domain.messages import SendRequest
from twilio_emulator.engine import Emulator, messaging, numbers
from twilio_emulator.testing import EmulatorThread

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
FROM = "+14155550100"
PHONES = [f"+1415{n:07d}" for n in range(5550000, 5550000 + 2000)]


async def fill(db: str, count: int) -> None:
    """`count` messages from one number to 2,000 phones (a tenth of them to the first phone: a long
    conversation), all delivered: through the engine, as Messages.create would."""
    emu = Emulator(Settings(timing="instant", db_path=db, log_requests=False))
    await emu.start()
    account = emu.accounts[emu.settings.account_sid]
    await numbers.buy(emu, account, FROM, None, None, {})
    emu.set_clock("manual")
    made = 0
    while made < count:
        batch = min(2000, count - made)
        await asyncio.gather(*(messaging.send(emu, account, SendRequest(
            to=PHONES[0] if (made + i) % 10 == 0 else PHONES[(made + i) % len(PHONES)], from_=FROM,
            body=f"Order {made + i} is on its way")) for i in range(batch)))
        made += batch
    await emu.advance(5)
    await emu.store.flush()
    emu.scheduler.clear()
    await emu.stop()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(base_url: str, loads: int, samples: int) -> dict[str, list[float]]:
    """The pages bypass the inspector's Content-Security-Policy only so that Playwright's wait_for_function
    (which evaluates its predicate as a string) may run in them."""
    from playwright.sync_api import sync_playwright
    out: dict[str, list[float]] = {"phones": [], "messages": [], "conversation": [], "live": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 860}, bypass_csp=True)
            page.goto(base_url + "/")
            page.wait_for_function("document.querySelectorAll('#phones li').length > 0")
            out["phones"].append(page.evaluate("performance.now()"))
            started = page.evaluate("performance.now()")
            page.get_by_role("button", name=PHONES[0], exact=False).first.click()
            page.wait_for_function("document.querySelectorAll('#bubbles li').length > 0")
            out["conversation"].append(page.evaluate("performance.now()") - started)
            started = page.evaluate("performance.now()")
            page.get_by_role("tab", name="Messages").click()
            page.wait_for_function("document.querySelectorAll('#message-rows tr').length > 0")
            out["messages"].append(page.evaluate("performance.now()") - started)
            page.close()
        # Live delay: the manual clock stopped, a message to the open conversation, then the clock advanced.
        page = browser.new_page(viewport={"width": 1280, "height": 860}, bypass_csp=True)
        page.goto(base_url + "/")
        page.get_by_role("status").filter(has_text="live").wait_for()
        newest = page.get_by_role("list", name="Phones").get_by_role("button").first  # the newest conversation
        phone = newest.locator(".who").inner_text()
        newest.click()
        page.wait_for_function("document.querySelectorAll('#bubbles li').length > 0")
        page.evaluate("""() => { window.__delivered = {};
          new MutationObserver(() => { for (const s of document.querySelectorAll('#bubbles [data-status="delivered"]')) {
            const sid = s.closest('li').dataset.sid; if (!(sid in window.__delivered)) window.__delivered[sid] = Date.now(); } })
          .observe(document.getElementById('bubbles'), {childList: true, subtree: true}); }""")
        control = f"{base_url}/_emulator/v1"
        requests.post(f"{control}/clock", json={"mode": "manual"}, timeout=10)
        client = twilio_emulator.client(base_url)
        for _ in range(samples):
            sid = client.messages.create(from_=FROM, to=phone, body="live").sid
            page.wait_for_function(f"document.querySelector('#bubbles li[data-sid=\"{sid}\"]') !== null")
            at = time.time() * 1000
            requests.post(f"{control}/clock/advance", json={"seconds": 5}, timeout=10)
            page.wait_for_function(f"'{sid}' in window.__delivered")
            out["live"].append(page.evaluate(f"window.__delivered['{sid}']") - at)
        requests.post(f"{control}/clock", json={"mode": "real"}, timeout=10)
        browser.close()
    return out


def main(count: int, loads: int, samples: int) -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (Debian: apt-get install chromium; `make bench` does it as root)")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "store.db")
        started = time.perf_counter()
        asyncio.run(fill(db, count))
        print(f"store of {count:,} messages to {len(PHONES):,} phones made in {time.perf_counter() - started:.1f} s")
        with EmulatorThread(Settings(db_path=db, timing="realistic", log_requests=False, throughput=False)) as server:
            figures = measure(server.base_url, loads, samples)
    print(f"inspector over {count:,} messages (median of {loads} loads; ms)")
    print(f"  first render of the phone list (from navigation): {statistics.median(figures['phones']):8.1f}")
    print(f"  first render of a conversation (from the click):  {statistics.median(figures['conversation']):8.1f}")
    print(f"  first render of the message list (from the click): {statistics.median(figures['messages']):7.1f}")
    live = figures["live"]
    print(f"  live delay, clock advanced -> page shows delivered ({len(live)} samples): "
          f"p50 {percentile(live, 50):.1f}, p99 {percentile(live, 99):.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    main(args.messages, args.loads, args.samples)
