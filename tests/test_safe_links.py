"""URLs taken from STAC documents (providers, asset hrefs, description links) become links only
when they are http:, https:, mailto: or relative; anything else is shown as text, on the
collection and item pages, and in Chromium clicking that text runs nothing."""

import copy
from html.parser import HTMLParser

import pytest

from catalog_portal.catalog.ingest import collection_upsert, items_upsert
from catalog_portal.web.safe_urls import url_is_safe
from tests.conftest import read_json

# What an attacker writes into a STAC document, including what browsers still take for
# javascript: (case, leading spaces and control characters, tabs and newlines in the scheme).
HOSTILE = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]
HARMLESS = [
    "https://example.org/provider",
    "http://example.org/",
    "mailto:data@example.org",
    "/data/test/B04.tif",
    "relative/path.tif",
    "//example.org/protocol-relative",
    "#section",
]


class Hrefs(HTMLParser):
    """Every href (and src) of a page, as the browser will read them."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action")]


def hrefs(html: str) -> list[str]:
    parser = Hrefs()
    parser.feed(html)
    return parser.urls


def collection_with(stac_id: str, *, provider_url: str, description: str = "") -> None:
    stac = read_json("stac/collection.json")
    stac["id"] = stac_id
    stac["providers"] = [{"name": "Mallory", "url": provider_url, "roles": ["host"]}]
    stac["description"] = description or stac["description"]
    collection, _ = collection_upsert(stac=stac)
    item = copy.deepcopy(read_json("stac/item.json"))
    item.update(id="item-1", collection=stac_id)
    item["assets"] = {"evil": {"href": provider_url, "title": "Evil", "roles": ["data"]}}
    item["links"] = [{"rel": "license", "href": provider_url}]
    report = items_upsert(collection=collection, stacs=[item])
    assert not report.invalid, report.invalid


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_url_is_not_safe(url):
    assert not url_is_safe(url=url)


@pytest.mark.parametrize("url", HARMLESS)
def test_web_mail_and_relative_urls_are_safe(url):
    assert url_is_safe(url=url)


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize(
    ("path", "shown"),
    [("/collections/hostile/", "Mallory"), ("/collections/hostile/items/item-1/", "Evil")],
    ids=["provider-on-the-collection-page", "asset-on-the-item-page"],
)
def test_a_hostile_url_is_shown_as_text_not_as_a_link(client, db, url, path, shown):
    collection_with("hostile", provider_url=url)
    html = client.get(path).content.decode()
    assert shown in html
    assert url not in hrefs(html)
    assert not any(href.strip().lower().startswith(("javascript", "data:")) for href in hrefs(html))


def test_a_hostile_link_in_a_description_is_dropped(client, db):
    collection_with(
        "hostile",
        provider_url="https://example.org/",
        description="[docs](javascript:alert(1)) and [more](vbscript:msgbox(1))",
    )
    html = client.get("/collections/hostile/").content.decode()
    assert "docs" in html and "more" in html
    assert not [href for href in hrefs(html) if "script:" in href]


@pytest.mark.parametrize("url", ["https://example.org/provider", "mailto:data@example.org"])
def test_web_and_mail_urls_stay_links(client, db, url):
    collection_with("harmless", provider_url=url)
    assert url in hrefs(client.get("/collections/harmless/").content.decode())
    assert url in hrefs(client.get("/collections/harmless/items/item-1/").content.decode())


@pytest.mark.browser
def test_clicking_a_hostile_provider_runs_nothing_in_chromium(
    page, transactional_db, portal_server
):
    collection_with("hostile", provider_url="javascript:window.ran=true;alert(1)")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{portal_server}/collections/hostile/")
    page.get_by_text("Mallory").click()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.ran === undefined")

    page.goto(f"{portal_server}/collections/hostile/items/item-1/")
    page.get_by_role("tab", name="Assets").click()
    page.get_by_text("javascript:window.ran").click()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.ran === undefined")
