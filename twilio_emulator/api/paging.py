"""The v2010 list envelope and page tokens (reference §1.7; twilio-python Page.load_page).

A v2010 page holds only the paging keys plus exactly one list key, and is always HTTP 200.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Sequence
from urllib.parse import urlencode

from aiohttp import web

from ..domain.errors import INVALID_PARAMETER, error
from .forms import Form
from .render import base_url, twilio_path

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 1000


@dataclass(frozen=True)
class PageRequest:
    size: int
    page: int
    after: str | None  # PageToken PA<sid>: the page after that record
    before: str | None  # PageToken PB<sid>: the page before that record


def page_request(form: Form, max_size: int = MAX_PAGE_SIZE) -> PageRequest:
    """`max_size`: the resource's own PageSize cap (Conversations: 100 or 50, spec), else Twilio's 1000."""
    size = form.int("PageSize", lo=1)
    size = min(DEFAULT_PAGE_SIZE, max_size) if size is None else min(size, max_size)  # sdk.md §1.4
    page = form.int("Page", lo=0) or 0
    token = form.get("PageToken")
    after = before = None
    if token:
        if len(token) < 3 or token[:2] not in ("PA", "PB"):
            raise error(INVALID_PARAMETER, f"Invalid PageToken: {token}")
        after, before = (token[2:], None) if token.startswith("PA") else (None, token[2:])
    return PageRequest(size, page, after, before)


Fetch = Callable[[int, str | None, str | None], Awaitable[Sequence[Any]]]


async def fetch_page(req: PageRequest, fetch: Fetch) -> tuple[list[Any], bool, bool]:
    """One page of records plus whether a next and a previous page exist. Asks for one record more than
    the page holds, to know whether there is more without counting."""
    rows = list(await fetch(req.size + 1, req.after, req.before))
    if req.before:  # walking backwards: rows end at the boundary; the extra one is the farthest
        has_previous = len(rows) > req.size
        return rows[-req.size:], True, has_previous and req.page > 0
    has_next = len(rows) > req.size
    return rows[:req.size], has_next, req.page > 0


def _links(prefix: str, filters: Sequence[tuple[str, str]], req: PageRequest, has_next: bool, has_previous: bool,
           sids: tuple[str, str] | None) -> tuple[str, str | None, str | None, str]:
    """(first, next, previous, this) page's URI: `prefix` (a path, or an absolute URL for v1) with the
    caller's filters, PageSize, Page and the PageToken of the boundary record."""
    def uri(page: int, token: str | None = None) -> str:
        params = [*filters, ("PageSize", str(req.size)), ("Page", str(page))]
        if token:
            params.append(("PageToken", token))
        return f"{prefix}?{urlencode(params)}"
    return (uri(0), uri(req.page + 1, "PA" + sids[1]) if has_next and sids else None,
            uri(req.page - 1, "PB" + sids[0]) if has_previous and sids else None,
            uri(req.page, ("PA" + req.after) if req.after else ("PB" + req.before) if req.before else None))


def envelope(path: str, filters: Sequence[tuple[str, str]], req: PageRequest, key: str, items: list[dict],
             has_next: bool, has_previous: bool, sids: tuple[str, str] | None) -> dict:
    first, following, previous, this = _links(path, filters, req, has_next, has_previous, sids)
    start = req.page * req.size
    return {
        "end": start + len(items) - 1 if items else 0,
        "first_page_uri": first,
        key: items,
        "next_page_uri": following,
        "page": req.page,
        "page_size": req.size,
        "previous_page_uri": previous,
        "start": start,
        "uri": this,
    }


_encoder = json.JSONEncoder(check_circular=False)  # our payloads are plain trees: skip the cycle check


def json_response(payload: dict, status: int = 200) -> web.Response:
    return web.Response(body=_encoder.encode(payload).encode(), status=status, content_type="application/json",
                        charset="utf-8")


async def _page(form: Form, fetch: Fetch, render: Callable[[Any], dict], sid_of, max_size: int = MAX_PAGE_SIZE):
    """The page a list request asks for: (its request, the rendered items, has next, has previous, the SIDs
    of its first and last records)."""
    req = page_request(form, max_size)
    rows, has_next, has_previous = await fetch_page(req, fetch)
    sids = (sid_of(rows[0]), sid_of(rows[-1])) if rows else None
    return req, [render(r) for r in rows], has_next, has_previous, sids


async def list_response(request: web.Request, form: Form, key: str, filters: Sequence[tuple[str, str]],
                        fetch: Fetch, render: Callable[[Any], dict], sid_of=lambda r: r.sid) -> web.Response:
    """Everything a v2010 list handler does after reading its filters."""
    req, items, has_next, has_previous, sids = await _page(form, fetch, render, sid_of)
    return json_response(envelope(twilio_path(request), filters, req, key, items, has_next, has_previous, sids))


def in_memory(records: Sequence[Any], sid_of=lambda r: r.sid) -> Fetch:
    """A Fetch over an already sorted in-memory list (small resources: accounts, keys, numbers)."""
    async def fetch(limit: int, after: str | None, before: str | None) -> Sequence[Any]:
        sids = [sid_of(r) for r in records]
        if after is not None:
            i = sids.index(after) + 1 if after in sids else len(sids)
            return records[i:i + limit]
        if before is not None:
            i = sids.index(before) if before in sids else 0
            return records[max(0, i - limit):i]
        return records[:limit]
    return fetch


def present(form: Form, *names: str) -> list[tuple[str, str]]:
    """The filters the caller gave, in a stable order, for the page URIs."""
    return [(n, form.get(n)) for n in names if form.get(n) is not None]


def v1_envelope(base_url: str, path: str, filters: Sequence[tuple[str, str]], req: PageRequest, key: str,
                items: list[dict], has_next: bool, has_previous: bool, sids: tuple[str, str] | None) -> dict:
    """The v1 page: {key: [...], "meta": {...}} with absolute URLs, built on the host the caller used (the
    SDK follows meta.next_page_url verbatim; reference §0.1.3, §5.3)."""
    first, following, previous, this = _links(base_url + path, filters, req, has_next, has_previous, sids)
    return {key: items, "meta": {"first_page_url": first, "key": key, "next_page_url": following, "page": req.page,
                                 "page_size": req.size, "previous_page_url": previous, "url": this}}


async def v1_list_response(request: web.Request, form: Form, key: str, filters: Sequence[tuple[str, str]],
                           fetch: Fetch, render: Callable[[Any], dict], sid_of=lambda r: r.sid,
                           max_size: int = MAX_PAGE_SIZE) -> web.Response:
    """Everything a v1 list handler does after reading its filters."""
    req, items, has_next, has_previous, sids = await _page(form, fetch, render, sid_of, max_size)
    return json_response(v1_envelope(base_url(request), twilio_path(request), filters, req, key, items, has_next,
                                     has_previous, sids))
