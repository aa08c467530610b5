"""Signed, expiring URLs of data files: a download link that needs no session or token.

Like Planetary Computer's SAS signing, for what an ``<img>``, a download link or a program
without headers cannot otherwise authenticate. A signed URL names its file, when it expires
and who signed it, sealed with an HMAC of the portal's SECRET_KEY:

    /data/<path>?expires=<unix seconds>&signed_by=<user id>&signature=<hmac>

It opens the file only while the signer may still read it, so revoking the signer's access
(or their token) ends their signed URLs too. Renewing is signing again: a signed href may be
passed back to be signed afresh. Lifetimes: SIGNED_URL_SECONDS by default, at most
SIGNED_URL_MAX_SECONDS.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils.crypto import constant_time_compare

from catalog_portal.catalog.access import User
from catalog_portal.catalog.search.exceptions import InvalidParameter

SALT = "catalog_portal.data.signed-url"


@dataclass(frozen=True)
class SignedUrl:
    """A signed URL's query string and when it stops working."""

    query: str
    expires: dt.datetime


def _signature(*, path: str, expires: int, signed_by: int) -> str:
    return signing.Signer(salt=SALT, algorithm="sha256").signature(
        f"{path}\n{expires}\n{signed_by}"
    )


def lifetime_check(seconds: int | None) -> int:
    """The lifetime to sign for: ``seconds`` if given and allowed, else the default.

    Raises InvalidParameter (``expires_in``) for a lifetime below one second or above the
    maximum, naming the limits.
    """
    if seconds is None:
        return settings.SIGNED_URL_SECONDS
    if not 1 <= seconds <= settings.SIGNED_URL_MAX_SECONDS:
        raise InvalidParameter(
            "expires_in", f"must be between 1 and {settings.SIGNED_URL_MAX_SECONDS} seconds"
        )
    return seconds


def data_url_sign(*, path: str, user: User, seconds: int) -> SignedUrl:
    """Sign the file at ``path`` (below DATA_ROOT) for ``seconds``, in the name of ``user``
    (who must be able to read it: the caller checks)."""
    expires = int(time.time()) + seconds
    signed_by = user.pk or 0
    signature = _signature(path=path, expires=expires, signed_by=signed_by)
    return SignedUrl(
        query=urlencode({"expires": expires, "signed_by": signed_by, "signature": signature}),
        expires=dt.datetime.fromtimestamp(expires, tz=dt.UTC),
    )


def signed_url_user(*, path: str, query: dict[str, str]) -> User | None:
    """The signer of a signed URL for ``path``, while its signature holds and it has not
    expired; None otherwise (sync: it looks the signer up)."""
    try:
        expires, signed_by = int(query["expires"]), int(query["signed_by"])
    except (KeyError, ValueError):
        return None
    expected = _signature(path=path, expires=expires, signed_by=signed_by)
    if not constant_time_compare(expected, query.get("signature", "")):
        return None
    if expires <= time.time():
        return None
    if signed_by == 0:
        return AnonymousUser()
    return get_user_model().objects.filter(pk=signed_by, is_active=True).first()


def is_signed(query: Mapping[str, str]) -> bool:
    """Whether a query string carries a signature (then nothing else authenticates it)."""
    return "signature" in query
