"""Hostile requests to the tile server: each is refused (400, a message naming the parameter and
its limit) before it costs memory, and no answer ever shows an exception's text.

The requests that would exhaust memory run against a portal in a child process under an
address-space limit, so that a regression fails the test instead of taking pytest down.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import rasterio
import requests
from rasterio.errors import RasterioIOError
from rasterio.transform import from_bounds

from tests.portal_process import portal_process
from tests.test_tiles import S2, centre_tile, first_item, fresh_lookups, item_url, tile_path  # noqa: F401

# The child portal idles at ~0.7 GB of address space (Python, GDAL, numpy; each worker thread
# adds its stack) and draws a 2048² image well within 1 GB; one square degree of Sentinel-2
# read at full resolution in the default render needs several GB.
ADDRESS_SPACE = 2 * 1024**3
SECRET = "/srv/secret/path.tif password=hunter2"


@pytest.fixture
def tiles(portal_server, demo) -> str:
    return f"{portal_server}/tiles"


def square_around(stac: dict, *, degrees: float) -> dict:
    """A GeoJSON Feature: a square of ``degrees`` centred on the item."""
    west, south, east, north = stac["bbox"]
    lon, lat, half = (west + east) / 2, (south + north) / 2, degrees / 2
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def assert_refused(response: requests.Response, *named: str) -> None:
    """A 400 in the portal's error shape whose message names each of ``named``."""
    assert response.status_code == 400, response.text[:500]
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    for name in named:
        assert name.lower() in body["description"].lower(), body


@pytest.mark.parametrize(
    ("suffix", "params", "named"),
    [
        ("/statistics", {"histogram_range": "1,0"}, ("histogram_range",)),
        ("/statistics", {"histogram_range": "0,1e400"}, ("histogram_range",)),
        ("/statistics", {"histogram_bins": "5000"}, ("histogram_bins", "1000")),
        ("/statistics", {"histogram_bins": "3,2,1"}, ("histogram_bins",)),
        (
            "/preview.png",
            {"assets": "B04", "expression": "b1+" * 400 + "b1"},
            ("expression", "1000"),
        ),
        ("/preview.png", {"expression": ";".join(["B04_b1"] * 40)}, ("expression", "16")),
        ("/preview.png", {"assets": ["B04"] * 40}, ("assets", "16")),
        ("/preview.png", {"assets": "B04|bidx=" + ",".join(["1"] * 40)}, ("assets", "16")),
        ("/preview.png", {"max_size": 0}, ("max_size",)),
        ("/preview/0x0.png", {}, ("width",)),
        ("/bbox/1e400,0,1,1.png", {}, ("minx", "finite")),
        ("/bbox/14,48,13,47/256x256.png", {}, ("bbox",)),
        ("/tiles/WebMercatorQuad/12/1/1", {"buffer": 100000}, ("buffer",)),
        ("/tiles/WebMercatorQuad/12/1/1", {"padding": 100000}, ("padding",)),
        ("/bbox/-1e300,-1e300,1e300,1e300/256x256.png", {}, ("minx", "180")),
        ("/bbox/0,0,1e300,1/256x256.png", {"coord_crs": "EPSG:3857"}, ("maxx",)),
        ("/bbox/{bbox}/256x256.png", {"nodata": "1e400"}, ("nodata", "uint16")),
        ("/bbox/{bbox}/256x256.png", {"assets": "B04|bidx=99"}, ("bidx", "1 to 1")),
        ("/bbox/{bbox}/256x256.png", {"assets": "B04|bands=x"}, ("assets",)),
        ("/statistics", {"p": "1000"}, ("percentiles", "100")),
        ("/tiles/WebMercatorQuad/12/1/1", {"colormap": '{"1e400": [0, 0, 0, 0]}'}, ("colormap",)),
    ],
)
def test_hostile_parameters_are_refused_with_a_message_naming_the_limit(
    tiles, demo, suffix, params, named
):
    stac = first_item(demo, S2)
    inside = centre_tile(stac, 12)
    suffix = suffix.replace("/12/1/1", f"/{inside.z}/{inside.x}/{inside.y}")
    suffix = suffix.replace("{bbox}", ",".join(map(str, stac["bbox"])))
    assert_refused(requests.get(f"{item_url(tiles, stac)}{suffix}", params=params), *named)
    assert requests.get(f"{tiles}/healthz").status_code == 200


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [[[13, 47], [13, 47], [13, 47], [13, 47]]]},
        {"type": "Polygon", "coordinates": [[[13, 47], [14, 47], [15, 47], [13, 47]]]},
        # a bow tie: the ring crosses itself
        {"type": "Polygon", "coordinates": [[[13, 47], [14, 48], [14, 47], [13, 48], [13, 47]]]},
        {
            "type": "Polygon",
            "coordinates": [[[1e300, 1e300], [-1e300, 1e300], [0, -1e300], [1e300, 1e300]]],
        },
    ],
)
def test_a_degenerate_or_invalid_feature_is_refused(tiles, demo, geometry):
    stac = first_item(demo, S2)
    feature = {"type": "Feature", "properties": {}, "geometry": geometry}
    for route in ("/feature/256x256.png", "/statistics"):
        assert_refused(requests.post(f"{item_url(tiles, stac)}{route}", json=feature), "feature")


def test_too_many_features_or_too_large_a_body_are_refused_before_reading(tiles, demo):
    stac = first_item(demo, S2)
    square = square_around(stac, degrees=0.001)
    many = {"type": "FeatureCollection", "features": [square] * 101}
    url = f"{item_url(tiles, stac)}/statistics"
    assert_refused(requests.post(url, params={"assets": "B04"}, json=many), "features", "100")
    huge = {**square, "properties": {"padding": "x" * 2_000_000}}
    assert_refused(requests.post(url, params={"assets": "B04"}, json=huge), "body", "1,000,000")
    few = {"type": "FeatureCollection", "features": [square] * 3}
    assert requests.post(url, params={"assets": "B04"}, json=few).status_code == 200


def test_a_small_area_without_a_size_is_still_read_at_full_resolution(tiles, demo):
    stac = first_item(demo, S2)
    west, south, east, north = stac["bbox"]
    lon, lat = (west + east) / 2, (south + north) / 2
    response = requests.get(
        f"{item_url(tiles, stac)}/bbox/{lon},{lat},{lon + 0.01},{lat + 0.01}.png",
        params={"assets": "B04"},
    )
    assert response.status_code == 200, response.text
    feature = square_around(stac, degrees=0.01)
    posted = requests.post(
        f"{item_url(tiles, stac)}/feature.png", params={"assets": "B04"}, json=feature
    )
    assert posted.status_code == 200, posted.text


