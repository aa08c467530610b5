"""The STAC API at /api/v1: documents, links, search parameters, errors and access."""

import json

import pytest

from catalog_portal.api.conformance import CONFORMS_TO

API = "/api/v1"


@pytest.fixture
def catalogue(make_collection, make_item, granted_group):
    public = make_collection("public-s2", category="sentinel-2")
    for n in range(7):
        make_item(
            public,
            f"item-{n}",
            datetime=f"2021-09-{n + 1:02d}T10:00:00Z",
            **{"eo:cloud_cover": float(n * 10)},
        )
    secret = make_collection("secret", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item")
    return public, secret


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def post(client, path, body):
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def test_landing_page_links_everything_and_lists_its_conformance(client, catalogue):
    page = get(client, "/").json()
    assert page["conformsTo"] == CONFORMS_TO
    rels = {link["rel"] for link in page["links"]}
    assert {
        "self",
        "root",
        "conformance",
        "data",
        "search",
        "service-desc",
        "service-doc",
        "http://www.opengis.net/def/rel/ogc/1.0/queryables",
        "child",
    } <= rels
    methods = {link.get("method") for link in page["links"] if link["rel"] == "search"}
    assert methods == {"GET", "POST"}
    assert all(link["href"].startswith("http://testserver/api/v1/") for link in page["links"])


def test_service_desc_and_doc_are_served(client, db):
    assert get(client, "/openapi.json").json()["info"]["title"] == "Catalog Portal STAC API"
    assert get(client, "/docs").status_code == 200


def test_conformance(client, db):
    assert get(client, "/conformance").json() == {"conformsTo": CONFORMS_TO}


def test_conformance_claims_temporal_functions_only_when_all_are_implemented(client, catalogue):
    meets = "T_MEETS(datetime, INTERVAL('2021-09-01T00:00:00Z', '2021-09-02T10:00:00Z'))"
    intersects = "T_INTERSECTS(datetime, INTERVAL('2021-09-01T00:00:00Z', '2021-09-02T10:00:00Z'))"
    assert get(client, "/search", filter=intersects).status_code == 200
    assert get(client, "/search", filter=meets).status_code == 400
    classes = get(client, "/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions" not in classes


def test_a_collections_items_are_sorted_and_reduced_as_conformance_says(client, catalogue):
    classes = get(client, "/conformance").json()["conformsTo"]
    assert {
        "https://api.stacspec.org/v1.0.0/ogcapi-features#sort",
        "https://api.stacspec.org/v1.0.0/ogcapi-features#fields",
    } <= set(classes)
    document = get(
        client,
        "/collections/public-s2/items",
        sortby="-properties.eo:cloud_cover",
        fields="properties.eo:cloud_cover",
        limit=2,
    ).json()
    assert [f["id"] for f in document["features"]] == ["item-6", "item-5"]
    assert document["features"][0]["properties"] == {"eo:cloud_cover": 60.0}
    assert "assets" not in document["features"][0]


def test_collections_list_only_what_the_caller_may_see(client, catalogue, bob):
    ids = [c["id"] for c in get(client, "/collections").json()["collections"]]
    assert ids == ["public-s2"]
    client.force_login(bob)
    ids = [c["id"] for c in get(client, "/collections").json()["collections"]]
    assert sorted(ids) == ["public-s2", "secret"]


def test_a_collection_has_absolute_links(client, catalogue):
    document = get(client, "/collections/public-s2").json()
    links = {link["rel"]: link["href"] for link in document["links"]}
    assert links["self"] == "http://testserver/api/v1/collections/public-s2"
    assert links["items"] == "http://testserver/api/v1/collections/public-s2/items"


def test_restricted_collections_and_items_do_not_exist_for_anonymous(client, catalogue):
    for path in (
        "/collections/secret",
        "/collections/secret/items",
        "/collections/secret/items/secret-item",
        "/collections/secret/queryables",
    ):
        response = get(client, path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "NotFound"
    assert "secret" not in json.dumps(get(client, "/queryables").json())
    assert get(client, "/search", ids="secret-item").json()["features"] == []


def test_an_item_goes_out_as_stored_with_links_and_absolute_asset_hrefs(client, catalogue):
    document = get(client, "/collections/public-s2/items/item-3").json()
    assert document["id"] == "item-3"
    assert document["properties"]["eo:cloud_cover"] == 30.0
    links = {link["rel"]: link["href"] for link in document["links"]}
    assert links["self"] == "http://testserver/api/v1/collections/public-s2/items/item-3"
    assert (
        links["collection"] == links["parent"] == "http://testserver/api/v1/collections/public-s2"
    )
    assert document["assets"]["B04"]["href"] == "http://testserver/data/test/B04.tif"


def test_unknown_items_are_404(client, catalogue):
    response = get(client, "/collections/public-s2/items/nope")
    assert response.status_code == 404
    assert response.json() == {
        "code": "NotFound",
        "description": "no item nope in collection public-s2",
    }


def test_items_of_a_collection_page_with_next_links(client, catalogue):
    first = get(client, "/collections/public-s2/items", limit=3).json()
    assert [f["id"] for f in first["features"]] == ["item-6", "item-5", "item-4"]
    assert first["numberReturned"] == 3
    assert first["numberMatched"] == 7
    next_link = next(link for link in first["links"] if link["rel"] == "next")
    second = client.get(next_link["href"]).json()
    assert [f["id"] for f in second["features"]] == ["item-3", "item-2", "item-1"]
    prev_link = next(link for link in second["links"] if link["rel"] == "prev")
    assert [f["id"] for f in client.get(prev_link["href"]).json()["features"]] == [
        "item-6",
        "item-5",
        "item-4",
    ]


def test_search_get_takes_every_parameter(client, catalogue):
    response = get(
        client,
        "/search",
        collections="public-s2",
        bbox="14.9,46.9,15.2,47.2",
        datetime="2021-09-02T00:00:00Z/..",
        sortby="+properties.eo:cloud_cover",
        filter="eo:cloud_cover >= 20",
        limit=2,
        fields="id,properties.eo:cloud_cover",
    )
    document = response.json()
    assert response["Content-Type"] == "application/geo+json"
    assert [f["id"] for f in document["features"]] == ["item-2", "item-3"]
    assert document["features"][0]["properties"] == {"eo:cloud_cover": 20.0}
    assert "numberMatched" not in document  # a filtered count is not free


def test_search_post_pages_with_a_body_link(client, catalogue):
    body = {
        "collections": ["public-s2"],
        "limit": 4,
        "filter-lang": "cql2-json",
        "filter": {"op": "<", "args": [{"property": "eo:cloud_cover"}, 55]},
        "sortby": [{"field": "properties.eo:cloud_cover", "direction": "desc"}],
    }
    first = post(client, "/search", body).json()
    assert [f["id"] for f in first["features"]] == ["item-5", "item-4", "item-3", "item-2"]
    next_link = next(link for link in first["links"] if link["rel"] == "next")
    assert next_link["method"] == "POST" and next_link["body"]["filter-lang"] == "cql2-json"
    second = post(client, "/search", next_link["body"]).json()
    assert [f["id"] for f in second["features"]] == ["item-1", "item-0"]
    assert not [link for link in second["links"] if link["rel"] == "next"]


def test_search_with_intersects_and_ids(client, catalogue):
    point = {"type": "Point", "coordinates": [15.05, 47.05]}
    document = post(client, "/search", {"intersects": point, "ids": ["item-1", "item-2"]}).json()
    assert sorted(f["id"] for f in document["features"]) == ["item-1", "item-2"]


def test_fields_exclude_only_drops_those(client, catalogue):
    document = get(
        client, "/search", ids="item-1", fields="-assets,-properties.eo:cloud_cover"
    ).json()
    feature = document["features"][0]
    assert "assets" not in feature and "eo:cloud_cover" not in feature["properties"]
    assert feature["properties"]["platform"] == "sentinel-2b"


def only_item(document):
    (feature,) = document["features"]
    return feature


IDENTITY = {"type", "stac_version", "id", "collection"}


@pytest.mark.parametrize("fields", [{}, {"include": None, "exclude": None}, {"include": []}])
def test_fields_without_include_or_exclude_give_the_default_fields(client, catalogue, fields):
    feature = only_item(post(client, "/search", {"ids": ["item-1"], "fields": fields}).json())
    assert set(feature) == IDENTITY | {"geometry", "bbox", "links", "assets", "properties"}
    assert feature["properties"] == {"datetime": "2021-09-02T10:00:00Z"}
    assert get(client, "/search", ids="item-1", fields="").json()["features"] == [feature]


def test_fields_include_alone_gives_those_fields_and_what_identifies_the_item(client, catalogue):
    by_get = only_item(get(client, "/search", ids="item-1", fields="+bbox,assets").json())
    by_post = only_item(
        post(
            client, "/search", {"ids": ["item-1"], "fields": {"include": ["bbox", "assets"]}}
        ).json()
    )
    assert set(by_get) == set(by_post) == IDENTITY | {"bbox", "assets"}


def test_fields_exclude_with_empty_include_drops_from_the_default_fields(client, catalogue):
    body = {"ids": ["item-1"], "fields": {"include": [], "exclude": ["geometry"]}}
    feature = only_item(post(client, "/search", body).json())
    assert set(feature) == IDENTITY | {"bbox", "links", "assets", "properties"}
    assert feature["properties"] == {"datetime": "2021-09-02T10:00:00Z"}


def test_fields_an_excluded_key_keeps_its_included_sub_key(client, catalogue):
    fields = "-properties,+properties.eo:cloud_cover"
    feature = only_item(get(client, "/search", ids="item-1", fields=fields).json())
    assert set(feature) == IDENTITY | {"properties"}
    assert feature["properties"] == {"eo:cloud_cover": 10.0}


def test_fields_a_field_both_included_and_excluded_is_included(client, catalogue):
    feature = only_item(get(client, "/search", ids="item-1", fields="+geometry,-geometry").json())
    assert set(feature) == IDENTITY | {"geometry"}


def test_fields_null_in_a_search_body_is_refused(client, catalogue):
    response = post(client, "/search", {"fields": None})
    assert response.status_code == 400
    assert response.json()["description"].startswith("fields:")


def test_search_body_takes_one_collection_as_a_string(client, catalogue):
    document = post(client, "/search", {"collections": "public-s2", "limit": 100}).json()
    assert len(document["features"]) == 7


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "0,50,1,40"}, "bbox"),
        ({"datetime": "2021-02-01T00:00:00Z/2021-01-01T00:00:00Z"}, "datetime"),
        ({"datetime": "soon"}, "datetime"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"datetime": "2021-01-01"}, "datetime"),
        ({"intersects": "{not json"}, "intersects"),
        ({"filter": "eo:cloud_cover <<< 3"}, "filter"),
        ({"filter": "collection = 'secret'"}, "filter"),
        ({"filter": "x = 1", "filter-lang": "sql"}, "filter-lang"),
        ({"collections": "secret"}, "collections"),
        ({"token": "garbage"}, "token"),
        ({"sortby": "properties.a__b"}, "sortby"),
    ],
)
def test_bad_search_parameters_are_400_naming_the_parameter(client, catalogue, params, named):
    response = get(client, "/search", **params)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "InvalidParameterValue"
    assert error["description"].startswith(named)


