"""Django from the portal's ASGI apps that are not Django (the tile server, the data API).

They need two things of Django: the ORM, from a worker thread that returns its database
connection when done (nobody else will: Django's request signals do not fire for them), and
the user behind a request's API token or session cookie, resolved by the accounts app and by
Django's own auth machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import close_old_connections
from django.http import HttpRequest

P = ParamSpec("P")
R = TypeVar("R")


def _with_connection_returned(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    close_old_connections()
    try:
        return function(*args, **kwargs)
    finally:
        # Like Django's request_finished: with CONN_MAX_AGE=0 or the pool, the connection
        # closes (or returns to the pool), so worker threads never hoard connections.
        close_old_connections()


async def django_call(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``function`` (which may use the ORM) in a worker thread and await its result.

    Not thread-sensitive: lookups of concurrent requests run side by side instead of queueing
    for Django's one main thread.
    """
    return await sync_to_async(_with_connection_returned, thread_sensitive=False)(
        function, *args, **kwargs
    )


class InvalidToken(Exception):
    """The request names an API token that is unknown or revoked (answered 401)."""


@dataclass(frozen=True)
class Credentials:
    """What a request presents to say who it is: a Django session cookie and/or an API token
    (``Authorization: Bearer``). Hashable, so caches can tell callers apart."""

    session_key: str = ""
    bearer: str | None = None  # None: no Authorization header; "" or a secret otherwise

    @classmethod
    def of(cls, *, headers: Mapping[str, str], cookies: Mapping[str, str]) -> Credentials:
        """The credentials of a request's headers and cookies."""
        from catalog_portal.accounts.tokens import bearer_secret

        return cls(
            session_key=cookies.get(settings.SESSION_COOKIE_NAME, ""),
            bearer=bearer_secret(headers.get("authorization")),
        )


def credentials_user(credentials: Credentials) -> AbstractBaseUser | AnonymousUser:
    """The user ``credentials`` stand for; sync (it queries: call it inside ``django_call``).

    A token wins over the session; a token that names nobody raises InvalidToken rather than
    quietly answering as anonymous, so a program learns that its token stopped working.
    """
    if credentials.bearer is not None:
        from catalog_portal.accounts.tokens import TOKEN_REFUSED, api_token_user

        user = api_token_user(secret=credentials.bearer)
        if user is None:
            raise InvalidToken(TOKEN_REFUSED)
        return user
    return user_from_session_key(credentials.session_key)


def user_from_session_key(session_key: str) -> AbstractBaseUser | AnonymousUser:
    """The user signed in with the Django session ``session_key`` (or anonymous); sync."""
    if not session_key:
        return AnonymousUser()
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # get_user checks the session's auth hash, so a changed password ends old sessions here
    # as it does on Django's pages.
    return get_user(request)
