"""One helper spells where the STAC API and the tile server live."""

from __future__ import annotations

from catalog_portal.lib.urls import api_url_build, item_tiles_path_build, tiles_url_build


def on_host(path: str) -> str:
    return f"https://portal.example{path}"


def test_api_urls_are_paths_or_on_the_request_host():
    assert api_url_build() == "/api/v1"
    assert api_url_build(path="collections/x") == "/api/v1/collections/x"
    assert api_url_build(absolute=on_host) == "https://portal.example/api/v1"


def test_tile_urls_put_each_id_in_one_segment():
    assert tiles_url_build(path="searches/abc/info") == "/tiles/searches/abc/info"
    path = item_tiles_path_build(collection_id="a b", item_id="x/y", path="info")
    assert path == "/tiles/collections/a%20b/items/x%2Fy/info"


def test_the_item_page_asks_the_tile_server_for_its_tilejson(client, demo):
    collection = next(c for c in demo if c.items)
    item = collection.items[0]
    page = client.get(f"/collections/{collection.stac['id']}/items/{item['id']}/").content.decode()
    assert f"/tiles/collections/{collection.stac['id']}/items/{item['id']}/" in page
