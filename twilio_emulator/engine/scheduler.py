"""One scheduler for all delayed work: a heap and one task, never a task per message.

Real clock: the task sleeps until the earliest job is due. Manual clock: nothing runs until advance(),
which moves the clock job by job, so each job sees the time it was due at.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from typing import Any, Awaitable, Callable

from .clock import Clock

log = logging.getLogger(__name__)

Job = Callable[..., Awaitable[Any]]
BATCH = 1000  # jobs run concurrently at most; the rest wait for the next round


class Scheduler:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._heap: list[tuple[float, int, Job, tuple]] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()  # the loop and advance() never run jobs at the same time

    def __len__(self) -> int:
        return len(self._heap)

    def call_at(self, when: float, job: Job, *args: Any) -> None:
        seq = next(self._seq)
        heapq.heappush(self._heap, (when, seq, job, args))
        if self._heap[0][1] == seq:  # the new job is now the earliest: the loop's sleep is too long
            self._wake.set()

    def call_later(self, delay: float, job: Job, *args: Any) -> None:
        self.call_at(self.clock.now() + delay, job, *args)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def clear(self) -> None:
        self._heap.clear()

    async def _loop(self) -> None:
        while True:
            timeout = None
            if self._heap and self.clock.mode == "real":
                timeout = max(0.0, self._heap[0][0] - self.clock.now())
            if timeout != 0.0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()
            if self.clock.mode == "real":
                async with self._lock:
                    await self._run_due(self.clock.now())

    async def advance(self, seconds: float) -> int:
        """Manual clock: move time forward by `seconds`, running every job that falls due on the way, in
        order, including jobs those jobs schedule. Returns how many jobs ran."""
        if seconds < 0:
            raise ValueError("time cannot go backwards")
        target = self.clock.now() + seconds
        ran = 0
        async with self._lock:
            while self._heap and self._heap[0][0] <= target:
                self.clock.move_to(self._heap[0][0])
                ran += await self._run_due(self.clock.now())
            self.clock.move_to(target)
        return ran

    async def run_due(self) -> int:
        """Run what is due now (manual clock, zero-delay steps) without moving time."""
        async with self._lock:
            return await self._run_due(self.clock.now())

    async def _run_due(self, now: float) -> int:
        ran = 0
        while self._heap and self._heap[0][0] <= now:
            batch = []
            while self._heap and self._heap[0][0] <= now and len(batch) < BATCH:
                _, _, job, args = heapq.heappop(self._heap)
                batch.append(job(*args))
            results = await asyncio.gather(*batch, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    log.error("scheduled job failed", exc_info=result)
            ran += len(batch)
        return ran
