"""In-process fan-out: the engine publishes what happened; waiters (wait-for, tests) subscribe."""
from __future__ import annotations

import asyncio
from typing import Any, Callable

Predicate = Callable[[str, Any], bool]


class Events:
    def __init__(self) -> None:
        self._waiters: list[tuple[Predicate, asyncio.Future]] = []

    def publish(self, kind: str, obj: Any) -> None:
        if not self._waiters:
            return
        keep = []
        for pred, fut in self._waiters:
            if fut.done():
                continue
            if pred(kind, obj):
                fut.set_result(obj)
            else:
                keep.append((pred, fut))
        self._waiters = keep

    def subscribe(self, pred: Predicate) -> asyncio.Future:
        """A future for the next published object matching `pred`, registered before this returns (so that
        nothing published after the call is missed). Cancel it to unsubscribe."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append((pred, fut))
        return fut
