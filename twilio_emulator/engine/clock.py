"""The one clock: real time by default; manual when tests want time to move only when they say so."""
from __future__ import annotations

import time

REAL, MANUAL = "real", "manual"


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0  # real mode: now = time.time() + offset (keeps time continuous across mode switches)
        self._frozen: float | None = None  # manual mode: the current instant

    @property
    def mode(self) -> str:
        return MANUAL if self._frozen is not None else REAL

    def now(self) -> float:
        return self._frozen if self._frozen is not None else time.time() + self._offset

    def set_mode(self, mode: str) -> None:
        if mode == MANUAL and self._frozen is None:
            self._frozen = self.now()
        elif mode == REAL and self._frozen is not None:
            self._offset = self._frozen - time.time()
            self._frozen = None
        elif mode not in (REAL, MANUAL):
            raise ValueError(f"clock mode must be {REAL!r} or {MANUAL!r}")

    def move_to(self, instant: float) -> None:
        """Manual mode only: time never goes backwards."""
        assert self._frozen is not None, "the clock is not manual"
        self._frozen = max(self._frozen, instant)
