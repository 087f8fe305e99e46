"""Point the official twilio-python SDK at an emulator: an HttpClient that rewrites https://*.twilio.com.

Why an HttpClient and not `client.api.base_url`: the rewrite runs after the SDK's edge/region host
rewriting, so it also works with TWILIO_EDGE/TWILIO_REGION set, and it covers every product domain, so
nothing leaks to real Twilio (reference sdk.md §1.2, option A). Needs the `twilio` package.
"""
from __future__ import annotations

from urllib.parse import SplitResult, urlsplit, urlunsplit

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client


def _rewrite(base: SplitResult, url: str, headers: dict | None) -> tuple[str, dict | None]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "twilio.com" or host.endswith(".twilio.com"):
        headers = dict(headers or {})
        headers["X-Forwarded-Host"] = parts.netloc  # which Twilio product the request was meant for
        url = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, ""))
    return url, headers


class EmulatorHttpClient(TwilioHttpClient):
    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        url, headers = _rewrite(self.base, url, headers)
        return super().request(method, url, params=params, data=data, headers=headers, auth=auth,
                               timeout=timeout, allow_redirects=allow_redirects)


class AsyncEmulatorHttpClient(AsyncTwilioHttpClient):
    """Construct inside a running event loop (aiohttp needs one); close with `await client.http_client.close()`."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base = urlsplit(base_url)

    async def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                      allow_redirects=False):
        url, headers = _rewrite(self.base, url, headers)
        return await super().request(method, url, params=params, data=data, headers=headers, auth=auth,
                                     timeout=timeout, allow_redirects=allow_redirects)


def client(base_url: str, username: str, password: str, **kwargs) -> Client:
    """A twilio.rest.Client whose every request goes to the emulator at `base_url`.

    `username`/`password` are an Account SID and auth token, or an API key SID and secret together with
    `account_sid="AC…"`, exactly as for twilio.rest.Client.
    """
    return Client(username, password, http_client=EmulatorHttpClient(base_url), **kwargs)


def async_client(base_url: str, username: str, password: str, **kwargs) -> Client:
    """The same with the SDK's async HTTP client (`await c.messages.create_async(...)`). Call it in a loop."""
    return Client(username, password, http_client=AsyncEmulatorHttpClient(base_url), **kwargs)
