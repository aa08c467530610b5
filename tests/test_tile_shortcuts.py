"""The tile server's shortcuts give what rio-tiler and morecantile give without them.

Pinned datum shifts (tiles/datum.py): MGI rasters are read through a CRS bound to the Helmert
transformation PROJ itself picks, so tiles are the same pixels as without the pin; rasters
already on WGS 84 are read as they are. Shared tile matrix sets (tiles/grids.py), cached zoom
ranges and per-file coverage checks (tiles/reader.py) and the reading threads (tiles/gdal.py)
likewise."""

from __future__ import annotations

import warnings
from pathlib import Path

import morecantile
import numpy as np
import pytest
import rasterio
from pyproj.transformer import AreaOfInterest, TransformerGroup
from rasterio.warp import transform_bounds
from rio_tiler.io import Reader

from catalog_portal.tiles.datum import bound_crs, reading_name

WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")


def demo_file(demo_files, collection: str) -> Path:
    data_root, generated = demo_files
    return next(Path(data_root).glob(f"demo/{collection}/*/*.tif"))


def test_an_mgi_orthophoto_is_read_with_the_transformation_proj_picks_for_its_area(demo_files):
    path = demo_file(demo_files, "dop-kaernten-tamsweg")
    name = reading_name(path)
    assert name.startswith(f"vrt://{path}?a_srs=")
    with rasterio.open(path) as dataset:
        area = transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)
    best = TransformerGroup("EPSG:4312", "EPSG:4326", area_of_interest=AreaOfInterest(*area))
    assert best.transformers[0].description.startswith("MGI to WGS 84")
    with rasterio.open(name) as pinned:
        assert "TOWGS84" in pinned.crs.to_wkt()
        assert "MGI / Austria GK Central" in pinned.crs.to_wkt()
        assert pinned.overviews(1), "the vrt:// keeps the COG's overviews"


@pytest.mark.parametrize("collection", ["sentinel-2-l2a", "sentinel-1-sig0", "GFM"])
def test_rasters_on_wgs84_are_read_as_they_are(demo_files, collection):
    path = demo_file(demo_files, collection)
    assert reading_name(path) == str(path)


def test_no_shift_is_pinned_for_wgs84_itself():
    assert bound_crs(rasterio.CRS.from_epsg(32633).to_wkt(), area=(12, 46, 18, 49)) is None


@pytest.mark.parametrize("zoom", [15, 17, 18])
def test_tiles_through_the_pinned_crs_are_the_pixels_of_gdals_own_reprojection(demo_files, zoom):
    path = demo_file(demo_files, "dop-kaernten-tamsweg")
    with rasterio.open(path) as dataset:
        west, south, east, north = transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)
    tile = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, zoom)
    images = []
    for name in (str(path), reading_name(path)):
        with warnings.catch_warnings(), Reader(name) as reader:
            warnings.simplefilter("ignore")  # the demo's alpha band vs nodata notice
            images.append(reader.tile(tile.x, tile.y, tile.z, tilesize=256, indexes=(1, 2, 3)))
    plain, pinned = images
    assert plain.mask.any()
    np.testing.assert_array_equal(plain.data, pinned.data)
    np.testing.assert_array_equal(plain.mask, pinned.mask)


def test_rio_tiler_reads_a_tiles_assets_without_a_thread_pool_by_default():
    """catalog_portal's import sets RIO_TILER_MAX_THREADS before rio-tiler reads it."""
    import inspect

    from rio_tiler import tasks

    assert inspect.signature(tasks.multi_arrays).parameters["threads"].default == 1


def test_shared_tile_matrix_sets_are_morecantiles_handed_out_once():
    from catalog_portal.tiles.grids import TILE_MATRIX_SETS

    shared = TILE_MATRIX_SETS.get("WebMercatorQuad")
    assert shared is TILE_MATRIX_SETS.get("WebMercatorQuad")
    assert shared == morecantile.tms.get("WebMercatorQuad")
    assert TILE_MATRIX_SETS.list() == morecantile.tms.list()


@pytest.mark.parametrize("collection", ["dop-kaernten-tamsweg", "sentinel-2-l2a", "GFM"])
@pytest.mark.parametrize("tms_id", ["WebMercatorQuad", "WorldCRS84Quad"])
def test_cached_zoom_ranges_are_rio_tilers(demo, collection, tms_id):
    from rio_tiler.io import STACReader

    from catalog_portal.lib.asgi_django import Credentials
    from catalog_portal.tiles.catalog_items import catalog_item_find
    from catalog_portal.tiles.grids import TILE_MATRIX_SETS
    from catalog_portal.tiles.reader import CatalogItemReader

    stac = next(c for c in demo if c.stac["id"] == collection).items[0]
    item = catalog_item_find(
        credentials=Credentials(), collection_id=collection, item_id=stac["id"]
    )
    tms = TILE_MATRIX_SETS.get(tms_id)
    with STACReader("", item=item.stac, tms=tms) as plain:
        expected = (plain.minzoom, plain.maxzoom)
    for _ in range(2):  # computed, then cached
        with CatalogItemReader(item, tms=tms) as reader:
            assert (reader.minzoom, reader.maxzoom) == expected


@pytest.mark.parametrize("collection", ["dop-kaernten-tamsweg", "sentinel-2-l2a", "GFM"])
def test_asset_coverage_is_rio_tilers_away_from_the_files_edges(demo_files, collection):
    """The per-file check (tiles/reader.py AssetReader) says what rio-tiler's says for tiles
    inside, around and far from a file; only tiles touching its edge may differ (the file's
    reprojected bounds are a little wider than the file), and those read as transparent."""
    from catalog_portal.tiles.reader import AssetReader

    path = demo_file(demo_files, collection)
    with Reader(reading_name(path)) as plain, AssetReader(reading_name(path)) as cached:
        west, south, east, north = transform_bounds(plain.crs, "EPSG:4326", *plain.bounds)
        zoom = plain.maxzoom
        middle = WEB_MERCATOR.tile((west + east) / 2, (south + north) / 2, zoom)
        candidates = [middle, WEB_MERCATOR.tile(west - 1, south - 1, zoom)]
        candidates += list(WEB_MERCATOR.tiles(west, south, east, north, [zoom - 2]))
        for tile in candidates:
            tile_west, tile_south, tile_east, tile_north = WEB_MERCATOR.bounds(tile)
            on_edge = tile_west < west < tile_east or tile_west < east < tile_east
            on_edge |= tile_south < south < tile_north or tile_south < north < tile_north
            if not on_edge:
                assert cached.tile_exists(*tile) == plain.tile_exists(*tile), tile


def test_an_items_assets_are_read_by_the_per_file_coverage_reader(demo):
    from catalog_portal.lib.asgi_django import Credentials
    from catalog_portal.tiles.catalog_items import catalog_item_find
    from catalog_portal.tiles.reader import AssetReader, CatalogItemReader

    stac = next(c for c in demo if c.stac["id"] == "GFM").items[0]
    item = catalog_item_find(credentials=Credentials(), collection_id="GFM", item_id=stac["id"])
    with CatalogItemReader(item) as reader:
        assert reader.reader is AssetReader
