"""Tiles follow a re-imported item at once: what the tile server keeps of an item between
requests (its parsed STAC) is kept per version, so a changed asset is drawn from its new file."""

from __future__ import annotations

import copy

import numpy as np
import requests

from catalog_portal.catalog.ingest import items_upsert
from catalog_portal.catalog.models import Collection, Item
from tests.test_tiles import (  # noqa: F401
    GFM,
    flooded_tile,
    fresh_lookups,
    image_read,
    item_url,
    tile_path,
)

ASSET = "ensemble_flood_extent"


def same_place_other_day(demo, flooded: dict) -> dict:
    """The GFM item over the same grid tile as ``flooded`` on the earliest other day."""
    gfm = next(c for c in demo if c.stac["id"] == GFM).items
    others = [s for s in gfm if s["bbox"] == flooded["bbox"] and s["id"] != flooded["id"]]
    return min(others, key=lambda stac: stac["properties"]["datetime"])


def tile_pixels(tiles: str, stac: dict, tile) -> np.ndarray:
    url = item_url(tiles, stac) + tile_path(tile, ".png")
    response = requests.get(url, params={"assets": ASSET}, timeout=60)
    assert response.status_code == 200, response.text
    return image_read(response.content)


def test_a_reimported_item_is_drawn_from_its_new_file_at_once(portal_server, demo, settings):
    settings.TILES_LOOKUP_SECONDS = 0  # no lookup kept: only what is kept per version counts
    tiles = f"{portal_server}/tiles"
    item, tile = flooded_tile(demo, 14)
    other = same_place_other_day(demo, item)
    before, others = tile_pixels(tiles, item, tile), tile_pixels(tiles, other, tile)
    assert not np.array_equal(before, others), "two days of the flood look different"

    # The item now names the other day's file (files of one collection may be shared).
    changed = copy.deepcopy(Item.objects.get(stac_id=item["id"]).stac)
    changed["assets"][ASSET]["href"] = other["assets"][ASSET]["href"]
    report = items_upsert(collection=Collection.objects.get(stac_id=GFM), stacs=[changed])
    assert not report.refused_assets and not report.invalid

    assert np.array_equal(tile_pixels(tiles, item, tile), others)
