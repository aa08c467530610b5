"""The tile server at /tiles: item tiles by catalogue id, render defaults, search mosaics,
access, caching and errors, over real HTTP against the demo's real COGs."""

from __future__ import annotations

import concurrent.futures
import json
import logging
import shutil
import warnings

import morecantile
import numpy as np
import pytest
import rasterio
import requests
from django.test import Client
from rasterio.errors import NotGeoreferencedWarning
from rasterio.io import MemoryFile
from rasterio.warp import reproject, transform

from catalog_portal.catalog.assets import asset_path
from catalog_portal.demo.loader import DEMO_USER
from catalog_portal.tiles.catalog_cache import catalog_cache_clear as lookups_clear

WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")
ORTHO, OSTTIROL = "dop-kaernten-tamsweg", "dop-kaernten-osttirol"
S2, S1, GFM = "sentinel-2-l2a", "sentinel-1-sig0", "GFM"


@pytest.fixture(autouse=True)
def fresh_lookups():
    """Each test starts without lookups cached by the one before (the server is in-process)."""
    lookups_clear()
    yield
    lookups_clear()


@pytest.fixture
def tiles(demo_server) -> str:
    """Base URL of the tile app, with the demo catalogue loaded (read-only: a test that writes
    what the server must see asks for ``portal_server`` too)."""
    return f"{demo_server}/tiles"


@pytest.fixture
def demo_session(portal_server, demo) -> requests.Session:
    """An HTTP client signed in as the demo user with a real Django session cookie (committed,
    so that the server sees it)."""
    from django.contrib.auth.models import User

    django_client = Client()
    django_client.force_login(User.objects.get(username=DEMO_USER))
    session = requests.Session()
    session.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    return session


def first_item(demo, collection: str) -> dict:
    """The STAC of the first generated item of ``collection``."""
    return next(c for c in demo if c.stac["id"] == collection).items[0]


def item_url(tiles: str, stac: dict) -> str:
    return f"{tiles}/collections/{stac['collection']}/items/{stac['id']}"


def centre_tile(stac: dict, zoom: int) -> morecantile.Tile:
    """The WebMercatorQuad tile at the centre of an item's bbox."""
    west, south, east, north = stac["bbox"]
    return WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, zoom)


