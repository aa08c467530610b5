"""Cross-origin requests (CORS) to the STAC API, the tile server and the data API, over a real
HTTP server: web apps on other origins (STAC Browser) may read them; pages stay same-origin.

CORS_ALLOWED_ORIGINS: ``*`` lets any origin read without credentials (a bearer token is a
header the page sets, so it works); listed origins may also send cookies."""

from __future__ import annotations

import pytest
import requests

OTHER = "https://stac-browser.example.org"  # an origin nobody listed
LISTED = "https://app.example.org"
# One path per prefix, each answered without a token; /data's is a file that is not there,
# since an error must be readable across origins too.
SIMPLE_PATHS = ("/api/v1/collections", "/tiles/tileMatrixSets", "/data/no/such/file.tif")
# What a page sends before a request with a bearer token (and, for the search, a JSON body).
PREFLIGHTS = (
    ("/api/v1/search", "POST", "authorization, content-type"),
    ("/tiles/tileMatrixSets", "GET", "authorization"),
    ("/data/demo/file.tif", "GET", "authorization, range"),
)


def preflight(url: str, *, origin: str, method: str, headers: str) -> requests.Response:
    return requests.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
        timeout=10,
    )


def listed(value: str | None) -> set[str]:
    """The names in a comma-separated header, lower-cased."""
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


@pytest.mark.parametrize(("path", "method", "headers"), PREFLIGHTS)
def test_every_prefix_answers_the_preflight_of_a_request_with_a_bearer_token(
    demo_server, path, method, headers
):
    response = preflight(demo_server + path, origin=OTHER, method=method, headers=headers)
    assert response.status_code in (200, 204), response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert method.lower() in listed(response.headers["Access-Control-Allow-Methods"])
    assert listed(headers) <= listed(response.headers["Access-Control-Allow-Headers"])
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("path", SIMPLE_PATHS)
def test_any_origin_may_read_every_prefix_without_credentials_by_default(demo_server, path):
    response = requests.get(demo_server + path, headers={"Origin": OTHER}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_range_and_cache_headers_of_data_are_readable_across_origins(demo_server, demo):
    collection = next(c for c in demo if c.stac["id"] == "dop-kaernten-tamsweg")
    href = next(iter(collection.items[0]["assets"].values()))["href"]
    response = requests.get(
        demo_server + href, headers={"Origin": OTHER, "Range": "bytes=0-3"}, timeout=10
    )
    assert response.status_code == 206
    exposed = listed(response.headers["Access-Control-Expose-Headers"])
    # pystac, geotiff.js (STAC Browser's COG view) and GDAL read files in ranges.
    assert {"content-range", "accept-ranges", "etag", "content-length"} <= exposed


def test_a_listed_origin_may_send_cookies_and_others_still_read_without(demo_server, settings):
    settings.CORS_ALLOWED_ORIGINS = ["*", LISTED]
    for path in SIMPLE_PATHS:
        trusted = requests.get(demo_server + path, headers={"Origin": LISTED}, timeout=10)
        assert trusted.headers["Access-Control-Allow-Origin"] == LISTED, path
        assert trusted.headers["Access-Control-Allow-Credentials"] == "true", path
        other = requests.get(demo_server + path, headers={"Origin": OTHER}, timeout=10)
        assert other.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in other.headers, path
        # The answer depends on the Origin: a shared cache must keep one per origin.
        for response in (trusted, other, requests.get(demo_server + path, timeout=10)):
            assert "origin" in listed(response.headers.get("Vary")), path
    for path, method, headers in PREFLIGHTS:
        trusted = preflight(demo_server + path, origin=LISTED, method=method, headers=headers)
        assert trusted.headers["Access-Control-Allow-Origin"] == LISTED, path
        assert trusted.headers["Access-Control-Allow-Credentials"] == "true", path
        other = preflight(demo_server + path, origin=OTHER, method=method, headers=headers)
        assert other.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in other.headers, path


def test_without_the_wildcard_only_listed_origins_may_read(demo_server, settings):
    settings.CORS_ALLOWED_ORIGINS = [LISTED]
    for path in SIMPLE_PATHS:
        other = requests.get(demo_server + path, headers={"Origin": OTHER}, timeout=10)
        assert "Access-Control-Allow-Origin" not in other.headers, path
    for path, method, headers in PREFLIGHTS:
        other = preflight(demo_server + path, origin=OTHER, method=method, headers=headers)
        assert "Access-Control-Allow-Origin" not in other.headers, path


def test_an_empty_setting_turns_cross_origin_reading_off(demo_server, settings):
    settings.CORS_ALLOWED_ORIGINS = []
    for path in SIMPLE_PATHS:
        response = requests.get(demo_server + path, headers={"Origin": OTHER}, timeout=10)
        assert "Access-Control-Allow-Origin" not in response.headers, path


@pytest.mark.parametrize("path", ["/", "/catalog/", "/collections/dop-kaernten-tamsweg/"])
def test_pages_answer_no_other_origin(demo_server, settings, path):
    settings.CORS_ALLOWED_ORIGINS = ["*", LISTED]
    for origin in (OTHER, LISTED):
        response = requests.get(demo_server + path, headers={"Origin": origin}, timeout=10)
        assert "Access-Control-Allow-Origin" not in response.headers, (path, origin)
        answer = preflight(demo_server + path, origin=origin, method="POST", headers="x-a")
        assert "Access-Control-Allow-Origin" not in answer.headers, (path, origin)
