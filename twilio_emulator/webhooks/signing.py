"""X-Twilio-Signature exactly as Twilio computes it and twilio-python's RequestValidator checks it
(reference twilio-api.md §8.1): base64(HMAC-SHA1(auth_token, url + every param name and value, names sorted,
each name's values deduplicated and sorted)). For GET the parameters are in the URL and `params` is empty."""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections import defaultdict
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit


def signature(auth_token: str, url: str, params: Iterable[tuple[str, str]] = ()) -> str:
    values: dict[str, set[str]] = defaultdict(set)
    for name, value in params:
        values[name].add(value)
    text = url + "".join(name + value for name in sorted(values) for value in sorted(values[name]))
    digest = hmac.new(auth_token.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def url_to_sign(url: str) -> str:
    """The URL as signed and requested: without a `#…` connection-override fragment (never sent to the
    server) and without `user:pass@` credentials, which the app cannot see [UNVERIFIED, reference §8.2]."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
