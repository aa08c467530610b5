"""The "Code snippet" dialog in a real Chromium over the real server with the demo catalogue:
from the explore page's button to the clipboard, with the mouse and with the keyboard, on
the item page, and on a phone. Screenshots go to tests/artifacts/."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
QUERY = "collection=GFM&start=2024-09-12&end=2024-09-20&bbox=16.43,50.75,17.88,51.31"


def open_dialog(page, button: str):
    page.get_by_role("button", name=button).click()
    dialog = page.get_by_role("dialog", name="Code snippet")
    dialog.locator("[data-snippet-code] .highlight").wait_for()
    return dialog


def test_copying_the_explore_pages_snippet_gives_the_text_its_snippets_url_returns(
    page, demo, demo_server
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{demo_server}/explore/?{QUERY}")
    dialog = open_dialog(page, "Code snippet for search results")
    dialog.get_by_role("button", name="Copy", exact=True).click()
    dialog.get_by_role("button", name="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")

    url = f"{demo_server}/snippets/search/?{QUERY}&lang=python&format=text"
    assert copied == requests.get(url, timeout=60).text
    assert copied.startswith('"""Items of Global Flood Monitoring (GFM)')

    shared = dialog.get_by_role("link", name="Link to this snippet").get_attribute("href")
    assert urlsplit(shared).path == "/snippets/search/"
    assert parse_qs(urlsplit(shared).query) == parse_qs(f"{QUERY}&lang=python")
    page.screenshot(path=ARTIFACTS / "snippet-dialog.png")


def test_the_snippet_dialog_works_with_the_keyboard(page, demo, demo_server):
    page.goto(f"{demo_server}/explore/?{QUERY}")
    opener = page.get_by_role("button", name="Code snippet for search results")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Code snippet")
    code = dialog.locator("[data-snippet-code]")
    code.locator(".highlight").wait_for()
    assert dialog.get_by_role("button", name="Close").evaluate("b => b === document.activeElement")

    page.keyboard.press("Tab")  # to the chosen language; the arrow keys choose another
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert dialog.get_by_role("radio", name="curl").is_checked()
    page.wait_for_function(
        # A function, not an expression: Playwright would eval() an expression, which the
        # pages' Content-Security-Policy refuses.
        "() => document.querySelector('[data-snippet-code]').textContent.includes('curl --fail')"
    )
    download = dialog.get_by_role("link", name="Download", exact=True).get_attribute("href")
    assert "lang=curl" in download and "format=text" in download

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert opener.evaluate("b => b === document.activeElement"), "focus returns to the button"


def test_the_item_pages_dialog_opens_one_asset_with_rioxarray(page, demo, demo_server):
    item = next(c for c in demo if c.stac["id"] == "sentinel-2-l2a").items[0]
    page.goto(f"{demo_server}/collections/sentinel-2-l2a/items/{item['id']}/")
    dialog = open_dialog(page, "Code snippet")
    assert dialog.get_by_role("radio", name="Python (one item)").is_checked()
    assert "rioxarray.open_rasterio" in dialog.locator("[data-snippet-code]").inner_text()


def test_the_snippet_dialog_fits_a_phone(page, demo, demo_server):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{demo_server}/explore/?{QUERY}")
    dialog = open_dialog(page, "Code snippet for search results")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=ARTIFACTS / "snippet-dialog-phone.png")
