"""What a visitor does on the portal, in a real Chromium over the real server with the demo
catalogue: catalogue → collection → explore with filters → item over the map; links that
restore their state; the interface in German. Screenshots go to tests/artifacts/."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
TAMSWEG = "Orthofotos Flugblock Tamsweg"


def map_ready(page) -> None:
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)


def test_from_the_catalogue_to_an_orthophoto_over_the_map(
    page, transactional_db, demo, portal_server
):
    page.goto(f"{portal_server}/catalog/")
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Orthofotos").click()
    page.wait_for_url(re.compile(r"tab=orthofotos"))
    page.screenshot(path=ARTIFACTS / "journey-1-catalogue-orthofotos.png", full_page=True)
    page.get_by_role("link", name=re.compile(TAMSWEG)).click()

    page.get_by_role("heading", name=re.compile(TAMSWEG)).wait_for()
    page.screenshot(path=ARTIFACTS / "journey-2-collection.png", full_page=True)
    page.get_by_role("link", name="Explore these items").click()
    map_ready(page)
    count = page.get_by_role("status")
    assert count.inner_text() == "Showing 6 items that matched your filter"

    # September 2021 and no clouds, applied together: the URL holds the state.
    page.get_by_label("From", exact=True).fill("2021-09-01")
    page.get_by_label("To", exact=True).fill("2021-09-30")
    page.get_by_text("Properties").click()
    page.get_by_label("Wolken").select_option("false")
    with page.expect_navigation(url=re.compile(r"start=2021-09-01&end=2021-09-30&p.wolken=false")):
        page.get_by_role("button", name="Apply filters").click()
    map_ready(page)
    filtered = count.inner_text()
    assert re.fullmatch(r"Showing [1-5] items? that matched your filter", filtered), filtered
    rows = page.locator("#results li")
    assert rows.count() == int(filtered.split()[1])

    # Hovering a row lights up the row and that item's own footprint, as the map draws it.
    rows.first.hover()
    assert "highlight" in rows.first.get_attribute("class")
    first_id = rows.first.locator(".result-id").inner_text()
    lit = page.evaluate(
        "() => portalMap.queryRenderedFeatures({layers: ['results-line']})"
        ".filter((f) => f.state.highlight).map((f) => f.properties.id)"
    )
    assert set(lit) == {first_id}
    page.wait_for_timeout(300)  # let the map repaint before the picture
    page.screenshot(path=ARTIFACTS / "journey-3-explore-filtered.png")

    # The URL is the state: a reload restores form, count and list.
    state_url = page.url
    page.reload()
    map_ready(page)
    assert page.get_by_role("status").inner_text() == filtered
    assert page.get_by_label("From", exact=True).input_value() == "2021-09-01"
    assert page.get_by_label("Wolken").input_value() == "false"
    assert parse_qs(urlsplit(state_url).query)["collection"] == ["dop-kaernten-tamsweg"]

    # The preview mosaic: the same search, registered with the tile server, drawn on the map.
    with page.expect_navigation(url=re.compile(r"preview=1")):
        page.get_by_label("Show image previews on the map").check()
    page.wait_for_selector("#map[data-preview]", state="attached", timeout=30_000)
    assert page.evaluate("!!portalMap.getLayer('preview')")
    state_url = page.url

    item_id = rows.first.locator(".result-id").inner_text()
    # The orthophoto is drawn from the item's tilejson: real image tiles, not empty answers.
    with page.expect_response(
        lambda r: (
            "/tiles/collections/" in r.url
            and "/tiles/WebMercatorQuad/" in r.url
            and r.status == 200
        ),
        timeout=30_000,
    ) as first_tile:
        rows.first.get_by_role("link").click()
    # (TiTiler answers JPEG for tiles without transparent pixels, PNG otherwise.)
    assert first_tile.value.headers["content-type"] in ("image/png", "image/jpeg")
    assert len(first_tile.value.body()) > 1_000
    page.get_by_role("heading", name=item_id).wait_for()
    map_ready(page)
    assert page.evaluate("!!portalMap.getLayer('item-tiles')")
    epsg = page.get_by_role("row", name=re.compile("EPSG Code")).get_by_role("link")
    assert epsg.inner_text() == "EPSG:31255"
    assert epsg.get_attribute("href") == "https://epsg.io/31255"
    assert page.get_by_role("row", name=re.compile("Wolken")).inner_text().endswith("✗")
    page.screenshot(path=ARTIFACTS / "journey-4-item.png")

    page.go_back()
    map_ready(page)
    assert page.url == state_url
    # The results' count (the preview's own status may be saying it is loading beside it).
    assert page.get_by_role("status").filter(has_text="Showing").inner_text() == filtered


def test_the_item_page_assets_tab_offers_downloads(page, demo, demo_server):
    item = next(c for c in demo if c.stac["id"] == "sentinel-2-l2a").items[0]
    page.goto(f"{demo_server}/collections/sentinel-2-l2a/items/{item['id']}/")
    page.get_by_role("tab", name="Assets").click()
    assert page.get_by_role("tabpanel", name="Assets").is_visible()
    downloads = page.get_by_role("link", name="Download")
    assert downloads.count() == len(item["assets"])
    assert downloads.first.get_attribute("href").startswith(f"{demo_server}/data/")
    page.keyboard.press("ArrowLeft")  # tabs follow the arrow keys
    assert page.get_by_role("tabpanel", name="Metadata").is_visible()


def test_switching_to_german_changes_the_interface(page, demo, demo_server):
    page.goto(f"{demo_server}/explore/")
    page.get_by_label("Language").select_option("de")
    page.wait_for_load_state()
    page.get_by_role("heading", name="Erkunden").wait_for()
    assert page.get_attribute("html", "lang") == "de"
    assert page.get_by_role("link", name="Datenkatalog").is_visible()
    page.screenshot(path=ARTIFACTS / "journey-german-explore.png")


def test_explore_and_item_pages_fit_a_phone(page, demo, demo_server):
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/explore/?collection=GFM", "/collections/GFM/"):
        page.goto(demo_server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
    page.screenshot(path=ARTIFACTS / "collection-phone.png", full_page=True)


def test_the_gallery_shows_drawn_previews_and_copies_an_example(page, demo, demo_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{demo_server}/catalog/")
    page.get_by_role("link", name="Gallery").click()
    page.get_by_role("heading", name="Maximum flood extent").wait_for()
    previews = page.locator("img.gallery-preview")
    previews.last.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.gallery-preview')]"
        ".every((img) => img.complete && img.naturalWidth === 512)",
        timeout=60_000,
    )
    assert previews.count() == 3
    button = page.get_by_role("button", name="Copy code").first
    button.click()
    page.get_by_role("button", name="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith('"""Maximum flood extent')
    assert f'API_URL = "{demo_server}/api/v1"' in copied
    page.get_by_text("Code: flood_maximum_extent.py").click()  # <details> opens
    assert page.locator("details.gallery-code pre").first.is_visible()
    page.screenshot(path=ARTIFACTS / "gallery.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=ARTIFACTS / "gallery-phone.png", full_page=True)
