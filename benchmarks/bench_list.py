"""Messages list filters over a large store: each filter should answer in O(page), so the time per page stays
flat as the store grows. In-process (the engine's list, which the REST handler calls), manual clock; messages
spread over several GMT days and recipients, the last day's half still unsent when the clock stops.
Usage: python benchmarks/bench_list.py [--messages 200000] [--steps 3]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from twilio_emulator import Settings
from twilio_emulator.domain.messages import SendRequest
from twilio_emulator.engine import Emulator, messaging, numbers
from twilio_emulator.store.messages import Filters

DAY = 86400.0
RECIPIENTS = [f"+1415555{n:04d}" for n in range(100, 200)]


def filters_for(start: float, days: int) -> dict[str, Filters]:
    """Each filter of the Messages list, as the REST handler builds it (the DateSent day is GMT midnight)."""
    first = start - start % DAY
    mid = first + DAY * (days // 2)
    return {
        "none": Filters(),
        "To": Filters(to=RECIPIENTS[7]),
        "From": Filters(from_="+14155550100"),
        "DateSent (one day)": Filters(sent_on_or_after=mid, sent_before=mid + DAY),
        "DateSent> (on and after)": Filters(sent_on_or_after=mid),
        "DateSent< (on and before)": Filters(sent_before=mid + DAY),
        "DateSent, first day": Filters(sent_on_or_after=first, sent_before=first + DAY),
        "To + DateSent": Filters(to=RECIPIENTS[7], sent_on_or_after=mid, sent_before=mid + DAY),
    }


async def time_filters(emu: Emulator, account, start: float, days: int, repeat: int = 15) -> dict[str, float]:
    out = {}
    for name, f in filters_for(start, days).items():
        times, got = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            page = await messaging.page(emu, account, Filters(**f.__dict__), 50, None, None)
            if page:  # and the next page, through its token (the sid of the last record)
                page = await messaging.page(emu, account, Filters(**f.__dict__), 50, page[-1].sid, None)
            times.append(time.perf_counter() - t)
            got = len(page)
        out[name] = statistics.median(times) * 1000 / 2
        if got == 0:
            out[name + " (empty!)"] = 0.0
    return out


async def main(count: int, steps: int) -> None:
    emu = Emulator(Settings(timing="instant"))
    await emu.start()
    account = emu.accounts[emu.settings.account_sid]
    await numbers.buy(emu, account, "+14155550100", None, None, {})
    emu.set_clock("manual")
    start = emu.now()
    days = 4
    per_day = count // days
    results = []
    made = 0
    for step in range(1, steps + 1):
        target = count * step // steps
        while made < target:
            batch = min(target - made, 1000, per_day - made % per_day)
            await asyncio.gather(*(messaging.send(emu, account, SendRequest(
                to=RECIPIENTS[(made + i) % len(RECIPIENTS)], from_="+14155550100", body=f"m{made + i}"))
                for i in range(batch)))
            day = made // per_day
            made += batch
            if made // per_day > day and made < count:
                await emu.advance(DAY)  # the next day's messages
        await emu.advance(1)
        await emu.store.flush()
        results.append((made, await time_filters(emu, account, start, days)))
    await emu.stop()

    names = list(results[-1][1])
    print(f"Messages list, ms per page of 50 (median of 15, first and next page), {days} days of messages")
    print(f"{'filter':28}" + "".join(f"{n:>12,}" for n, _ in results))
    for name in names:
        print(f"{name:28}" + "".join(f"{r.get(name, float('nan')):12.2f}" for _, r in results))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.steps))
