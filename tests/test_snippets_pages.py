"""The /snippets/ pages: highlighted code with a language switch, the files themselves,
400 for bad parameters, 404 for what the visitor may not see, and the "Code snippet" dialogs
of the explore, collection and item pages."""

import html
import re

import pytest

from catalog_portal.catalog.ingest import collection_stats_refresh


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    orthos = make_collection("orthos")
    for n in range(3):
        date = f"2021-09-0{1 + n}T10:00:00Z"
        make_item(orthos, f"tile-{n}", datetime=date, wolken=n == 1, max_gsd=10 + n)
    collection_stats_refresh(collection=orthos)
    secret = make_collection("secret", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item")
    collection_stats_refresh(collection=secret)
    return orthos


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:500]
    return response


def test_the_snippet_page_shows_the_code_highlighted_with_a_language_switch(client, catalogue):
    page = get(client, "/snippets/search/?collection=orthos&p.wolken=true").content.decode()
    assert '<div class="highlight"><pre>' in page, "highlighted by Pygments"
    assert '<span class="kn">import</span>' in page
    assert 'href="?collection=orthos&amp;p.wolken=true&amp;lang=curl">curl</a>' in page
    assert '&amp;lang=python" aria-current="page">Python</a>' in page
    assert 'href="http://testserver/explore/?collection=orthos&amp;p.wolken=true"' in page


def test_the_copy_button_copies_exactly_the_text_form(client, catalogue):
    for lang in ("python", "curl", "javascript"):
        base = f"/snippets/search/?collection=orthos&start=2021-09-02&lang={lang}"
        page = get(client, base).content.decode()
        copied = html.unescape(re.search(r'data-copy="([^"]*)"', page).group(1))
        assert copied == get(client, base + "&format=text").content.decode(), lang


@pytest.mark.parametrize(
    ("lang", "name", "media_type", "disposition"),
    [
        ("python", "orthos-search.py", "text/plain", "inline"),
        ("python-item", "orthos-search-item.py", "text/plain", "inline"),
        ("curl", "orthos-search.sh", "text/plain", "inline"),
        ("javascript", "orthos-search.js", "text/plain", "inline"),
        ("notebook", "orthos-search.ipynb", "application/x-ipynb+json", "attachment"),
    ],
)
def test_the_text_form_is_the_file_with_its_name(
    client, catalogue, lang, name, media_type, disposition
):
    response = get(client, f"/snippets/search/?collection=orthos&lang={lang}&format=text")
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'


def test_the_search_snippet_uses_this_portals_api_and_the_pages_search(client, catalogue):
    code = get(
        client, "/snippets/search/?collection=orthos&start=2021-09-02&p.wolken=true&format=text"
    ).content.decode()
    assert 'catalog = Client.open("http://testserver/api/v1")' in code
    assert 'collections=["orthos"]' in code
    assert '{"op": "=", "args": [{"property": "wolken"}, True]}' in code
    assert 'time_range = ["2021-09-02T00:00:00Z", ".."]' in code


def test_collections_and_items_have_snippets_of_their_own(client, catalogue):
    collection = get(client, "/snippets/collections/orthos/?format=text").content.decode()
    assert 'search = catalog.search(collections=["orthos"], limit=100)' in collection
    item = get(client, "/snippets/collections/orthos/items/tile-1/?format=text")
    assert 'ids=["tile-1"]' in item.content.decode()
    assert item["Content-Disposition"] == 'inline; filename="tile-1-item.py"', "one item's asset"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=cobol", "lang: &#x27;cobol&#x27; is not one of python, python-item"),
        ("format=pdf", "format: is one of html, text"),
        ("start=yesterday", "start: &#x27;yesterday&#x27; is not a date"),
        ("start=2021-09-10&end=2021-09-01", "start: the start date is after the end date"),
        ("bbox=1,2,3", "bbox: is west,south,east,north"),
        ("collection=orthos&p.wolken=maybe", "p.wolken: is true or false"),
        ("collection=orthos&p.max_gsd.max=lots", "is not a number"),
    ],
)
def test_bad_parameters_are_answered_400_with_the_reason(client, catalogue, query, message):
    response = get(client, f"/snippets/search/?{query}", status=400)
    page = response.content.decode()
    assert 'role="alert"' in page and message in page
    if "format=" in query:
        # The format itself is the bad parameter, so no text answer can be asked for: the
        # reason comes as the HTML page.
        assert response["Content-Type"].startswith("text/html")
    else:
        text = get(client, f"/snippets/search/?{query}&format=text", status=400)
        assert text["Content-Type"].startswith("text/plain")
        assert html.unescape(message) in text.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/snippets/search/?collection=nope",
        "/snippets/search/?collection=secret",
        "/snippets/collections/nope/",
        "/snippets/collections/secret/",
        "/snippets/collections/orthos/items/nope/",
        "/snippets/collections/secret/items/secret-item/",
    ],
)
def test_unknown_and_invisible_collections_and_items_are_404(client, charlie, catalogue, url):
    get(client, url, status=404)
    client.force_login(charlie)  # signed in, but not granted
    get(client, url, status=404)


def test_a_granted_user_gets_snippets_that_send_the_api_token(client, bob, catalogue):
    client.force_login(bob)
    page = get(client, "/snippets/collections/secret/").content.decode()
    assert "This data is restricted" in page and "<code>CATALOG_PORTAL_TOKEN</code>" in page
    code = get(client, "/snippets/search/?collection=secret&format=text").content.decode()
    assert 'os.environ.get("CATALOG_PORTAL_TOKEN")' in code
    public = get(client, "/snippets/search/?collection=orthos&format=text").content.decode()
    assert "CATALOG_PORTAL_TOKEN" not in public, "public data needs no token"


@pytest.mark.parametrize(
    "url",
    [
        "/snippets/search/?collection=orthos&start=2021-09-01&p.wolken=false",
        "/snippets/search/?start=2021-09-01",
        "/snippets/collections/orthos/?lang=notebook&format=text",
        "/snippets/collections/orthos/items/tile-1/?lang=curl",
    ],
)
def test_each_snippet_makes_a_constant_number_of_queries(
    client, bob, catalogue, django_assert_max_num_queries, url
):
    client.force_login(bob)
    # session and user, the collections (with their newest item's id), one item
    with django_assert_max_num_queries(4):
        get(client, url)


def test_the_explore_page_offers_the_snippet_of_its_search(client, catalogue):
    page = get(client, "/explore/?collection=orthos&p.wolken=true&preview=1").content.decode()
    assert "Code snippet for search results" in page
    assert 'data-url="/snippets/search/?collection=orthos&amp;p.wolken=true"' in page
    assert '<dialog id="snippet-dialog"' in page
    assert 'value="python" checked' in page


def test_the_collection_and_item_pages_offer_their_snippets(client, catalogue):
    page = get(client, "/collections/orthos/").content.decode()
    assert 'data-url="/snippets/collections/orthos/"' in page
    page = get(client, "/collections/orthos/items/tile-1/").content.decode()
    assert 'data-url="/snippets/collections/orthos/items/tile-1/"' in page
    assert 'value="python-item" checked' in page, "an item's snippet opens one asset"


def test_the_snippet_pages_are_translated(client, catalogue):
    page = client.get("/snippets/search/?collection=orthos", HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()
    assert "Code-Schnipsel" in text and "Python (ein Element)" in text
    explore = client.get("/explore/?collection=orthos", HTTP_ACCEPT_LANGUAGE="de")
    assert "Code-Schnipsel für die Suchergebnisse" in explore.content.decode()
