"""Registered searches as their caller sees them, and their items within an area.

Three queries for a mosaic tile when nothing is cached: the caller's visible collections
(``session.viewer_resolve``, every request), the registered search, and the page of items with
the files each may read (``catalog/file_owners.py``, an annotation of the page's query).
Renders, extents and item versions come from the collections already read.

A map's first screen asks for 10–25 tiles of one search at once. A search over collections
holding at most SEARCH_WHOLE_MAX_ITEMS items is therefore read whole, once, by the first of
them, and each tile takes its items from that answer with the same exact footprint test the
databases make (``catalog/spatial.py``); larger searches are read tile by tile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import shapely

from catalog_portal.catalog.assets import local_asset_files
from catalog_portal.catalog.file_owners import (
    RECORDED_FILES,
    asset_files_recorded,
    readable_asset_keys,
)
from catalog_portal.catalog.search import ItemSearch, item_extent, item_search
from catalog_portal.catalog.search.params import bbox_geometry
from catalog_portal.lib.asgi_django import Credentials
from catalog_portal.tiles.bounds import BBox, bbox_intersection, collections_extent
from catalog_portal.tiles.catalog_cache import catalog_cached
from catalog_portal.tiles.catalog_items import CatalogItem, catalog_item_make, renders_of
from catalog_portal.tiles.error_responses import SearchNotFound
from catalog_portal.tiles.registry import registered_search_get, search_parse, search_register
from catalog_portal.tiles.session import Viewer, connection_release, viewer_lookup

MOSAIC_MAX_ITEMS = 50  # items per mosaic tile; a tile showing more is unreadable anyway
# A search matching more items than this is bounded by its area or its collections' extents:
# the box around its items would cost a read of them all.
EXTENT_MAX_ITEMS = 10_000
# A search over collections of at most this many visible items is read whole for its tiles;
# so many whole searches are kept at once (a few MB each at most).
SEARCH_WHOLE_MAX_ITEMS = 500
SEARCH_WHOLE_KEPT = 16


@dataclass(frozen=True)
class CatalogItems:
    """The visible items of a search that touch one area, newest first."""

    items: tuple[CatalogItem, ...]
    restricted: bool
    version: str


@dataclass(frozen=True)
class SearchContext:
    """A registered search as its user sees it: where it is and how to draw it."""

    search_id: str
    search: ItemSearch = field(compare=False)
    # The renders of its one collection; none for a search across collections (all of them
    # or several), whose items are drawn each with its own collection's (tiles/item_renders.py).
    renders: dict[str, Any] = field(compare=False)
    bounds: BBox
    # Who found it (set per request, never cached): their items are the mosaic's.
    viewer: Viewer | None = field(default=None, compare=False)


def search_context_find(*, credentials: Credentials, search_id: str) -> SearchContext:
    """The registered search ``search_id`` with the renders and extent its caller sees."""

    def lookup(viewer: Viewer) -> SearchContext | None:
        found = catalog_cached(
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
    by_id = {c.stac_id: c for c in viewer.collections}
    if set(search.collections) - set(by_id):
        # A search over a collection its caller may not see does not exist for them.
        return None
    return SearchContext(
        search_id=search_id,
        search=search,
        renders=renders_of(by_id[search.collections[0]]) if not across_collections(search) else {},
        bounds=search_area(viewer=viewer, search=search),
    )


def search_area(*, viewer: Viewer, search: ItemSearch) -> BBox:
    """Where ``search`` looks, as ``viewer`` runs it: its bbox, or the extent of the
    collections it searches (those of them ``viewer`` sees)."""
    if search.bbox:
        return tuple(float(v) for v in search.bbox)
    by_id = {c.stac_id: c for c in viewer.collections}
    searched = (
        [by_id[c] for c in search.collections if c in by_id]
        if search.collections
        else by_id.values()
    )
    return collections_extent(searched)


def across_collections(search: ItemSearch) -> bool:
    """Whether ``search`` spans several collections (or all): no one render fits its items."""
    return len(search.collections or ()) != 1


def search_extent_find(*, context: SearchContext) -> BBox:
    """Where the items of a registered search lie, as the caller who found ``context`` sees
    them: the box around their footprints (a tilejson's bounds, so that a map asks for no
    tile beside them), or the search's area when none or very many match."""
    viewer = context.viewer
    try:
        return catalog_cached(
            ("search-extent", viewer.scope, context.search_id),
            lambda: search_extent(viewer=viewer, search=context.search, area=context.bounds),
        )
    finally:
        connection_release()


def search_extent(*, viewer: Viewer, search: ItemSearch, area: BBox) -> BBox:
    """The box around the footprints of the items ``viewer`` sees that match ``search``
    (one query), within its ``area``; the area itself when none or very many match."""
    found = item_extent(search=search, viewer=viewer, cap=EXTENT_MAX_ITEMS)
    if found is None:
        return area
    return bbox_intersection(area, found) or area


