"""A few seconds' cache of catalogue answers for tiles (TILES_LOOKUP_SECONDS).

A map asks for dozens of tiles of the same item or search at once, so what the catalogue
answers is kept briefly, keyed by what the caller may see (``session.Viewer.scope``): callers
with the same access share answers, and who the caller is is resolved for every request.
Requests that arrive together for an answer not yet kept wait for the first of them to
compute it instead of each computing it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from cachetools import TTLCache
from django.conf import settings

T = TypeVar("T")
_cache: TTLCache | None = None
_cache_lock = threading.Lock()
# A lock per key being computed: the requests that want it wait on it.
_computing: dict[tuple, threading.Lock] = {}


def catalog_cache_clear() -> None:
    """Forget cached answers (tests; after a change that must show at once)."""
    global _cache
    with _cache_lock:
        _cache = None


def _current_cache() -> TTLCache | None:
    """The cache for the configured TTL (None when caching is off); call with the lock held."""
    global _cache
    ttl = settings.TILES_LOOKUP_SECONDS
    if ttl <= 0:
        return None
    if _cache is None or _cache.ttl != ttl:
        _cache = TTLCache(maxsize=4096, ttl=ttl)
    return _cache


def catalog_cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` and TILES_LOOKUP_SECONDS."""
    with _cache_lock:
        cache = _current_cache()
        if cache is None:
            computing = None
        elif key in cache:
            return cache[key]
        else:
            computing = _computing.setdefault(key, threading.Lock())
    if computing is None:
        return compute()
    with computing:
        with _cache_lock:
            cache = _current_cache()
            if cache is not None and key in cache:
                return cache[key]  # computed by the request this one waited for
        try:
            value = compute()
            with _cache_lock:
                cache = _current_cache()
                if cache is not None:
                    cache[key] = value
        finally:
            with _cache_lock:
                _computing.pop(key, None)
    return value
