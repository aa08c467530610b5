"""The search layer: filters, CQL2, sort order and keyset pages, the same on both databases."""

import datetime as dt

import pytest
import shapely

from catalog_portal.catalog.search import (
    InvalidParameter,
    ItemSearch,
    item_count,
    item_search,
    limits,
)
from catalog_portal.catalog.search.cql2_filter import filter_parse
from catalog_portal.catalog.search.params import (
    parse_bbox,
    parse_interval,
    parse_limit,
    parse_sortby,
)

UTC = dt.UTC


def square(lon: float, lat: float, size: float = 0.1) -> dict:
    return shapely.geometry.mapping(shapely.box(lon, lat, lon + size, lat + size))


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    """Twelve public items over four days, with varied properties, and one restricted item."""
    public = make_collection("public-s2")
    for n in range(12):
        properties = {"eo:cloud_cover": float(n * 10 % 70), "platform": "sentinel-2" + "ab"[n % 2]}
        if n % 4 == 3:
            properties["wolken"] = True
        elif n % 4 == 1:
            properties["wolken"] = False
        without = ("eo:cloud_cover",) if n == 5 else ()
        if n == 5:
            del properties["eo:cloud_cover"]
        make_item(
            public,
            f"item-{n:02d}",
            geometry=square(14 + n * 0.2, 47),
            without=without,
            datetime=f"2021-09-{1 + n // 3:02d}T10:{n:02d}:00Z",
            **properties,
        )
    secret = make_collection("secret", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item", geometry=square(14, 47))
    return public


def ids(page) -> list[str]:
    return [item.stac_id for item in page.items]


def search(user, **parameters):
    return item_search(user=user, search=ItemSearch(**parameters))


def cql(text: str) -> dict:
    return filter_parse(text, "cql2-text")


def test_default_order_is_newest_first(catalogue, anonymous):
    page = search(anonymous, limit=3)
    assert ids(page) == ["item-11", "item-10", "item-09"]


def test_anonymous_search_never_sees_restricted_items(catalogue, anonymous, bob):
    assert "secret-item" not in ids(search(anonymous, limit=100))
    assert "secret-item" in ids(search(bob, limit=100))


def test_naming_a_collection_the_user_may_not_see_is_an_error(catalogue, anonymous, bob):
    with pytest.raises(InvalidParameter, match="no collection secret"):
        search(anonymous, collections=("secret",))
    assert ids(search(bob, collections=("secret",))) == ["secret-item"]


def test_ids_and_collections_select(catalogue, anonymous):
    page = search(anonymous, collections=("public-s2",), ids=("item-01", "item-07", "nope"))
    assert ids(page) == ["item-07", "item-01"]


def test_bbox_and_intersects_select_by_footprint(catalogue, anonymous):
    assert ids(search(anonymous, bbox=parse_bbox("14.25,47.05,14.45,47.06"))) == [
        "item-02",
        "item-01",
    ]
    point = shapely.Point(14.05, 47.05)
    assert ids(search(anonymous, intersects=point)) == ["item-00"]


def test_datetime_instant_and_intervals(catalogue, anonymous):
    on_day_two = parse_interval("2021-09-02T00:00:00Z/2021-09-02T23:59:59Z")
    assert ids(search(anonymous, datetime=on_day_two)) == ["item-05", "item-04", "item-03"]
    exact = parse_interval("2021-09-02T10:04:00Z")
    assert ids(search(anonymous, datetime=exact)) == ["item-04"]
    open_start = parse_interval("../2021-09-01T23:59:59Z")
    assert ids(search(anonymous, datetime=open_start)) == ["item-02", "item-01", "item-00"]
    open_end = parse_interval("2021-09-04T00:00:00Z/..")
    assert ids(search(anonymous, datetime=open_end)) == ["item-11", "item-10", "item-09"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eo:cloud_cover < 15", {"item-00", "item-01", "item-07", "item-08"}),
        ("eo:cloud_cover BETWEEN 20 AND 30", {"item-02", "item-03", "item-09", "item-10"}),
        ("properties.eo:cloud_cover = 60", {"item-06"}),
        ("platform = 'sentinel-2a' AND eo:cloud_cover >= 50", {"item-06"}),
        ("platform IN ('sentinel-2b')", {f"item-{n:02d}" for n in range(1, 12, 2)}),
        ("id LIKE 'item-1_'", {"item-10", "item-11"}),
        ("wolken = true", {"item-03", "item-07", "item-11"}),
        ("wolken = false", {"item-01", "item-05", "item-09"}),
        ("NOT wolken = true AND wolken IS NOT NULL", {"item-01", "item-05", "item-09"}),
        ("eo:cloud_cover IS NULL", {"item-05"}),
        (
            "eo:cloud_cover <> 0",
            {f"item-{n:02d}" for n in range(12)} - {"item-00", "item-07", "item-05"},
        ),
        ("collection = 'public-s2' AND id = 'item-03'", {"item-03"}),
        ("S_INTERSECTS(geometry, POINT(14.45 47.05))", {"item-02"}),
        (
            "S_WITHIN(geometry, POLYGON((13.9 46.9, 14.5 46.9, 14.5 47.2, 13.9 47.2, 13.9 46.9)))",
            {"item-00", "item-01", "item-02"},
        ),
        (
            "T_INTERSECTS(datetime, INTERVAL('2021-09-04T00:00:00Z', '..'))",
            {"item-09", "item-10", "item-11"},
        ),
        (
            "ANYINTERACTS(datetime, INTERVAL('2021-09-02', '2021-09-02'))",
            {"item-03", "item-04", "item-05"},
        ),
        ("T_BEFORE(datetime, TIMESTAMP('2021-09-01T10:02:00Z'))", {"item-00", "item-01"}),
        ("T_AFTER(datetime, TIMESTAMP('2021-09-04T10:10:00Z'))", {"item-11"}),
        ("datetime >= TIMESTAMP('2021-09-04T10:10:00Z')", {"item-10", "item-11"}),
    ],
)
def test_cql2_text_filters(catalogue, anonymous, text, expected):
    assert set(ids(search(anonymous, filter=cql(text), limit=100))) == expected