def flooded_tile(demo, zoom: int) -> tuple[dict, morecantile.Tile]:
    """The GFM item at the flood's peak and a tile over a flooded pixel of it."""
    gfm = next(c for c in demo if c.stac["id"] == GFM).items
    peak = [stac for stac in gfm if stac["properties"]["datetime"].startswith("2024-09-17")]
    best = None
    for stac in peak:
        with rasterio.open(asset_path(stac["assets"]["ensemble_flood_extent"]["href"])) as src:
            flooded = np.argwhere(src.read(1) == 1)
            if len(flooded) and (best is None or len(flooded) > best[2]):
                row, col = flooded[len(flooded) // 2]
                x, y = src.xy(row, col)
                (lon,), (lat,) = transform(src.crs, "EPSG:4326", [x], [y])
                best = (stac, WEB_MERCATOR.tile(lon, lat, zoom), len(flooded))
    return best[0], best[1]


def tile_path(tile: morecantile.Tile, suffix: str = "") -> str:
    return f"/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}{suffix}"


def image_read(content: bytes) -> np.ndarray:
    """Bands of a PNG, JPEG or GeoTIFF answer (the mask, if any, last)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # PNGs carry no georeferencing
        with MemoryFile(content) as memory, memory.open() as dataset:
            return dataset.read()


# --- tilejson, tiles, preview, info, statistics, point ------------------------------------


def test_tilejson_of_an_item_gives_its_bounds_zooms_and_a_tile_url_of_the_item(tiles, demo):
    stac = first_item(demo, S2)
    response = requests.get(f"{item_url(tiles, stac)}/WebMercatorQuad/tilejson.json")
    assert response.status_code == 200
    tilejson = response.json()
    assert tilejson["tiles"][0].startswith(
        f"{item_url(tiles, stac)}/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}"
    )
    west, south, east, north = tilejson["bounds"]
    assert west == pytest.approx(stac["bbox"][0], abs=1e-3)
    assert north == pytest.approx(stac["bbox"][3], abs=1e-3)
    assert tilejson["minzoom"] < tilejson["maxzoom"]
    assert tilejson["raster_layers"]["default"]["assets"] == ["B04", "B03", "B02"]


def test_a_tile_from_the_tilejson_is_a_256_pixel_png_with_cache_headers(tiles, demo):
    stac = first_item(demo, S2)
    tilejson = requests.get(f"{item_url(tiles, stac)}/WebMercatorQuad/tilejson.json").json()
    tile = centre_tile(stac, tilejson["maxzoom"])
    url = (
        tilejson["tiles"][0]
        .format(z=tile.z, x=tile.x, y=tile.y)
        .replace("tilesize=512", "tilesize=256")
    )
    response = requests.get(url + "&format=png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["ETag"]
    rgba = image_read(response.content)
    assert rgba.shape == (4, 256, 256)
    assert rgba[3].any(), "the tile at the item's centre shows data"


def test_tiles_serve_other_tile_matrix_sets_too(tiles, demo):
    stac = first_item(demo, S2)
    response = requests.get(f"{item_url(tiles, stac)}/WorldCRS84Quad/tilejson.json")
    assert response.status_code == 200
    assert "/tiles/WorldCRS84Quad/" in response.json()["tiles"][0]


def test_preview_and_thumbnail_are_images_of_the_default_render(tiles, demo):
    stac = first_item(demo, ORTHO)
    preview = requests.get(f"{item_url(tiles, stac)}/preview.png?max_size=128")
    assert preview.status_code == 200
    assert image_read(preview.content).shape[0] == 4  # RGB + alpha
    thumbnail = requests.get(f"{item_url(tiles, stac)}/preview/64x64.png")
    assert thumbnail.status_code == 200
    assert image_read(thumbnail.content).shape[1:] == (64, 64)


def test_info_lists_the_assets_and_statistics_follow_the_default_render(tiles, demo):
    stac = first_item(demo, S2)
    info = requests.get(f"{item_url(tiles, stac)}/info")
    assert info.status_code == 200
    assert {"B02", "B03", "B04", "B08"} <= set(info.json())
    statistics = requests.get(f"{item_url(tiles, stac)}/statistics?max_size=128")
    assert statistics.status_code == 200
    assert len(statistics.json()) == 3  # B04, B03, B02
    for band in statistics.json().values():
        assert 0 < band["mean"] < 10000


def test_point_answers_the_values_of_an_asset_at_a_coordinate(tiles, demo):
    stac = first_item(demo, GFM)
    west, south, east, north = stac["bbox"]
    lon, lat = (west + east) / 2, (south + north) / 2
    response = requests.get(
        f"{item_url(tiles, stac)}/point/{lon},{lat}?assets=ensemble_flood_extent"
    )
    assert response.status_code == 200
    assert response.json()["values"][0] in (0, 1, 255)


def test_an_ndvi_expression_over_two_assets_stays_between_minus_one_and_one(tiles, demo):
    stac = first_item(demo, S2)
    response = requests.get(
        f"{item_url(tiles, stac)}/statistics",
        params={"assets": ["B04", "B08"], "expression": "(b2-b1)/(b2+b1)", "max_size": 128},
    )
    assert response.status_code == 200
    (band,) = response.json().values()
    assert -1 <= band["min"] <= band["max"] <= 1
    assert band["mean"] > 0.1, "a landscape with vegetation has a positive mean NDVI"


def test_a_named_render_is_chosen_with_the_render_parameter(tiles, demo):
    stac = first_item(demo, S2)
    tile = centre_tile(stac, 12)
    ndvi = requests.get(f"{item_url(tiles, stac)}{tile_path(tile, '.png')}?render=ndvi")
    true_colour = requests.get(f"{item_url(tiles, stac)}{tile_path(tile, '.png')}")
    assert ndvi.status_code == true_colour.status_code == 200
    assert ndvi.content != true_colour.content
    assert ndvi.headers["ETag"] != true_colour.headers["ETag"]


def test_explicit_parameters_win_over_the_render_defaults(tiles, demo):
    stac = first_item(demo, S2)
    tile = centre_tile(stac, 12)
    url = f"{item_url(tiles, stac)}{tile_path(tile, '.tif')}"
    raw = image_read(requests.get(url, params={"assets": "B08", "return_mask": False}).content)
    assert raw.shape[0] == 1
    assert raw.max() > 255, "B08 as stored (reflectance × 10000), not rescaled"


# --- render defaults per collection -------------------------------------------------------


def test_orthophotos_default_to_rgb_of_their_first_three_bands(tiles, demo):
    stac = first_item(demo, ORTHO)
    tile = centre_tile(stac, 16)
    url = f"{item_url(tiles, stac)}{tile_path(tile, '.tif')}"
    default = image_read(requests.get(url, params={"return_mask": False}).content)
    explicit = image_read(
        requests.get(url, params={"assets": "image|bidx=1,2,3", "return_mask": False}).content
    )
    assert default.shape[0] == 3
    assert np.array_equal(default, explicit)


def test_sentinel1_defaults_to_a_grey_decibel_range(tiles, demo):
    stac = first_item(demo, S1)
    tile = centre_tile(stac, 12)
    grey = image_read(requests.get(f"{item_url(tiles, stac)}{tile_path(tile, '.png')}").content)
    assert grey.shape[0] == 2  # one grey band plus alpha
    assert grey[0][grey[1] > 0].std() > 10, "backscatter spreads over the grey range"


def test_flood_extent_is_blue_where_flooded_and_transparent_elsewhere(tiles, demo):
    stac, tile = flooded_tile(demo, 13)
    rgba = image_read(requests.get(f"{item_url(tiles, stac)}{tile_path(tile, '.png')}").content)
    visible = rgba[3] > 0
    assert visible.any() and not visible.all()
    assert (rgba[:3, visible].T == [30, 110, 220]).all(), "only flooded pixels, in blue"


@pytest.mark.parametrize("collection", [ORTHO, S2, S1, GFM])
def test_tiles_land_on_the_web_mercator_grid_within_a_pixel_of_the_source(tiles, demo, collection):
    """EPSG:31255, UTM 33N and Equi7Grid rasters reprojected by the tiler agree with GDAL's
    own reprojection of the source onto the tile's grid, and not with a shifted one."""
    if collection == GFM:
        stac, tile = flooded_tile(demo, 13)  # flood edges, not a uniform field
    else:
        stac = first_item(demo, collection)
        tilejson = requests.get(f"{item_url(tiles, stac)}/WebMercatorQuad/tilejson.json")
        tile = centre_tile(stac, tilejson.json()["maxzoom"])
    asset = next(iter(stac["assets"]))
    response = requests.get(
        f"{item_url(tiles, stac)}{tile_path(tile, '.tif')}",
        params={"assets": f"{asset}|bidx=1", "tilesize": 256},
    )
    assert response.status_code == 200
    with MemoryFile(response.content) as memory, memory.open() as served:
        bounds = WEB_MERCATOR.xy_bounds(tile)
        assert served.crs.to_epsg() == 3857
        assert served.bounds.left == pytest.approx(bounds.left, abs=0.01)
        assert served.bounds.top == pytest.approx(bounds.top, abs=0.01)
        # Band 1 is the data, band 2 the tiler's mask (255 where there is data).
        tile_data = np.ma.masked_array(served.read(1), mask=served.read(2) == 0)
        expected = np.zeros((256, 256), dtype=tile_data.dtype)
        with rasterio.open(asset_path(stac["assets"][asset]["href"])) as source:
            reproject(
                rasterio.band(source, 1),
                expected,
                dst_transform=served.transform,
                dst_crs=served.crs,
            )
    valid = ~np.ma.getmaskarray(tile_data)
    assert valid.sum() > 1000

    def mismatch(dy: int, dx: int) -> float:
        shifted = np.roll(expected, (dy, dx), axis=(0, 1))
        inner = valid.copy()
        inner[:2], inner[-2:], inner[:, :2], inner[:, -2:] = False, False, False, False
        return float(np.mean(tile_data.data[inner] != shifted[inner]))

    offsets = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)]
    best = min(offsets, key=lambda offset: mismatch(*offset))
    assert best == (0, 0)
    assert mismatch(0, 0) < 0.05