def large_file_write(path, *, overviews: list[int]) -> None:
    """A 10,000² GeoTIFF over tests/data/stac/item.json's bbox (tiny on disk: all zeros)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff", "width": 10_000, "height": 10_000, "count": 1, "dtype": "uint8",
        "crs": "EPSG:4326", "transform": from_bounds(15.0, 47.0, 15.1, 47.1, 10_000, 10_000),
        "tiled": True, "blockxsize": 512, "blockysize": 512, "compress": "deflate", "nodata": 255,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(np.zeros((1, 10_000, 10_000), dtype="uint8"))
        if overviews:
            dataset.build_overviews(overviews)


@pytest.mark.parametrize(("overviews", "status"), [([], 400), ([2, 4, 8], 200)])
def test_a_large_file_without_overviews_is_not_read_whole_for_a_small_image(
    portal_server, make_collection, make_item, settings, tmp_path, overviews, status
):
    settings.DATA_ROOT = tmp_path
    large_file_write(tmp_path / "test" / "B04.tif", overviews=overviews)
    make_item(make_collection(), "large")
    url = f"{portal_server}/tiles/collections/test-collection/items/large"
    response = requests.get(f"{url}/bbox/15,47,15.1,47.1/1024x1024.png", params={"assets": "B04"})
    assert response.status_code == status, response.text[:300]
    if status == 400:
        assert_refused(response, "source pixels", "67,108,864")


# --- memory: the requests that used to take the whole process -----------------------------


def hostile_reads(stac: dict) -> list[tuple[str, str, dict, dict | None, tuple[str, ...]]]:
    """(method, path below the item, query, JSON body, names the refusal must mention)."""
    world = "/bbox/-180,-85,180,85.png"
    degree = square_around(stac, degrees=1.0)
    inside = centre_tile(stac, 12)
    bbox = ",".join(map(str, stac["bbox"]))
    sixteen = ";".join(["b1*1.5"] * 16)
    return [
        ("GET", world, {}, None, ("2048",)),
        # 16 float64 bands of 2048² took the process past 2 GB and killed it
        (
            "GET",
            f"/bbox/{bbox}/2048x2048.tif",
            {"assets": "B04", "expression": sixteen},
            None,
            ("values",),
        ),
        ("POST", "/feature.png", {}, degree, ("2048",)),
        ("POST", "/statistics", {}, degree, ("2048",)),
        (
            "GET",
            "/statistics",
            {"assets": "B04", "histogram_bins": "100000000"},
            None,
            ("histogram_bins",),
        ),
        ("GET", "/preview.png", {"assets": "B04", "max_size": 0}, None, ("max_size",)),
        ("GET", tile_path(inside), {"assets": "B04", "buffer": 100000}, None, ("buffer",)),
    ]


def test_heavy_tile_requests_are_refused_under_a_memory_limit_and_the_process_lives(
    demo, transactional_db
):
    stac = first_item(demo, S2)
    with portal_process(address_space=ADDRESS_SPACE) as portal:
        base = f"{portal.url}/tiles/collections/{stac['collection']}/items/{stac['id']}"
        for method, path, query, body, named in hostile_reads(stac):
            try:
                response = requests.request(
                    method, base + path, params=query, json=body, timeout=60
                )
            except requests.ConnectionError:
                pytest.fail(f"{method} {path} took the portal down")
            assert_refused(response, *named)
            assert portal.alive(), f"{method} {path} killed the portal"
        search = requests.post(f"{portal.url}/tiles/searches/register", json={"collections": [S2]})
        low_zoom = tile_path(centre_tile(stac, 7))
        mosaic = f"{portal.url}/tiles/searches/{search.json()['id']}{low_zoom}"
        for query in ({"tilesize": 2048, "pixel_selection": "median"}, {"buffer": 100000}):
            assert_refused(requests.get(mosaic, params=query, timeout=60), *query)
        assert portal.get("/healthz")[0] == 200


# --- errors: one shape, no exception text -------------------------------------------------


def test_an_unexpected_failure_is_a_500_without_its_text_and_is_logged_once(
    tiles, demo, monkeypatch, caplog
):
    def failing(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr("catalog_portal.tiles.item_tiles.catalog_item_find", failing)
    stac = first_item(demo, S2)
    with caplog.at_level(logging.WARNING):
        response = requests.get(f"{item_url(tiles, stac)}/info")
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.json()["code"] == "InternalServerError"
    logged = [record for record in caplog.records if record.exc_info]
    assert len(logged) == 1
    assert "/info" in logged[0].getMessage()


def test_a_failing_read_is_a_500_without_the_file_path(tiles, demo, monkeypatch):
    def failing(self, *args, **kwargs):
        raise RasterioIOError(SECRET)

    monkeypatch.setattr("catalog_portal.tiles.reader.AssetReader.tile", failing)
    stac = first_item(demo, S2)
    response = requests.get(f"{item_url(tiles, stac)}{tile_path(centre_tile(stac, 12))}")
    assert response.status_code == 500
    assert "hunter2" not in response.text and "secret" not in response.text
    assert response.json()["code"] == "InternalServerError"


def test_a_failing_data_lookup_is_a_500_without_its_text(portal_server, monkeypatch, caplog):
    def failing(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr("catalog_portal.data.app.data_file_lookup", failing)
    with caplog.at_level(logging.WARNING):
        response = requests.get(f"{portal_server}/data/some/file.tif")
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.json() == {
        "code": "InternalServerError",
        "description": response.json()["description"],
    }
    assert len([record for record in caplog.records if record.exc_info]) == 1
    assert requests.get(f"{portal_server}/healthz").status_code == 200


def test_unknown_routes_and_methods_answer_in_the_same_error_shape(portal_server):
    for method, path, status in [
        ("GET", "/tiles/no/such/route", 404),
        ("DELETE", "/tiles/healthz", 405),
        ("POST", "/data/some/file.tif", 405),
    ]:
        response = requests.request(method, f"{portal_server}{path}")
        assert response.status_code == status
        assert response.json()["code"] in {"NotFound", "MethodNotAllowed"}
        assert response.json()["description"]
