"""Django's security headers and HTTPS redirect for the portal's ASGI apps that are not Django
(the tile server, the data API).

Django's own SecurityMiddleware and XFrameOptionsMiddleware decide, on a Django request made
from the ASGI scope: so SECURE_CONTENT_TYPE_NOSNIFF, X_FRAME_OPTIONS, SECURE_HSTS_*,
SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY, SECURE_SSL_REDIRECT,
SECURE_SSL_HOST, SECURE_REDIRECT_EXEMPT and SECURE_PROXY_SSL_HEADER mean exactly what they
mean for pages, with no second reading of them to drift apart.
"""

from __future__ import annotations

import io

from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog_portal.lib.asgi_errors import error_response


def _unused(request: HttpRequest) -> HttpResponse:  # the middleware's get_response, never called
    raise NotImplementedError


def security_headers(request: HttpRequest) -> list[tuple[bytes, bytes]]:
    """The headers Django's middleware would add to a page answering ``request``."""
    response = HttpResponse()
    before = set(response.headers)
    # Built per request: SecurityMiddleware reads the settings when it is made.
    SecurityMiddleware(_unused).process_response(request, response)
    XFrameOptionsMiddleware(_unused).process_response(request, response)
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.items()
        if name not in before
    ]


def django_security(app: ASGIApp) -> ASGIApp:
    """``app`` behind Django's HTTPS redirect, with its security headers on every answer (a
    header the app set itself is kept). Wrap the app before its mount prefix is moved into
    ``root_path``, so that SECURE_REDIRECT_EXEMPT sees paths as on pages (``tiles/healthz``)."""

    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        request = ASGIRequest(scope, io.BytesIO())
        try:
            redirect = SecurityMiddleware(_unused).process_request(request)
        except DisallowedHost:
            redirect = error_response(status=400, description="Host: not a host of this site")
        else:
            if redirect is not None:
                location = redirect.headers["Location"]
                redirect = Response(
                    status_code=redirect.status_code, headers={"Location": location}
                )
        added = security_headers(request)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in added if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        answer = app if redirect is None else redirect
        await answer(scope, receive, send_with_headers)

    return secured
