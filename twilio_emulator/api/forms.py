"""Form and query parameters -> Python values. PascalCase names stop here; raw dicts never leave api/."""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from email.utils import parsedate_tz, mktime_tz
from typing import Callable

from aiohttp import web
from multidict import MultiDictProxy

from ..domain.errors import INVALID_PARAMETER, TwilioError, error
from . import inputs
from .context import EMULATOR


class Form:
    def __init__(self, data: MultiDictProxy):
        self.data = data
        self.get = data.get  # the common read, without a call of ours around it (the create path reads ~10)

    @classmethod
    async def read(cls, request: web.Request) -> "Form":
        # Twilio takes application/x-www-form-urlencoded bodies (spaces as + or %20, repeated keys); GET
        # parameters come in the query string. Both through the one input edge (api/inputs.py).
        # request.app: every REST route is on the main application (config_dict would build a chain per call)
        return cls(await inputs.form(request, request.app[EMULATOR].settings.max_body_bytes))

    def get(self, name: str) -> str | None:  # replaced per instance by the data's own get (__init__)
        return self.data.get(name)

    def getall(self, name: str) -> list[str]:
        return self.data.getall(name, [])

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def bool(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise error(INVALID_PARAMETER, f"{name} must be true or false, not {value!r}.")
        return lowered == "true"

    def int(self, name: str, lo: int | None = None, hi: int | None = None,
            invalid: Callable[[], TwilioError] | None = None) -> int | None:
        """An integer parameter; `invalid()` makes the error for a value that is not one (default: 20001)."""
        value = self.data.get(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise (invalid() if invalid else error(INVALID_PARAMETER, f"{name} must be an integer, not {value!r}.")) \
                from None
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            raise error(INVALID_PARAMETER, f"{name} must be {_range(lo, hi)}.")
        return number

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.data.get(name)
        if value is not None and value not in allowed:
            raise error(INVALID_PARAMETER, f"{name} must be one of {', '.join(allowed)}, not {value!r}.")
        return value

    def day(self, name: str) -> float | None:
        """A date filter (DateSent, DateCreated): the GMT day it names, as epoch seconds at 00:00."""
        value = self.data.get(name)
        if value is None:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            raise error(INVALID_PARAMETER, f"{name} is not a valid date: {value!r}.")
        return float(calendar.timegm(parsed.date().timetuple()))

    def datetime(self, name: str) -> float | None:
        value = self.data.get(name)
        if value is None:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            raise error(INVALID_PARAMETER, f"{name} is not a valid ISO 8601 date-time: {value!r}.")
        return parsed.timestamp()


def _range(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"between {lo} and {hi}"
    return f"at least {lo}" if lo is not None else f"at most {hi}"


_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S",
            "%m/%d/%Y %H:%M:%S", "%Y-%m-%d")


def parse_datetime(value: str) -> datetime | None:
    """Every date form the spec's examples use for DateSent> (reference §1.3), plus what the SDKs send."""
    value = value.strip()
    try:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc) \
                if "T" in value and re.match(r"^\d{4}-\d{2}-\d{2}T", value) else _strptime(value)
        except ValueError:
            return _strptime(value)
    except (OverflowError, ValueError, OSError):  # a date a datetime cannot hold, e.g. 0001-01-01T00:00+01:00
        return None


def _strptime(value: str) -> datetime | None:
    # "06/11/2019 22:05:25 MST": a trailing zone name is dropped; the date is what counts.
    trimmed = re.sub(r"\s+[A-Z]{3,4}$", "", value)
    for fmt in _FORMATS:
        try:
            return datetime.strptime(trimmed, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    rfc = parsedate_tz(value)  # "Wed, 19 Jun 2019 22:04:00 -0000"
    if rfc:
        return datetime.fromtimestamp(mktime_tz(rfc), timezone.utc)
    return None


async def json_object(request: web.Request) -> dict:
    """The JSON object body of the products that take JSON (Senders, Content): {} when empty; 400 for any
    other JSON value. Through the one input edge (api/inputs.py: size, depth, UTF-8)."""
    value = await inputs.json_body(request, request.app[EMULATOR].settings.max_body_bytes)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise error(INVALID_PARAMETER, "The body must be a JSON object.")
    return value
