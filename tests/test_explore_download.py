"""Downloads of an explore search's results (GET /explore/download/): every matching item, in
the page's order, as GeoJSON, CSV or newline-delimited STAC, read in chunks, within the
caller's access, refused with 400 when the search is bad or matches more than a download
holds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import urllib.request

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from catalog_portal.catalog.ingest import collection_stats_refresh
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.search import item_search
from catalog_portal.web.explore import explore_request
from tests.conftest import bearer, session_cookie

CHUNK = 5
ITEMS = 12  # three chunks of five


@pytest.fixture(autouse=True)
def small_chunks(settings):
    settings.DOWNLOAD_CHUNK_ITEMS = CHUNK


@pytest.fixture
def orthos(make_collection, make_item, granted_group):
    collection = make_collection("orthos")
    for n in range(ITEMS):
        make_item(
            collection,
            f"tile-{n:02d}",
            # Two items share a time, so the order's tiebreaker (the id) is crossed by paging.
            datetime=f"2021-09-{1 + min(n, 10):02d}T10:00:00Z",
            wolken=n % 3 == 0,
            max_gsd=10 + n,
        )
    collection_stats_refresh(collection=collection)
    # Its files as item_assets declare them: each becomes a CSV column.
    Collection.objects.filter(pk=collection.pk).update(
        stac={**collection.stac, "item_assets": {"B04": {"type": "image/tiff"}}}
    )
    secret = make_collection("secret", visibility="restricted", groups=(granted_group,))
    make_item(secret, "secret-item", datetime="2021-09-20T10:00:00Z")
    return collection


def download(client, query: str, status: int = 200, **headers):
    response = client.get(f"/explore/download/?{query}", headers=headers)
    assert response.status_code == status, response.content.decode()[:500]
    return response


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def searched_ids(query: str, user=None) -> list[str]:
    """The ids the explore page's search finds for ``query``, in its order (one big page)."""
    from catalog_portal.catalog.access import viewer_read

    viewer = viewer_read(user=user or AnonymousUser())
    _chosen, state = explore_request(QueryDict(query), collections=list(viewer.collections))
    page = item_search(viewer=viewer, search=state.search(limit=1000))
    assert page.next_token is None
    return [item.stac_id for item in page.items]


def geojson_ids(text: str) -> list[str]:
    document = json.loads(text)
    assert document["type"] == "FeatureCollection"
    assert document["numberReturned"] == len(document["features"])
    return [feature["id"] for feature in document["features"]]


def ndjson_ids(text: str) -> list[str]:
    assert text.endswith("\n")
    return [json.loads(line)["id"] for line in text.splitlines()]


def csv_ids(text: str) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


IDS_OF = {"geojson": geojson_ids, "ndjson": ndjson_ids, "csv": csv_ids}


@pytest.mark.parametrize("file_format", ["geojson", "ndjson", "csv"])
@pytest.mark.parametrize(
    "query",
    ["collection=orthos", "collection=orthos&p.wolken=false&start=2021-09-02", ""],
)
def test_each_format_holds_the_searchs_items_in_its_order_across_chunks(
    client, orthos, file_format, query
):
    expected = searched_ids(query)
    assert len(expected) > CHUNK  # more than one chunk
    response = download(client, f"{query}&format={file_format}&token=ignored")
    assert IDS_OF[file_format](body(response)) == expected
    assert response["X-Item-Count"] == str(len(expected))


def test_the_geojson_items_are_the_stac_apis_with_the_same_links_and_hrefs(client, orthos):
    features = json.loads(body(download(client, "collection=orthos&format=geojson")))["features"]
    api = client.get("/api/v1/search?collections=orthos&limit=100").json()["features"]
    assert features == api
    assert features[0]["assets"]["B04"]["href"] == "http://testserver/data/test/B04.tif"


def test_ndjson_is_one_whole_stac_item_per_line(client, orthos):
    lines = body(download(client, "collection=orthos&format=ndjson")).splitlines()
    api = client.get("/api/v1/search?collections=orthos&limit=100").json()["features"]
    assert [json.loads(line) for line in lines] == api


