"""Sender queues at depth (issue 18): 100,000 messages queued behind ten long codes (a Messaging Service's
pool, queues on, manual clock), in steps; prints the cost per message of queueing them (Messages.create
through the engine) at each depth, which should stay flat as the queue grows (a sender's queue is one number,
when it is free: placing a message costs O(1)), then of draining them all (the clock advanced past the last
one, and each message read back delivered: a status step costs nothing until it is read).
Usage: python benchmarks/bench_queue.py [--messages 100000] [--steps 4]
"""
from __future__ import annotations

import argparse
import asyncio
import time

from twilio_emulator import Settings
from twilio_emulator.domain.messages import SendRequest
from twilio_emulator.engine import Emulator, messaging, numbers
from twilio_emulator.engine import messaging_services as services
from twilio_emulator.store import messages as rows

SENDERS = [f"+1415555{n:04d}" for n in range(1000, 1010)]


async def main(count: int, steps: int) -> None:
    emu = Emulator(Settings(timing="instant", throughput=True, log_requests=False))
    await emu.start()
    account = emu.accounts[emu.settings.account_sid]
    service = await services.create(emu, account, {"friendly_name": "bench", "sticky_sender": False})
    for address in SENDERS:
        number = await numbers.buy(emu, account, address, None, None, {})
        await services.add_phone_number(emu, account, service, number.sid)
    emu.set_clock("manual")
    print(f"queueing {count:,} messages behind {len(SENDERS)} long codes (1 segment/s each), in {steps} steps")
    print(f"{'queued':>10} {'backlog (s)':>12} {'queue us/msg':>13} {'drain us/msg':>13}")
    per_step = count // steps
    for step in range(1, steps + 1):
        started = time.process_time()
        for first in range(0, per_step, 1000):
            await asyncio.gather(*(messaging.send(emu, account, SendRequest(
                to=f"+1628555{(first + i) % 10000:04d}", messaging_service_sid=service.sid, body="queued"))
                for i in range(min(1000, per_step - first))))
        queue_cost = (time.process_time() - started) / per_step * 1e6
        backlog = max(emu.throughput.backlog(s, emu.now()) for s in SENDERS)
        await emu.store.flush()
        print(f"{step * per_step:>10,} {backlog:>12,.0f} {queue_cost:>13.1f}", end="", flush=True)
        if step == steps:  # drain everything: the clock moves past the last planned step, each one read back
            started = time.process_time()
            await emu.advance(backlog + 5)
            after, seen = None, 0
            while True:
                page = await messaging.page(emu, account, rows.Filters(), 1000, after, None)
                if not page:
                    break
                assert all(m.status == "delivered" for m in page)
                seen, after = seen + len(page), page[-1].sid
            assert seen == count
            print(f" {(time.process_time() - started) / count * 1e6:>13.1f}")
        else:
            print()
    emu.scheduler.clear()
    await emu.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.steps))
