"""Django from the portal's ASGI apps that are not Django (the tile server, the data API).

They need two things of Django: the ORM, from a worker thread that returns its database
connection when done (nobody else will: Django's request signals do not fire for them), and
the user behind a request's credentials, which ``accounts/authentication.request_user``
resolves for them as for Django's own pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from catalog_portal.accounts.authentication import Credentials, InvalidToken

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


# Who a request is: one answer for Django and these apps (accounts/authentication.py); the
# names are kept here for the apps that import them from their Django bridge.
__all__ = ["Credentials", "InvalidToken", "django_call"]
