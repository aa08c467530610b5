"""The item page as a visitor uses it, in a real Chromium over the demo catalogue: the
collection in the breadcrumb, the way back to the explore results, the render choice redrawing
the raster, the legend, the opacity slider and the raster's loading state."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
PATCH = 60  # CSS pixels each side of the patch of map looked at
# An image drawn on the map has hundreds of colours in a patch; the background and the
# footprint's tint one or two (a few more where an outline crosses).
RASTER_COLOURS = 100
TILES = re.compile(r"/tiles/collections/.+/tiles/WebMercatorQuad/")


def demo_item(demo, collection_id: str, index: int = 0) -> dict:
    return next(c for c in demo if c.stac["id"] == collection_id).items[index]


def item_url(server: str, collection_id: str, item: dict) -> str:
    return f"{server}/collections/{collection_id}/items/{item['id']}/"


def raster_drawn(page) -> None:
    """Wait until the map has its layers and every raster tile it asked for is drawn."""
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    page.wait_for_selector("#raster-status", state="hidden", timeout=60_000)
    page.wait_for_function("() => portalMap.loaded() && portalMap.areTilesLoaded()", timeout=60_000)
    page.wait_for_timeout(400)  # MapLibre fades new raster tiles in over 300 ms


def patch_at(page, item: dict) -> Image.Image:
    """The map's pixels in a PATCH-wide square at the centre of ``item``."""
    west, south, east, north = item["bbox"]
    lonlat = [(west + east) / 2, (south + north) / 2]
    x, y = page.evaluate("(at) => Object.values(portalMap.project(at))", lonlat)
    box = page.locator("#map").bounding_box()
    clip = {"x": box["x"] + x - PATCH / 2, "y": box["y"] + y - PATCH / 2}
    clip.update(width=PATCH, height=PATCH)
    return Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")


def colours(patch: Image.Image) -> int:
    return len(patch.getcolors(maxcolors=patch.width * patch.height))


def test_the_breadcrumb_leads_to_the_collection(page, demo, demo_server):
    item = demo_item(demo, "sentinel-2-l2a")
    page.goto(item_url(demo_server, "sentinel-2-l2a", item))
    crumbs = page.get_by_role("navigation", name="Breadcrumbs")
    crumbs.get_by_role("link", name="Sentinel-2 Level-2A").click()
    page.wait_for_url(f"{demo_server}/collections/sentinel-2-l2a/")
    page.get_by_role("heading", name="Sentinel-2 Level-2A", level=1).wait_for()


def test_back_to_results_returns_to_the_explore_search(page, demo, demo_server):
    explore = (
        f"{demo_server}/explore/?collection=sentinel-2-l2a&start=2021-06-01&end=2021-08-31"
        "&bbox=13.5,46.5,15.5,47.5"
    )
    page.goto(explore)
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    page.locator("a[href*='/items/']").first.click()
    page.wait_for_url(re.compile(r"/collections/sentinel-2-l2a/items/"))
    back = page.get_by_role("link", name="Back to results")
    back.click()
    page.wait_for_url(explore)
    query = parse_qs(urlsplit(page.url).query)
    assert query["start"] == ["2021-06-01"] and query["bbox"] == ["13.5,46.5,15.5,47.5"]
    assert page.get_by_label("From", exact=True).input_value() == "2021-06-01"


def test_back_to_results_is_kept_when_given_as_a_parameter(page, demo, demo_server):
    item = demo_item(demo, "sentinel-2-l2a")
    back = "/explore/?collection=sentinel-2-l2a&end=2021-07-01"
    page.goto(f"{item_url(demo_server, 'sentinel-2-l2a', item)}?back={back.replace('&', '%26')}")
    page.get_by_role("link", name="Back to results").click()
    page.wait_for_url(f"{demo_server}{back}")


