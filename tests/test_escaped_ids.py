"""Ids with characters that need escaping in a URL (``/``, spaces, ``#``, ``?``, ``%``) work on
every route: pages, the STAC API and its links, pystac-client, tiles and their tilejson, data
files and snippets, each addressed by the percent-encoded id.

The item id with a slash is stac-spec's own example (``tests/data/stac-corpus``).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote, urljoin

import pytest
import requests
from django.conf import settings
from pystac_client import Client

from catalog_portal.catalog.assets import asset_path, data_href
from catalog_portal.catalog.ingest import collection_upsert, items_upsert
from catalog_portal.catalog.models import Item
from tests.conftest import DATA, read_json
from tests.test_tiles import centre_tile

COLLECTION = "drones/half moon #1?50%"
SLASHED = "half-moon-bay/video-2018-01-01-0001"  # stac-spec's examples/datetimerange.json
ODD = "tile 2/#b?c=%41"
FOLDER = "odd ids"
FILE = f"{FOLDER}/flood #1?.tif"


def q(stac_id: str) -> str:
    """An id as one URL path segment."""
    return quote(stac_id, safe="")


@pytest.fixture
def odd_catalogue(portal_server, demo):
    """A collection and two items with odd ids: stac-spec's video (remote assets) and a
    flood map whose file, below DATA_ROOT, has an odd name too."""
    source = next(i for i in Item.objects.filter(collection__stac_id="GFM").order_by("stac_id"))
    key, asset = next(iter(source.stac["assets"].items()))
    target = Path(settings.DATA_ROOT) / FILE
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(asset_path(asset["href"]), target)
    collection_stac = read_json("stac/collection.json")
    collection_stac["id"] = COLLECTION
    collection, _ = collection_upsert(stac=collection_stac)
    video = json.loads((DATA / "stac-corpus/stac-spec-examples/datetimerange.json").read_text())
    flood = copy.deepcopy(source.stac)
    flood.update(id=ODD, collection=COLLECTION, links=[])
    flood["assets"] = {"data": {**asset, "href": data_href(FILE)}}
    report = items_upsert(collection=collection, stacs=[video, flood])
    assert report.created == 2 and not report.invalid and not report.refused_assets
    yield {"base": portal_server, "flood": flood}
    shutil.rmtree(target.parent)


def get(url: str, **options) -> requests.Response:
    return requests.get(url, timeout=60, **options)


def test_the_explore_listing_links_each_item_page(odd_catalogue):
    base = odd_catalogue["base"]
    explore = get(f"{base}/explore/", params={"collection": COLLECTION})
    assert explore.status_code == 200
    item_pages = {
        href.replace("&amp;", "&")
        for href in re.findall(r'href="([^"]*/items/[^"]*)"', explore.text)
        if not href.startswith(("/api/", "/snippets/", "/tiles/"))
    }
    # Django's reverse() keeps "/" as is and encodes the rest; either spelling routes.
    assert {unquote(href) for href in item_pages} == {
        f"/collections/{COLLECTION}/items/{item_id}/" for item_id in (SLASHED, ODD)
    }
    for href in item_pages:
        assert get(urljoin(base, href)).status_code == 200, href


def test_the_collection_and_item_pages_answer_by_percent_encoded_ids(odd_catalogue):
    base = odd_catalogue["base"]
    assert get(f"{base}/collections/{q(COLLECTION)}/").status_code == 200
    for item_id in (SLASHED, ODD):
        page = get(f"{base}/collections/{q(COLLECTION)}/items/{q(item_id)}/")
        assert page.status_code == 200
        # The page's own links (its API document, its tiles) address it by the encoded ids.
        assert f"/api/v1/collections/{q(COLLECTION)}/items/{q(item_id)}" in page.text


def test_api_items_and_their_self_links_answer_with_the_item(odd_catalogue):
    api = f"{odd_catalogue['base']}/api/v1"
    collection = get(f"{api}/collections/{q(COLLECTION)}").json()
    assert collection["id"] == COLLECTION
    links = {link["rel"]: link["href"] for link in collection["links"]}
    assert get(links["self"]).json()["id"] == COLLECTION
    assert get(links["queryables"] if "queryables" in links else f"{links['self']}/queryables")
    features = get(links["items"]).json()["features"]
    assert {feature["id"] for feature in features} == {SLASHED, ODD}
    for feature in features:
        self_link = next(link["href"] for link in feature["links"] if link["rel"] == "self")
        assert self_link == f"{api}/collections/{q(COLLECTION)}/items/{q(feature['id'])}"
        answer = get(self_link)
        assert answer.status_code == 200
        assert answer.json()["id"] == feature["id"]
        parent = next(link["href"] for link in feature["links"] if link["rel"] == "collection")
        assert get(parent).json()["id"] == COLLECTION


def test_pystac_client_gets_the_item_with_a_slash_and_finds_every_item(odd_catalogue):
    """pystac-client 0.9 puts ids into URLs as they are (``Client.get_collection`` and
    ``CollectionClient.get_item``): a ``/`` or a space reaches the portal, a ``#``, ``?`` or
    ``%`` cannot, so the collection is taken from the listing (its links are the portal's,
    encoded) and the odd item is found by search."""
    client = Client.open(f"{odd_catalogue['base']}/api/v1/")
    collection = next(c for c in client.get_collections() if c.id == COLLECTION)
    item = collection.get_item(SLASHED)
    assert item is not None and item.id == SLASHED
    assert {item.id for item in client.search(ids=[SLASHED, ODD]).items()} == {SLASHED, ODD}
    assert {item.id for item in collection.get_items()} == {SLASHED, ODD}


def test_item_tiles_and_the_tile_urls_of_their_tilejson_answer(odd_catalogue):
    base = odd_catalogue["base"]
    tiles = f"{base}/tiles/collections/{q(COLLECTION)}/items/{q(ODD)}"
    assert get(f"{tiles}/info").status_code == 200
    tilejson = get(f"{tiles}/WebMercatorQuad/tilejson.json", params={"assets": "data"})
    assert tilejson.status_code == 200
    tile = centre_tile(odd_catalogue["flood"], 12)
    url = tilejson.json()["tiles"][0].format(z=tile.z, x=tile.x, y=tile.y)
    answer = get(url)
    assert answer.status_code == 200, url
    assert answer.headers["content-type"] == "image/png"


def test_the_item_page_tilejson_url_answers(odd_catalogue):
    base = odd_catalogue["base"]
    page = get(f"{base}/collections/{q(COLLECTION)}/items/{q(ODD)}/").text
    marker = 'data-tilejson="'
    assert marker in page
    tilejson = page.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert get(urljoin(base, tilejson)).status_code == 200


def test_a_data_file_with_an_odd_name_is_read_from_its_published_href(odd_catalogue):
    api = f"{odd_catalogue['base']}/api/v1"
    item = get(f"{api}/collections/{q(COLLECTION)}/items/{q(ODD)}").json()
    href = item["assets"]["data"]["href"]
    answer = get(href, headers={"Range": "bytes=0-99"})
    assert answer.status_code == 206, href
    assert answer.content == (Path(settings.DATA_ROOT) / FILE).read_bytes()[:100]


def test_snippets_of_the_collection_and_its_items_name_the_ids(odd_catalogue):
    base = odd_catalogue["base"]
    collection = get(
        f"{base}/snippets/collections/{q(COLLECTION)}/", params={"lang": "python", "format": "text"}
    )
    assert collection.status_code == 200
    assert repr(COLLECTION) in collection.text or json.dumps(COLLECTION) in collection.text
    for item_id in (SLASHED, ODD):
        snippet = get(
            f"{base}/snippets/collections/{q(COLLECTION)}/items/{q(item_id)}/",
            params={"lang": "python", "format": "text"},
        )
        assert snippet.status_code == 200, item_id
        assert repr(item_id) in snippet.text or json.dumps(item_id) in snippet.text
