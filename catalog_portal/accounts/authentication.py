"""Who is asking: the one answer for pages, the STAC API, the tiles and the data API.

A request says who it is with a signed data URL (``data/signed_urls.py``), an API token
(``Authorization: Bearer``) or a Django session cookie, in that order of precedence: a
signature stands for its signer alone, and a token wins over a session. ``request_user`` turns
any of them into a user; Django's middleware (``accounts/middleware.py``), the tile app and
the data app all call it, so a revoked token, a logout or an expired signature counts the
same everywhere, from the next request on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from catalog_portal.accounts.tokens import TOKEN_REFUSED, api_token_user, bearer_secret
from catalog_portal.catalog.access import User

SIGNATURE_REFUSED = "this signed URL has expired or is not valid; sign the file again"


class InvalidToken(Exception):
    """The request names an API token that is unknown or revoked (answered 401)."""


class SignatureInvalid(Exception):
    """A signed URL whose signature does not hold, or that has expired (answered 403)."""


@dataclass(frozen=True)
class SignedPath:
    """A signed data URL's claim: the file below DATA_ROOT and its query parameters."""

    path: str
    query: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Credentials:
    """What a request presents to say who it is. Hashable, so caches can tell callers apart."""

    session_key: str = ""
    bearer: str | None = None  # None: no Authorization header; "" or a secret otherwise
    signed: SignedPath | None = None  # a data URL that carries a signature

    @classmethod
    def of(cls, *, headers: Mapping[str, str], cookies: Mapping[str, str]) -> Credentials:
        """The credentials of a request's headers and cookies."""
        return cls(
            session_key=cookies.get(settings.SESSION_COOKIE_NAME, ""),
            bearer=bearer_secret(headers.get("authorization")),
        )


def request_user(*, credentials: Credentials, session: SessionBase | None = None) -> User:
    """The user ``credentials`` stand for (sync: it queries).

    ``session`` is the request's own session when Django has loaded it already; otherwise the
    session cookie's is read. A token or signature that names nobody raises InvalidToken or
    SignatureInvalid rather than quietly answering as anonymous, so a program learns that its
    credentials stopped working.
    """
    if credentials.signed is not None:
        # Imported here: the data app's signing needs the catalogue, which needs this app.
        from catalog_portal.data.signed_urls import signed_url_user

        signer = signed_url_user(path=credentials.signed.path, query=dict(credentials.signed.query))
        if signer is None:
            raise SignatureInvalid(SIGNATURE_REFUSED)
        return signer
    if credentials.bearer is not None:
        user = api_token_user(secret=credentials.bearer)
        if user is None:
            raise InvalidToken(TOKEN_REFUSED)
        return user
    if session is None:
        session = import_module(settings.SESSION_ENGINE).SessionStore(credentials.session_key)
    request = HttpRequest()
    request.session = session
    # get_user checks the session's auth hash, so a changed password ends old sessions here
    # as it does on Django's pages.
    return get_user(request)
