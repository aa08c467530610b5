"""Who is asking: the Django session or an API token, recognised by the tile app.

The tile app is not Django, so it reads the session cookie and the ``Authorization`` header
itself and resolves the user with the accounts app and Django's session and auth machinery.
That is done for every request, never cached, so a revoked token, a logout or an expired
share counts at once; what is cached (``catalog_cache.py``) is keyed by the set of
collections the caller may see, which callers with the same access share.

Requests run in FastAPI's threadpool, outside Django's request cycle, so each one gives its
database connection back (to the pool on PostgreSQL) when its catalogue work is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import connection
from starlette.requests import Request

from catalog_portal.catalog.access import User, visible_collections
from catalog_portal.catalog.models import Collection
from catalog_portal.lib.asgi_django import Credentials, credentials_user

T = TypeVar("T")


@dataclass(frozen=True)
class Viewer:
    """A caller: their user and the collections they may see (read once per request)."""

    user: User = field(compare=False)
    # By primary key: a search's renders, extent and items come from here, not from new queries.
    collections: dict[int, Collection] = field(compare=False)

    @property
    def scope(self) -> frozenset[int]:
        """What the caller may see, as a cache key shared by callers with the same access."""
        return frozenset(self.collections)


def request_credentials(*, request: Request) -> Credentials:
    """The session cookie and API token a request presents."""
    return Credentials.of(headers=request.headers, cookies=request.cookies)


def viewer_resolve(*, credentials: Credentials) -> Viewer:
    """The user behind ``credentials`` and the collections they may see (sync: one query for
    the collections, plus the session's or token's own).

    Raises InvalidToken for a token that names nobody.
    """
    user = credentials_user(credentials)
    return Viewer(user=user, collections={c.pk: c for c in visible_collections(user)})


def connection_release() -> None:
    """Give the thread's database connection back; nobody else will outside a request."""
    # In a test's own transaction (same thread as the test) closing would lose its data.
    if not connection.in_atomic_block:
        connection.close()


def viewer_lookup(credentials: Credentials, lookup: Callable[[Viewer], T]) -> T:
    """``lookup`` for the caller with ``credentials`` (resolved now, never cached); the
    thread's database connection is given back afterwards."""
    try:
        return lookup(viewer_resolve(credentials=credentials))
    finally:
        connection_release()
