"""Database queries of the tile server's mosaics, counted over real HTTP in every thread: who
may see what is read once per request, and nothing else is read twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from django.db import connection
from django.db.backends.signals import connection_created

from tests.test_tiles import GFM, centre_tile, fresh_lookups, register, tile_path  # noqa: F401

# One collection's render defaults, or all collections' items each drawn with its own render
# (which comes with the collections the request reads anyway).
ACROSS = pytest.mark.parametrize("search", [{"collections": [GFM]}, {}], ids=["GFM", "all"])


@contextmanager
def statements_counted() -> Iterator[list[str]]:
    """The SQL statements any thread runs while open (the server's threads included).

    The tile app gives its connection back after each request, so the server's threads open
    new ones: each is wrapped as it opens."""
    statements: list[str] = []
    wrapped = []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def wrap(sender, connection, **kwargs) -> None:
        if counted not in connection.execute_wrappers:
            connection.execute_wrappers.append(counted)
            wrapped.append(connection)

    connection_created.connect(wrap)
    try:
        yield statements
    finally:
        connection_created.disconnect(wrap)
        for connection in wrapped:
            if counted in connection.execute_wrappers:
                connection.execute_wrappers.remove(counted)


def newest_gfm_tile(demo) -> str:
    """A z13 tile path over the newest GFM item."""
    gfm = next(c for c in demo if c.stac["id"] == GFM).items
    newest = max(gfm, key=lambda stac: stac["properties"]["datetime"])
    return tile_path(centre_tile(newest, 13), ".png")


@ACROSS
def test_an_uncached_mosaic_tile_makes_at_most_four_queries(portal_server, demo, settings, search):
    """The caller's visible collections, the registered search, and the page of items with the
    files each may read (whose check is part of the page's query); on PostgreSQL first the
    date edge of that page, which bounds its scan of the area (search/datetime_bound.py)."""
    tiles = f"{portal_server}/tiles"
    settings.TILES_LOOKUP_SECONDS = 0
    search_id = register(tiles, **search).json()["id"]
    url = f"{tiles}/searches/{search_id}{newest_gfm_tile(demo)}"
    with statements_counted() as statements:
        response = requests.get(url, timeout=60)
    assert response.status_code == 200
    assert 1 <= len(statements) <= (4 if connection.vendor == "postgresql" else 3), statements


@ACROSS
def test_a_cached_mosaic_tile_still_reads_who_may_see_what(portal_server, demo, settings, search):
    """Access is checked on every request (one query), so revoking it counts at once."""
    tiles = f"{portal_server}/tiles"
    settings.TILES_LOOKUP_SECONDS = 60
    search_id = register(tiles, **search).json()["id"]
    url = f"{tiles}/searches/{search_id}{newest_gfm_tile(demo)}"
    assert requests.get(url, timeout=60).status_code == 200
    with statements_counted() as statements:
        again = requests.get(url, params={"rescale": "0,1"}, timeout=60)
    assert again.status_code == 200
    assert len(statements) == 1, statements
    assert "catalog_collection" in statements[0]


def test_an_item_tile_reads_who_may_see_what_without_the_collections_documents(
    portal_server, demo, settings
):
    """An item's tiles need the caller's scope (a cache key, and a subquery of the item's
    read), not the documents of every collection they may see."""
    settings.TILES_LOOKUP_SECONDS = 60
    newest = max(
        next(c for c in demo if c.stac["id"] == GFM).items,
        key=lambda stac: stac["properties"]["datetime"],
    )
    url = (
        f"{portal_server}/tiles/collections/{GFM}/items/{newest['id']}"
        f"{tile_path(centre_tile(newest, 13), '.png')}"
    )
    assert requests.get(url, timeout=60).status_code == 200
    with statements_counted() as statements:
        again = requests.get(url, params={"rescale": "0,1"}, timeout=60)
    assert again.status_code == 200
    assert len(statements) == 1, statements
    assert "catalog_collection" in statements[0]
    assert '"stac"' not in statements[0], statements[0]


def test_an_uncached_item_tile_reads_the_scope_and_the_item_with_its_files(
    portal_server, demo, settings
):
    """The caller's scope, then the item with its collection and the files it may read, in
    one query (catalog/file_owners.py)."""
    settings.TILES_LOOKUP_SECONDS = 0
    newest = max(
        next(c for c in demo if c.stac["id"] == GFM).items,
        key=lambda stac: stac["properties"]["datetime"],
    )
    url = (
        f"{portal_server}/tiles/collections/{GFM}/items/{newest['id']}"
        f"{tile_path(centre_tile(newest, 13), '.png')}"
    )
    with statements_counted() as statements:
        response = requests.get(url, timeout=60)
    assert response.status_code == 200
    assert len(statements) == 2, statements
    assert "catalog_assetfile" in statements[1]
