"""Twilio's cookie jar for webhooks: what an app's Set-Cookie headers leave in a conversation's jar, and the
Cookie header the next webhook of that conversation carries. Pure: stdlib only.

Reference twilio-more §1.1 (help article 223136287 "How do Twilio cookies work?"): the jar of an SMS
conversation is keyed by its From/To pair; cookies come back as a normal Cookie header on later webhooks of
the pair; a cookie lives at most 4 hours from when it was set (a shorter Expires/Max-Age is honoured, a
longer one is capped). Emulator choices, [UNVERIFIED] where the reference is: cookies set by a fallback URL
or a <Redirect> target go in the same jar, and the requests that follow carry them (browser-like, as the
legacy docs describe Twilio); Domain, Path and Secure match as RFC 6265 says; status callbacks carry none.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

MAX_AGE = 4 * 3600  # seconds: Twilio keeps a cookie at most four hours
MAX_COOKIES = 50  # per jar (RFC 6265 §6.1 asks for at least 50 per domain); the oldest go first
MAX_SIZE = 4096  # bytes of name, value and attributes per cookie (RFC 6265 §6.1): a longer one is ignored


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    domain: str  # lower case, no leading dot
    host_only: bool  # no Domain attribute: sent to that exact host only
    path: str
    secure: bool
    expires: float  # epoch seconds

    def matches(self, host: str, path: str, https: bool, now: float) -> bool:
        if now >= self.expires or (self.secure and not https):
            return False
        if self.host_only and host != self.domain:
            return False
        if not self.host_only and not _domain_match(host, self.domain):
            return False
        return _path_match(path, self.path)


def update(jar: list[Cookie], headers: list[tuple[str, str]], now: float) -> list[Cookie]:
    """The jar after Set-Cookie headers, each given with the URL of the response it came in: a cookie
    replaces the one of the same name, domain and path; one already expired (Max-Age=0, an Expires in the
    past) removes it. Headers that are not a cookie (no name=value, a Domain that is not the URL's) are
    ignored, as a browser ignores them."""
    current = {(c.name, c.domain, c.path): c for c in jar if c.expires > now}
    for url, text in headers:
        cookie = _parse(text, url, now)
        if cookie is None:
            continue
        key = (cookie.name, cookie.domain, cookie.path)
        current.pop(key, None)
        if cookie.expires > now:
            current[key] = cookie
    kept = list(current.values())
    return kept[-MAX_COOKIES:]


def header(jar: list[Cookie], url: str, now: float) -> str | None:
    """The Cookie header for a request to `url`, or None when no cookie of the jar goes there. Longer paths
    first (RFC 6265 §5.4)."""
    parts = urlsplit(url)
    host, path, https = (parts.hostname or "").lower(), parts.path or "/", parts.scheme == "https"
    sent = [c for c in jar if c.matches(host, path, https, now)]
    if not sent:
        return None
    sent.sort(key=lambda c: -len(c.path))
    return "; ".join(f"{c.name}={c.value}" if c.name else c.value for c in sent)


def to_json(jar: list[Cookie]) -> list[dict]:
    return [asdict(c) for c in jar]


def from_json(data: list[dict]) -> list[Cookie]:
    return [Cookie(**c) for c in data]


def _parse(header_value: str, url: str, now: float) -> Cookie | None:
    if len(header_value.encode("utf-8", "replace")) > MAX_SIZE:
        return None
    pair, *attributes = header_value.split(";")
    if "=" not in pair:
        return None  # RFC 6265 §5.2: a set-cookie-string without "=" is ignored
    name, _, value = pair.partition("=")
    name, value = name.strip(), value.strip()
    if not name and not value:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    expires, max_age, domain, path, secure = None, None, "", None, False
    for attribute in attributes:
        key, _, arg = attribute.partition("=")
        key, arg = key.strip().lower(), arg.strip()
        if key == "expires":
            expires = _http_date(arg)
        elif key == "max-age":
            try:
                max_age = int(arg)
            except ValueError:
                pass
        elif key == "domain" and arg:
            domain = arg.lstrip(".").lower()
        elif key == "path" and arg.startswith("/"):
            path = arg
        elif key == "secure":
            secure = True
    if domain and not _domain_match(host, domain):
        return None
    if max_age is not None:  # Max-Age wins over Expires (RFC 6265 §5.3)
        own = now + max_age if max_age > 0 else now
    else:
        own = expires if expires is not None else now + MAX_AGE
    return Cookie(name=name, value=value, domain=domain or host, host_only=not domain,
                  path=path or _default_path(parts.path), secure=secure, expires=min(own, now + MAX_AGE))


def _http_date(text: str) -> float | None:
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _default_path(path: str) -> str:
    """RFC 6265 §5.1.4."""
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[:path.rindex("/")]


def _domain_match(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _path_match(path: str, cookie_path: str) -> bool:
    """RFC 6265 §5.1.4."""
    if path == cookie_path:
        return True
    return path.startswith(cookie_path) and (cookie_path.endswith("/") or path[len(cookie_path)] == "/")