@pytest.mark.parametrize(
    "body",
    [
        {"bbox": "not a list"},
        {"limit": "many"},
        {"collections": [1, 2]},
        {"filter": {"op": "nonsense"}},
        {
            "intersects": {
                "type": "Polygon",
                "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
            }
        },
    ],
)
def test_bad_search_bodies_are_400(client, catalogue, body):
    response = post(client, "/search", body)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue"


def test_malformed_json_is_400(client, catalogue):
    response = client.post(f"{API}/search", "{oops", content_type="application/json")
    assert response.status_code == 400


def test_queryables_describe_the_collections_properties(client, catalogue):
    schema = get(client, "/collections/public-s2/queryables").json()
    assert schema["$id"] == "http://testserver/api/v1/collections/public-s2/queryables"
    cloud = schema["properties"]["eo:cloud_cover"]
    assert (cloud["type"], cloud["minimum"], cloud["maximum"]) == ("number", 0.0, 60.0)
    # Every item has the same platform: no filter to offer.
    assert "platform" not in schema["properties"]
    assert schema["properties"]["datetime"]["format"] == "date-time"


def test_every_endpoint_makes_a_constant_number_of_queries(
    client, catalogue, make_item, django_assert_max_num_queries
):
    public, _ = catalogue
    for n in range(30):
        make_item(public, f"more-{n}")
    for path, params in [
        ("/", {}),
        ("/collections", {}),
        ("/search", {"limit": 30}),
        ("/collections/public-s2/items", {"limit": 30}),
        ("/queryables", {}),
        ("/collections/public-s2/items/item-1", {}),
    ]:
        with django_assert_max_num_queries(3):
            assert get(client, path, **params).status_code == 200, path


