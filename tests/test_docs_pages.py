"""Documentation pages rendered from the Markdown in catalog_portal/web/docs/."""

import re

import pytest

from catalog_portal.web.docs import ORDER


@pytest.mark.parametrize("slug", ORDER)
def test_every_documentation_page_renders_with_this_portals_address(client, db, slug):
    page = client.get(f"/docs/{slug}/").content.decode()
    assert "<h1>" in page and "{portal}" not in page


def test_examples_name_the_host_the_reader_is_on(client, db):
    page = client.get("/docs/python/").content.decode()
    assert 'Client.open("http://testserver/api/v1")' in page
    assert '<pre tabindex="0"><code' in page  # a code block the keyboard scrolls


def test_docs_start_with_the_python_guide_and_refuse_unknown_pages(client, db):
    assert "Getting data with Python" in client.get("/docs/").content.decode()
    assert client.get("/docs/secrets/").status_code == 404


@pytest.mark.parametrize("slug", ORDER)
def test_every_documentation_page_is_german_for_a_german_reader(client, db, slug):
    english = client.get(f"/docs/{slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get(f"/docs/{slug}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for heading in re.findall(r"<h[12]>(.*?)</h[12]>", english):
        assert heading not in german, f"{heading!r} is still English"
    # The navigation names every page in German too.
    assert "Getting data with Python" not in german and "Daten mit Python holen" in german


@pytest.mark.parametrize("slug", ORDER)
def test_the_german_docs_show_the_same_code_as_the_english(client, db, slug):
    def code_blocks(language: str) -> list[str]:
        page = client.get(f"/docs/{slug}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return re.findall(r"<pre[^>]*><code[^>]*>.*?</code></pre>", page, re.S)

    assert code_blocks("de") == code_blocks("en") != []


@pytest.mark.parametrize(("language", "number"), [("en", "25,000"), ("de", "25.000")])
def test_the_api_page_lists_the_sortable_keys_and_this_portals_sort_limit(
    client, db, settings, language, number
):
    settings.SEARCH_SORT_SCAN_MAX_ITEMS = 25_000
    page = client.get("/docs/stac-api/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "{sort_scan_max_items}" not in page
    assert f"{number} " in page
    for key in ("datetime", "eo:cloud_cover", "id"):
        assert f"<code>{key}</code>" in page
