"""API tokens: create, list, revoke, and recognise the one a request presents.

A token is ``cpt_`` plus 43 random URL-safe characters (256 bits). Such a secret cannot be
guessed, so a plain SHA-256 digest is enough to store it (a slow password hash would only slow
every API call), and the digest is the lookup key: one indexed query per request. Revoking a
token deletes it, so the next request with it fails at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog_portal.accounts.models import ApiToken

TOKEN_PREFIX = "cpt_"
# How every front door (pages, STAC API, tiles, data API) refuses a token that names nobody.
TOKEN_REFUSED = "the API token is unknown or revoked"
WWW_AUTHENTICATE = 'Bearer realm="catalog-portal"'
PREFIX_SHOWN = 12  # "cpt_" and 8 characters: enough to tell a user's tokens apart
NAME_MAX = 100
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenNameInvalid(ValueError):
    """The name is empty, too long, or already used by another of the user's tokens."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token of ``user`` called ``name``, and its secret (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise TokenNameInvalid("Give the token a name, e.g. the program that will use it.")
    if len(name) > NAME_MAX:
        raise TokenNameInvalid(f"A token's name has at most {NAME_MAX} characters.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user, name=name, prefix=secret[:PREFIX_SHOWN], digest=_digest(secret)
            )
    except IntegrityError:
        raise TokenNameInvalid(f"You already have a token called {name!r}.") from None
    return token, secret


def api_tokens_of(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The tokens of ``user``, newest first."""
    return ApiToken.objects.filter(user=user)


def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> bool:
    """Delete ``user``'s token ``token_id``; False when they have no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def api_token_user(*, secret: str) -> AbstractBaseUser | None:
    """The active user whose token ``secret`` is, or None (unknown, revoked, inactive user)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an ``Authorization: Bearer <secret>`` header, or None for no such header."""
    if not authorization:
        return None
    scheme, _, secret = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()
