"""The activity log: one readable line per API call and per message status change.

Thousands of lines a second, so not through `logging` (a LogRecord, a handler and a write per line cost
~13 µs): lines are buffered and handed over together at most FLUSH seconds after the first of them to a
writer thread, so that a slow reader of the stream (a terminal, a pipe) never blocks the event loop.
Off unless a stream is given (the CLI gives stderr); warnings and errors still go through `logging`,
and close() writes what is left.
"""
from __future__ import annotations

import asyncio
import queue
import threading
import time
from typing import TextIO

FLUSH = 0.05  # seconds a line may wait in the buffer


class ActivityLog:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.enabled = stream is not None
        self._lines: list[str] = []
        self._second = -1
        self._stamp = ""
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

    def line(self, text: str) -> None:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%H:%M:%S", time.localtime(second))
        if not self._lines:
            try:
                asyncio.get_running_loop().call_later(FLUSH, self.flush)
            except RuntimeError:  # no loop: write at once
                self._lines.append(f"{self._stamp} {text}\n")
                self.flush()
                return
        self._lines.append(f"{self._stamp} {text}\n")

    def flush(self) -> None:
        if not self._lines or self.stream is None:
            return
        text, self._lines = "".join(self._lines), []
        if self._writer is None:
            self._writer = threading.Thread(target=self._write, name="activity-log", daemon=True)
            self._writer.start()
        self._queue.put(text)

    def close(self) -> None:
        """Write everything still buffered, then stop the writer thread."""
        self.flush()
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(timeout=10)
            self._writer = None

    def _write(self) -> None:
        while (text := self._queue.get()) is not None:
            self.stream.write(text)
            self.stream.flush()
