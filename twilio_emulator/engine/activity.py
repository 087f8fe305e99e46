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
        # Lines waiting for the writer, grouped under the second they were logged in: [(stamp, [text, ...])].
        # A group becomes text with one join at flush time rather than one formatted string per line.
        self._groups: list[tuple[str, list[str]]] = []
        self._texts: list[str] = []  # the texts of the last group
        self._second = -1
        self._stamp = ""
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

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
                asyncio.get_running_loop().call_later(FLUSH, self.flush)
            except RuntimeError:  # no loop: write at once
                self.flush()

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