def test_the_eodc_style_cql2_json_filter(catalogue, anonymous):
    aoi = square(14.05, 46.95, size=0.4)
    query = {
        "op": "and",
        "args": [
            {"op": "s_intersects", "args": [{"property": "geometry"}, aoi]},
            {
                "op": "anyinteracts",
                "args": [
                    {"property": "datetime"},
                    {"interval": ["2021-09-01T00:00:00Z", "2021-09-01T23:59:59Z"]},
                ],
            },
            {"op": "=", "args": [{"property": "collection"}, "public-s2"]},
        ],
    }
    page = search(anonymous, filter=filter_parse(query, "cql2-json"))
    assert ids(page) == ["item-02", "item-01", "item-00"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("collection = 'secret'", "no collection secret"),
        ("collection IN ('public-s2', 'missing')", "no collection missing"),
        ("platform ==== 1", "not valid cql2-text"),
        ("S_INTERSECTS(eo:cloud_cover, POINT(1 2))", "compare the geometry"),
        ("T_MEETS(datetime, INTERVAL('2021-01-01', '2021-02-01'))", "t_meets is not supported"),
        ("CASEI(platform) = CASEI('A')", "expected a property"),
    ],
)
def test_bad_filters_are_refused_with_the_reason(catalogue, anonymous, text, message):
    with pytest.raises(InvalidParameter, match=message):
        search(anonymous, filter=cql(text))


@pytest.mark.parametrize(
    "document",
    [
        {"op": "=", "args": [{"property": "platform"}, "a", "b"]},
        {"op": "=", "args": {"property": "platform"}},
        {"op": "and", "args": [{"op": "=", "args": [{"property": "gsd"}, 1]}]},
        {"op": "not", "args": []},
        {"op": "between", "args": [{"property": "gsd"}, 1]},
        {"op": "in", "args": [{"property": "platform"}, "sentinel-2a"]},
        {"op": "like", "args": [{"property": "platform"}, 5]},
        {"op": "isNull", "args": [{"property": 5}]},
        {"op": "<", "args": [{"property": "gsd"}, {"property": "gsd"}]},
        {"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Polygon"}]},
        {"op": "t_intersects", "args": [{"property": "datetime"}, {"interval": ["2021"]}]},
        {"op": "t_intersects", "args": [{"property": "datetime"}, {"interval": "x"}]},
        {"op": "t_after", "args": [{"property": "datetime"}, {"timestamp": "yesterday"}]},
        {"op": "frobnicate", "args": [1, 2]},
        {"op": "=", "args": [{"property": "datetime"}, [1, 2]]},
    ],
)
def test_malformed_cql2_json_is_refused_not_crashed_on(catalogue, anonymous, document):
    with pytest.raises(InvalidParameter, match="filter"):
        search(anonymous, filter=filter_parse(document, "cql2-json"))


def test_a_bad_filter_language_is_refused():
    with pytest.raises(InvalidParameter, match="filter-lang"):
        filter_parse("x = 1", "cql2-yaml")


def test_sort_by_a_property_puts_missing_values_last(catalogue, anonymous):
    ascending = ids(search(anonymous, sortby=parse_sortby("properties.eo:cloud_cover"), limit=100))
    assert ascending[:2] == ["item-07", "item-00"]  # cloud cover 0, newest first as tiebreak
    assert ascending[-1] == "item-05"
    descending = ids(search(anonymous, sortby=parse_sortby("-eo:cloud_cover"), limit=100))
    assert descending[0] == "item-06" and descending[-1] == "item-05"


@pytest.mark.parametrize("sortby", ["", "eo:cloud_cover", "-eo:cloud_cover,+id", "wolken", "-id"])
def test_pages_walk_every_item_exactly_once_forward_and_back(catalogue, anonymous, sortby):
    keys = parse_sortby(sortby)
    everything = ids(search(anonymous, sortby=keys, limit=100))
    pages, token = [], None
    for _ in range(10):  # 12 items in pages of 5: a loop that does not end is a failure
        page = item_search(user=anonymous, search=ItemSearch(sortby=keys, limit=5), token=token)
        pages.append(page)
        if page.next_token is None:
            break
        token = page.next_token
    assert [i for page in pages for i in ids(page)] == everything
    assert pages[0].prev_token is None

    # Back from the last page by prev tokens: the same pages, in reverse.
    back, token = [ids(pages[-1])], pages[-1].prev_token
    for _ in range(10):
        if not token:
            break
        page = item_search(user=anonymous, search=ItemSearch(sortby=keys, limit=5), token=token)
        back.append(ids(page))
        token = page.prev_token
    assert back == [ids(page) for page in reversed(pages)]


def test_number_matched_is_given_only_when_free(catalogue, anonymous):
    assert search(anonymous, collections=("public-s2",)).number_matched == 12
    assert search(anonymous).number_matched == 12
    assert search(anonymous, filter=cql("eo:cloud_cover < 15")).number_matched is None


def test_a_page_costs_two_queries_whatever_its_size(
    catalogue, anonymous, django_assert_num_queries
):
    with django_assert_num_queries(2):
        search(anonymous, limit=100, filter=cql("eo:cloud_cover < 50"))


def test_a_foreign_token_is_refused(catalogue, anonymous):
    with pytest.raises(InvalidParameter, match="token"):
        item_search(user=anonymous, search=ItemSearch(), token="not-a-token")
    token = search(anonymous, limit=2).next_token
    with pytest.raises(InvalidParameter, match="another sort order"):
        item_search(user=anonymous, search=ItemSearch(sortby=parse_sortby("id")), token=token)


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_bbox, "1,2,3", "4 or 6 numbers"),
        (parse_bbox, "a,b,c,d", "4 or 6 numbers"),
        (parse_bbox, "0,50,1,40", "south edge above"),
        (parse_bbox, "0,0,200,1", "outside"),
        (parse_interval, "2021-02-01T00:00:00Z/2021-01-01T00:00:00Z", "start is after its end"),
        (parse_interval, "../..", "at least one end"),
        (parse_interval, "yesterday", "not an RFC 3339"),
        (parse_interval, "2021-01-01T00:00:00", "needs a time zone"),
        (parse_limit, "0", "at least 1"),
        (parse_interval, "2021-01-01", "not an RFC 3339"),
        (parse_interval, "1937-01-01T12:00:27.87+0100", "not an RFC 3339"),
        (parse_interval, "1985-04-12T23:20:50,52Z", "not an RFC 3339"),
        (parse_limit, "ten", "not a whole number"),
        (parse_sortby, [{"field": "id", "direction": "up"}], "not asc or desc"),
    ],
)
def test_bad_parameters_name_themselves(parse, value, message):
    with pytest.raises(InvalidParameter, match=message):
        parse(value)


def test_a_limit_above_the_maximum_means_the_maximum():
    assert parse_limit("1000000") == limits.MAX_LIMIT == 1_000


def test_the_draft_between_form_is_understood(catalogue, anonymous):
    draft = {"op": "between", "args": [{"property": "eo:cloud_cover"}, [20, 30]]}
    found = ids(search(anonymous, filter=filter_parse(draft, "cql2-json"), limit=100))
    assert set(found) == {"item-02", "item-03", "item-09", "item-10"}


def test_a_six_number_bbox_is_taken_as_its_footprint():
    assert parse_bbox([14, 47, 0, 15, 48, 100]) == (14, 47, 15, 48)


def test_interval_items_match_by_overlap_and_instants_by_datetime(catalogue, make_item, anonymous):
    season = make_item(
        catalogue,
        "season",
        datetime=None,
        start_datetime="2021-08-01T00:00:00Z",
        end_datetime="2021-09-30T23:59:59Z",
    )
    assert season.is_interval
    late_september = parse_interval("2021-09-20T00:00:00Z/2021-09-21T00:00:00Z")
    assert ids(search(anonymous, datetime=late_september)) == ["season"]
    first_day = parse_interval("2021-09-01T00:00:00Z/2021-09-01T23:59:59Z")
    assert ids(search(anonymous, datetime=first_day)) == ["item-02", "item-01", "item-00", "season"]
    before = parse_interval("../2021-07-31T23:59:59Z")
    assert ids(search(anonymous, datetime=before)) == []


def test_item_count_counts_matches_up_to_a_cap(catalogue, anonymous):
    dated = ItemSearch(datetime=(dt.datetime(2021, 9, 1, tzinfo=dt.UTC), None))
    assert item_count(user=anonymous, search=dated, cap=100) == (12, True)
    assert item_count(user=anonymous, search=dated, cap=5) == (5, False)


def test_item_count_of_whole_collections_is_the_stored_count(
    catalogue, anonymous, django_assert_max_num_queries
):
    from catalog_portal.catalog.ingest import collection_stats_refresh

    collection_stats_refresh(collection=catalogue)
    with django_assert_max_num_queries(1):
        assert item_count(user=anonymous, search=ItemSearch(collections=("public-s2",)), cap=5) == (
            12,
            True,
        )
