"""Who is asking: the Django session (and later API tokens) recognised by the tile app.

The tile app is not Django, so it reads the session cookie itself and resolves the user with
Django's own session and auth machinery; the access layer then decides what they may see.
"""

from __future__ import annotations

from django.conf import settings
from starlette.requests import Request

from catalog_portal.catalog.access import User
from catalog_portal.lib.asgi_django import user_from_session_key


def request_credentials(*, request: Request) -> str:
    """The key that identifies the caller (the session key; empty for anonymous)."""
    return request.cookies.get(settings.SESSION_COOKIE_NAME, "")


def session_user(*, session_key: str) -> User:
    """The user signed in with ``session_key``, or AnonymousUser (sync: it queries)."""
    return user_from_session_key(session_key)
