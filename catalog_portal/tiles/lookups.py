"""Catalogue lookups for tiles: the item (or a search's items) a tile request may read.

A map asks for dozens of tiles of the same item at once, so lookups are cached for a few
seconds per caller (TILES_LOOKUP_SECONDS). They run in FastAPI's threadpool, outside Django's
request cycle, so each one gives its database connection back (to the pool on PostgreSQL).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pystac
from cachetools import TTLCache
from django.conf import settings
from django.db import connection

from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.search import ItemSearch, item_search
from catalog_portal.catalog.selectors import visible_collection, visible_item
from catalog_portal.tiles.errors import ItemNotFound
from catalog_portal.tiles.session import session_user

T = TypeVar("T")
MOSAIC_MAX_ITEMS = 50  # items per mosaic tile; a tile showing more is unreadable anyway


@dataclass(frozen=True)
class CatalogItem:
    """What the readers need of one visible item: its STAC, its collection's renders."""

    collection_id: str
    item_id: str
    stac: pystac.Item = field(compare=False)
    renders: dict[str, Any] = field(compare=False)
    restricted: bool
    # Changes whenever the item or its collection does: part of every ETag.
    version: str


@dataclass(frozen=True)
class CatalogItems:
    """The visible items of a search that touch one tile, newest first."""

    items: tuple[CatalogItem, ...]
    renders: dict[str, Any]
    restricted: bool
    version: str


_cache: TTLCache | None = None
_cache_lock = threading.Lock()


def lookups_clear() -> None:
    """Forget cached lookups (tests; after a change that must show at once)."""
    global _cache
    with _cache_lock:
        _cache = None


def _lookup_cache() -> TTLCache | None:
    """The cache for the configured TTL (None when caching is off); call with the lock held."""
    global _cache
    ttl = settings.TILES_LOOKUP_SECONDS
    if ttl <= 0:
        return None
    if _cache is None or _cache.ttl != ttl:
        _cache = TTLCache(maxsize=4096, ttl=ttl)
    return _cache


def connection_release() -> None:
    """Give the thread's database connection back; nobody else will outside a request."""
    # In a test's own transaction (same thread as the test) closing would lose its data.
    if not connection.in_atomic_block:
        connection.close()


def cached_lookup(key: tuple, lookup: Callable[[], T]) -> T:
    """``lookup()`` once per ``key`` and TILES_LOOKUP_SECONDS; its connection released."""
    with _cache_lock:
        cache = _lookup_cache()
        if cache is not None and key in cache:
            return cache[key]
    try:
        value = lookup()
    finally:
        connection_release()
    with _cache_lock:
        cache = _lookup_cache()
        if cache is not None:
            cache[key] = value
    return value


def renders_of(collection: Collection) -> dict[str, Any]:
    """The collection's render configurations (STAC ``renders`` extension)."""
    return dict(collection.stac.get("renders") or {})


def catalog_item_find(*, session_key: str, collection_id: str, item_id: str) -> CatalogItem:
    """The item ``item_id`` of ``collection_id`` if the session's user may see it."""

    def lookup() -> CatalogItem | None:
        user = session_user(session_key=session_key)
        item = visible_item(user=user, collection_id=collection_id, item_id=item_id)
        if item is None:
            return None
        collection = item.collection
        return CatalogItem(
            collection_id=collection_id,
            item_id=item_id,
            stac=pystac.Item.from_dict(item.stac, preserve_dict=False),
            renders=renders_of(collection),
            restricted=collection.is_restricted,
            version=f"{item.updated.isoformat()}/{collection.updated.isoformat()}",
        )

    found = cached_lookup(("item", session_key, collection_id, item_id), lookup)
    if found is None:
        raise ItemNotFound(f"no item {item_id!r} in collection {collection_id!r}")
    return found


def search_items_find(
    *,
    session_key: str,
    search_id: str,
    search: ItemSearch,
    bbox: tuple[float, float, float, float],
) -> CatalogItems:
    """The visible items of ``search`` within ``bbox`` (WGS84), newest first."""

    def lookup() -> CatalogItems:
        user = session_user(session_key=session_key)
        within = _bbox_intersection(search.bbox, bbox)
        if within is None:
            page_items = []
        else:
            narrowed = ItemSearch(
                collections=search.collections,
                bbox=within,
                datetime=search.datetime,
                filter=search.filter,
                limit=MOSAIC_MAX_ITEMS,
            )
            page_items = item_search(user=user, search=narrowed).items
        # The renders come from the search's first collection (or its items' first one).
        collection_ids = list(search.collections)
        scope = {}
        wanted = set(collection_ids) | {i.stac.get("collection") for i in page_items}
        for stac_id in wanted:
            collection = visible_collection(user=user, stac_id=stac_id) if stac_id else None
            if collection is not None:
                scope[stac_id] = collection
        items = []
        for item in page_items:
            collection = scope.get(item.stac.get("collection"))
            if collection is None:
                continue
            items.append(
                CatalogItem(
                    collection_id=collection.stac_id,
                    item_id=item.stac_id,
                    stac=pystac.Item.from_dict(item.stac, preserve_dict=False),
                    renders=renders_of(collection),
                    restricted=collection.is_restricted,
                    version=item.updated.isoformat(),
                )
            )
        first = next((scope[c] for c in collection_ids if c in scope), None)
        renders = renders_of(first) if first else (items[0].renders if items else {})
        digest = hashlib.sha1(
            "|".join(f"{i.collection_id}/{i.item_id}@{i.version}" for i in items).encode()
        ).hexdigest()
        return CatalogItems(
            items=tuple(items),
            renders=renders,
            restricted=any(c.is_restricted for c in scope.values()),
            version=digest,
        )

    return cached_lookup(("search", session_key, search_id, bbox), lookup)


def _bbox_intersection(
    a: tuple[float, float, float, float] | None, b: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    """The overlap of two WGS84 boxes (``a`` may be None: no limit), or None if none."""
    if a is None:
        return b
    west, south = max(a[0], b[0]), max(a[1], b[1])
    east, north = min(a[2], b[2]), min(a[3], b[3])
    if west > east or south > north:
        return None
    return west, south, east, north
