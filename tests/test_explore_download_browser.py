"""Downloading the explore page's results in a real Chromium: the GeoJSON link saves a file
whose items are the ones the page lists, in its order."""

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_the_geojson_link_downloads_the_items_the_page_lists(
    page, transactional_db, demo, portal_server
):
    page.goto(f"{portal_server}/explore/?collection=dop-kaernten-tamsweg&start=2021-01-01")
    page.wait_for_selector("#map[data-ready]", state="attached", timeout=30_000)
    listed = page.locator("#results .result-id").all_inner_texts()
    assert len(listed) > 1
    group = page.get_by_role("group", name="Download results:")
    with page.expect_download() as downloading:
        group.get_by_role("link", name="GeoJSON").click()
    download = downloading.value
    name = download.suggested_filename
    assert re.fullmatch(r"dop-kaernten-tamsweg-\d{4}-\d\d-\d\d\.geojson", name), name
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert [feature["id"] for feature in document["features"]] == listed
    assert {feature["collection"] for feature in document["features"]} == {"dop-kaernten-tamsweg"}
    # The page stays where it was: a download is not a navigation.
    assert "/explore/?" in page.url
