"""The explore page: filters from the URL, the matching items and their count, and a clear
400 for filters that cannot be searched."""

import json
import re
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from catalog_portal.catalog.ingest import collection_stats_refresh
from catalog_portal.tiles.models import RegisteredSearch
from catalog_portal.web.explore import explore_state


@pytest.fixture
def orthos(make_collection, make_item, granted_group):
    collection = make_collection("orthos")
    for n in range(12):
        make_item(
            collection,
            f"tile-{n:02d}",
            datetime=f"2021-09-{1 + n:02d}T10:00:00Z",
            wolken=n % 3 == 0,
            max_gsd=10 + n,
            **{"eo:cloud_cover": n * 5.5},
        )
    collection_stats_refresh(collection=collection)
    secret = make_collection("secret", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item")
    return collection


def page(client, query: str, status: int = 200) -> str:
    response = client.get(f"/explore/?{query}")
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def test_explore_lists_the_collections_items_newest_first(client, orthos):
    html = page(client, "collection=orthos")
    assert "Showing 12 items that matched your filter" in html
    assert html.index("tile-11") < html.index("tile-10")
    assert 'href="/collections/orthos/items/tile-11/"' in html


def test_dates_and_a_boolean_property_narrow_the_results(client, orthos):
    html = page(client, "collection=orthos&start=2021-09-01&end=2021-09-06&p.wolken=true")
    assert "Showing 2 items that matched your filter" in html  # tile-00 and tile-03
    assert "tile-03" in html and "tile-00" in html and "tile-06" not in html


def test_a_numeric_range_narrows_the_results(client, orthos):
    html = page(client, "collection=orthos&p.max_gsd.max=15")
    assert "Showing 6 items that matched your filter" in html


def test_the_form_shows_the_state_of_the_url(client, orthos):
    html = page(client, "collection=orthos&start=2021-09-01&p.wolken=false&p.max_gsd.min=12")
    assert '<option value="orthos" selected>' in html
    assert 'name="start" value="2021-09-01"' in html
    assert '<option value="false" selected>' in html
    assert 'name="p.max_gsd.min" value="12"' in html


def test_pages_link_with_the_whole_state_and_a_token(client, orthos, monkeypatch):
    monkeypatch.setattr("catalog_portal.web.explore.PAGE_SIZE", 5)
    html = page(client, "collection=orthos&p.wolken=false")
    assert 'rel="next" href="?collection=orthos&amp;p.wolken=false&amp;token=' in html
    next_href = html.split('rel="next" href="?')[1].split('"')[0].replace("&amp;", "&")
    second = page(client, next_href)
    assert 'rel="prev"' in second
    assert "Showing 8 items that matched your filter" in second


def test_property_filters_become_cql2_json(orthos):
    state = explore_state(
        QueryDict("p.wolken=true&p.max_gsd.min=11&p.max_gsd.max=14.5"),
        queryables=orthos.queryables,
    )
    assert state.cql2() == {
        "op": "and",
        "args": [
            {"op": ">=", "args": [{"property": "max_gsd"}, 11]},
            {"op": "<=", "args": [{"property": "max_gsd"}, 14.5]},
            {"op": "=", "args": [{"property": "wolken"}, True]},
        ],
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("collection=nope", "collection: no such collection"),
        ("collection=secret", "collection: no such collection"),
        ("start=yesterday", "start: &#x27;yesterday&#x27; is not a date"),
        ("start=2021-09-10&end=2021-09-01", "start: the start date is after the end date"),
        ("bbox=1,2,3", "bbox: is west,south,east,north"),
        ("collection=orthos&p.wolken=maybe", "p.wolken: is true or false"),
        ("collection=orthos&p.max_gsd.max=lots", "p.max_gsd.max: &#x27;lots&#x27; is not a number"),
    ],
)
def test_bad_filters_are_answered_400_with_the_reason(client, orthos, query, message):
    html = page(client, query, status=400)
    assert 'role="alert"' in html and message in html


def test_restricted_items_are_listed_only_for_granted_users(client, orthos, bob):
    assert "secret-item" not in page(client, "")
    client.force_login(bob)
    assert "secret-item" in page(client, "collection=secret")


def test_explore_makes_a_constant_number_of_queries(client, orthos, django_assert_max_num_queries):
    # The visitor's collections (read once for the form, the search and the count), the page
    # of items and their count.
    with django_assert_max_num_queries(3):
        page(client, "collection=orthos&start=2021-09-01&p.wolken=false&p.max_gsd.max=19")


