"""Twilio SIDs: two-letter prefix + 32 lowercase hex digits (reference §4.3). Pure; randomness is injected."""
from __future__ import annotations

import random
import re

class SidFactory:
    """Makes SIDs from an injected random.Random, so a seeded emulator produces the same SIDs every run."""

    def __init__(self, rng: random.Random):
        self._rng = rng

    # The 32 hex digits of a 128-bit number, as f"{n:032x}" writes them, in a third of its time (a format spec
    # on an int is the slow way: every message has a SID).
    def new(self, prefix: str) -> str:
        return prefix + self._rng.getrandbits(128).to_bytes(16, "big").hex()

    def secret(self) -> str:
        return self._rng.getrandbits(128).to_bytes(16, "big").hex()


_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


def is_sid(value: str, prefix: str | tuple[str, ...]) -> bool:
    # fullmatch: `$` with match() would also take a SID followed by a newline
    return bool(_SID.fullmatch(value)) and value.startswith(prefix)
