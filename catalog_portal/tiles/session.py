"""Who is asking, for the tile app: the caller's credentials and their ``Viewer``.

The tile app is not Django, so it reads the session cookie and the ``Authorization`` header
itself; ``accounts/authentication.request_user`` resolves them as it does for Django's pages,
and ``catalog/access.viewer_read`` reads what that user may see. Both run for every request,
never cached, so a revoked token, a logout or an expired share counts at once; what is cached
(``catalog_cache.py``) is keyed by the set of collections the caller may see
(``Viewer.scope``), which callers with the same access share.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from starlette.requests import Request

from catalog_portal.accounts.authentication import Credentials, request_user
from catalog_portal.catalog.access import Viewer, viewer_read, viewer_scope_read

__all__ = ["Viewer", "connection_release", "request_credentials", "viewer_lookup", "viewer_resolve"]

T = TypeVar("T")


def request_credentials(*, request: Request) -> Credentials:
    """The session cookie and API token a request presents."""
    return Credentials.of(headers=request.headers, cookies=request.cookies)


def viewer_resolve(*, credentials: Credentials, collections: bool = True) -> Viewer:
    """The user behind ``credentials`` and what they may see (sync: one query, plus the
    session's or token's own): the collections themselves, or with ``collections=False`` only
    their primary keys (``Viewer.scope``).

    Raises InvalidToken for a token that names nobody.
    """
    user = request_user(credentials=credentials)
    return viewer_read(user=user) if collections else viewer_scope_read(user=user)


def connection_release() -> None:
    """Give the thread's database connection back; nobody else will outside a request."""
    # In a test's own transaction (same thread as the test) closing would lose its data.
    if not connection.in_atomic_block:
        connection.close()


def viewer_lookup(
    credentials: Credentials, lookup: Callable[[Viewer], T], *, collections: bool = True
) -> T:
    """``lookup`` for the caller with ``credentials`` (resolved now, never cached, with or
    without their collections: ``viewer_resolve``); the thread's database connection is given
    back afterwards."""
    try:
        return lookup(viewer_resolve(credentials=credentials, collections=collections))
    finally:
        connection_release()
