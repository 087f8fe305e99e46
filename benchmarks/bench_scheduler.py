"""100,000 messages in flight: time per message (flat?) and peak memory, then the clock moves them all to
their final status. In-process (no HTTP), manual clock, realistic timings, activity log on (written to
/dev/null), which is what puts jobs on the one scheduler.
Usage: python benchmarks/bench_scheduler.py [--messages 100000]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time

from twilio_emulator import Settings
from twilio_emulator.domain.messages import SendRequest
from twilio_emulator.engine import Emulator, messaging, numbers
from twilio_emulator.engine.activity import ActivityLog


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(count: int) -> None:
    emu = Emulator(Settings(timing="realistic", throughput=False), ActivityLog(open(os.devnull, "w")))
    await emu.start()
    account = emu.accounts[emu.settings.account_sid]
    await numbers.buy(emu, account, "+14155550100", None, None, {})
    emu.set_clock("manual")
    base_rss = rss_mb()
    req = SendRequest(to="+14155550199", from_="+14155550100", body="Scheduler benchmark message")
    chunk, times = count // 10, []

    async def sender(n: int) -> None:
        for _ in range(n):
            await messaging.send(emu, account, req)

    started = time.perf_counter()
    for _ in range(10):  # ten chunks, 32 concurrent senders each: is the cost per message flat?
        t = time.perf_counter()
        await asyncio.gather(*(sender(chunk // 32) for _ in range(32)), sender(chunk % 32))
        times.append((time.perf_counter() - t) / chunk * 1e6)
    create_s = time.perf_counter() - started
    in_flight_rss = rss_mb()
    jobs = len(emu.scheduler._heap)

    t = time.perf_counter()
    ran = await emu.advance(60)  # every message reaches its final status
    await emu.store.flush()
    advance_s = time.perf_counter() - t
    rows = await emu.store.fetchall("SELECT sid FROM messages")
    final = 0
    for r in rows:
        m = await emu.wait_for_message(r["sid"], "delivered", timeout=1)
        final += m.status == "delivered"
    await emu.stop()

    print(f"{count:,} messages in flight (manual clock, realistic timings, activity log on)")
    print(f"create: {create_s / count * 1e6:.1f} us/message; per chunk of {chunk:,}: "
          + " ".join(f"{x:.0f}" for x in times) + " us/message (flat if similar)")
    print(f"in flight: {jobs:,} scheduler entries for {count * 3:,} status steps; "
          f"peak RSS {in_flight_rss:.0f} MB ({in_flight_rss - base_rss:.0f} MB for the messages)")
    print(f"advance 60 s: {ran:,} jobs in {advance_s:.2f} s ({advance_s / count * 1e6:.1f} us/message); "
          f"{final:,} of {count:,} delivered")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().messages))
