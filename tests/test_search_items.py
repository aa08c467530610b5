"""A mosaic's items per tile (tiles/search_items.py): a small search is read whole, once, and
each tile takes from it exactly what the database finds for that tile; a large one is read
tile by tile."""

from __future__ import annotations

import threading
import time

import morecantile
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import box, shape
from shapely.ops import unary_union

from catalog_portal.accounts.authentication import Credentials
from catalog_portal.tiles import search_items
from catalog_portal.tiles.catalog_cache import catalog_cache_clear, catalog_cached
from catalog_portal.tiles.search_items import (
    search_context_find,
    search_items_find,
    search_register_as,
)

ANONYMOUS = Credentials.of(headers={}, cookies={})
TMS = morecantile.tms.get("WebMercatorQuad")
S2, GFM = "sentinel-2-l2a", "GFM"


@pytest.fixture(autouse=True)
def fresh_lookups():
    catalog_cache_clear()
    yield
    catalog_cache_clear()


def search_tiles(
    demo, collections: list[str], zoom: int, bbox: list[float] | None = None
) -> list[morecantile.Tile]:
    """Every tile at ``zoom`` over the footprints of the demo's items of ``collections`` (those
    that meet ``bbox``, whole)."""
    footprints = unary_union(
        [
            shape(item["geometry"])
            for collection in demo
            if collection.stac["id"] in collections
            for item in collection.items
            if not bbox or shape(item["geometry"]).intersects(box(*bbox))
        ]
    )
    return list(TMS.tiles(*footprints.bounds, zooms=[zoom]))


def tile_items(search_id: str, tile: morecantile.Tile) -> list[str]:
    """The ids of the items a mosaic tile of ``search_id`` draws, newest first, as an anonymous
    caller finds them."""
    context = search_context_find(credentials=ANONYMOUS, search_id=search_id)
    found = search_items_find(context=context, bbox=tuple(TMS.bounds(tile)))
    return [f"{item.collection_id}/{item.item_id}" for item in found.items]


def items_of_every_tile(search_id: str, tiles: list[morecantile.Tile]) -> dict[tuple, list[str]]:
    found = {}
    for tile in tiles:
        catalog_cache_clear()  # each tile as a map's first request for it
        found[tuple(tile)] = tile_items(search_id, tile)
    return found


@pytest.mark.parametrize(
    "query, zoom",
    [
        ({"collections": [GFM]}, 13),
        ({"collections": [S2]}, 9),
        # Cuts through a place of several items: the search's own bbox bounds the tiles'.
        ({"collections": [S2], "bbox": [14.28, 48.0, 15.0, 48.5]}, 15),
        ({"collections": [GFM], "datetime": "2024-09-12T00:00:00Z/2024-09-20T00:00:00Z"}, 13),
        ({"collections": [S2, GFM]}, 8),
    ],
    ids=["GFM", "S2", "S2-in-a-bbox", "GFM-some-dates", "two-collections"],
)
def test_a_small_search_gives_each_tile_what_the_database_finds_for_it(
    demo, monkeypatch, query, zoom
):
    search_id = search_register_as(credentials=ANONYMOUS, query=query)
    tiles = search_tiles(demo, query["collections"], zoom, query.get("bbox"))
    whole = items_of_every_tile(search_id, tiles)
    monkeypatch.setattr(search_items, "SEARCH_WHOLE_MAX_ITEMS", 0)  # tile by tile, as before
    assert items_of_every_tile(search_id, tiles) == whole
    # The tiles differ: some hold several items, and some at the edges none.
    counts = {len(found) for found in whole.values()}
    assert 0 in counts and max(counts) > 1, counts


def test_a_small_search_is_read_once_for_all_its_tiles(demo, django_assert_num_queries):
    search_id = search_register_as(credentials=ANONYMOUS, query={"collections": [GFM]})
    tiles = search_tiles(demo, [GFM], 13)
    context = search_context_find(credentials=ANONYMOUS, search_id=search_id)
    found = [search_items_find(context=context, bbox=tuple(TMS.bounds(tiles[0])))]
    with django_assert_num_queries(0):
        for tile in tiles[1:]:
            found.append(search_items_find(context=context, bbox=tuple(TMS.bounds(tile))))
    assert sum(len(tile.items) for tile in found) > len(tiles)


def test_only_a_few_whole_searches_are_kept_at_once(demo, monkeypatch):
    """Up to 500 items each: the oldest whole search is dropped (and read again when its
    tiles come back) instead of many staying in memory."""
    monkeypatch.setattr(search_items, "SEARCH_WHOLE_KEPT", 2)
    days = ["2024-09-09", "2024-09-12", "2024-09-15"]
    search_ids = [
        search_register_as(
            credentials=ANONYMOUS,
            query={"collections": [GFM], "datetime": f"{day}T00:00:00Z/{day}T23:59:59Z"},
        )
        for day in days
    ]
    first, second = search_tiles(demo, [GFM], 13)[:2]
    contexts = [search_context_find(credentials=ANONYMOUS, search_id=i) for i in search_ids]
    for context in contexts:
        search_items_find(context=context, bbox=tuple(TMS.bounds(first)))
    with CaptureQueriesContext(connection) as queries:
        search_items_find(context=contexts[-1], bbox=tuple(TMS.bounds(second)))
    assert len(queries) == 0  # the newest is kept
    with CaptureQueriesContext(connection) as queries:
        search_items_find(context=contexts[0], bbox=tuple(TMS.bounds(second)))
    assert len(queries) > 0  # the oldest was dropped


def test_a_search_over_more_items_is_read_tile_by_tile(demo, monkeypatch):
    monkeypatch.setattr(search_items, "SEARCH_WHOLE_MAX_ITEMS", 5)  # GFM has 24 items
    search_id = search_register_as(credentials=ANONYMOUS, query={"collections": [GFM]})
    tiles = search_tiles(demo, [GFM], 13)
    by_tile = items_of_every_tile(search_id, tiles)
    assert max(len(found) for found in by_tile.values()) > 5
    # A collection whose count lags behind its items: the whole read finds more than it may
    # hold and the tiles are read one by one, complete.
    monkeypatch.setattr(search_items, "searched_items", lambda **kwargs: 0)
    assert items_of_every_tile(search_id, tiles) == by_tile


def test_requests_for_an_answer_being_computed_wait_for_it_instead_of_computing_it_again():
    computed = []

    def compute():
        computed.append(threading.get_ident())
        time.sleep(0.2)
        return "answer"

    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(catalog_cached(("key",), compute)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["answer"] * 6
    assert len(computed) == 1
