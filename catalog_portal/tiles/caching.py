"""HTTP caching of tiles: ETags known before rendering, Cache-Control, and 304 answers.

An ETag is derived from what the answer depends on (the item's or search's version and the
request's path and query), so a client revalidating gets its 304 without a tile being read.
Restricted data is ``private`` (browsers may keep it, shared caches may not).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_portal.lib.etags import etag_matches
from catalog_portal.tiles.error_responses import NotModified

STATE_KEY = "cache_headers"


def cache_check(*, request: Request, version: str, private: bool, per_user: bool = False) -> None:
    """Note the answer's cache headers; raise NotModified if the client's copy is current."""
    query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.multi_items()))
    digest = hashlib.sha256(f"{version}\n{request.url.path}\n{query}".encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    headers = {
        "ETag": etag,
        "Cache-Control": (
            f"{'private' if private else 'public'}, max-age={settings.TILES_CACHE_SECONDS}"
        ),
    }
    if per_user:
        # The same URL answers differently per user (a search sees what its user may see).
        headers["Vary"] = "Cookie, Authorization"
    request.state.cache_headers = headers
    if etag_matches(header=request.headers.get("if-none-match"), etag=etag):
        raise NotModified(etag)


class CacheHeadersMiddleware:
    """Adds the headers noted by :func:`cache_check` to successful answers; errors: no-store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                extra: dict[str, str] = {}
                if status in (200, 204):  # 204: a mosaic tile with nothing to draw
                    extra = state.get(STATE_KEY) or {}
                elif status >= 400:
                    # Never let a shared cache keep a 404 that another user would see as 200.
                    extra = {"Cache-Control": "no-store"}
                if extra:
                    headers = [
                        (k, v)
                        for k, v in message.get("headers", [])
                        if k.decode().lower() not in {e.lower() for e in extra}
                    ]
                    headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