# --- out of bounds and bad parameters -----------------------------------------------------


def test_a_tile_outside_the_item_is_404_not_500(tiles, demo):
    stac = first_item(demo, S2)
    far = WEB_MERCATOR.tile(-70.0, -30.0, 12)
    response = requests.get(f"{item_url(tiles, stac)}{tile_path(far)}")
    assert response.status_code == 404
    assert "outside" in response.json()["detail"]
    beyond_the_grid = requests.get(f"{item_url(tiles, stac)}/tiles/WebMercatorQuad/99/1/1")
    assert beyond_the_grid.status_code == 400
    assert beyond_the_grid.json()["detail"].startswith("z: ")


@pytest.mark.parametrize(
    ("suffix", "params", "named"),
    [
        ("/tiles/NoSuchGrid/12/1/1", {}, "tileMatrixSetId"),
        ("/tiles/WebMercatorQuad/12/1/1", {"rescale": "a,b"}, "rescale"),
        ("/tiles/WebMercatorQuad/12/1/1", {"assets": "B99"}, "B99"),
        ("/tiles/WebMercatorQuad/12/1/1", {"assets": "B04", "expression": "b1+"}, "expression"),
        ("/tiles/WebMercatorQuad/12/1/1", {"render": "sepia"}, "render"),
        ("/tiles/WebMercatorQuad/12/1/1", {"colormap_name": "nope"}, "colormap_name"),
        ("/tiles/WebMercatorQuad/12/1/1", {"colormap": "{not json"}, "colormap"),
        ("/tiles/WebMercatorQuad/x/1/1", {}, "z"),
        ("/tiles/WebMercatorQuad/-1/0/0", {}, "z"),
        ("/tiles/WebMercatorQuad/12/1/1", {"assets": "B04|bidx=x"}, "assets"),
        ("/tiles/WebMercatorQuad/12/1/1", {"tilesize": 100000}, "tilesize"),
        ("/tiles/WebMercatorQuad/12/1/1", {"buffer": 0.3}, "buffer"),
        ("/preview.png", {"max_size": 100000}, "max_size"),
        ("/point/500,500", {}, "lon"),
    ],
)
def test_bad_parameters_are_400_with_a_message_naming_them(tiles, demo, suffix, params, named):
    stac = first_item(demo, S2)
    inside = centre_tile(stac, 12)  # parameters are judged on a tile that exists
    suffix = suffix.replace("/12/1/1", f"/{inside.z}/{inside.x}/{inside.y}")
    response = requests.get(f"{item_url(tiles, stac)}{suffix}", params=params)
    assert response.status_code == 400, response.text
    assert named.lower() in response.json()["detail"].lower()


def test_unknown_items_and_collections_are_404(tiles, demo):
    stac = first_item(demo, S2)
    assert requests.get(f"{tiles}/collections/{S2}/items/nope/info").status_code == 404
    assert requests.get(f"{tiles}/collections/nope/items/{stac['id']}/info").status_code == 404


# --- access -------------------------------------------------------------------------------


def test_restricted_items_are_404_for_anonymous_and_200_for_the_demo_user(
    tiles, demo, demo_session
):
    stac = first_item(demo, OSTTIROL)
    url = f"{item_url(tiles, stac)}/WebMercatorQuad/tilejson.json"
    anonymous = requests.get(url)
    assert anonymous.status_code == 404
    assert anonymous.headers["Cache-Control"] == "no-store"
    signed_in = demo_session.get(url)
    assert signed_in.status_code == 200
    tile = centre_tile(stac, 16)
    response = demo_session.get(f"{item_url(tiles, stac)}{tile_path(tile)}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private, ")
    assert requests.get(f"{item_url(tiles, stac)}{tile_path(tile)}").status_code == 404


def test_a_signed_in_outsider_does_not_see_restricted_items(portal_server, tiles, demo, charlie):
    django_client = Client()
    django_client.force_login(charlie)
    session = requests.Session()
    session.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    stac = first_item(demo, OSTTIROL)
    assert session.get(f"{item_url(tiles, stac)}/info").status_code == 404


def test_no_tile_endpoint_takes_a_url_or_file_path(tiles):
    openapi = requests.get(f"{tiles}/openapi.json").json()
    names = {
        parameter["name"].lower()
        for path in openapi["paths"].values()
        for operation in path.values()
        for parameter in operation.get("parameters", [])
    }
    assert not names & {"url", "path", "href", "file", "filename", "src_path", "uri"}


def test_a_url_parameter_is_ignored_and_the_item_is_read(tiles, demo):
    stac = first_item(demo, S2)
    tile = centre_tile(stac, 12)
    url = f"{item_url(tiles, stac)}{tile_path(tile, '.png')}"
    plain = requests.get(url)
    with_url = requests.get(url, params={"url": "/etc/passwd"})
    assert with_url.status_code == 200
    assert with_url.content == plain.content


def test_assets_whose_href_is_not_below_data_root_are_refused(
    portal_server, make_collection, make_item
):
    collection = make_collection("elsewhere")
    item = make_item(collection, "outside")
    item.stac["assets"]["B04"]["href"] = "https://example.org/B04.tif"
    item.save()
    other = make_item(collection, "escaping")
    other.stac["assets"]["B04"]["href"] = "/data/../../etc/passwd"
    other.save()
    for item_id in ("outside", "escaping"):
        response = requests.get(
            f"{portal_server}/tiles/collections/elsewhere/items/{item_id}/preview.png",
            params={"assets": "B04"},
        )
        assert response.status_code == 404, response.text
        assert "not a file the portal serves" in response.json()["detail"]


def test_an_item_whose_file_is_missing_is_404_naming_the_asset_without_a_traceback(
    portal_server, make_collection, make_item, demo_files, tmp_path, settings, caplog
):
    # A DATA_ROOT of this test's own, with a copy of a demo COG where the item's href points.
    settings.DATA_ROOT = tmp_path
    copied = tmp_path / "test" / "B04.tif"
    copied.parent.mkdir()
    shutil.copyfile(next(demo_files[0].rglob("*.tif")), copied)
    stac = make_item(make_collection("test-collection"), "vanishing").stac
    base = item_url(f"{portal_server}/tiles", stac)
    assert requests.get(f"{base}/info", params={"assets": "B04"}).status_code == 200

    copied.unlink()
    lookups_clear()
    with caplog.at_level(logging.INFO):
        for path in (
            f"{tile_path(centre_tile(stac, 12), '.png')}",
            "/preview.png",
            "/info",
            "/statistics",
        ):
            response = requests.get(base + path, params={"assets": "B04"})
            assert response.status_code == 404, (path, response.text)
            assert response.json()["detail"] == "the file of asset 'B04' is missing", path
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


# --- caching ------------------------------------------------------------------------------


def test_a_current_etag_is_answered_304_without_a_body(tiles, demo):
    stac = first_item(demo, S2)
    url = f"{item_url(tiles, stac)}{tile_path(centre_tile(stac, 12), '.png')}"
    first = requests.get(url)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = requests.get(url, params={"rescale": "0,1000"})
    assert other.headers["ETag"] != first.headers["ETag"]


def test_a_burst_of_tile_requests_does_not_exhaust_database_connections(tiles, demo, settings):
    """Every request looks its item up (no lookup cache): with PostgreSQL's pool of 10
    connections, threads that kept theirs would starve the rest."""
    settings.TILES_LOOKUP_SECONDS = 0
    items = next(c for c in demo if c.stac["id"] == S2).items[:48]
    urls = [f"{item_url(tiles, stac)}/WebMercatorQuad/tilejson.json" for stac in items]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda url: requests.get(url, timeout=60).status_code, urls))
    assert statuses == [200] * len(urls)
    assert requests.get(f"{tiles}/collections/{S2}/items/{items[0]['id']}/info").ok


# --- search mosaics -----------------------------------------------------------------------


def register(tiles: str, session=requests, **search) -> requests.Response:
    return session.post(f"{tiles}/searches/register", json=search)


def test_registering_the_same_search_twice_gives_the_same_id(tiles):
    first = register(tiles, collections=[GFM], datetime="2024-09-01T00:00:00Z/..")
    second = register(tiles, collections=[GFM], datetime="2024-09-01T00:00:00Z/..")
    assert first.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    links = {link["rel"]: link["href"] for link in first.json()["links"]}
    assert requests.get(links["tilejson"]).json()["tiles"][0].endswith("/{z}/{x}/{y}")


def test_the_explore_page_carries_the_tilejson_of_its_preview(tiles, demo_server):
    """The explore page registers its preview's search as it renders and carries what the
    tilejson says of it (tiles/page_layers.py): the same tile URLs and bounds."""
    html = requests.get(f"{demo_server}/explore/?collection={GFM}&preview=1", timeout=60).text
    layer = json.loads(
        html.split('<script id="explore-preview" type="application/json">')[1].split("</script>")[0]
    )
    registered = register(tiles, collections=[GFM])
    assert registered.json()["id"] == layer["id"]
    links = {link["rel"]: link["href"] for link in registered.json()["links"]}
    tilejson = requests.get(links["tilejson"], timeout=60).json()
    assert [demo_server + path for path in layer["tiles"]] == tilejson["tiles"]
    assert layer["bounds"] == pytest.approx(tilejson["bounds"])
    assert (layer["minzoom"], layer["maxzoom"]) == (tilejson["minzoom"], tilejson["maxzoom"])


def test_registering_a_bad_search_is_400_naming_the_parameter(tiles):
    response = register(tiles, collections=[GFM], filter="eo:cloud_cover <<< 3")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("filter")
    assert register(tiles, bbox=[1, 2, 3]).json()["detail"].startswith("bbox")


