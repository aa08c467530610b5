"""Tiles in a real Chromium: the tile URL from an item's tilejson shows the image, and the
browser's Django session opens restricted items."""

import morecantile
import pytest

from catalog_portal.demo.loader import DEMO_PASSWORD, DEMO_USER
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")


def tile_url_of(page, portal_server: str, stac: dict, zoom: int) -> str:
    """The tile URL the item's tilejson gives, for the tile at the item's centre."""
    base = f"{portal_server}/tiles/collections/{stac['collection']}/items/{stac['id']}"
    response = page.request.get(f"{base}/WebMercatorQuad/tilejson.json?tilesize=256")
    assert response.ok, response.text()
    west, south, east, north = stac["bbox"]
    tile = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, zoom)
    return response.json()["tiles"][0].format(z=tile.z, x=tile.x, y=tile.y)


def image_width_shown(page, url: str) -> int:
    """Open ``url`` as the browser would and return the width of the image it shows."""
    response = page.goto(url)
    if not response.ok:
        return 0
    return page.evaluate("document.images.length ? document.images[0].naturalWidth : 0")


def test_a_signed_in_browser_sees_restricted_and_public_item_tiles(page, portal_server, demo):
    osttirol = next(c for c in demo if c.stac["id"] == "dop-kaernten-osttirol").items[0]
    sentinel2 = next(c for c in demo if c.stac["id"] == "sentinel-2-l2a").items[0]

    s2_tile = tile_url_of(page, portal_server, sentinel2, 13)
    assert image_width_shown(page, s2_tile) == 256
    page.screenshot(path=ARTIFACTS / "tile-sentinel-2.png")
    restricted = (
        f"{portal_server}/tiles/collections/{osttirol['collection']}/items/{osttirol['id']}/info"
    )
    assert page.goto(restricted).status == 404

    page.goto(f"{portal_server}/accounts/login/")
    page.get_by_label("Username").fill(DEMO_USER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    ortho_tile = tile_url_of(page, portal_server, osttirol, 17)
    assert image_width_shown(page, ortho_tile) == 256
    page.screenshot(path=ARTIFACTS / "tile-osttirol-signed-in.png")
