"""HTTP Basic authentication for Twilio's REST paths: AccountSid + AuthToken, or API key SID + secret.

Puts the authenticated Account on the request, and the Account named by the path once it is checked.
"""
from __future__ import annotations

import binascii
from base64 import b64decode

from aiohttp import web

from ..engine import Emulator, accounts
from .context import ACCOUNT, EMULATOR, PRINCIPAL

def _credentials(header: str | None) -> tuple[str | None, str | None]:
    # The scheme name is case-insensitive (RFC 7617 §2, RFC 9110 §11.1): "basic" is as good as "Basic".
    if not header or header[:6].lower() != "basic ":
        return None, None
    try:
        user, _, password = b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None, None
    return user, password


def authorize(request: web.Request, public: bool = False, emu: Emulator | None = None) -> None:
    """For every route of a Twilio product (api/products.py): who is calling, and may they act on the
    account the path names? A `public` route (its handler has `public = True`) may also be called without
    credentials. `emu`: the app's emulator, when the caller has it at hand."""
    if emu is None:
        emu = request.app[EMULATOR]
    if public and "Authorization" not in request.headers:
        return  # e.g. media content, which Twilio serves without credentials by default
    principal = accounts.authenticate_header(emu, request.headers.get("Authorization"), _credentials)
    request[PRINCIPAL] = principal
    account_sid = request.match_info.get("AccountSid")
    if account_sid is not None:
        request[ACCOUNT] = accounts.resolve(emu, principal, account_sid)
    else:  # v1 paths name no account: they act on the caller's
        request[ACCOUNT] = principal