@dataclass(frozen=True)
class WholeSearch:
    """All the visible items of a search, in its order, with their footprints (None where an
    item has none) for the tiles to take theirs from."""

    items: tuple[CatalogItem, ...]
    footprints: np.ndarray = field(compare=False)


def search_items_find(*, context: SearchContext, bbox: BBox) -> CatalogItems:
    """The items of a registered search within ``bbox`` (WGS84) that the caller who found
    ``context`` may see, newest first."""
    viewer = context.viewer
    key = (viewer.scope, context.search_id)
    try:
        whole = None
        if searched_items(viewer=viewer, search=context.search) <= SEARCH_WHOLE_MAX_ITEMS:
            whole = catalog_cached(
                ("search-whole", *key),
                lambda: _search_whole(viewer, context.search),
                room=SEARCH_WHOLE_KEPT,
            )
        if whole is None:
            compute = lambda: _search_items(viewer, context.search, bbox)  # noqa: E731
        else:
            compute = lambda: _items_within(whole, context.search, bbox)  # noqa: E731
        return catalog_cached(("search", *key, bbox), compute)
    finally:
        connection_release()


def searched_items(*, viewer: Viewer, search: ItemSearch) -> int:
    """How many items the collections ``search`` looks in hold (those ``viewer`` sees): at
    least as many as it can match."""
    searched = set(search.collections or ())
    return sum(c.item_count for c in viewer.collections if not searched or c.stac_id in searched)


def _search_whole(viewer: Viewer, search: ItemSearch) -> WholeSearch | None:
    """All of ``search``'s visible items, or None when there are more than
    SEARCH_WHOLE_MAX_ITEMS after all (a collection's count lagging behind)."""
    items = _visible_items(viewer, replace(search, limit=SEARCH_WHOLE_MAX_ITEMS + 1))
    if len(items) > SEARCH_WHOLE_MAX_ITEMS:
        return None
    footprints = [
        shapely.geometry.shape(i.stac.geometry) if i.stac.geometry else None for i in items
    ]
    return WholeSearch(items=items, footprints=np.array(footprints, dtype=object))


def _search_items(viewer: Viewer, search: ItemSearch, bbox: BBox) -> CatalogItems:
    """The first MOSAIC_MAX_ITEMS of ``search``'s visible items within ``bbox``."""
    within = bbox_intersection(search.bbox, bbox)
    if within is None:
        return catalog_items(())
    return catalog_items(
        _visible_items(viewer, replace(search, bbox=within, limit=MOSAIC_MAX_ITEMS))
    )


def _items_within(whole: WholeSearch, search: ItemSearch, bbox: BBox) -> CatalogItems:
    """What ``_search_items`` finds, taken from the whole search: the first MOSAIC_MAX_ITEMS
    whose footprints intersect ``bbox`` within the search's own (the databases' exact test)."""
    within = bbox_intersection(search.bbox, bbox)
    if within is None:
        return catalog_items(())
    hits = shapely.intersects(whole.footprints, bbox_geometry(within))
    found = [item for item, hit in zip(whole.items, hits, strict=True) if hit]
    return catalog_items(tuple(found[:MOSAIC_MAX_ITEMS]))


def _visible_items(viewer: Viewer, search: ItemSearch) -> tuple[CatalogItem, ...]:
    """The items of ``search`` (one page of it) that ``viewer`` may draw."""
    files = asset_files_recorded(collection_ids=viewer.collection_ids)
    found = item_search(viewer=viewer, search=search, annotations={RECORDED_FILES: files}).items
    # An item of a collection shared after the caller's collections were read waits for the
    # next request (its collection's renders and version are not known here).
    by_pk = {c.pk: c for c in viewer.collections}
    found = [item for item in found if item.collection_id in by_pk]
    readable = {item.pk: readable_asset_keys(item=item) for item in found}
    # An item naming a file its caller may not read is left out of the mosaic whole, so that
    # it neither draws that file nor fails the tile for the items around it.
    return tuple(
        catalog_item_make(
            item=item, collection=by_pk[item.collection_id], readable_assets=readable[item.pk]
        )
        for item in found
        if readable[item.pk] >= {key for key, _, _ in local_asset_files(item.stac)}
    )


def catalog_items(items: tuple[CatalogItem, ...]) -> CatalogItems:
    """``items`` with their cache headers' privacy and version."""
    digest = hashlib.sha1(
        "|".join(f"{i.collection_id}/{i.item_id}@{i.version}" for i in items).encode()
    ).hexdigest()
    return CatalogItems(items=items, restricted=any(i.restricted for i in items), version=digest)


def search_register_as(*, credentials: Credentials, query: dict[str, Any]) -> str:
    """Register ``query`` as the caller would run it; returns the search id."""
    return viewer_lookup(credentials, lambda viewer: search_register(viewer=viewer, query=query).id)
