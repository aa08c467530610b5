"""The explore page's map as a visitor uses it, in a real Chromium over the real server with
the demo catalogue: list rows and footprints light each other up and a footprint opens its
item; an area is drawn by mouse, by touch, by keyboard or typed as four numbers; footprints
do not hide the preview mosaic. Every check reads what the visitor sees: rendered features
and pixels, the rows' classes, computed styles, the URL."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
TAMSWEG = "dop-kaernten-tamsweg"
HIGHLIGHT_ORANGE = (0xF0, 0xA0, 0x00)


def open_explore(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    map_settled(page)


def map_settled(page) -> None:
    """Wait until the map has drawn everything it was asked to (tiles, feature states)."""
    # (Polled on a timer: waiting for the map's "idle" event in the page could hang when no
    # frame was due.)
    page.wait_for_function(
        "() => portalMap.loaded() && !portalMap.isMoving()", polling=100, timeout=30_000
    )


def map_picture(page) -> Image.Image:
    """The map as the visitor sees it (a screenshot: WebGL's buffer is not readable)."""
    return Image.open(io.BytesIO(page.locator("#map").screenshot())).convert("RGB")


def orange_pixels(picture: Image.Image) -> int:
    """Pixels of the highlight's orange outline."""
    return sum(
        count
        for count, colour in picture.getcolors(maxcolors=1 << 24)
        if all(abs(a - b) <= 30 for a, b in zip(colour, HIGHLIGHT_ORANGE, strict=True))
    )


def highlighted_on_map(page) -> list[str]:
    """Item ids of the footprints drawn highlighted (rendered features and their state)."""
    return page.evaluate(
        """() => [...new Set(portalMap.queryRenderedFeatures({layers: ['results-line']})
            .filter((f) => f.state && f.state.highlight).map((f) => f.properties.id))]"""
    )


def row_for(page, item_id: str):
    return page.locator("#results li").filter(
        has=page.locator(".result-id", has_text=re.compile(f"^{re.escape(item_id)}$"))
    )


def footprint_alone_at(page) -> dict:
    """A footprint with a point (map pixels) where it is the only footprint drawn."""
    return page.evaluate(
        """() => {
          for (const feature of portalMap.queryRenderedFeatures({layers: ['results-fill']})) {
            const ring = feature.geometry.type === 'Polygon'
              ? feature.geometry.coordinates[0] : feature.geometry.coordinates[0][0];
            const lng = ring.reduce((s, c) => s + c[0], 0) / ring.length;
            const lat = ring.reduce((s, c) => s + c[1], 0) / ring.length;
            const point = portalMap.project([lng, lat]);
            const here = portalMap.queryRenderedFeatures(point, {layers: ['results-fill']});
            if (here.length === 1 && here[0].properties.id === feature.properties.id) {
              return {id: feature.properties.id, x: point.x, y: point.y};
            }
          }
          return null;
        }"""
    )


def bbox_of(url: str) -> list[float]:
    return [float(v) for v in parse_qs(urlsplit(url).query)["bbox"][0].split(",")]


# --- list and map, linked -------------------------------------------------------------------


def test_a_row_and_its_footprint_light_each_other_up(page, demo, demo_server):
    open_explore(page, f"{demo_server}/explore/?collection={TAMSWEG}")
    rows = page.locator("#results li")
    assert rows.count() == 6
    assert highlighted_on_map(page) == []
    assert orange_pixels(map_picture(page)) == 0

    # Hovering a row lights its own footprint: the rendered feature of that item, in orange.
    second_id = rows.nth(1).locator(".result-id").inner_text()
    rows.nth(1).hover()
    map_settled(page)
    assert highlighted_on_map(page) == [second_id]
    assert orange_pixels(map_picture(page)) > 200
    assert "highlight" in rows.nth(1).get_attribute("class")

    # Focusing a row's link with the keyboard does the same.
    page.mouse.move(1, 1)
    last_id = rows.last.locator(".result-id").inner_text()
    rows.last.get_by_role("link").focus()
    map_settled(page)
    assert highlighted_on_map(page) == [last_id]
    page.screenshot(path=ARTIFACTS / "explore-row-lights-footprint.png")

    # Hovering a footprint on the map lights its row, and only that row.
    page.evaluate("document.activeElement.blur()")
    target = footprint_alone_at(page)
    assert target is not None
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + target["x"], box["y"] + target["y"])
    lit = row_for(page, target["id"])
    page.wait_for_function(
        "(id) => [...document.querySelectorAll('#results li.highlight .result-id')]"
        ".map((e) => e.textContent.trim()).join() === id",
        arg=target["id"],
        timeout=5_000,
    )
    assert lit.count() == 1
    map_settled(page)
    assert highlighted_on_map(page) == [target["id"]]

    # Clicking it opens that item's page.
    href = lit.get_by_role("link").get_attribute("href")
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    page.wait_for_url(f"{demo_server}{href}")
    page.get_by_role("heading", name=target["id"]).wait_for()


