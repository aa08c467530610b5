"""Catalogue lookups for tiles: the item (or a search's items) a tile request may read.

A map asks for dozens of tiles of the same item at once, so lookups are cached for a few
seconds (TILES_LOOKUP_SECONDS), keyed by what the caller may see (``session.Viewer.scope``):
who the caller is and what they may see is resolved for every request, so losing access
counts at once. Lookups run in FastAPI's threadpool, outside Django's request cycle, so each
request gives its database connection back (to the pool on PostgreSQL).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pystac
from cachetools import TTLCache
from django.conf import settings
from django.db import connection

from catalog_portal.catalog.access import visible_collections
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.search import ItemSearch, item_search
from catalog_portal.catalog.selectors import visible_item
from catalog_portal.lib.asgi_django import Credentials
from catalog_portal.tiles.errors import ItemNotFound, SearchNotFound
from catalog_portal.tiles.registry import registered_search_get, search_parse, search_register
from catalog_portal.tiles.session import Viewer, viewer_resolve

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
    restricted: bool
    version: str


@dataclass(frozen=True)
class SearchContext:
    """A registered search as its user sees it: where it is and how to draw it."""

    search_id: str
    search: ItemSearch = field(compare=False)
    renders: dict[str, Any] = field(compare=False)
    bounds: tuple[float, float, float, float]
    # Who found it (set per request, never cached): their items are the mosaic's.
    viewer: Viewer | None = field(default=None, compare=False)


WORLD = (-180.0, -85.0511287798066, 180.0, 85.0511287798066)
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
    """``lookup()`` once per ``key`` and TILES_LOOKUP_SECONDS."""
    with _cache_lock:
        cache = _lookup_cache()
        if cache is not None and key in cache:
            return cache[key]
    value = lookup()
    with _cache_lock:
        cache = _lookup_cache()
        if cache is not None:
            cache[key] = value
    return value


def viewer_lookup(credentials: Credentials, lookup: Callable[[Viewer], T]) -> T:
    """``lookup`` for the caller with ``credentials`` (resolved now, never cached); the
    thread's database connection is given back afterwards."""
    try:
        return lookup(viewer_resolve(credentials=credentials))
    finally:
        connection_release()


def renders_of(collection: Collection) -> dict[str, Any]:
    """The collection's render configurations (STAC ``renders`` extension)."""
    return dict(collection.stac.get("renders") or {})


def catalog_item_find(*, credentials: Credentials, collection_id: str, item_id: str) -> CatalogItem:
    """The item ``item_id`` of ``collection_id`` if the caller may see it."""
    found = viewer_lookup(
        credentials,
        lambda viewer: cached_lookup(
            ("item", viewer.scope, collection_id, item_id),
            lambda: _catalog_item(viewer, collection_id=collection_id, item_id=item_id),
        ),
    )
    if found is None:
        raise ItemNotFound(f"no item {item_id!r} in collection {collection_id!r}")
    return found


def _catalog_item(viewer: Viewer, *, collection_id: str, item_id: str) -> CatalogItem | None:
    item = visible_item(user=viewer.user, collection_id=collection_id, item_id=item_id)
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


def search_context_find(*, credentials: Credentials, search_id: str) -> SearchContext:
    """The registered search ``search_id`` with the renders and extent its caller sees."""

    def lookup(viewer: Viewer) -> SearchContext | None:
        found = cached_lookup(
            ("search-context", viewer.scope, search_id), lambda: _search_context(viewer, search_id)
        )
        return replace(found, viewer=viewer) if found is not None else None

    found = viewer_lookup(credentials, lookup)
    if found is None:
        raise SearchNotFound(f"no registered search {search_id!r}")
    return found


def _search_context(viewer: Viewer, search_id: str) -> SearchContext | None:
    registered = registered_search_get(search_id=search_id)
    if registered is None:
        return None
    search = search_parse(query=registered.query)
    scope = visible_collections(viewer.user)
    if search.collections:
        scope = scope.filter(stac_id__in=search.collections)
    collections = {c.stac_id: c for c in scope}
    if set(search.collections) - set(collections):
        # A search over a collection its caller may not see does not exist for them.
        return None
    first = next((collections[c] for c in search.collections if c in collections), None)
    boxes = [
        c.stac["extent"]["spatial"]["bbox"][0]
        for c in collections.values()
        if c.stac.get("extent", {}).get("spatial", {}).get("bbox")
    ]
    bounds = search.bbox or (
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else WORLD
    )
    return SearchContext(
        search_id=search_id,
        search=search,
        renders=renders_of(first) if first else {},
        bounds=tuple(float(v) for v in bounds),
    )


def search_items_find(
    *, context: SearchContext, bbox: tuple[float, float, float, float]
) -> CatalogItems:
    """The items of a registered search within ``bbox`` (WGS84) that the caller who found
    ``context`` may see, newest first."""
    viewer = context.viewer
    try:
        return cached_lookup(
            ("search", viewer.scope, context.search_id, bbox),
            lambda: _search_items(viewer, context.search, bbox),
        )
    finally:
        connection_release()


def _search_items(
    viewer: Viewer, search: ItemSearch, bbox: tuple[float, float, float, float]
) -> CatalogItems:
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
        page_items = item_search(user=viewer.user, search=narrowed).items
    wanted = {item.collection_id for item in page_items}
    scope = {c.pk: c for c in visible_collections(viewer.user).filter(pk__in=wanted)}
    items = []
    for item in page_items:
        collection = scope.get(item.collection_id)
        if collection is None:
            continue
        items.append(
            CatalogItem(
                collection_id=collection.stac_id,
                item_id=item.stac_id,
                stac=pystac.Item.from_dict(item.stac, preserve_dict=False),
                renders=renders_of(collection),
                restricted=collection.is_restricted,
                version=f"{item.updated.isoformat()}/{collection.updated.isoformat()}",
            )
        )
    digest = hashlib.sha1(
        "|".join(f"{i.collection_id}/{i.item_id}@{i.version}" for i in items).encode()
    ).hexdigest()
    return CatalogItems(
        items=tuple(items),
        restricted=any(c.is_restricted for c in scope.values()),
        version=digest,
    )


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


def search_register_as(*, credentials: Credentials, query: dict[str, Any]) -> str:
    """Register ``query`` as the caller would run it; returns the search id."""
    return viewer_lookup(
        credentials, lambda viewer: search_register(user=viewer.user, query=query).id
    )
