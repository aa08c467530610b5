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
# Answers by how many of their kind are kept: most are small (an item, a tile's items), a
# whole search is up to 500 items and only a few of those are kept at once.
_caches: dict[int, TTLCache] = {}
_cache_lock = threading.Lock()
# A lock per key being computed: the requests that want it wait on it.
_computing: dict[tuple, threading.Lock] = {}
ROOM = 4096  # answers of the usual kind kept at once


def catalog_cache_clear() -> None:
    """Forget cached answers (tests; after a change that must show at once)."""
    with _cache_lock:
        _caches.clear()


def _current_cache(room: int) -> TTLCache | None:
    """The cache for the configured TTL that keeps ``room`` answers (None when caching is
    off); call with the lock held."""
    ttl = settings.TILES_LOOKUP_SECONDS
    if ttl <= 0:
        return None
    cache = _caches.get(room)
    if cache is None or cache.ttl != ttl:
        cache = _caches[room] = TTLCache(maxsize=room, ttl=ttl)
    return cache


def catalog_cached(key: tuple, compute: Callable[[], T], *, room: int = ROOM) -> T:
    """``compute()`` once per ``key`` and TILES_LOOKUP_SECONDS, kept among the last ``room``
    answers of its kind (keys of one kind must always come with the same ``room``)."""
    with _cache_lock:
        cache = _current_cache(room)
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
            cache = _current_cache(room)
            if cache is not None and key in cache:
                return cache[key]  # computed by the request this one waited for
        try:
            value = compute()
            with _cache_lock:
                cache = _current_cache(room)
                if cache is not None:
                    cache[key] = value
        finally:
            with _cache_lock:
                _computing.pop(key, None)
    return value
