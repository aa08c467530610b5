"""A collection whose files live in object storage, as a visitor sees it in a real Chromium:
the demo's Tamsweg orthophotos catalogued by ``s3://`` hrefs in the test S3 server, the
portal's data folder empty. The item page's map and the explore page's preview mosaic draw
their rasters: every tile asked for is an image, and the map shows the image's pixels where
the item lies, not the plain background or the footprint's tint."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
TAMSWEG = "dop-kaernten-tamsweg"
# Colours in a patch of the map where a raster is drawn: the background and the footprint's
# tint are one or two colours (a few more where an outline crosses); an orthophoto is hundreds.
PATCH = 40  # CSS pixels each side
RASTER_COLOURS = 100


@pytest.fixture
def tamsweg_in_s3(s3_demo, s3_demo_server) -> list[dict]:
    """The Tamsweg orthophotos catalogued by their files in the S3 server; their items."""
    (collection,) = s3_demo.store(TAMSWEG)
    assert all(
        asset["href"].startswith("s3://")
        for item in collection.items
        for asset in item["assets"].values()
    )
    return collection.items


def tiles_watched(page) -> list:
    """The responses to tile requests of the page, as they come."""
    answers = []
    page.on("response", lambda r: answers.append(r) if "/tiles/WebMercatorQuad/" in r.url else None)
    return answers


def map_drawn(page) -> None:
    """Wait until the map has added its layers and drawn every tile it asked for."""
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    page.wait_for_function("() => portalMap.loaded() && portalMap.areTilesLoaded()", timeout=60_000)


def colours_at(page, lon: float, lat: float) -> int:
    """How many colours the map shows in a PATCH-wide square around (lon, lat)."""
    x, y = page.evaluate("([lon, lat]) => Object.values(portalMap.project([lon, lat]))", [lon, lat])
    box = page.locator("#map").bounding_box()
    clip = {
        "x": box["x"] + x - PATCH / 2,
        "y": box["y"] + y - PATCH / 2,
        "width": PATCH,
        "height": PATCH,
    }
    patch = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    return len(patch.getcolors(maxcolors=patch.width * patch.height))


def centre(stac: dict) -> tuple[float, float]:
    west, south, east, north = stac["bbox"]
    return (west + east) / 2, (south + north) / 2


def assert_tiles_are_images(answers: list) -> None:
    assert answers, "the map asked for no tiles"
    for answer in answers:
        assert answer.status == 200, (answer.url, answer.status)
        # TiTiler answers JPEG for tiles without transparent pixels, PNG otherwise.
        assert answer.headers["content-type"] in ("image/png", "image/jpeg"), answer.url


def test_the_item_page_draws_the_raster_of_an_item_in_object_storage(
    page, tamsweg_in_s3, s3_demo_server
):
    item = tamsweg_in_s3[0]
    answers = tiles_watched(page)
    page.goto(f"{s3_demo_server}/collections/{TAMSWEG}/items/{item['id']}/")
    map_drawn(page)
    assert page.get_attribute("#map", "data-tiles-error") is None
    assert page.evaluate("!!portalMap.getLayer('item-tiles')")
    assert_tiles_are_images(answers)
    page.screenshot(path=ARTIFACTS / "s3-item-page.png")
    assert colours_at(page, *centre(item)) > RASTER_COLOURS


def test_the_explore_preview_mosaic_draws_a_collection_in_object_storage(
    page, tamsweg_in_s3, s3_demo_server
):
    answers = tiles_watched(page)
    page.goto(f"{s3_demo_server}/explore/?collection={TAMSWEG}&preview=1")
    map_drawn(page)
    page.wait_for_selector("#map[data-preview]", state="attached", timeout=30_000)
    map_drawn(page)
    assert page.locator("#preview-status").is_hidden()
    assert_tiles_are_images(answers)
    assert any("/tiles/searches/" in answer.url for answer in answers)
    page.screenshot(path=ARTIFACTS / "s3-explore-preview.png")
    for item in tamsweg_in_s3:
        assert colours_at(page, *centre(item)) > RASTER_COLOURS, item["id"]