def test_explore_reads_the_visitors_scope_once_signed_in_or_not(
    client, orthos, bob, django_assert_max_num_queries
):
    filtered = "collection=orthos&start=2021-09-01&p.wolken=false&p.max_gsd.max=19"
    with django_assert_max_num_queries(3):
        assert "Showing 6 items that matched your filter" in page(client, filtered)
    with django_assert_max_num_queries(3):
        assert "Showing 12 items" in page(client, "")
    client.force_login(bob)
    # Signed in, Django first reads the session and its user: then the same three.
    with django_assert_max_num_queries(5):
        html = page(client, filtered)
    assert "Showing 6 items that matched your filter" in html
    assert '<option value="secret"' in html
    with django_assert_max_num_queries(5):
        assert "secret-item" in page(client, "collection=secret")


def test_the_map_preview_is_the_same_search_registered_with_the_tiler(
    client, orthos, django_assert_max_num_queries
):
    """The page registers its search as it is rendered and carries the mosaic's tilejson, so
    that the map asks for tiles at once; a second visit finds it registered."""
    query = "collection=orthos&start=2021-09-01&p.wolken=true&preview=1"
    html = page(client, query)
    assert 'id="preview-toggle"' in html and "checked" in html.split('id="preview-toggle"')[1][:300]
    layer = json.loads(
        html.split('<script id="explore-preview" type="application/json">')[1].split("</script>")[0]
    )
    search = RegisteredSearch.objects.get(id=layer["id"]).query
    assert search == {
        "collections": ["orthos"],
        "datetime": "2021-09-01T00:00:00Z/..",
        "filter": {"op": "=", "args": [{"property": "wolken"}, True]},
        "filter-lang": "cql2-json",
    }
    assert layer["tiles"] == [
        f"/tiles/searches/{layer['id']}/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}"
    ]
    # The preview adds the registered check and the items' extent to the page's queries.
    with django_assert_max_num_queries(5):
        page(client, query)


def test_without_the_preview_the_page_registers_nothing(client, orthos):
    html = page(client, "collection=orthos")
    assert 'id="explore-preview"' not in html
    assert not RegisteredSearch.objects.exists()


def result_ids(html: str) -> list[str]:
    return re.findall(r'<span class="result-id">([^<]+)</span>', html)


def test_results_sort_by_date_both_ways_and_by_a_numeric_property(client, orthos):
    newest = result_ids(page(client, "collection=orthos"))
    assert newest[:3] == ["tile-11", "tile-10", "tile-09"]
    assert result_ids(page(client, "collection=orthos&sort=datetime")) == newest[::-1]
    # max_gsd is 10 + n: highest first is newest first here, lowest first the reverse.
    assert result_ids(page(client, "collection=orthos&sort=-max_gsd")) == newest
    assert result_ids(page(client, "collection=orthos&sort=max_gsd"))[:2] == ["tile-00", "tile-01"]


def test_the_sort_choice_offers_dates_and_the_collections_sortable_properties(client, orthos):
    html = page(client, "collection=orthos&sort=-max_gsd")
    options = re.findall(r'<option value="(-?[\w:.]+)"( selected)?>', html.split('name="sort"')[1])
    values = [value for value, _selected in options]
    assert values[:2] == ["-datetime", "datetime"]
    assert {"max_gsd", "-max_gsd"} <= set(values)
    assert "wolken" not in values  # yes/no properties order nothing worth reading
    assert ("-max_gsd", " selected") in options


def sort_options(html: str) -> list[str]:
    menu = html.split('name="sort"')[1].split("</select>")[0]
    return re.findall(r'<option value="(-?[\w:.]+)"', menu)


@pytest.mark.parametrize("scan_max_items", [100, 5])
def test_every_sort_the_page_offers_is_one_the_search_answers(
    client, orthos, settings, scan_max_items
):
    settings.SEARCH_SORT_SCAN_MAX_ITEMS = scan_max_items
    offered = sort_options(page(client, "collection=orthos"))
    assert {"-datetime", "datetime", "eo:cloud_cover", "-eo:cloud_cover"} <= set(offered)
    for sort in offered:
        assert sort_options(page(client, f"collection=orthos&sort={sort}")) == offered


