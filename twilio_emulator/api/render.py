"""Wire formats of values: RFC 2822 dates for v2010, ISO 8601 for v1, URIs."""
from __future__ import annotations

import time

from ..domain.dates import iso8601  # noqa: F401 (the api modules import it from here)
from .context import PREFIX

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
V2010 = "/2010-04-01"


_last: list = [None, None]  # (whole second, its rendering): a response renders the same second 2-3 times


def rfc2822(ts: float | None) -> str | None:
    """Twilio v2010 dates: exactly "%a, %d %b %Y %H:%M:%S +0000", English names (reference §0.1.6)."""
    if ts is None:
        return None
    second = int(ts)
    if _last[0] == second:
        return _last[1]
    t = time.gmtime(second)
    text = (f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000")
    _last[:] = second, text
    return text


def base_url(request) -> str:
    """Absolute URLs of the v1/v2 products on the host the caller used (Twilio: https://messaging.twilio.com …;
    reference §0.1.3), under the product's path prefix when the request came by one (api/products.py)."""
    return f"{request.scheme}://{request.host}{request.get(PREFIX, '')}"


def twilio_path(request) -> str:
    """The request's path as Twilio has it: without the product prefix it came by (`/messaging/v1/Services` ->
    `/v1/Services`); base_url puts the prefix back where an absolute URL is built."""
    prefix = request.get(PREFIX)
    return request.path[len(prefix):] if prefix else request.path


def account_uri(account_sid: str, rest: str = "") -> str:
    return f"{V2010}/Accounts/{account_sid}{rest}"
