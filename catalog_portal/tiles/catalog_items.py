"""The catalogued items a tile request reads: what the readers need of each, as its caller
may see it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pystac
from cachetools import LRUCache

from catalog_portal.catalog.file_owners import (
    RECORDED_FILES,
    asset_files_recorded,
    readable_asset_keys,
)
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.selectors import visible_item
from catalog_portal.lib.asgi_django import Credentials
from catalog_portal.tiles.catalog_cache import catalog_cached
from catalog_portal.tiles.error_responses import ItemNotFound
from catalog_portal.tiles.session import Viewer, viewer_lookup


@dataclass(frozen=True)
class CatalogItem:
    """What the readers need of one visible item: its STAC, its collection's renders."""

    collection_id: str
    item_id: str
    stac: pystac.Item = field(compare=False)
    renders: dict[str, Any] = field(compare=False)
    restricted: bool
    # Keys of the assets whose files the caller may read (catalog/file_owners.py).
    readable_assets: frozenset[str] = field(compare=False)
    # Changes whenever the item or its collection does: part of every ETag.
    version: str


def renders_of(collection: Collection) -> dict[str, Any]:
    """The collection's render configurations (STAC ``renders`` extension)."""
    return dict(collection.stac.get("renders") or {})


def catalog_item_make(
    *, item: Item, collection: Collection, readable_assets: frozenset[str]
) -> CatalogItem:
    """The CatalogItem of ``item`` of ``collection`` (both read already), whose files are
    read for ``readable_assets`` only."""
    return CatalogItem(
        collection_id=collection.stac_id,
        item_id=item.stac_id,
        stac=stac_item_parsed(item=item),
        renders=renders_of(collection),
        restricted=collection.is_restricted,
        readable_assets=readable_assets,
        version=f"{item.updated.isoformat()}/{collection.updated.isoformat()}",
    )


# Items parsed, per item row and version. A tile zoomed out over a time series reads dozens
# of items, and each tile of a map the same ones: pystac migrates every STAC 1.0 document to
# 1.1 as it parses it (~10 ms, a third of such a tile's CPU time, bench/pages.py).
_parsed: LRUCache = LRUCache(maxsize=1024)
_parsed_lock = threading.Lock()


def stac_item_parsed(*, item: Item) -> pystac.Item:
    """``item``'s STAC document as a pystac Item, parsed once per row and version (shared by
    every request that finds the item: who may see it is decided before, per request, and
    readers only read it)."""
    key = (item.pk, item.stac_id, item.updated.isoformat())
    with _parsed_lock:
        parsed = _parsed.get(key)
    if parsed is None:
        parsed = pystac.Item.from_dict(item.stac, preserve_dict=False)
        with _parsed_lock:
            _parsed[key] = parsed
    return parsed


# A STAC 1.0 item with nothing else: parsing it migrates it, which has pystac load its
# extension hooks (stac_parsing_prepare).
_MINIMAL_ITEM = {
    "type": "Feature",
    "stac_version": "1.0.0",
    "id": "prepare",
    "geometry": None,
    "properties": {"datetime": "2000-01-01T00:00:00Z"},
    "links": [],
    "assets": {},
}


def stac_parsing_prepare() -> None:
    """Have pystac load its extension hooks now, in the one thread that starts the server.

    pystac loads them (from its entry points) the first time it migrates a document, and
    marks them loaded before it has: a second thread parsing an item then iterated the hooks
    while the first added to them ("dictionary changed size during iteration"), and a map's
    first tiles, requested together, failed with a 500 now and then."""
    pystac.Item.from_dict(_MINIMAL_ITEM)  # (copied by pystac before it migrates it)


def catalog_item_find(*, credentials: Credentials, collection_id: str, item_id: str) -> CatalogItem:
    """The item ``item_id`` of ``collection_id`` if the caller may see it."""

    def lookup(viewer: Viewer) -> CatalogItem | None:
        item = visible_item(
            user=viewer.user,
            collection_id=collection_id,
            item_id=item_id,
            annotations={
                RECORDED_FILES: asset_files_recorded(collection_ids=viewer.collection_ids)
            },
        )
        if item is None:
            return None
        return catalog_item_make(
            item=item, collection=item.collection, readable_assets=readable_asset_keys(item=item)
        )

    # The item is read with its collection and its files (and the scope as a subquery): the
    # caller's collections themselves, documents and all, are not needed.
    found = viewer_lookup(
        credentials,
        lambda viewer: catalog_cached(
            ("item", viewer.scope, collection_id, item_id), lambda: lookup(viewer)
        ),
        collections=False,
    )
    if found is None:
        raise ItemNotFound(f"no item {item_id!r} in collection {collection_id!r}")
    return found
