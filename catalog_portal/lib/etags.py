"""Conditional requests: does a client's If-None-Match name the answer's ETag?"""

from __future__ import annotations


def etag_matches(*, header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (compared weakly, as RFC 9110 asks for
    If-None-Match) or is ``*``."""
    if not header:
        return False
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates
