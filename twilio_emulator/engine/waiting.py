"""The one waiter: until something holds, without polling. A waiter looks at the state, and when it does not
hold yet, sleeps until the next published event that may change it (engine.events) or the next planned
moment that will (through the scheduler, so that the manual clock wakes it too), whichever comes first."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Awaitable, Callable, TypeVar

from .events import Predicate

if TYPE_CHECKING:
    from . import Emulator

T = TypeVar("T")


async def wait_until(emu: "Emulator", look: Callable[[], Awaitable[tuple[bool, T, float | None]]],
                     wakes: Predicate, timeout: float) -> tuple[bool, T]:
    """Call `look()` -> (holds, value, the next planned moment it may hold or None) until it holds, or until
    `timeout` seconds of real time have passed: (holds, the value as last seen)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        # Subscribe before looking, so that what is published between the look and the wait is not missed.
        wake = emu.events.subscribe(wakes)
        try:
            holds, value, soonest = await look()
            remaining = deadline - loop.time()
            if holds or remaining <= 0:
                return holds, value
            if soonest is not None:
                # Bind this round's future: an entry left from an earlier round must not wake a later one.
                emu.scheduler.call_at(soonest, lambda w=wake: w.done() or w.set_result(None))
            try:
                await asyncio.wait_for(asyncio.shield(wake), remaining)
            except asyncio.TimeoutError:
                pass
        finally:
            wake.cancel()