def test_a_mosaic_tile_shows_the_newest_item_on_top(tiles, demo):
    gfm = next(c for c in demo if c.stac["id"] == GFM).items
    newest = max(gfm, key=lambda stac: stac["properties"]["datetime"])
    search_id = register(tiles, collections=[GFM]).json()["id"]
    tilejson = requests.get(f"{tiles}/searches/{search_id}/WebMercatorQuad/tilejson.json").json()
    tile = centre_tile(newest, 13)
    mosaic = requests.get(tilejson["tiles"][0].format(z=tile.z, x=tile.x, y=tile.y))
    assert mosaic.status_code == 200
    assert mosaic.headers["Vary"] == "Cookie, Authorization, Origin"  # Origin: for CORS
    alone = requests.get(f"{item_url(tiles, newest)}{tile_path(tile)}")
    assert np.array_equal(image_read(mosaic.content), image_read(alone.content))
    again = requests.get(mosaic.url, headers={"If-None-Match": mosaic.headers["ETag"]})
    assert again.status_code == 304


def test_a_mosaic_tile_across_two_items_shows_both(tiles, demo):
    """Reading stops once the footprints are covered, not before: a tile on the border of two
    flood chips of the same date shows each chip's data on its side."""
    gfm = next(c for c in demo if c.stac["id"] == GFM).items
    newest = max(stac["properties"]["datetime"] for stac in gfm)
    chips = [stac for stac in gfm if stac["properties"]["datetime"] == newest]
    left, right = next(
        (a, b)
        for a in chips
        for b in chips
        if abs(a["bbox"][2] - b["bbox"][0]) < 0.03 and abs(a["bbox"][1] - b["bbox"][1]) < 0.03
    )
    lat = (max(left["bbox"][1], right["bbox"][1]) + min(left["bbox"][3], right["bbox"][3])) / 2
    tile = WEB_MERCATOR.tile((left["bbox"][2] + right["bbox"][0]) / 2, lat, 13)
    raw = {"assets": "ensemble_flood_extent", "tilesize": 256}
    search_id = register(tiles, collections=[GFM], datetime=newest).json()["id"]
    mosaic = image_read(
        requests.get(f"{tiles}/searches/{search_id}{tile_path(tile, '.tif')}", params=raw).content
    )
    a, b = (
        image_read(
            requests.get(f"{item_url(tiles, s)}{tile_path(tile, '.tif')}", params=raw).content
        )
        for s in (left, right)
    )
    assert a[1].any() and b[1].any(), "the tile straddles both chips"
    expected = np.where(a[1] > 0, a[0], b[0])
    filled = mosaic[1] > 0
    assert np.array_equal(filled, (a[1] > 0) | (b[1] > 0))
    assert np.array_equal(mosaic[0][filled], expected[filled])


def test_a_mosaic_follows_the_search_filter(tiles, demo):
    s2 = next(c for c in demo if c.stac["id"] == S2).items
    clear = min(s2, key=lambda stac: stac["properties"]["eo:cloud_cover"])
    cover = clear["properties"]["eo:cloud_cover"]
    search_id = register(
        tiles,
        collections=[S2],
        bbox=clear["bbox"],
        filter={"op": "<=", "args": [{"property": "eo:cloud_cover"}, cover]},
        **{"filter-lang": "cql2-json"},
    ).json()["id"]
    tile = centre_tile(clear, 12)
    response = requests.get(f"{tiles}/searches/{search_id}{tile_path(tile, '.png')}")
    assert response.status_code == 200
    assert image_read(response.content)[3].any()


def test_pixel_selection_highest_keeps_every_flooded_pixel_of_all_dates(tiles, demo):
    """``first`` shows the newest observation; ``highest`` the maximum over all of them: a
    pixel flooded (1) on any date is flooded in it."""
    stac, tile = flooded_tile(demo, 13)
    search_id = register(tiles, collections=[GFM]).json()["id"]
    url = f"{tiles}/searches/{search_id}{tile_path(tile, '.tif')}"
    raw = {"assets": "ensemble_flood_extent", "tilesize": 256}
    newest = image_read(requests.get(url, params=raw).content)
    highest = image_read(requests.get(url, params={**raw, "pixel_selection": "highest"}).content)
    days = [
        image_read(
            requests.get(f"{item_url(tiles, s)}{tile_path(tile, '.tif')}", params=raw).content
        )
        for s in next(c for c in demo if c.stac["id"] == GFM).items
        if s["bbox"] == stac["bbox"]
    ]
    ever_flooded = np.any([(day[0] == 1) & (day[1] > 0) for day in days], axis=0)
    assert ever_flooded.sum() > ((newest[0] == 1) & (newest[1] > 0)).sum()
    assert np.array_equal((highest[0] == 1) & (highest[1] > 0), ever_flooded)


