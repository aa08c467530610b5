"""How the pages are laid out, as a visitor sees them in a real Chromium over the demo: the
header and its menu on a phone, no page wider than the screen, the collection page's
description box and extent map, and the Dataset choices on the explore page."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
HEADER_MAX = 64  # px: a phone's header leaves the screen to the page
ORTHOPHOTOS = ("dop-kaernten-tamsweg", "dop-kaernten-klagenfurt", "dop-kaernten-osttirol")


def header_height(page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


def main_links(page):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="Data Catalogue")


# --- the header and its menu ----------------------------------------------------------------


def test_on_a_phone_the_header_is_one_row_with_a_menu_button(page, demo_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/catalog/")
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert header_height(page) <= HEADER_MAX
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.locator(f"#{menu.get_attribute('aria-controls')}").count() == 1
    assert not main_links(page).is_visible()

    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert main_links(page).is_visible()
    assert page.get_by_label("Language").is_visible()
    assert not page.get_by_role("button", name="Switch").is_visible()  # (it switches at once)
    assert header_height(page) <= HEADER_MAX  # the open menu lies over the page
    main_links(page).click()
    page.wait_for_url(re.compile(r"/catalog/$"))


def test_the_phone_menu_works_with_the_keyboard(page, demo_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/")
    menu = page.get_by_role("button", name="Menu")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false"
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")  # into the menu: its first link
    assert page.evaluate("document.activeElement.textContent") == "Explore"
    page.keyboard.press("Escape")  # closes the menu, back on its button
    assert menu.get_attribute("aria-expanded") == "false"
    assert not main_links(page).is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')")
    page.keyboard.press(" ")
    assert main_links(page).is_visible()


def test_without_javascript_the_phone_header_shows_its_links(chromium_browser, demo_server):
    context = chromium_browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{demo_server}/")
        assert main_links(page).is_visible()
        assert not page.get_by_role("button", name="Menu").is_visible()
    finally:
        context.close()


def test_on_a_desktop_the_header_shows_its_links_without_a_menu_button(page, demo_server):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{demo_server}/")
    assert main_links(page).is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert header_height(page) <= HEADER_MAX


# --- no page wider than a phone -------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/catalog/", "/docs/", "/docs/python/", "/docs/stac-api/", "/docs/tiles/", "/gallery/"],
)
def test_a_page_does_not_scroll_sideways_on_a_phone(page, demo_server, path):
    page.set_viewport_size(PHONE)
    page.goto(demo_server + path)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), page.evaluate(
        "document.scrollingElement.scrollWidth"
    )


def test_the_python_docs_code_blocks_scroll_within_themselves_on_a_phone(page, demo_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/docs/python/")
    blocks = page.locator("article pre")
    assert blocks.count() > 0
    widest = max(range(blocks.count()), key=lambda i: blocks.nth(i).evaluate("e => e.scrollWidth"))
    block = blocks.nth(widest)
    box = block.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert block.evaluate("e => e.scrollWidth > e.clientWidth")  # its long lines scroll in it
    block.focus()  # ... with the keyboard too
    page.keyboard.press("ArrowRight")
    # (Chromium scrolls smoothly: the block moves over the next frames.)
    page.wait_for_function("e => e.scrollLeft > 0", arg=block.element_handle(), timeout=5_000)


# --- the collection page --------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["GFM", "dop-kaernten-tamsweg"])
def test_the_collection_description_box_is_as_tall_as_its_text(page, demo_server, collection):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{demo_server}/collections/{collection}/")
    gap = page.locator(".collection-body .prose").evaluate(
        """(box) => {
          const last = box.lastElementChild, style = getComputedStyle(box);
          const contentBottom = last.getBoundingClientRect().bottom
            + parseFloat(getComputedStyle(last).marginBottom);
          return box.getBoundingClientRect().bottom - contentBottom
            - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth);
        }"""
    )
    assert gap <= 1, f"{gap:.0f} px of empty box below the description"


def settled_screenshot(page, locator, *, tries: int = 20) -> bytes:
    """A screenshot of ``locator`` once two taken 200 ms apart are the same (the map has
    drawn its last frame)."""
    last = locator.screenshot()
    for _ in range(tries):
        page.wait_for_timeout(200)
        now = locator.screenshot()
        if now == last:
            return now
        last = now
    raise AssertionError("the map kept changing")


def outline_pixels(png: bytes) -> tuple[Image.Image, set[tuple[int, int]]]:
    """The screenshot and its pixels of the footprint outline (#0b6e99, antialiased): blue
    well above red, unlike the faint fill, the background, the grey country borders and the
    controls' black and white."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = image.load()
    outline = {
        (x, y)
        for x in range(image.width)
        for y in range(image.height)
        if pixels[x, y][2] - pixels[x, y][0] >= 60
    }
    return image, outline


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("collection", ["GFM", "dop-kaernten-tamsweg", "sentinel-2-l2a"])
def test_the_extent_rectangle_is_whole_on_the_collection_map(
    page, demo_server, collection, viewport
):
    page.set_viewport_size(viewport)
    page.goto(f"{demo_server}/collections/{collection}/")
    container = page.locator("#extent-map")
    page.wait_for_selector("#extent-map[data-ready]", state="attached", timeout=30_000)
    # The screenshot holds what lies over the map too (zoom buttons, attribution).
    image, outline = outline_pixels(settled_screenshot(page, container))
    assert outline, "no extent outline drawn"
    xs, ys = [x for x, _ in outline], [y for _, y in outline]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    assert left > 2 and top > 2 and right < image.width - 3 and bottom < image.height - 3
    # Each side is drawn along its whole length: none is hidden under a control. A side is a
    # line of 1.5 px, antialiased: it is looked for in a band of 4 px along the extreme.
    band = range(4)
    sides = {
        "top": {(x, top + d) for x in range(left, right + 1) for d in band},
        "bottom": {(x, bottom - d) for x in range(left, right + 1) for d in band},
        "left": {(left + d, y) for y in range(top, bottom + 1) for d in band},
        "right": {(right - d, y) for y in range(top, bottom + 1) for d in band},
    }
    for name, band_pixels in sides.items():
        along = 0 if name in ("top", "bottom") else 1
        drawn = {pixel[along] for pixel in band_pixels & outline}
        length = (right - left) if along == 0 else (bottom - top)
        assert len(drawn) >= 0.9 * length, f"only {len(drawn)} of {length} px of the {name} side"


# --- the explore page's Dataset choice ------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_orthophoto_collections_look_different_in_the_dataset_choice(
    chromium_browser, demo, portal_server, demo_user, viewport
):
    """The closed Dataset menu shows as much of the chosen collection's name as fits: the
    three orthophoto blocks (one restricted: signed in) must not look the same there."""
    from tests.conftest import session_cookie

    context = chromium_browser.new_context(viewport=viewport)
    context.add_cookies(
        [
            {"name": name, "value": value, "url": portal_server}
            for name, value in session_cookie(demo_user).items()
        ]
    )
    try:
        page = context.new_page()
        pictures = set()
        for collection in ORTHOPHOTOS:
            page.goto(f"{portal_server}/explore/?collection={collection}")
            choice = page.get_by_label("Dataset")
            assert choice.input_value() == collection
            pictures.add(choice.screenshot())
        assert len(pictures) == len(ORTHOPHOTOS)
        texts = page.locator("#collection option").all_inner_texts()
        assert len(set(texts)) == len(texts)
        assert (
            "Orthofotos Flugblock Tamsweg — Digital Orthophotos (DOP) Austria - Land Kärnten"
            in texts
        )
        assert "Global Flood Monitoring (GFM)" in texts  # a title without a series: as it is
    finally:
        context.close()
