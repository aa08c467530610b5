"""Who is asking: the Django session or an API token, recognised by the tile app.

The tile app is not Django, so it reads the session cookie and the ``Authorization`` header
itself and resolves the user with the accounts app and Django's session and auth machinery.
That is done for every request, never cached, so a revoked token, a logout or an expired
share counts at once; what is cached (``lookups.py``) is keyed by the set of collections the
caller may see, which callers with the same access share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from catalog_portal.catalog.access import User, visible_collections
from catalog_portal.lib.asgi_django import Credentials, credentials_user


@dataclass(frozen=True)
class Viewer:
    """A caller: their user and the primary keys of the collections they may see."""

    user: User = field(compare=False)
    scope: frozenset[int]


def request_credentials(*, request: Request) -> Credentials:
    """The session cookie and API token a request presents."""
    return Credentials.of(headers=request.headers, cookies=request.cookies)


def viewer_resolve(*, credentials: Credentials) -> Viewer:
    """The user behind ``credentials`` and what they may see (sync: 1-3 small queries).

    Raises InvalidToken for a token that names nobody.
    """
    user = credentials_user(credentials)
    return Viewer(
        user=user, scope=frozenset(visible_collections(user).values_list("pk", flat=True))
    )