def test_a_mosaic_image_of_a_bbox_has_the_asked_size_and_the_items_pixels(tiles, demo):
    ortho = next(c for c in demo if c.stac["id"] == ORTHO).items
    west = min(s["bbox"][0] for s in ortho)
    south = min(s["bbox"][1] for s in ortho)
    east = max(s["bbox"][2] for s in ortho)
    north = max(s["bbox"][3] for s in ortho)
    search_id = register(tiles, collections=[ORTHO]).json()["id"]
    url = f"{tiles}/searches/{search_id}/bbox/{west},{south},{east},{north}/400x300.png"
    response = requests.get(url)
    assert response.status_code == 200
    rgba = image_read(response.content)
    assert rgba.shape == (4, 300, 400)
    assert (rgba[3] > 0).mean() > 0.95, "the orthophotos cover their own bbox"
    assert requests.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "path, query, named",
    [
        ("bbox/14,47,13,48/256x256.png", {}, "bbox"),  # west > east
        ("bbox/13,47,14,48/4096x256.png", {}, "width"),
        ("bbox/13,47,14,48/256x256.png", {"pixel_selection": "loudest"}, "pixel_selection"),
    ],
)
def test_bad_mosaic_image_parameters_are_400_naming_them(tiles, demo, path, query, named):
    search_id = register(tiles, collections=[ORTHO]).json()["id"]
    response = requests.get(f"{tiles}/searches/{search_id}/{path}", params=query)
    assert response.status_code == 400
    assert named in response.text


def test_a_mosaic_across_collections_draws_each_item_with_its_own_collections_render(tiles, demo):
    """A search over all datasets has no one render for its items: each is drawn with its own
    collection's default, the flood's blue where it is flooded, its Sentinel-1 scene's grey
    around it (the flood map is transparent there, so the scene below shows)."""
    gfm, tile = flooded_tile(demo, 13)
    s1 = next(
        stac
        for stac in next(c for c in demo if c.stac["id"] == S1).items
        if stac["bbox"] == gfm["bbox"]
        and stac["properties"]["datetime"] == gfm["properties"]["datetime"]
    )
    search_id = register(tiles, datetime=gfm["properties"]["datetime"]).json()["id"]
    response = requests.get(f"{tiles}/searches/{search_id}{tile_path(tile, '.png')}")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "image/png"
    mosaic = image_read(response.content)
    flood, scene = (
        image_read(requests.get(f"{item_url(tiles, s)}{tile_path(tile, '.png')}").content)
        for s in (gfm, s1)
    )
    flooded = flood[3] > 0
    around = ~flooded & (scene[1] > 0)
    assert flooded.any() and around.any(), "the tile shows the flood and land around it"
    assert (mosaic[:3, flooded].T == [30, 110, 220]).all(), "the flood in its render's blue"
    for band in mosaic[:3]:
        assert np.array_equal(band[around], scene[0][around]), "the scene in its render's grey"
    assert (mosaic[3][flooded | around] == 255).all()


def test_a_mosaic_across_collections_shows_restricted_items_only_to_who_may_see_them(
    tiles, demo, demo_session
):
    stac = first_item(demo, OSTTIROL)
    tile = tile_path(centre_tile(stac, 15), ".png")
    search_id = register(tiles, bbox=stac["bbox"]).json()["id"]
    assert requests.get(f"{tiles}/searches/{search_id}{tile}").status_code == 204
    signed_in = demo_session.get(f"{tiles}/searches/{search_id}{tile}")
    assert signed_in.status_code == 200
    assert signed_in.headers["Cache-Control"].startswith("private, ")
    mosaic = image_read(signed_in.content)
    alone = image_read(demo_session.get(f"{item_url(tiles, stac)}{tile}").content)
    shown = alone[-1] > 0
    assert shown.any()
    assert np.array_equal(mosaic[:3, shown], alone[:3, shown]), "the orthophoto's own colours"


