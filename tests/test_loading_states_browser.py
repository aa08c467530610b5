"""What a visitor sees while the tile server draws: the explore map's preview mosaic says it is
loading and goes quiet once drawn, asks for no tile beside the items (no 404s), and says
"Preview unavailable" when every tile fails; catalogue thumbnails and gallery previews hold
their place with "Loading…" and say when they fail. Real Chromium, real server, the demo."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
MOSAIC_TILES = re.compile(r"/tiles/searches/[^/]+/tiles/")
# Every text the preview status has shown, in order (it may load too fast to catch it live).
STATUS_RECORDER = """
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("preview-status");
  window.previewStatusTexts = [];
  if (!status) return;
  new MutationObserver(() => {
    const texts = window.previewStatusTexts;
    if (texts[texts.length - 1] !== status.textContent) texts.push(status.textContent);
  }).observe(status, { childList: true, characterData: true, subtree: true });
});
"""


def preview_settled(page) -> None:
    page.wait_for_selector(
        "#preview-status:is([data-state='drawn'], [data-state='failed'], [data-state='partial'])",
        state="attached",
        timeout=60_000,
    )


# "": all datasets, whose items are drawn each with its own collection's render.
@pytest.mark.parametrize("collection", ["sentinel-2-l2a", "GFM", ""], ids=["S2", "GFM", "all"])
def test_the_preview_says_it_is_loading_then_draws_without_a_single_404(
    page, demo_server, collection
):
    tiles: list[tuple[int, str]] = []
    page.on(
        "response",
        lambda response: (
            tiles.append((response.status, response.url)) if "/tiles/" in response.url else None
        ),
    )
    page.add_init_script(STATUS_RECORDER)
    page.goto(f"{demo_server}/explore/?collection={collection}&preview=1")
    preview_settled(page)
    # A function, not an expression: Playwright evals an expression in the page while it polls,
    # which the Content Security Policy refuses.
    page.wait_for_function("() => portalMap.loaded()", timeout=30_000)

    status = page.locator("#preview-status")
    assert status.get_attribute("data-state") == "drawn"
    assert page.evaluate("window.previewStatusTexts")[:1] == ["Loading preview…"]
    assert status.inner_text() == "" and not status.is_visible(), "the status goes away"
    mosaic = [(code, url) for code, url in tiles if MOSAIC_TILES.search(url)]
    assert [code for code, _ in mosaic].count(200) >= 1, "some tiles have pixels"
    assert [url for code, url in tiles if code == 404] == []
    assert {code for code, _ in mosaic} <= {200, 204}
    assert "could not be drawn" not in page.locator("main").inner_text()
    page.screenshot(path=ARTIFACTS / f"explore-preview-drawn-{collection or 'all'}.png")


@pytest.mark.parametrize("failure", [404, 503])
def test_when_every_preview_tile_fails_the_map_says_preview_unavailable(page, demo_server, failure):
    # The tile server's answers are replaced at the network: a failure of any kind, including
    # the 404 for which MapLibre raises no error event.
    page.route(MOSAIC_TILES, lambda route: route.fulfill(status=failure, body=""))
    page.goto(f"{demo_server}/explore/?collection=sentinel-2-l2a&preview=1")
    preview_settled(page)
    # The text comes a frame after the state (so that screen readers announce it): waited for.
    expect(page.get_by_role("status").filter(has_text="Preview unavailable")).to_be_visible()
    assert page.locator("#preview-status").get_attribute("data-state") == "failed"
    page.screenshot(path=ARTIFACTS / f"explore-preview-unavailable-{failure}.png")


@pytest.mark.parametrize(
    "path, image, ratio",
    [("/catalog/", "img.card-thumb", 16 / 9), ("/gallery/", "img.gallery-preview", None)],
)
def test_tile_server_images_say_loading_in_their_place_until_they_are_in(
    page, demo_server, path, image, ratio
):
    held, released = [], []
    # The tile server's images are held back (not answered) until the test lets them go.
    page.route(
        re.compile(r"/tiles/.*\.(png|webp)"),
        lambda route: route.continue_() if released else held.append(route),
    )
    page.goto(f"{demo_server}{path}")
    first = page.locator(image).first
    frame = page.locator("[data-image-frame]").first
    assert frame.get_by_text("Loading…").is_visible()
    assert frame.get_attribute("data-state") == "loading"
    box = frame.bounding_box()
    assert box["width"] > 100
    wanted = ratio or int(first.get_attribute("width")) / int(first.get_attribute("height"))
    assert box["width"] / box["height"] == pytest.approx(wanted, rel=0.03), "room kept"

    released.append(True)
    while held:
        held.pop().continue_()
    expect(frame).to_have_attribute("data-state", "loaded", timeout=30_000)
    assert frame.get_by_text("Loading…").count() == 0
    assert first.evaluate("img => img.naturalWidth") > 0


def test_a_thumbnail_that_fails_says_so_in_its_place(page, demo_server):
    page.route(re.compile(r"/tiles/.*\.(png|webp)"), lambda route: route.fulfill(status=503))
    page.goto(f"{demo_server}/catalog/")
    frame = page.locator("[data-image-frame]").first
    page.wait_for_selector("[data-image-frame][data-state='failed']", timeout=30_000)
    expect(frame.get_by_text("Image unavailable")).to_be_visible()
    assert frame.get_by_text("Loading…").count() == 0


def test_when_some_preview_tiles_fail_the_map_says_parts_could_not_be_drawn(page, demo_server):
    def every_other_fails(route):
        x = int(route.request.url.split("?")[0].rstrip("/").split("/")[-2])
        if x % 2:
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    page.route(MOSAIC_TILES, every_other_fails)
    page.goto(f"{demo_server}/explore/?collection=GFM&preview=1")
    preview_settled(page)
    status = page.locator("#preview-status")
    assert status.get_attribute("data-state") == "partial"
    assert status.inner_text() == "Parts of the preview could not be drawn"


ROW_PREVIEWS = re.compile(r"/tiles/collections/[^/]+/items/[^/]+/preview\.png")


def test_the_rows_previews_wait_until_the_preview_mosaic_is_drawn(page, demo_server):
    # Both come from the tile server over the browser's few connections to it: the mosaic on
    # the map is what the visitor asked for, so its tiles go first.
    events: list[tuple[str, str]] = []

    def asked(request) -> None:
        if ROW_PREVIEWS.search(request.url):
            events.append(("row asked", request.url))
        elif MOSAIC_TILES.search(request.url):
            events.append(("tile asked", request.url))

    page.on("request", asked)
    page.on(
        "requestfinished",
        lambda request: (
            events.append(("tile in", request.url)) if MOSAIC_TILES.search(request.url) else None
        ),
    )
    page.goto(f"{demo_server}/explore/?collection=sentinel-2-l2a&preview=1")
    preview_settled(page)
    # The rows' images come after (a small preview of a row's own item).
    page.wait_for_function(
        "() => { const i = document.querySelector('#results li img.result-preview');"
        " return i.complete && i.naturalWidth > 0; }",
        timeout=30_000,
    )
    kinds = [kind for kind, _ in events]
    assert "row asked" in kinds
    before_rows = kinds[: kinds.index("row asked")]
    assert before_rows.count("tile in") >= 1
    assert before_rows.count("tile in") == before_rows.count("tile asked"), (
        "a row's preview was asked for while the mosaic's tiles were still loading"
    )
    assert page.locator("#preview-status").get_attribute("data-state") == "drawn"
