"""Who is asking: the Django session (and later API tokens) recognised by the tile app.

The tile app is not Django, so it reads the session cookie itself and resolves the user with
Django's own session and auth machinery; the access layer then decides what they may see.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from starlette.requests import Request

from catalog_portal.catalog.access import User


def request_credentials(*, request: Request) -> str:
    """The key that identifies the caller (the session key; empty for anonymous)."""
    return request.cookies.get(settings.SESSION_COOKIE_NAME, "")


def session_user(*, session_key: str) -> User:
    """The user signed in with ``session_key``, or AnonymousUser (sync: it queries)."""
    if not session_key:
        return AnonymousUser()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # auth.get_user only needs request.session; it checks the session's password hash too.
    return auth.get_user(SimpleNamespace(session=store))
