"""In-process fan-out: the engine publishes what happened; waiters (wait-for, tests) subscribe."""
from __future__ import annotations

import asyncio
from typing import Any, Callable

Predicate = Callable[[str, Any], bool]


class Events:
    def __init__(self) -> None:
        self._waiters: list[tuple[Predicate, asyncio.Future]] = []
        self._listeners: list[Callable[[str, Any], None]] = []

    def listen(self, listener: Callable[[str, Any], None]) -> Callable[[], None]:
        """Call `listener(kind, obj)` on everything published from now on, until the returned function is
        called (a live stream's subscription, where subscribe() is one wake-up)."""
        self._listeners.append(listener)
        return lambda: listener in self._listeners and self._listeners.remove(listener)

    def publish(self, kind: str, obj: Any) -> None:
        for listener in self._listeners:
            listener(kind, obj)
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