def test_csv_rows_hold_the_item_fields_queryables_stac_url_and_asset_hrefs(client, orthos):
    rows = list(csv.DictReader(io.StringIO(body(download(client, "collection=orthos&format=csv")))))
    assert list(rows[0]) == [
        "collection", "id", "datetime", "start_datetime", "end_datetime",
        "west", "south", "east", "north",
        "max_gsd", "wolken",  # the collection's queryables (the others have one value)
        "stac_url", "asset:B04",
    ]  # fmt: skip
    tile = next(row for row in rows if row["id"] == "tile-03")
    api = client.get("/api/v1/collections/orthos/items/tile-03").json()
    assert tile["collection"] == "orthos"
    assert tile["datetime"] == "2021-09-04T10:00:00Z"
    assert [float(tile[side]) for side in ("west", "south", "east", "north")] == api["bbox"]
    assert (tile["wolken"], tile["max_gsd"]) == ("true", "13")
    assert tile["stac_url"] == "http://testserver/api/v1/collections/orthos/items/tile-03"
    assert tile["asset:B04"] == "http://testserver/data/test/B04.tif"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_shown_as_text(
    client, make_collection, make_item
):
    collection = make_collection("tricky")
    formulas = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB"]
    for n, text in enumerate(formulas):
        make_item(collection, f"item-{n}", platform=text, datetime=f"2021-09-0{n + 1}T10:00:00Z")
    make_item(collection, "=cmd|' /C calc'!A0", platform="plain")
    Collection.objects.filter(pk=collection.pk).update(queryables={"platform": {"type": "string"}})
    rows = list(csv.DictReader(io.StringIO(body(download(client, "collection=tricky&format=csv")))))
    platforms = {row["platform"] for row in rows}
    assert platforms == {"'" + text for text in formulas} | {"plain"}
    assert "'=cmd|' /C calc'!A0" in {row["id"] for row in rows}
    # Numbers stay numbers, negative ones too: only text is prefixed.
    assert all(not row["west"].startswith("'") for row in rows)


def test_headers_name_the_file_by_collection_and_date_with_the_formats_type(client, orthos):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for file_format, media_type in [
        ("geojson", "application/geo+json"),
        ("csv", "text/csv; charset=utf-8"),
        ("ndjson", "application/x-ndjson"),
    ]:
        response = download(client, f"collection=orthos&format={file_format}")
        assert response["Content-Type"] == media_type
        assert response["Content-Disposition"] == (
            f'attachment; filename="orthos-{today}.{file_format}"'
        )
        assert "private" in response["Cache-Control"]
    everything = download(client, "format=csv")
    assert f'filename="all-datasets-{today}.csv"' in everything["Content-Disposition"]


def test_an_empty_search_is_a_valid_empty_file(client, orthos):
    query = "collection=orthos&start=2030-01-01"
    assert geojson_ids(body(download(client, f"{query}&format=geojson"))) == []
    assert body(download(client, f"{query}&format=ndjson")) == ""
    assert csv_ids(body(download(client, f"{query}&format=csv"))) == []


def test_restricted_items_are_absent_for_anonymous_and_outsiders(client, orthos, charlie):
    assert "secret-item" not in geojson_ids(body(download(client, "format=geojson")))
    client.force_login(charlie)
    assert "secret-item" not in ndjson_ids(body(download(client, "format=ndjson")))
    html = download(client, "collection=secret&format=csv", status=400).content.decode()
    assert "collection: no such collection" in html


def test_restricted_items_are_present_for_a_granted_user_by_session(client, orthos, bob):
    client.force_login(bob)
    ids = geojson_ids(body(download(client, "format=geojson")))
    assert ids == searched_ids("", user=bob) and "secret-item" in ids
    assert csv_ids(body(download(client, "collection=secret&format=csv"))) == ["secret-item"]