# --- drawing the area -----------------------------------------------------------------------


def background_colour(locator) -> str:
    return locator.evaluate("(e) => getComputedStyle(e).backgroundColor")


def map_size(page) -> dict:
    return page.locator("#map").bounding_box()


def degrees_of(page, lower_left: list[float], upper_right: list[float]) -> list[float]:
    """[west, south, east, north] of two map pixels, as the map projects them now."""
    return page.evaluate(
        """([a, b]) => { const sw = portalMap.unproject(a), ne = portalMap.unproject(b);
            return [sw.lng, sw.lat, ne.lng, ne.lat]; }""",
        [lower_left, upper_right],
    )


def assert_bbox_close(url: str, expected: list[float]) -> None:
    assert bbox_of(url) == pytest.approx(expected, abs=2e-4)  # the page rounds to 4 decimals


def test_drawing_with_the_mouse_shows_a_pressed_button_and_a_hint_and_sets_the_area(
    page, demo, demo_server
):
    open_explore(page, f"{demo_server}/explore/?collection={TAMSWEG}")
    draw = page.get_by_role("button", name="Draw rectangle")
    unpressed = background_colour(draw)
    draw.click()
    assert draw.get_attribute("aria-pressed") == "true"
    # Pressed looks pressed: filled with the accent colour, not the white of a secondary button.
    assert background_colour(draw) == "rgb(11, 110, 153)" != unpressed
    hint = page.get_by_role("status").filter(has_text="Esc cancels")
    assert hint.is_visible()
    assert hint.inner_text().startswith("Drag on the map to draw")
    page.screenshot(path=ARTIFACTS / "explore-drawing.png")

    box = map_size(page)
    start, end = (
        (0.3 * box["width"], 0.3 * box["height"]),
        (0.7 * box["width"], 0.6 * box["height"]),
    )
    expected = degrees_of(page, [start[0], end[1]], [end[0], start[1]])
    page.mouse.move(box["x"] + start[0], box["y"] + start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=8)
    with page.expect_navigation(url=re.compile(r"/explore/\?.*bbox=")):
        page.mouse.up()  # (over a footprint: the drawing does not open the item)
    assert_bbox_close(page.url, expected)
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    assert (
        page.get_by_role("button", name="Draw rectangle").get_attribute("aria-pressed") == "false"
    )


