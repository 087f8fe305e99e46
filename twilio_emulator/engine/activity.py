"""The activity log: one readable line per API call and per message status change.

Thousands of lines a second, so not through `logging` (a LogRecord, a handler and a write per line cost
~13 µs): lines are buffered and written with one write() per event-loop iteration. Off unless a stream is
given (the CLI gives stderr); warnings and errors still go through `logging`.
"""
from __future__ import annotations

import asyncio
import time
from typing import TextIO


class ActivityLog:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.enabled = stream is not None
        self._lines: list[str] = []
        self._second = -1
        self._stamp = ""

    def line(self, text: str) -> None:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%H:%M:%S", time.localtime(second))
        if not self._lines:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no loop: write at once
                self._lines.append(f"{self._stamp} {text}\n")
                self.flush()
                return
        self._lines.append(f"{self._stamp} {text}\n")

    def flush(self) -> None:
        if self._lines and self.stream is not None:
            lines, self._lines = self._lines, []
            self.stream.write("".join(lines))
            self.stream.flush()