def test_a_search_reads_the_callers_scope_once_anonymous_or_with_a_token(
    client, catalogue, bob, make_token, django_assert_max_num_queries
):
    search = {"collections": "public-s2,secret", "filter": "eo:cloud_cover < 50", "limit": 3}
    secret = make_token(bob)
    headers = {"Authorization": f"Bearer {secret}"}
    client.get(f"{API}/", headers=headers)  # records the token's first use (once a minute)
    # Anonymous: the visible collections and the page; with a token, the token first.
    with django_assert_max_num_queries(2):
        assert get(client, "/search", collections="public-s2", limit=3).status_code == 200
    with django_assert_max_num_queries(3):
        found = client.get(f"{API}/search", search, headers=headers)
    assert [f["id"] for f in found.json()["features"]] == ["secret-item", "item-4", "item-3"]
    body = {**search, "collections": ["public-s2", "secret"], "filter-lang": "cql2-text"}
    with django_assert_max_num_queries(3):
        posted = client.post(
            f"{API}/search", json.dumps(body), content_type="application/json", headers=headers
        )
    assert posted.json()["features"] == found.json()["features"]
    # A collection's items: the collection comes from the same scope as the search.
    with django_assert_max_num_queries(3):
        items = client.get(f"{API}/collections/secret/items", headers=headers)
    assert [f["id"] for f in items.json()["features"]] == ["secret-item"]