def test_escape_cancels_drawing_and_the_map_pans_again(page, demo, demo_server):
    open_explore(page, f"{demo_server}/explore/?collection={TAMSWEG}")
    draw = page.get_by_role("button", name="Draw rectangle")
    draw.click()
    page.keyboard.press("Escape")
    assert draw.get_attribute("aria-pressed") == "false"
    assert page.get_by_role("status").filter(has_text="Esc cancels").count() == 0
    before = page.evaluate("portalMap.getCenter().toArray()")
    box = map_size(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    map_settled(page)
    assert page.evaluate("portalMap.getCenter().toArray()") != before
    assert "bbox" not in page.url


def test_drawing_by_touch_on_a_phone_sets_the_area(chromium_browser, demo, demo_server):
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    try:
        open_explore(page, f"{demo_server}/explore/?collection={TAMSWEG}")
        page.get_by_role("button", name="Draw rectangle").tap()
        page.locator("#map").scroll_into_view_if_needed()
        box = map_size(page)
        start = (0.25 * box["width"], 0.3 * box["height"])
        end = (0.75 * box["width"], 0.7 * box["height"])
        expected = degrees_of(page, [start[0], end[1]], [end[0], start[1]])
        # A finger, through Chromium's own touch input (touchstart/move/end, pointer events).
        cdp = context.new_cdp_session(page)

        def touch(kind: str, x: float, y: float) -> None:
            points = [] if kind == "touchEnd" else [{"x": box["x"] + x, "y": box["y"] + y}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", *start)
        for step in range(1, 9):
            touch(
                "touchMove",
                start[0] + (end[0] - start[0]) * step / 8,
                start[1] + (end[1] - start[1]) * step / 8,
            )
        with page.expect_navigation(url=re.compile(r"/explore/\?.*bbox=")):
            touch("touchEnd", *end)
        assert_bbox_close(page.url, expected)
    finally:
        context.close()


def test_drawing_with_the_keyboard_sets_the_area(page, demo, demo_server):
    open_explore(page, f"{demo_server}/explore/?collection={TAMSWEG}")
    draw = page.get_by_role("button", name="Draw rectangle")
    draw.focus()
    page.keyboard.press("Enter")
    assert draw.get_attribute("aria-pressed") == "true"
    # The rectangle starts in the middle half of the map; two steps right (a tenth of the
    # width each) and one step taller (Shift: resize), then Enter applies it.
    box = map_size(page)
    width, height = box["width"], box["height"]
    expected = degrees_of(page, [0.45 * width, 0.85 * height], [0.95 * width, 0.25 * height])
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    page.screenshot(path=ARTIFACTS / "explore-drawing-keyboard.png")
    with page.expect_navigation(url=re.compile(r"/explore/\?.*bbox=")):
        page.keyboard.press("Enter")
    assert_bbox_close(page.url, expected)


def test_a_typed_area_is_checked_then_applied_with_enter(page, demo, demo_server):
    open_explore(page, f"{demo_server}/explore/?collection={TAMSWEG}")
    page.get_by_text("Enter coordinates").click()
    page.get_by_label("West", exact=True).fill("13.9")
    page.get_by_label("East", exact=True).fill("13.5")
    page.get_by_label("South", exact=True).fill("47.1")
    page.get_by_label("North", exact=True).fill("47.2")
    page.get_by_label("North", exact=True).press("Enter")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "West must be less than east."
    assert page.get_by_label("West", exact=True).get_attribute("aria-invalid") == "true"
    assert page.get_by_label("North", exact=True).get_attribute("aria-invalid") == "false"
    assert "bbox" not in page.url

    page.get_by_label("East", exact=True).fill("")
    page.get_by_role("button", name="Apply area").click()
    assert alert.inner_text() == "Enter all four numbers, in degrees."
    page.get_by_label("East", exact=True).fill("14")
    with page.expect_navigation(url=re.compile(r"/explore/\?.*bbox=")):
        page.get_by_label("East", exact=True).press("Enter")
    assert bbox_of(page.url) == [13.9, 47.1, 14.0, 47.2]
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    page.get_by_text("Enter coordinates").click()
    assert page.get_by_label("West", exact=True).input_value() == "13.9"


# --- footprints over image previews ---------------------------------------------------------


def deepest_stack(page) -> dict:
    """The map pixel inside the most footprints that no outline crosses, and how many."""
    return page.evaluate(
        """() => {
          let best = null;
          for (const feature of portalMap.queryRenderedFeatures({layers: ['results-fill']})) {
            const ring = feature.geometry.type === 'Polygon'
              ? feature.geometry.coordinates[0] : feature.geometry.coordinates[0][0];
            const lng = ring.reduce((s, c) => s + c[0], 0) / ring.length;
            const lat = ring.reduce((s, c) => s + c[1], 0) / ring.length;
            const p = portalMap.project([lng, lat]);
            const box = [[p.x - 3, p.y - 3], [p.x + 3, p.y + 3]];
            if (portalMap.queryRenderedFeatures(box, {layers: ['results-line']}).length) continue;
            const depth = portalMap.queryRenderedFeatures(p, {layers: ['results-fill']}).length;
            if (!best || depth > best.depth) best = {x: Math.round(p.x), y: Math.round(p.y), depth};
          }
          return best;
        }"""
    )


def pixel_with_and_without_footprints(page, x: int, y: int) -> tuple[tuple, tuple]:
    shown = map_picture(page).getpixel((x, y))
    page.evaluate(
        "for (const id of ['results-fill', 'results-line'])"
        " portalMap.setLayoutProperty(id, 'visibility', 'none')"
    )
    map_settled(page)
    return shown, map_picture(page).getpixel((x, y))


def test_footprints_over_previews_are_outlines_that_leave_the_image_visible(
    page, demo, demo_server
):
    open_explore(page, f"{demo_server}/explore/?collection=GFM&preview=1")
    page.wait_for_selector("#map[data-preview]", state="attached", timeout=30_000)
    map_settled(page)
    spot = deepest_stack(page)
    assert spot["depth"] >= 6, spot
    page.screenshot(path=ARTIFACTS / "explore-preview-footprints.png")
    shown, bare = pixel_with_and_without_footprints(page, spot["x"], spot["y"])
    # The preview's pixel, untouched by the footprints stacked over it.
    assert all(abs(a - b) <= 3 for a, b in zip(shown, bare, strict=True)), (shown, bare)


def test_footprints_without_previews_stay_faint_where_they_stack(page, demo, demo_server):
    open_explore(page, f"{demo_server}/explore/?collection=GFM")
    spot = deepest_stack(page)
    assert spot["depth"] >= 6, spot
    shown, bare = pixel_with_and_without_footprints(page, spot["x"], spot["y"])
    # How much of the fill colour (#0b6e99) covers the map there, on its strongest channel.
    fill = (0x0B, 0x6E, 0x99)
    channel = max(range(3), key=lambda i: abs(fill[i] - bare[i]))
    cover = (shown[channel] - bare[channel]) / (fill[channel] - bare[channel])
    # (Six fills of 0.08, as before, covered 35 %: the map below was half hidden.)
    assert 0 < cover <= 0.3, (cover, shown, bare)


# Polled every animation frame from the page's start: what the map showed when the preview
# mosaic's source (its tiles are asked for from then on) and the country outlines' source first
# appeared.
RECORD_LATER_SOURCES = """
(() => {
  window.sourceStarts = {};
  const poll = () => {
    const map = window.portalMap;
    for (const id of ["preview", "countries"]) {
      if (map && map.getSource(id) && !window.sourceStarts[id]) {
        window.sourceStarts[id] = {
          footprintsLoaded: map.isSourceLoaded("results"),
          footprintsDrawn: new Set(
            map.queryRenderedFeatures({ layers: ["results-fill"] }).map((feature) => feature.id)
          ).size,
        };
      }
    }
    if (Object.keys(window.sourceStarts).length < 2) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""


def test_the_preview_and_the_outlines_start_once_the_footprints_are_drawn(
    page, demo, demo_server
):
    """The footprints come first: the preview mosaic's tiles are asked for, and the country
    outlines handed to the map's GeoJSON worker, once the matching footprints are on the map.
    Asked for at once, the tile server's work on the same cores and the outlines' tiling held
    the footprints back (bench/explore_map.py)."""
    page.add_init_script(RECORD_LATER_SOURCES)
    open_explore(page, f"{demo_server}/explore/?collection=GFM&preview=1")
    page.wait_for_function("Object.keys(window.sourceStarts).length == 2", timeout=30_000)
    starts = page.evaluate("window.sourceStarts")
    listed = page.evaluate(
        "JSON.parse(document.getElementById('explore-features').textContent).features.length"
    )
    assert listed > 1
    drawn = {"footprintsLoaded": True, "footprintsDrawn": listed}
    assert starts == {"preview": drawn, "countries": drawn}, starts
    assert page.locator("#preview-status").get_attribute("data-state") == "drawn"


def test_the_preview_asks_for_its_tiles_without_a_round_trip_first(page, demo, demo_server):
    """The page carries its preview's registered tilejson: the map asks for tiles as soon as
    it can, not after registering the search and fetching the tilejson (two round trips that
    waited behind the map's first frames)."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    open_explore(page, f"{demo_server}/explore/?collection=GFM&preview=1")
    page.wait_for_selector("#map[data-preview]", state="attached", timeout=30_000)
    map_settled(page)
    tiles = [url for url in asked if "/tiles/WebMercatorQuad/" in url]
    assert tiles, asked
    assert not [url for url in asked if "/searches/register" in url or "tilejson" in url]
    status = page.locator("#preview-status")
    assert status.get_attribute("data-state") == "drawn"