def test_a_mosaic_tile_where_no_item_lies_is_an_empty_204(tiles, demo):
    """As titiler.mosaic answers: nothing to draw is no error (a map shows it as empty, and
    a browser's console shows no failed request for it)."""
    search_id = register(tiles, collections=[GFM]).json()["id"]
    far = WEB_MERCATOR.tile(-70.0, -30.0, 10)
    response = requests.get(f"{tiles}/searches/{search_id}{tile_path(far)}")
    assert response.status_code == 204
    assert response.content == b""


def test_a_mosaic_tilejson_is_bounded_by_the_matching_items_not_the_searched_area(tiles, demo):
    """A map asks only for tiles inside the bounds: those of the items that match, even when
    the search's area (or its collection's extent) is far larger."""
    scenes = next(c for c in demo if c.stac["id"] == S2).items
    west, south, east, north = scenes[0]["bbox"]
    area = [west - 1.5, south - 1.0, east + 1.5, north + 1.0]
    matching = [
        stac
        for stac in scenes
        if stac["bbox"][0] <= area[2]
        and stac["bbox"][2] >= area[0]
        and stac["bbox"][1] <= area[3]
        and stac["bbox"][3] >= area[1]
    ]
    search_id = register(tiles, collections=[S2], bbox=area).json()["id"]
    tilejson = requests.get(f"{tiles}/searches/{search_id}/WebMercatorQuad/tilejson.json").json()
    expected = [
        min(s["bbox"][0] for s in matching),
        min(s["bbox"][1] for s in matching),
        max(s["bbox"][2] for s in matching),
        max(s["bbox"][3] for s in matching),
    ]
    assert tilejson["bounds"] == pytest.approx(expected)
    assert expected != pytest.approx(area)


def test_a_mosaic_tilejson_of_a_search_matching_nothing_has_the_searched_bounds(tiles, demo):
    nothing = "2001-01-01T00:00:00Z/2001-01-02T00:00:00Z"
    search_id = register(tiles, collections=[GFM], datetime=nothing).json()["id"]
    tilejson = requests.get(f"{tiles}/searches/{search_id}/WebMercatorQuad/tilejson.json")
    assert tilejson.status_code == 200
    assert len(tilejson.json()["bounds"]) == 4


def test_a_search_over_a_restricted_collection_exists_only_for_who_may_see_it(
    tiles, demo, demo_session
):
    assert register(tiles, collections=[OSTTIROL]).status_code == 400
    registered = register(tiles, demo_session, collections=[OSTTIROL])
    assert registered.status_code == 200
    search_id = registered.json()["id"]
    stac = first_item(demo, OSTTIROL)
    tile = tile_path(centre_tile(stac, 15))
    signed_in = demo_session.get(f"{tiles}/searches/{search_id}{tile}")
    assert signed_in.status_code == 200
    assert signed_in.headers["Cache-Control"].startswith("private, ")
    assert requests.get(f"{tiles}/searches/{search_id}{tile}").status_code == 404
    assert requests.get(f"{tiles}/searches/{search_id}/info").status_code == 404


def test_an_unknown_search_is_404(tiles):
    assert requests.get(f"{tiles}/searches/0123456789abcdef/info").status_code == 404


def test_a_mosaic_image_of_a_feature_is_clipped_to_it(tiles, demo):
    """titiler.mosaic's feature image: the items' pixels inside the feature, none outside."""
    ortho = next(c for c in demo if c.stac["id"] == ORTHO).items
    west, south, east, north = ortho[0]["bbox"]
    # The south-west half of the item's bbox, as a triangle.
    triangle = [[west, south], [east, south], [west, north], [west, south]]
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [triangle]},
    }
    search_id = register(tiles, collections=[ORTHO]).json()["id"]
    response = requests.post(f"{tiles}/searches/{search_id}/feature/200x200.png", json=feature)
    assert response.status_code == 200
    rgba = image_read(response.content)
    assert rgba.shape == (4, 200, 200)
    assert rgba[3][190, 10] > 0, "south-west corner: inside the triangle"
    assert rgba[3][10, 190] == 0, "north-east corner: outside it"


def test_a_mosaic_image_of_a_bbox_without_a_size_stays_within_the_limits(tiles, demo):
    search_id = register(tiles, collections=[ORTHO]).json()["id"]
    huge = requests.get(
        f"{tiles}/searches/{search_id}/bbox/13,47,14,48.png", params={"max_size": 4096}
    )
    assert huge.status_code == 400
    assert "max_size" in huge.text
