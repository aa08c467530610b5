"""Every page of the demo in German, as a German reader sees it: the interface's own words
(labels, roles, headings, the map's controls) are German; only the catalogue's data (titles,
descriptions, ids, values) stays as its publisher wrote it."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from catalog_portal.catalog.models import Collection, Item
from catalog_portal.web.docs import ORDER

# Interface words a German page showed in English (issue 16), each as it appeared.
ENGLISH = [
    "Common Name",  # band sub-labels of eo:bands
    "Center Wavelength",
    "producer",  # provider roles
    "licensor",
    "processor",
    "data, visual",  # asset roles
    "data, reflectance",
    "data, backscatter",
    "Mgrs Tile",  # the Sentinel-2 extension's fields
    "Processing Baseline",
    "Ground Sample Distance",  # explanations, in title attributes
    "Relative Orbit Number",
    "Code: ",  # the gallery's code summaries
    "Getting data with Python",  # the docs
    "Find items",
    "Load pixels",
]


def visible_words(page: str) -> str:
    """The page's text and the attributes people hear or see (labels, titles, alt texts),
    without scripts, styles and code, which are not translated."""
    page = re.sub(r"(?s)<(script|style|pre)\b[^>]*>.*?</\1>", " ", page)
    attributes = re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', page)
    text = re.sub(r"(?s)<[^>]+>", "\n", page)
    return html.unescape("\n".join([text, *attributes]))


def demo_pages() -> list[str]:
    pages = ["/", "/catalog/", "/explore/", "/gallery/", "/accounts/profile/"]
    pages += [f"/docs/{slug}/" for slug in ORDER]
    for collection in Collection.objects.order_by("stac_id"):
        item = Item.objects.filter(collection=collection).order_by("stac_id").first()
        pages += [
            f"/collections/{collection.stac_id}/",
            f"/collections/{collection.stac_id}/items/{item.stac_id}/",
            f"/explore/?collection={collection.stac_id}",
        ]
    return pages


def test_every_demo_page_in_german_has_no_english_interface_words(demo, demo_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(demo_user)  # the owner's view: the access list and the share form too
    Collection.objects.filter(stac_id="dop-kaernten-osttirol").update(owner=demo_user)
    found = {}
    for url in demo_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        words = visible_words(response.content.decode())
        for english in ENGLISH:
            if english in words:
                found.setdefault(english, url)
    assert found == {}, f"English on German pages (word: first page): {found}"


def test_the_same_pages_in_english_still_say_it_in_english(demo, demo_user):
    """The translation replaces words; English readers keep STAC Browser's labels."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(demo_user)
    collection = client.get("/collections/sentinel-2-l2a/").content.decode()
    assert "Common Name" in collection and "Wavelength" in collection
    assert "(Producer, Licensor)" in collection and "Data" in collection
    item = Item.objects.filter(collection__stac_id="sentinel-2-l2a").first()
    page = client.get(f"/collections/sentinel-2-l2a/items/{item.stac_id}/").content.decode()
    assert "Processing Baseline" in page and "Data, Reflectance" in page


@pytest.mark.parametrize("language, labels", [
    ("de", {"Vergrößern", "Verkleinern", "Quellenangaben ein-/ausblenden", "Karte"}),
    ("en", {"Zoom in", "Zoom out", "Toggle attribution", "Map"}),
])  # fmt: skip
def test_the_map_controls_speak_the_pages_language(demo_server, page, language, labels):
    page.context.set_extra_http_headers({"Accept-Language": language})
    for url in ("/explore/?collection=GFM", "/collections/GFM/"):
        page.goto(f"{demo_server}{url}")
        page.wait_for_selector(".maplibregl-ctrl-attrib-button", state="attached")
        named = page.evaluate(
            """() => [...document.querySelectorAll(
                ".maplibregl-ctrl button, .maplibregl-ctrl-attrib-button, .maplibregl-canvas")]
              .flatMap(e => [e.getAttribute("aria-label"), e.getAttribute("title")])
              .filter(Boolean)"""
        )
        assert labels <= set(named), (url, named)
