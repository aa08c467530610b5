"""Django from the portal's ASGI apps that are not Django (the tile server, the data API).

They need two things of Django: the ORM, from a worker thread that returns its database
connection when done (nobody else will: Django's request signals do not fire for them), and
the user behind a request's session cookie, resolved by Django's own auth machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def user_from_cookies(cookies: Mapping[str, str]) -> AbstractBaseUser | AnonymousUser:
    """The user signed in with the Django session named by ``cookies`` (or anonymous).

    Call it inside ``django_call``: it reads the session and the user from the database.
    """
    return user_from_session_key(cookies.get(settings.SESSION_COOKIE_NAME, ""))


def user_from_session_key(session_key: str) -> AbstractBaseUser | AnonymousUser:
    """The user signed in with the Django session ``session_key`` (or anonymous); sync."""
    if not session_key:
        return AnonymousUser()
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # get_user checks the session's auth hash, so a changed password ends old sessions here
    # as it does on Django's pages.
    return get_user(request)
