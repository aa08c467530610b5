"""The item page's "Back to results": the explore page's URL the visitor came from.

It comes from the ``back`` query parameter or, failing that, the Referer (the browser sends
the explore page's current URL, query included, to same-site pages). Both are whatever the
client sends, so only a relative URL of the explore page itself is accepted — its path
exactly, any query — and anything else (other hosts, schemes, ``//host``, backslashes,
control characters, other paths, over-long values) is ignored: no link rather than a link
somewhere else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import reverse

# Explore URLs hold a handful of filters; a longer value is not one the portal made.
BACK_MAX_LENGTH = 2_000


def explore_back_url(*, given: str | None, referer: str | None, host: str) -> str:
    """The explore URL (``/explore/?…``) to go back to, from ``given`` (the ``back``
    parameter) or else ``referer`` if it is this ``host``'s; "" when neither is one."""
    if given:
        return _explore_url(given, allowed_netloc="")
    if referer:
        return _explore_url(referer, allowed_netloc=host)
    return ""


def _explore_url(value: str, *, allowed_netloc: str) -> str:
    """``value`` as a relative explore URL if it is one (absolute only at ``allowed_netloc``
    over HTTP(S)), else ""."""
    if len(value) > BACK_MAX_LENGTH or not value.isprintable() or "\\" in value or " " in value:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if allowed_netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != allowed_netloc:
            return ""
    elif parts.scheme or parts.netloc or not value.startswith("/"):
        return ""
    if parts.path != reverse("explore"):
        return ""
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
