"""Who is asking, for the tile app: the caller's credentials and their ``Viewer``.

The tile app is not Django, so it reads the session cookie and the ``Authorization`` header
itself; ``accounts/authentication.request_user`` resolves them as it does for Django's pages,
and ``catalog/access.viewer_read`` reads what that user may see. Both run for every request,
never cached, so a revoked token, a logout or an expired share counts at once; what is cached
(``lookups.py``) is keyed by the set of collections the caller may see (``Viewer.scope``),
which callers with the same access share.
"""

from __future__ import annotations

from starlette.requests import Request

from catalog_portal.accounts.authentication import Credentials, request_user
from catalog_portal.catalog.access import Viewer, viewer_read

__all__ = ["Viewer", "request_credentials", "viewer_resolve"]


def request_credentials(*, request: Request) -> Credentials:
    """The session cookie and API token a request presents."""
    return Credentials.of(headers=request.headers, cookies=request.cookies)


def viewer_resolve(*, credentials: Credentials) -> Viewer:
    """The user behind ``credentials`` and what they may see (sync: 1-3 small queries).

    Raises InvalidToken for a token that names nobody.
    """
    return viewer_read(user=request_user(credentials=credentials))
