"""The explore form and its results in a real Chromium over the demo: filters apply on Apply or
Enter (never half-way through typing), the focus comes back to where the visitor was, results
sit beside the map, phones switch between map and list, rows sort and page as chosen, and an
empty search says which dates have items."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
S2 = "sentinel-2-l2a"


@pytest.fixture
def tab(chromium_browser):
    """A tab in US English (the date inputs' segments are month/day/year), offline like the
    shared ``page`` fixture."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    yield context.new_page()
    context.close()


def explore(tab, server: str, query: str) -> None:
    tab.goto(f"{server}/explore/?{query}")
    tab.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    mark_page(tab)


def mark_page(tab) -> None:
    """Mark the loaded document: the mark is gone once the browser has loaded another."""
    tab.evaluate("window.samePage = true")


def still_same_page(tab) -> bool:
    tab.wait_for_timeout(700)  # time enough for a submit to have started a navigation
    return tab.evaluate("window.samePage === true")


def query_of(tab) -> dict[str, list[str]]:
    return parse_qs(urlsplit(tab.url).query)


def focused(tab) -> str:
    """The focused element as ``tag#id[name]`` with its class."""
    return tab.evaluate(
        "(() => { const e = document.activeElement;"
        " return `${e.tagName.toLowerCase()}#${e.id}[${e.name || ''}].${e.className}`; })()"
    )


def test_typing_a_date_applies_only_on_enter_and_keeps_the_focus(tab, demo_server):
    explore(tab, demo_server, f"collection={S2}")
    start = tab.get_by_label("From", exact=True)
    start.focus()
    tab.keyboard.type("06012021")
    assert still_same_page(tab), "typing the date reloaded the page"
    assert start.input_value() == "2021-06-01"
    assert tab.locator("#pending-hint").is_visible()

    with tab.expect_navigation(url=re.compile(r"start=2021-06-01")):
        tab.keyboard.press("Enter")
    assert query_of(tab) == {"collection": [S2], "start": ["2021-06-01"]}  # no empty fields
    assert focused(tab).startswith("input#[start]")
    assert tab.get_by_label("From", exact=True).input_value() == "2021-06-01"


def test_arrow_keys_on_the_dataset_list_do_not_reload_and_enter_applies(tab, demo_server):
    explore(tab, demo_server, "")
    dataset = tab.get_by_label("Dataset")
    dataset.focus()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowDown")
    assert still_same_page(tab), "moving through the closed list reloaded the page"
    chosen = dataset.input_value()
    assert chosen

    with tab.expect_navigation(url=re.compile(rf"collection={re.escape(chosen)}")):
        tab.keyboard.press("Enter")
    assert focused(tab).startswith("select#collection")
    assert tab.get_by_label("Dataset").input_value() == chosen


def test_a_dataset_picked_with_the_pointer_applies_at_once(tab, demo_server):
    explore(tab, demo_server, "")
    dataset = tab.get_by_label("Dataset")
    # The native list opens outside the page; its pick reaches the page as this pair.
    dataset.dispatch_event("pointerdown")
    with tab.expect_navigation(url=re.compile(r"collection=GFM")):
        dataset.select_option("GFM")


def test_apply_moves_the_focus_to_the_results_count(tab, demo_server):
    explore(tab, demo_server, f"collection={S2}")
    tab.get_by_label("To", exact=True).fill("2021-06-30")
    assert still_same_page(tab)
    with tab.expect_navigation(url=re.compile(r"end=2021-06-30")):
        tab.get_by_role("button", name="Apply filters").click()
    assert focused(tab).startswith("p#[].result-count")
    count = tab.locator(".result-count").inner_text()
    assert re.fullmatch(r"Showing \d+ items that matched your filter", count), count


def test_a_date_outside_the_collection_is_marked_and_its_empty_search_offers_the_dates(
    tab, demo_server
):
    explore(tab, demo_server, f"collection={S2}")
    start = tab.get_by_label("From", exact=True)
    assert (start.get_attribute("min"), start.get_attribute("max")) == ("2021-04-03", "2021-09-25")
    plain = start.evaluate("input => getComputedStyle(input).borderColor")
    start.focus()
    tab.keyboard.type("01012024")
    assert start.evaluate("input => input.matches(':out-of-range')")
    assert start.evaluate("input => getComputedStyle(input).borderColor") != plain
    # Still a search one may make (a wider range is fine): it finds nothing, and says why.
    with tab.expect_navigation(url=re.compile(r"start=2024-01-01")):
        tab.keyboard.press("Enter")
    assert (
        tab.get_by_role("status").first.inner_text() == "Showing 0 items that matched your filter"
    )
    assert tab.get_by_text("This collection has items from 2021-04-03 to 2021-09-25").is_visible()
    tab.screenshot(path=ARTIFACTS / "explore-empty-state.png")
    with tab.expect_navigation(url=re.compile(r"start=2021-04-03")):
        tab.get_by_role("link", name="search those dates").click()
    assert query_of(tab) == {"collection": [S2], "start": ["2021-04-03"], "end": ["2021-09-25"]}
    assert tab.locator("#results li").count() == 20
    assert focused(tab).startswith("p#[].result-count")


def first_row_in_view(tab) -> dict:
    return tab.evaluate(
        "(() => { const r = document.querySelector('#results li').getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, width: innerWidth,"
        " height: innerHeight, scrolls: document.documentElement.scrollHeight > innerHeight}; })()"
    )


def test_results_sit_beside_the_map_on_a_desktop_screen(tab, demo_server):
    explore(tab, demo_server, f"collection={S2}")
    box = first_row_in_view(tab)
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box
    assert not box["scrolls"], "the page scrolls: the results are below the fold"
    map_box = tab.locator("#map").bounding_box()
    assert box["left"] >= map_box["x"] + map_box["width"]  # beside the map, not under it

    tab.get_by_text("Properties").click()  # all the property filters open
    assert tab.get_by_label("Platform", exact=True).is_visible()
    box = first_row_in_view(tab)
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box
    tab.screenshot(path=ARTIFACTS / "explore-desktop-properties-open.png")

    # A property filter set opens Properties at load: the first row is still in view.
    explore(tab, demo_server, f"collection={S2}&p.eo:cloud_cover.max=50")
    box = first_row_in_view(tab)
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box


def test_rows_show_a_preview_and_the_cloud_cover(tab, demo_server):
    explore(tab, demo_server, f"collection={S2}")
    row = tab.locator("#results li").first
    preview = row.locator("img.result-preview")
    assert preview.get_attribute("alt") == "Image preview"
    tab.wait_for_function(
        "() => { const i = document.querySelector('#results li img.result-preview');"
        " return i.complete && i.naturalWidth > 0; }",
        timeout=30_000,
    )
    assert re.search(r"Cloud Cover: [\d.]+ %", row.inner_text())


def test_a_phone_switches_between_the_list_and_the_map(tab, demo_server):
    tab.set_viewport_size({"width": 390, "height": 844})
    explore(tab, demo_server, f"collection={S2}")
    switch = tab.get_by_role("group", name="View")
    list_button = switch.get_by_role("button", name="List")
    map_button = switch.get_by_role("button", name="Map")
    assert list_button.get_attribute("aria-pressed") == "true"
    assert tab.locator("#results").is_visible()
    assert not tab.locator("#map").is_visible()

    map_button.click()
    assert map_button.get_attribute("aria-pressed") == "true"
    assert not tab.locator("#results").is_visible()
    box = tab.locator("#map").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844 + 1 and box["height"] > 600, box
    assert switch.is_visible()  # the switch stays on screen above the map
    tab.screenshot(path=ARTIFACTS / "explore-phone-map.png")
    # The map drew at its size: its canvas is as large as the pane.
    assert tab.evaluate("portalMap.getCanvas().clientHeight") == pytest.approx(box["height"], abs=2)

    list_button.click()
    assert tab.locator("#results").is_visible()
    assert not tab.locator("#map").is_visible()
    assert tab.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    tab.screenshot(path=ARTIFACTS / "explore-phone-list.png", full_page=True)


def cloud_covers(tab) -> list[float]:
    texts = tab.locator("#results li .result-facts").all_inner_texts()
    return [float(re.search(r"Cloud Cover: ([\d.]+) %", text).group(1)) for text in texts]


def test_sort_changes_the_order_of_the_rows(tab, demo_server):
    explore(tab, demo_server, f"collection={S2}")
    times = tab.locator("#results time").all_inner_texts()
    assert times == sorted(times, reverse=True)  # newest first

    sort = tab.get_by_label("Sort")
    sort.select_option(label="Cloud Cover: highest first")
    assert still_same_page(tab)
    with tab.expect_navigation(url=re.compile(r"sort=-eo%3Acloud_cover")):
        sort.press("Enter")
    covers = cloud_covers(tab)
    assert covers == sorted(covers, reverse=True) and covers[0] > covers[-1], covers
    assert focused(tab).startswith("select#sort")

    tab.get_by_label("Sort").select_option(label="Oldest first")
    with tab.expect_navigation(url=re.compile(r"sort=datetime")):
        tab.get_by_role("button", name="Apply filters").click()
    times = tab.locator("#results time").all_inner_texts()
    assert times == sorted(times) and times[0] < times[-1]
    assert times[0].startswith("2021-04-03")


def test_the_page_size_changes_the_number_of_rows(tab, demo_server):
    explore(tab, demo_server, f"collection={S2}")
    assert tab.locator("#results li").count() == 20
    size = tab.get_by_label("Per page")
    size.select_option("50")
    with tab.expect_navigation(url=re.compile(r"limit=50")):
        size.press("Enter")
    assert tab.locator("#results li").count() == 50
    with tab.expect_navigation(url=re.compile(r"token=")):
        tab.get_by_role("link", name="Next →").click()
    assert query_of(tab)["limit"] == ["50"]
    assert tab.locator("#results li").count() == 50
    assert focused(tab).startswith("p#[].result-count")