def test_restricted_items_are_present_for_a_granted_user_by_api_token(
    client, orthos, bob, make_token
):
    headers = bearer(make_token(bob))
    ids = ndjson_ids(body(download(client, "format=ndjson", **headers)))
    assert "secret-item" in ids
    assert "Authorization" in download(client, "format=ndjson", **headers)["Vary"]
    refused = client.get("/explore/download/?format=ndjson", headers=bearer("cp_unknown"))
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("collection=orthos", "format: is one of geojson, csv, ndjson"),
        ("collection=orthos&format=xml", "format: is one of geojson, csv, ndjson"),
        ("collection=nope&format=csv", "collection: no such collection"),
        ("start=yesterday&format=csv", "start: &#x27;yesterday&#x27; is not a date"),
        ("bbox=1,2,3&format=geojson", "bbox: is west,south,east,north"),
        ("collection=orthos&p.max_gsd.max=lots&format=ndjson", "p.max_gsd.max: &#x27;lots"),
    ],
)
def test_bad_parameters_are_answered_400_with_the_reason(client, orthos, query, message):
    html = download(client, query, status=400).content.decode()
    assert 'role="alert"' in html and message in html


@pytest.mark.parametrize("query", ["collection=orthos", "collection=orthos&start=2021-09-01"])
def test_a_search_matching_more_than_the_cap_is_refused_before_anything_is_sent(
    client, orthos, settings, query
):
    # Both counts: a whole collection's (kept at ingest) and a filtered search's (capped).
    settings.DOWNLOAD_MAX_ITEMS = ITEMS - 1
    html = download(client, f"{query}&format=geojson", status=400).content.decode()
    assert f"search: more than {ITEMS - 1} items match" in html
    settings.DOWNLOAD_MAX_ITEMS = ITEMS
    assert len(geojson_ids(body(download(client, f"{query}&format=geojson")))) == ITEMS


@pytest.mark.parametrize("file_format", ["geojson", "csv", "ndjson"])
def test_queries_grow_with_the_chunks_not_the_items(
    client, orthos, bob, file_format, django_assert_max_num_queries
):
    client.force_login(bob)
    chunks = math.ceil(ITEMS / CHUNK)
    # The session and its user, the visitor's collections, the count, then one per chunk.
    with django_assert_max_num_queries(2 + 2 + chunks):
        response = download(client, f"collection=orthos&start=2021-09-01&format={file_format}")
        assert len(IDS_OF[file_format](body(response))) == ITEMS


def test_over_the_asgi_server_a_download_streams_in_chunks_within_the_callers_access(
    portal_server, orthos, bob, make_token
):
    """The real server (uvicorn, ASGI): streamed (no Content-Length), with a token or a
    session cookie, restricted items for the granted user only."""
    url = f"{portal_server}/explore/download/?format=ndjson"
    with urllib.request.urlopen(urllib.request.Request(url, headers=bearer(make_token(bob)))) as r:
        assert r.headers["Content-Length"] is None
        assert r.headers["Transfer-Encoding"] == "chunked"
        ids = ndjson_ids(r.read().decode())
    assert ids == searched_ids("", user=bob) and "secret-item" in ids
    cookie = "; ".join(f"{k}={v}" for k, v in session_cookie(bob).items())
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie})) as r:
        assert ndjson_ids(r.read().decode()) == ids
    with urllib.request.urlopen(url) as r:
        assert ndjson_ids(r.read().decode()) == searched_ids("")


def test_the_explore_page_links_each_format_with_its_query_without_page_or_preview(
    client, orthos, settings
):
    html = client.get("/explore/?collection=orthos&p.wolken=false&preview=1").content.decode()
    assert 'aria-labelledby="download-results-label"' in html
    for file_format in ("geojson", "csv", "ndjson"):
        href = f"/explore/download/?collection=orthos&amp;p.wolken=false&amp;format={file_format}"
        assert f'<a href="{href}" download>' in html
    # Nothing to download, no links.
    empty = client.get("/explore/?collection=orthos&start=2030-01-01").content.decode()
    assert "/explore/download/" not in empty