# --- which sorts a search may ask for (catalog/search/sorting.py) -------------------------


@pytest.fixture
def small_and_big(catalogue, make_collection, make_item, settings):
    """public-s2 (7 items) counts as big: sorting more than 5 items needs an index."""
    settings.SEARCH_SORT_SCAN_MAX_ITEMS = 5
    small = make_collection("small")
    for n in range(3):
        make_item(small, f"small-{n}", datetime=f"2021-09-{n + 1:02d}T10:00:00Z", platform="s2a")
    return catalogue[0], small


@pytest.mark.parametrize(
    "params",
    [
        {"sortby": "platform"},
        {"sortby": "-properties.platform"},
        {"sortby": "start_datetime"},
        {"sortby": "id"},  # id needs one collection for its index
        {"sortby": "platform,-eo:cloud_cover", "collections": "public-s2"},
        {"sortby": "platform", "collections": "public-s2,small"},
    ],
)
def test_a_sort_no_index_serves_over_many_items_is_400_naming_what_may_sort(
    client, small_and_big, params
):
    response = get(client, "/search", **params)
    assert response.status_code == 400
    description = response.json()["description"]
    assert description.startswith("sortby")
    assert "eo:cloud_cover" in description and "datetime" in description
    assert "collections" in description


def test_a_post_search_gets_the_same_400_for_a_sort_no_index_serves(client, small_and_big):
    body = {"sortby": [{"field": "properties.platform", "direction": "desc"}]}
    response = post(client, "/search", body)
    assert response.status_code == 400
    assert response.json()["description"].startswith("sortby")


@pytest.mark.parametrize(
    "params",
    [
        {"sortby": "datetime"},
        {"sortby": "-datetime"},
        {"sortby": "eo:cloud_cover"},
        {"sortby": "-properties.eo:cloud_cover,platform"},
        {"sortby": "-id", "collections": "public-s2"},
        {"sortby": "platform", "collections": "small"},  # 3 items: sorting them all is cheap
        {"sortby": "platform", "ids": "item-1,small-2"},  # at most one item per id and collection
    ],
)
def test_indexed_sorts_and_sorts_of_few_items_are_answered(client, small_and_big, params):
    response = get(client, "/search", **params)
    assert response.status_code == 200, response.json()


def test_a_small_collections_items_sort_by_any_property_and_a_big_ones_do_not(
    client, small_and_big
):
    response = get(client, "/collections/small/items", sortby="-platform,id")
    assert response.status_code == 200
    assert [f["id"] for f in response.json()["features"]] == ["small-0", "small-1", "small-2"]
    assert get(client, "/collections/public-s2/items", sortby="platform").status_code == 400