def test_choosing_the_ndvi_render_redraws_the_raster(page, demo, demo_server):
    item = demo_item(demo, "sentinel-2-l2a")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if TILES.search(r.url) else None)
    page.goto(item_url(demo_server, "sentinel-2-l2a", item))
    raster_drawn(page)
    assert asked and not any("render=" in url for url in asked)
    true_colour = patch_at(page, item)
    assert colours(true_colour) > RASTER_COLOURS
    assert page.get_by_role("figure").count() == 0  # true colour has no legend
    page.screenshot(path=ARTIFACTS / "item-render-default.png")

    # With scripts the choice redraws in place: the form's button is for pages without them.
    assert page.get_by_role("button", name="Show").is_hidden()
    asked.clear()
    page.get_by_label("Render").select_option(label="NDVI")
    page.wait_for_function("() => document.getElementById('map').dataset.tilejson.includes('ndvi')")
    raster_drawn(page)
    page.screenshot(path=ARTIFACTS / "item-render-ndvi.png")
    # Every tile now drawn is the NDVI render's, and the picture changed with it.
    assert asked and all("render=ndvi" in url for url in asked), asked
    ndvi = patch_at(page, item)
    difference = ImageStat.Stat(ImageChops.difference(true_colour, ndvi)).mean
    assert sum(difference) / 3 > 20, difference
    # rdylgn over a green valley in summer: more green than red, unlike the true colour.
    red, green, _blue = ImageStat.Stat(ndvi).mean
    assert green > red + 10, (red, green)
    # Its legend: the colour ramp from -0.2 to 0.9; the address keeps the choice.
    legend = page.get_by_role("figure", name="Legend: NDVI")
    assert legend.is_visible()
    assert legend.get_by_role("img", name="Colour scale from -0.2 to 0.9").is_visible()
    assert parse_qs(urlsplit(page.url).query)["render"] == ["ndvi"]
    page.reload()
    raster_drawn(page)
    assert page.get_by_label("Render").input_value() == "ndvi"


def test_the_flood_legend_shows_its_classes(page, demo, demo_server):
    floods = next(c for c in demo if c.stac["id"] == "GFM").items
    item = max(floods, key=lambda i: i["properties"]["flooded_area_km2"])
    page.goto(item_url(demo_server, "GFM", item))
    raster_drawn(page)
    legend = page.get_by_role("figure", name="Legend: Flood extent")
    assert legend.is_visible()
    labels = legend.locator(".legend-label").all_inner_texts()
    assert labels == ["no-flood", "flood"]
    assert legend.locator("li[data-value='1'] rect").get_attribute("fill") == "rgb(30, 110, 220)"
    page.screenshot(path=ARTIFACTS / "item-flood-legend.png")
    # On a phone the legend and the asset tables fit the screen's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("tab", name="Assets").click()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert legend.is_visible()
    page.screenshot(path=ARTIFACTS / "item-flood-legend-phone.png", full_page=True)


def test_the_opacity_slider_fades_the_raster(page, demo, demo_server):
    item = demo_item(demo, "dop-kaernten-tamsweg")
    page.goto(item_url(demo_server, "dop-kaernten-tamsweg", item))
    raster_drawn(page)
    assert colours(patch_at(page, item)) > RASTER_COLOURS
    slider = page.get_by_label("Opacity")
    slider.focus()
    page.keyboard.press("Home")  # the keyboard's way to 0
    page.wait_for_timeout(400)
    assert page.locator("#raster-opacity-value").inner_text() == "0 %"
    assert page.evaluate("portalMap.getPaintProperty('item-tiles', 'raster-opacity')") == 0
    assert colours(patch_at(page, item)) < 10  # the orthophoto is gone: background and tint
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert page.locator("#raster-opacity-value").inner_text() == "50 %"
    assert colours(patch_at(page, item)) > RASTER_COLOURS


def test_a_loading_state_shows_until_the_raster_tiles_are_drawn(page, demo, demo_server):
    item = demo_item(demo, "sentinel-2-l2a", index=1)
    held = []
    page.route(TILES, lambda route: held.append(route))  # tiles wait here until released
    page.goto(item_url(demo_server, "sentinel-2-l2a", item))
    status = page.locator("#raster-status")
    status.wait_for(state="visible", timeout=30_000)
    assert status.inner_text() == "Loading the image…"
    assert page.get_by_role("status").filter(has_text="Loading the image").count() == 1
    page.screenshot(path=ARTIFACTS / "item-raster-loading.png")
    for route in held:
        route.continue_()
    page.unroute(TILES)
    status.wait_for(state="hidden", timeout=60_000)
    assert colours(patch_at(page, item)) > RASTER_COLOURS


def test_failing_raster_tiles_are_reported(page, demo, demo_server):
    item = demo_item(demo, "sentinel-2-l2a", index=2)
    page.route(TILES, lambda route: route.fulfill(status=500, body="failed"))
    page.goto(item_url(demo_server, "sentinel-2-l2a", item))
    status = page.locator("#raster-status")
    status.wait_for(state="visible", timeout=30_000)
    page.wait_for_function(
        "() => document.getElementById('raster-status').dataset.state === 'failed'",
        timeout=30_000,
    )
    assert status.inner_text() == "The image could not be loaded."
