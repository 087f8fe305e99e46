"""One scheduler for all delayed work: a heap and one task, never a task per message.

Jobs are plain callables run on the event loop; a job that returns an awaitable is awaited with the rest of
its batch. Real clock: the task sleeps until the earliest job is due and then runs every job whose time
has come, never one that is still ahead: a job acts on a moment (a status callback says the message has
that status), and a read at that moment must already see it (issue 14, item 6: running jobs up to a tick
early let a `delivered` callback arrive while fetch() still showed `sent`). Callers that want fewer
wake-ups bucket their work themselves and schedule the bucket at its end (engine.lifecycle). Manual clock:
nothing runs until advance(), which moves the clock job by job, so each job sees the time it was due at.
"""
from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
from typing import Any, Callable

from .clock import Clock

log = logging.getLogger(__name__)

Job = Callable[..., Any]
TICK = 0.005  # the width of the buckets callers use to share one job among moments this close together


class Scheduler:
    def __init__(self, clock: Clock, on_error: Callable[[str], None] = lambda what: None):
        self.clock = clock
        self._on_error = on_error
        self._heap: list[tuple[float, int, Job, tuple]] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()  # the loop and advance() never run jobs at the same time

    def call_at(self, when: float, job: Job, *args: Any) -> None:
        seq = next(self._seq)
        heapq.heappush(self._heap, (when, seq, job, args))
        if self._heap[0][1] == seq:  # the new job is now the earliest: the loop's sleep may be too long
            self._wake.set()

    def call_later(self, delay: float, job: Job, *args: Any) -> None:
        self.call_at(self.clock.now() + delay, job, *args)

    def clear(self) -> None:
        self._heap.clear()

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

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            timer = None
            if self._heap and self.clock.mode == "real":
                delay = self._heap[0][0] - self.clock.now()
                if delay > 0:
                    timer = loop.call_later(delay, self._wake.set)
            if timer is not None or not self._heap or self.clock.mode != "real":
                await self._wake.wait()
            self._wake.clear()
            if timer is not None:
                timer.cancel()
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

    async def _run_due(self, until: float) -> int:
        ran = 0
        while self._heap and self._heap[0][0] <= until:
            pending = []
            while self._heap and self._heap[0][0] <= until:
                _, _, job, args = heapq.heappop(self._heap)
                ran += 1
                try:
                    result = job(*args)
                except Exception as exc:
                    log.exception("scheduled job %r failed", job)
                    self._on_error(f"scheduled job {job!r}: {exc!r}")
                    continue
                if result is not None and inspect.isawaitable(result):
                    pending.append(result)
            for result in await asyncio.gather(*pending, return_exceptions=True):
                if isinstance(result, BaseException):
                    log.error("scheduled job failed", exc_info=result)
                    self._on_error(f"scheduled job: {result!r}")
        return ran