def test_a_big_collection_is_offered_only_the_sorts_an_index_serves(client, orthos, settings):
    settings.SEARCH_SORT_SCAN_MAX_ITEMS = 5  # orthos' 12 items are many
    offered = sort_options(page(client, "collection=orthos"))
    assert offered == ["-datetime", "datetime", "eo:cloud_cover", "-eo:cloud_cover"]
    html = page(client, "collection=orthos&sort=max_gsd", status=400)
    assert "sort: &#x27;max_gsd&#x27; is not one of" in html


def test_sorted_pages_keep_their_order_across_the_token(client, orthos):
    html = page(client, "collection=orthos&sort=max_gsd&limit=10")
    assert result_ids(html) == [f"tile-{n:02d}" for n in range(10)]
    next_href = html.split('rel="next" href="?')[1].split('"')[0].replace("&amp;", "&")
    assert "sort=max_gsd" in next_href and "limit=10" in next_href
    assert result_ids(page(client, next_href)) == ["tile-10", "tile-11"]


def test_the_page_size_is_a_choice_in_the_url(client, orthos):
    assert len(result_ids(page(client, "collection=orthos"))) == 12
    assert len(result_ids(page(client, "collection=orthos&limit=10"))) == 10
    html = page(client, "collection=orthos&limit=50")
    assert "<option selected>50</option>" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=cloudiness", "sort: &#x27;cloudiness&#x27; is not one of -datetime, datetime"),
        ("collection=orthos&sort=wolken", "sort: &#x27;wolken&#x27; is not one of"),
        ("limit=1000", "limit: &#x27;1000&#x27; is not one of 10, 20, 50, 100"),
        ("limit=-5", "limit: &#x27;-5&#x27; is not one of"),
    ],
)
def test_a_sort_or_page_size_not_offered_is_answered_400(client, orthos, query, message):
    html = page(client, query, status=400)
    assert 'role="alert"' in html and message in html


def test_rows_show_a_lazy_preview_and_the_collections_key_properties(client, orthos):
    html = page(client, "collection=orthos")
    row = html.split('data-item-id="tile-11"')[1].split("</li>")[0]
    assert '<a href="/collections/orthos/items/tile-11/">' in row
    assert (
        '<img class="result-preview" data-src="/tiles/collections/orthos/items/tile-11/preview.png'
        "?max_size=96" in row
    )
    assert 'loading="lazy"' in row and 'alt="Image preview"' in row
    # The orthos' numeric queryables lead: cloud cover (with its unit) and max_gsd.
    facts = re.findall(r"<span>([^<:]+): ([^<]+)</span>", row)
    assert facts == [("Cloud Cover", "60.5 %"), ("Max Gsd", "21")]


def test_date_inputs_are_bounded_by_the_collections_temporal_extent(client, orthos):
    html = page(client, "collection=orthos")
    assert 'name="start" value="" min="2021-09-01" max="2021-09-12"' in html
    assert 'name="end" value="" min="2021-09-01" max="2021-09-12"' in html
    assert 'min="' not in page(client, "").split('name="start"')[1].split(">")[0]


def test_an_empty_dated_search_offers_the_collections_dates(client, orthos):
    html = page(client, "collection=orthos&start=2024-01-01&end=2024-12-31&p.wolken=false")
    assert "Showing 0 items" in html
    assert "This collection has items from 2021-09-01 to 2021-09-12" in html
    link = html.split("to 2021-09-12 — ")[1].split("</a>")[0]
    assert "search those dates" in link
    href = link.split('href="?')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(href) == {
        "collection": ["orthos"],
        "start": ["2021-09-01"],
        "end": ["2021-09-12"],
        "p.wolken": ["false"],
    }
    assert "Showing 8 items" in page(client, href)
    assert 'href="/explore/?collection=orthos"' in html.split('class="empty-state"')[1]


def test_an_empty_search_without_a_collection_suggests_clearing_the_filters(client, orthos):
    html = page(client, "start=2030-01-01")
    empty = html.split('class="empty-state"')[1].split("</div>")[0]
    assert "This collection has items" not in empty
    assert '<a href="/explore/" data-focus-status>clear all filters</a>' in empty
    assert 'class="empty-state"' not in page(client, "collection=orthos")


def test_sorting_and_key_properties_keep_the_query_count(
    client, orthos, bob, django_assert_max_num_queries
):
    query = "collection=orthos&sort=-max_gsd&limit=10&start=2021-09-01&p.wolken=false"
    with django_assert_max_num_queries(3):
        assert "<span>Cloud Cover: 60.5 %</span>" in page(client, query)
    client.force_login(bob)
    with django_assert_max_num_queries(5):
        assert "<span>Cloud Cover: 60.5 %</span>" in page(client, query)
