"""The activity log: one readable line per API call and per message status change.

Thousands of lines a second, so not through `logging` (a LogRecord, a handler and a write per line cost
~13 µs): lines are buffered and handed over together at most FLUSH seconds after the first of them to a
writer thread, so that a slow reader of the stream (a terminal, a pipe) never blocks the event loop.
Off unless a stream is given (the CLI gives stderr); warnings and errors still go through `logging`,
and close() writes what is left.

Under load, a line per call and per status change is more than anyone reads (four lines a message: 28,000 a
second at 7,000 messages a second) and about a sixth of the CPU time the emulator spends on each message
(docs/benchmarks.md). After a quarter of a second above `summary_above` API calls a second, the log sums up
instead: once a second, a line that counts the calls (by method, route and status) and the status changes of
the second gone. A refused call (4xx, 5xx), a failed or undelivered message, and every other kind of line
(webhooks, inbound messages, alerts) are still written in full. After a second at half the threshold or less,
a line per call again. `summary_above=0`: never.
"""
from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import Counter
from typing import TextIO

from ..config import LOG_SUMMARY_ABOVE

FLUSH = 0.05  # seconds a line may wait in the buffer
LOOK = 0.25  # seconds between two looks at the rate of API calls, while there is traffic


class ActivityLog:
    def __init__(self, stream: TextIO | None = None, summary_above: int = LOG_SUMMARY_ABOVE):
        self.stream = stream
        self.enabled = stream is not None
        # Lines waiting for the writer, grouped under the second they were logged in: [(stamp, [text, ...])].
        # A group becomes text with one join at flush time rather than one formatted string per line.
        self._groups: list[tuple[str, list[str]]] = []
        self._texts: list[str] = []  # the texts of the last group
        self._second = -1
        self._stamp = ""
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        # Summing up (read by the writers of lines on the hot path: AccessLogger, engine.lifecycle).
        self.summary_above = summary_above
        self.summarizing = False
        self.calls = 0  # API calls since the last look at the rate, written in full or counted
        self.counted_calls: dict[tuple, int] = {}  # (method, route, status) -> calls summed up since the last summary
        self.routes: dict[object, str] = {}  # an aiohttp route -> its path template (server.AccessLogger)
        self._changes: Counter[str] = Counter()  # status -> changes to it summed up since the last summary
        self._timer: asyncio.TimerHandle | None = None  # the next look at the rate (every LOOK s, under traffic)
        self._closed = False
        self._looked = 0.0  # the loop's time of the last look at the rate (0: none since traffic began)
        self._since = 0.0  # the loop's time of the last summary (or of the start of the traffic)
        self._second_calls = 0  # API calls since then

    def line(self, text: str) -> None:
        if self._groups and int(time.time()) == self._second:  # the common case: a group is open for this second
            self._texts.append(text)
        else:
            self.lines([text])

    def lines(self, texts: list[str]) -> None:
        """Several lines at once (the status changes of one scheduler tick): one clock reading for all."""
        if not texts:
            return
        second = int(time.time())
        if self._groups and second == self._second:
            self._texts.extend(texts)
            return
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%H:%M:%S", time.localtime(second))
        first = not self._groups
        self._texts = list(texts)
        self._groups.append((self._stamp, self._texts))
        if first:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop: write at once
                self.flush()
            else:
                loop.call_later(FLUSH, self.flush)
                if self._timer is None and self.summary_above and not self._closed:
                    self._timer = loop.call_later(LOOK, self._look)

    def count_changes(self, statuses: list[str]) -> None:
        """Status changes summed up (engine.lifecycle, at their moments): in the next summary line."""
        self._changes.update(statuses)
        if self._timer is None and not self._closed:
            try:
                self._timer = asyncio.get_running_loop().call_later(LOOK, self._look)
            except RuntimeError:
                self._summary()

    def _look(self) -> None:
        """Every LOOK seconds while there is traffic: the rate of API calls decides how they are logged. A quarter
        of a second above the threshold starts the summing up (a burst's first lines are written in full); a whole
        second at or under half of it ends it. The summary of what was counted is written once a second."""
        calls, self.calls = self.calls, 0  # (self._timer stays set until the end: the lines below arm no other)
        loop = asyncio.get_running_loop()
        now = loop.time()
        if not self._since:  # the first look since traffic began: it was armed LOOK seconds ago
            self._since = now - LOOK
        window = max(now - self._looked, 0.001) if self._looked else LOOK
        self._looked, self._second_calls = now, self._second_calls + calls
        if not self.summarizing and calls / window > self.summary_above:
            self.summarizing = True
            self.line(f"more than {self.summary_above:,} API calls a second: from here one line a second sums them "
                      "up, with the status changes; refused calls, failed messages, webhooks and alerts still in "
                      "full (serve --log-summary-above 0: every line)")
        elapsed = now - self._since
        if elapsed >= 1.0:
            self._summary(elapsed)
            rate, self._since, self._second_calls = self._second_calls / elapsed, now, 0
            if self.summarizing and rate <= self.summary_above / 2:
                self.summarizing = False
                self.line(f"{rate:,.0f} API calls a second: a line per call and status change again")
        self._timer = None
        if (self.summarizing or calls or self._second_calls or self._changes or self.counted_calls) \
                and not self._closed:
            self._timer = loop.call_later(LOOK, self._look)
        else:  # idle: the next traffic starts afresh
            self._looked = self._since = 0.0
            self._second_calls = 0

    def _summary(self, elapsed: float | None = None) -> None:
        calls, changes = self.counted_calls, self._changes
        if not calls and not changes:
            return
        self.counted_calls, self._changes = {}, Counter()
        parts = []
        if calls:
            by_count = sorted(calls.items(), key=lambda item: -item[1])
            parts.append(f"{sum(calls.values()):,} API calls: " + ", ".join(
                f"{method} {route} -> {status} ×{n:,}" for (method, route, status), n in by_count[:5]) +
                (f", {len(by_count) - 5} more kinds ×{sum(n for _, n in by_count[5:]):,}" if len(by_count) > 5
                 else ""))
        if changes:
            parts.append(f"{sum(changes.values()):,} status changes: " +
                         ", ".join(f"-> {status} ×{n:,}" for status, n in changes.items()))
        self.line((f"in the last {elapsed:.1f} s, " if elapsed else "since the last summary, ") + "; ".join(parts))

    def flush(self) -> None:
        groups, self._groups = self._groups, []
        if not groups or self.stream is None:
            return
        text = "".join([f"{stamp} " + f"\n{stamp} ".join(texts) + "\n" for stamp, texts in groups])
        if self._writer is None:
            self._writer = threading.Thread(target=self._write, name="activity-log", daemon=True)
            self._writer.start()
        self._queue.put(text)

    def close(self) -> None:
        """Write everything still buffered (and what is summed up so far), then stop the writer thread."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.enabled:
            self._summary()
        self.flush()
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(timeout=10)
            self._writer = None

    def _write(self) -> None:
        while (text := self._queue.get()) is not None:
            self.stream.write(text)
            self.stream.flush()
