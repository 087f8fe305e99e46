"""twilio-emulator: a local, stateful emulator of Twilio Programmable Messaging."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .config import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, Settings

if TYPE_CHECKING:
    from .engine import Emulator

__version__ = "0.1.0"
__all__ = ["DEFAULT_ACCOUNT_SID", "DEFAULT_AUTH_TOKEN", "Emulator", "Settings", "__version__", "async_client",
           "client"]


def client(base_url: str, username: str = DEFAULT_ACCOUNT_SID, password: str = DEFAULT_AUTH_TOKEN, **kwargs):
    """A twilio.rest.Client pointed at the emulator at `base_url` (needs the `twilio` package).

    client(url, account_sid, auth_token), or with an API key: client(url, "SK…", secret, account_sid="AC…").
    """
    from .sdk import client as make
    return make(base_url, username, password, **kwargs)


def async_client(base_url: str, username: str = DEFAULT_ACCOUNT_SID, password: str = DEFAULT_AUTH_TOKEN,
                 **kwargs):
    """The same, with the SDK's async HTTP client. Call it inside a running event loop."""
    from .sdk import async_client as make
    return make(base_url, username, password, **kwargs)


def __getattr__(name: str):
    # The engine (aiohttp, aiosqlite, lxml, phonenumbers) is imported on first use, so that importing the
    # package, as pytest does with the plugin at start-up, stays cheap.
    if name == "Emulator":
        from .engine import Emulator
        return Emulator
    raise AttributeError(f"module 'twilio_emulator' has no attribute {name!r}")
