"""Cross-origin reading (CORS) of the STAC API, the tile server and the data API, so that web
apps on other origins (STAC Browser, a notebook's map) can use them. Pages get none.

CORS_ALLOWED_ORIGINS says who: ``*`` lets any origin read without credentials (a bearer token
is a header the page sets itself, so tokens work from anywhere); a listed origin may also send
the portal's cookies (``Access-Control-Allow-Credentials``, its origin echoed). Starlette's
CORSMiddleware answers both kinds, one configured for each, picked by the request's Origin:
its credentials switch is one per instance, and a wildcard with credentials would let every
site read with the visitor's session. Every answer carries ``Vary: Origin``, since it depends
on the origin.

One layer in front of all three apps (catalog_portal/asgi.py), Django's included: the same
answers everywhere, errors of every stack included (a browser hides an error's body from a
page of another origin unless it carries the header too).
"""

from __future__ import annotations

import functools

from django.conf import settings
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

POLICY = {
    # The apps' methods: searches, tile features and mosaic registrations are POSTs.
    "allow_methods": ("GET", "HEAD", "POST"),
    # Beyond the headers a browser allows anyway: API tokens, JSON bodies, the data API's
    # range reads and an app's own revalidation of tiles' and files' ETags.
    "allow_headers": ("Authorization", "Content-Type", "Range", "If-None-Match"),
    # What readers of files (pystac, geotiff.js in STAC Browser, GDAL) and of a 503 need.
    "expose_headers": (
        "Accept-Ranges",
        "Content-Range",
        "Content-Length",
        "Content-Disposition",
        "ETag",
        "Retry-After",
    ),
    "max_age": 600,
}


def cross_origin(app: ASGIApp) -> ASGIApp:
    """``app`` answering preflights and other origins as CORS_ALLOWED_ORIGINS says (read on
    each request, as lib/asgi_security.py reads its settings)."""

    @functools.lru_cache(maxsize=4)
    def layers(origins: tuple[str, ...]) -> tuple[CORSMiddleware | None, CORSMiddleware | None]:
        listed = [origin for origin in origins if origin != "*"]
        with_cookies = (
            CORSMiddleware(app, allow_origins=listed, allow_credentials=True, **POLICY)
            if listed
            else None
        )
        without = CORSMiddleware(app, allow_origins=["*"], **POLICY) if "*" in origins else None
        return with_cookies, without

    async def answered(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        with_cookies, without = layers(tuple(settings.CORS_ALLOWED_ORIGINS))
        origin = Headers(scope=scope).get("origin", "")
        if with_cookies is not None and (
            without is None or with_cookies.is_allowed_origin(origin=origin)
        ):
            layer: ASGIApp = with_cookies
        else:
            layer = without or app
        await layer(scope, receive, send)

    return answered
