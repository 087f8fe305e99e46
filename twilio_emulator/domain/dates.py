"""Dates as Twilio's v1 and v2 products write them. Pure."""
from __future__ import annotations

import time


def iso8601(ts: float | None) -> str | None:
    """Twilio v1 dates: exactly "%Y-%m-%dT%H:%M:%SZ", no fraction (the SDK parses nothing else; reference §0.1.6),
    the year zero-padded (strftime's %Y writes year 557 as "557", which no parser takes)."""
    if ts is None:
        return None
    t = time.gmtime(ts)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z"
