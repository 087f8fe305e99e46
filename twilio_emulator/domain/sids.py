"""Twilio SIDs: two-letter prefix + 32 lowercase hex digits (reference §4.3). Pure; randomness is injected."""
from __future__ import annotations

import random
import re

class SidFactory:
    """Makes SIDs from an injected random.Random, so a seeded emulator produces the same SIDs every run."""

    def __init__(self, rng: random.Random):
        self._rng = rng

    def new(self, prefix: str) -> str:
        return f"{prefix}{self._rng.getrandbits(128):032x}"

    def secret(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"


_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


def is_sid(value: str, prefix: str | tuple[str, ...]) -> bool:
    # fullmatch: `$` with match() would also take a SID followed by a newline
    return bool(_SID.fullmatch(value)) and value.startswith(prefix)
