"""Hostile input to the search layer and the STAC API: every bad request is a 400 (or 404)
with a message naming the parameter and its limit, and the process lives on.

The requests that could kill or hang a process (a native parser's stack, a backtracking
pattern) go to ``manage.py serve`` in a child process, so that a segfault or a hang fails the
test instead of taking pytest down.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from catalog_portal.catalog.search import limits
from tests.portal_process import PortalProcess, portal_process

API = "/api/v1"


@pytest.fixture
def catalogue(make_collection, make_item):
    collection = make_collection("hostile")
    make_item(collection, "a" * 60)
    for n in range(3):
        make_item(
            collection,
            f"item-{n}",
            datetime=f"2021-09-{n + 1:02d}T10:00:00Z",
            **{"eo:cloud_cover": float(n * 10)},
        )
    return collection


@pytest.fixture(autouse=True)
def healthy_afterwards(request):
    """Whatever a test sent, the portal answers /healthz afterwards."""
    client = None
    if "client" in request.fixturenames:
        request.getfixturevalue("db")  # set up first, so torn down after this check
        client = request.getfixturevalue("client")
    yield
    if client is not None:
        assert client.get("/healthz").status_code == 200


def refused(response, *words: str) -> str:
    """The description of a 400 JSON error, checked to name ``words``."""
    assert response.status_code == 400, (response.status_code, response.content[:300])
    description = response.json()["description"]
    for word in words:
        assert word in description, description
    return description


def get(client, path: str, **params):
    return client.get(f"{API}{path}", params)


def post(client, path: str, body: str):
    return client.post(f"{API}{path}", body, content_type="application/json")


def deep_text_filter(levels: int) -> str:
    return "(" * levels + "id='x'" + ")" * levels


def deep_json_filter(levels: int) -> str:
    """A filter of ``levels`` nested NOTs, as JSON text (json.dumps itself would recurse)."""
    leaf = '{"op": "=", "args": [{"property": "id"}, "x"]}'
    return '{"op": "not", "args": [' * levels + leaf + "]}" * levels


# --- in a child process: requests that could kill or hang it --------------------------------


def send(portal: PortalProcess, path: str, *, body: bytes | None = None, timeout: float = 15):
    """Status and body of a GET (or a JSON POST, with ``body``) to the child portal."""
    request = urllib.request.Request(
        portal.url + path, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def assert_alive(portal: PortalProcess) -> None:
    assert portal.alive(), portal.process.stdout.read() if portal.process.stdout else ""
    assert portal.get("/healthz", timeout=5)[0] == 200


def test_deeply_nested_filters_are_refused_and_the_process_lives(transactional_db, catalogue):
    deep_text = urllib.parse.quote(deep_text_filter(2_000))
    deep_json = '{"filter-lang": "cql2-json", "filter": ' + deep_json_filter(3_000) + "}"
    nots = urllib.parse.quote("NOT " * 1_500 + "id='x'")
    ands = urllib.parse.quote(" AND ".join(f"id='{n}'" for n in range(600)))
    with portal_process() as portal:
        for path in (
            f"{API}/search?filter={deep_text}",
            f"{API}/collections/hostile/items?filter={deep_text}",
            f"{API}/search?filter={nots}",
        ):
            status, answer = send(portal, path)
            assert status == 400, (path[:60], status, answer[:200])
            assert b"deeper than" in answer
            assert_alive(portal)
        status, answer = send(portal, f"{API}/search?filter={ands}")
        assert status == 400, answer[:200]
        assert b"nodes" in answer
        text_body = json.dumps({"filter": deep_text_filter(2_000), "filter-lang": "cql2-text"})
        for path in (f"{API}/search", "/tiles/searches/register"):
            for body in (deep_json, text_body):
                status, answer = send(portal, path, body=body.encode())
                assert status == 400, (path, status, answer[:200])
                # The tiles app's own JSON parser refuses the deep body before the filter.
                assert b"deeper than" in answer or path.startswith("/tiles")
                assert_alive(portal)


def test_a_like_pattern_of_many_wildcards_answers_at_once(transactional_db, catalogue):
    pattern = urllib.parse.quote("id LIKE '" + "%" * 30 + "!'")
    many = urllib.parse.quote("id LIKE '" + "%a" * 25 + "!'")
    with portal_process() as portal:
        for query in (pattern, many):
            started = time.monotonic()
            status, answer = send(portal, f"{API}/search?filter={query}", timeout=10)
            assert status == 200, answer[:200]
            assert json.loads(answer)["features"] == []
            assert time.monotonic() - started < 5
            assert_alive(portal)


# --- in process: requests that are refused politely ------------------------------------------


def test_like_matches_as_cql2_says_case_sensitively(client, catalogue):
    def found(pattern: str) -> list[str]:
        filter_ = json.dumps({"op": "like", "args": [{"property": "id"}, pattern]})
        answer = get(client, "/search", filter=filter_, **{"filter-lang": "cql2-json"}).json()
        return sorted(feature["id"] for feature in answer["features"])

    assert found("item-%") == ["item-0", "item-1", "item-2"]
    assert found("a%") == ["a" * 60]
    assert found("%%%-1") == ["item-1"]
    assert found("item_2") == ["item-2"]
    assert found("ITEM-%") == []
    assert found("item-[1]") == []
    assert found("item-*") == []


def test_a_long_or_wide_filter_is_refused_naming_its_limit(client, catalogue):
    long = json.dumps({"filter": "id='" + "x" * 30_000 + "'", "filter-lang": "cql2-text"})
    refused(post(client, "/search", long), "filter", "characters")
    wide = {
        "op": "and",
        "args": [{"op": "=", "args": [{"property": "id"}, str(n)]} for n in range(3_000)],
    }
    refused(post(client, "/search", json.dumps({"filter": wide})), "filter", "nodes")


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"],
)
def test_datetimes_at_the_ends_of_time_are_refused(client, catalogue, value):
    refused(get(client, "/search", datetime=value), "datetime")
    refused(get(client, "/search", filter=f"datetime > TIMESTAMP('{value}')"), "filter")
    refused(post(client, "/search", json.dumps({"datetime": f"{value}/.."})), "datetime")


@pytest.mark.parametrize(
    ("filter_", "lang"),
    [
        ("eo:cloud_cover > " + "9" * 5_000, "cql2-text"),
        ('{"op": ">", "args": [{"property": "eo:cloud_cover"}, ' + "9" * 5_000 + "]}", "cql2-json"),
        ('{"op": ">", "args": [{"property": "eo:cloud_cover"}, NaN]}', "cql2-json"),
        ("(((id = 'x'", "cql2-text"),
        ("id = 'x')))", "cql2-text"),
        ("'" * 999, "cql2-text"),
        ('"' * 999, "cql2-json"),
    ],
)
def test_malformed_filters_are_refused(client, catalogue, filter_, lang):
    refused(get(client, "/search", filter=filter_, **{"filter-lang": lang}), "filter")


def test_a_datetime_compared_with_a_number_is_refused(client, catalogue):
    refused(get(client, "/search", filter="datetime = 5"), "filter", "datetime")


@pytest.mark.parametrize("number", ["1e30", "1e400", "-1e400", "123456789012345678901234567890"])
def test_huge_numbers_are_refused_or_answered(client, catalogue, number):
    response = get(client, "/search", filter=f"eo:cloud_cover > {number}")
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        assert response.json()["features"] == [] or number.startswith("-")
    else:
        refused(response, "filter")


def test_huge_numbers_on_the_explore_page_are_refused(client, catalogue):
    for value in ("1e300", "inf", "nan"):
        response = client.get("/explore/", {"collection": "hostile", "p.eo:cloud_cover.min": value})
        assert response.status_code in (200, 400), (value, response.status_code)


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


FORGED_TOKENS = [
    forged({"k": "-datetime,id,collection_pk", "v": [{"t": 5}, "x", 1], "f": True}),
    forged({"k": "-datetime,id,collection_pk", "v": [{"x": 1}, [1], {}], "f": True}),
    forged({"k": "-datetime,id,collection_pk", "v": ["x", "y", "z"], "f": "no"}),
    forged({"k": "-datetime,id,collection_pk", "v": [{"t": "9999-12-31T23:59:59-23:59"}, "a", 1]}),
    forged([1, 2, 3]),
    forged("text"),
    "x" * 10_000,
]


@pytest.mark.parametrize("token", FORGED_TOKENS)
def test_forged_page_tokens_are_refused(client, catalogue, token):
    refused(get(client, "/search", token=token), "token")
    refused(get(client, "/collections/hostile/items", token=token), "token")
    refused(post(client, "/search", json.dumps({"token": token})), "token")
    page = client.get("/explore/", {"token": token})
    assert page.status_code == 400
    assert b"token" in page.content


def test_tokens_the_server_gave_out_still_page(client, catalogue):
    first = get(client, "/search", limit=2).json()
    following = next(link for link in first["links"] if link["rel"] == "next")
    second = client.get(following["href"]).json()
    seen = {feature["id"] for feature in first["features"]}
    assert len(second["features"]) == 2
    assert seen.isdisjoint(feature["id"] for feature in second["features"])


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/search?ids=a%00b",
        f"{API}/collections/a%00b",
        f"{API}/collections/hostile/items/a%00b",
        f"{API}/search?filter=id%3D%27a%00b%27",
        "/collections/%00/",
        "/explore/?collection=%00",
    ],
)
def test_nul_bytes_are_refused(client, catalogue, path):
    response = client.get(path)
    assert response.status_code in (400, 404), response.status_code
    if path.startswith(API):
        assert "NUL" in response.json()["description"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ('{"ids": ["\\ud800"]}', "surrogate"),
        ('{"ids": ["a\\u0000b"]}', "NUL"),
        ("0", "object"),
        ("[]", "object"),
        ('"search"', "object"),
        ('{"filter":' * 5_000 + "1" + "}" * 5_000, "deeper than"),
        ("{", "JSON"),
        ('{"limit": ' + "9" * 5_000 + "}", "JSON"),
        ('{"bbox": [0, 0, 1, Infinity]}', "finite"),
    ],
)
def test_hostile_json_bodies_are_refused(client, catalogue, body, word):
    refused(post(client, "/search", body), word)


def test_a_body_over_the_size_limit_is_refused(client, catalogue, settings):
    body = json.dumps({"ids": ["x" * 1_000] * 3_000})
    refused(post(client, "/search", body), "body")


def test_limit_above_the_maximum_is_served_as_the_maximum(client, catalogue):
    answer = get(client, "/search", limit=10**9)
    assert answer.status_code == 200
    assert limits.MAX_LIMIT <= 1_000


def test_too_many_ids_collections_sort_keys_or_vertices_are_refused(client, catalogue):
    ids = ",".join(str(n) for n in range(limits.MAX_IDS + 1))
    refused(
        post(client, "/search", json.dumps({"ids": ids.split(",")})), "ids", str(limits.MAX_IDS)
    )
    many = [str(n) for n in range(limits.MAX_COLLECTIONS + 1)]
    refused(post(client, "/search", json.dumps({"collections": many})), "collections")
    keys = ",".join(f"-p{n}" for n in range(limits.MAX_SORT_KEYS + 1))
    refused(get(client, "/search", sortby=keys), "sortby", str(limits.MAX_SORT_KEYS))
    points = [[n / 100_000, 0.0] for n in range(limits.MAX_VERTICES + 1)]
    geometry = {"type": "MultiPoint", "coordinates": points}
    refused(post(client, "/search", json.dumps({"intersects": geometry})), "intersects", "vertices")
    spatial = {"op": "s_intersects", "args": [{"property": "geometry"}, geometry]}
    refused(post(client, "/search", json.dumps({"filter": spatial})), "filter", "vertices")


def test_an_invalid_geometry_in_a_filter_is_refused(client, catalogue):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    spatial = {"op": "s_intersects", "args": [{"property": "geometry"}, bowtie]}
    refused(post(client, "/search", json.dumps({"filter": spatial})), "filter")
    refused(post(client, "/search", json.dumps({"intersects": bowtie})), "intersects")


def test_a_long_query_string_is_refused_naming_the_limit(client, catalogue):
    response = client.get(f"{API}/search?ids=" + "x" * (limits.MAX_QUERY_STRING + 1))
    assert response.status_code in (400, 414)
    assert str(limits.MAX_QUERY_STRING) in response.json()["description"]


def test_too_many_query_parameters_are_refused_naming_the_limit(client, catalogue, settings):
    response = client.get(f"{API}/search?" + "&".join(f"p{n}=" for n in range(1_001)))
    assert response.status_code == 400
    assert "1000 parameters" in response.json()["description"]


def test_the_openapi_document_lists_every_status_with_the_error_schema(client, db):
    document = client.get(f"{API}/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"200", "400", "401", "503"} <= statuses, (method, path, statuses)
            if "{" in path:
                assert "404" in statuses, (method, path)
            error = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert error["$ref"].endswith("/Error")
    assert set(document["components"]["schemas"]["Error"]["properties"]) == {"code", "description"}


@pytest.mark.parametrize(
    "search",
    [
        {"datetime": "9999-12-31T23:59:59-23:59/.."},
        {"filter": "datetime > TIMESTAMP('0001-01-01T00:00:00+23:59')", "filter-lang": "cql2-text"},
        {"filter": "eo:cloud_cover > 1e400", "filter-lang": "cql2-text"},
        {"filter": "id LIKE 'a\x00%'", "filter-lang": "cql2-text"},
        {"filter": deep_text_filter(100), "filter-lang": "cql2-text"},
    ],
)
def test_hostile_registered_searches_are_refused(portal_server, catalogue, search):
    import requests

    response = requests.post(f"{portal_server}/tiles/searches/register", json=search, timeout=10)
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert "filter" in response.text or "datetime" in response.text
