"""The one TwiML document runner, for messaging sessions and calls alike: run a document, follow the request
whose answer continues the session (a <Redirect>, an <Sms action>), resolve its URL against the document's,
stop after MAX_REDIRECTS hops (11215). What a document's verbs do is the caller's `run`; engine.inbound adds
the outbox step after each new document (`on_document`) so that a crash resumes where it was.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import urljoin

from ..domain.messages import is_http_url
from ..twiml.errors import TwimlError, TwimlWarning
from .sessions import EMPTY, Session

MAX_REDIRECTS = 10  # [UNVERIFIED] Twilio's bound on chained redirects; past it, 11215


@dataclass(frozen=True)
class Next:
    """The request whose answer is the next document."""
    kind: str  # its name in the webhook log: redirect, sms_action
    method: str
    target: str  # as the document gave it (relative URLs allowed)
    params: list[tuple[str, str]] | None = None  # None: the session's own
    invalid: int = 14106  # the warning when `target` is no http(s) URL (twiml.errors)


async def follow(session: Session, answer, doc_url: str, run: Callable[[object, str], Awaitable[Next | None]],
                 what: str, start_hop: int = 0,
                 on_document: Callable[[str, int], Awaitable[None]] | None = None) -> None:
    """Run `answer` (fetched from `doc_url`) and the documents it leads to. `run(answer, doc_url)` carries out
    one document and returns the request that continues, if any; `what` names the session in the 11215 alert
    ("session", "call"). Warnings are alerted once per document (Session.flush_warnings)."""
    for hop in range(start_hop, MAX_REDIRECTS + 1):
        if answer is EMPTY:
            return
        if isinstance(answer, TwimlError):  # e.g. an answer kept in the outbox that no longer parses
            await session.alert(answer.code, answer.message, None, doc_url)
            return
        try:
            following = await run(answer, doc_url)
        finally:
            await session.flush_warnings()
        if following is None:
            return
        if hop == MAX_REDIRECTS:
            await session.alert(11215, f"Too many redirects (more than {MAX_REDIRECTS}); the {what} was ended",
                                following.method, doc_url)
            return
        url = urljoin(doc_url, following.target)
        if not is_http_url(url):
            session.warn(TwimlWarning(following.invalid, f"URL {following.target!r} is invalid"), doc_url)
            await session.flush_warnings()
            return
        answer = await session.request(following.kind, following.method, url, following.params,
                                       event=f"{following.kind}:{hop + 1}")
        if isinstance(answer, TwimlError):
            await session.alert(answer.code, answer.message, following.method, url)
            return
        if on_document is not None:
            await on_document(url, hop + 1)
        doc_url = url
