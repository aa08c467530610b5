"""Zoomed-out tiles over small files: only the part of the tile a file covers is read
(tiles/covered_parts.py), and those tiles are the pixels rio-tiler's own read gives."""

from __future__ import annotations

import logging
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
import requests
from rasterio.warp import transform_bounds
from rio_tiler.io import Reader

from catalog_portal.tiles.datum import reading_name
from catalog_portal.tiles.reader import AssetReader
from tests.test_tiles import (  # noqa: F401 - fresh_lookups: a fixture
    GFM,
    ORTHO,
    S1,
    WEB_MERCATOR,
    fresh_lookups,
    image_read,
    register,
)

# rasterio's own record of the window of each read it asks GDAL for (of the warped VRT here).
IO_WINDOW = re.compile(r"IO window xoff=\S+ yoff=\S+ width=([\d.]+) height=([\d.]+)")


@pytest.fixture
def tiles(demo_server) -> str:
    return f"{demo_server}/tiles"


def demo_files_of(demo_files, collection: str) -> list[Path]:
    data_root, generated = demo_files
    return sorted(Path(data_root).glob(f"demo/{collection}/*/*.tif"))


def tiles_over(path: Path, zoom: int) -> list:
    """The WebMercatorQuad tiles at ``zoom`` that meet the file at ``path``."""
    with rasterio.open(path) as dataset:
        west, south, east, north = transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)
    return list(WEB_MERCATOR.tiles(west, south, east, north, [zoom]))


def test_a_zoomed_out_mosaic_tile_over_small_orthophotos_reads_only_where_they_lie(
    tiles, demo, demo_files, caplog
):
    """Six 1024² orthophotos in one zoom-9 tile: each read's window holds its file (at most
    twice its side at the tile's Web Mercator scale), not the whole tile at the file's
    resolution (53,263² pixels each: 27 s of CPU for the tile)."""
    files = demo_files_of(demo_files, ORTHO)
    with rasterio.open(files[0]) as dataset:
        side = max(dataset.width, dataset.height)
    (tile,) = tiles_over(files[0], 9)
    search_id = register(tiles, collections=[ORTHO]).json()["id"]
    caplog.set_level(logging.DEBUG, logger="rasterio._io")
    response = requests.get(
        f"{tiles}/searches/{search_id}/tiles/WebMercatorQuad/9/{tile.x}/{tile.y}.png", timeout=120
    )
    assert response.status_code == 200
    assert (image_read(response.content)[3] > 0).any(), "the orthophotos are drawn"
    windows = [
        (float(width), float(height))
        for record in caplog.records
        for width, height in IO_WINDOW.findall(record.getMessage())
    ]
    assert len(windows) >= len(files), "every file was read"
    largest = max(width * height for width, height in windows)
    # Web Mercator stretches 1 m at 47° N to 1.47 m: the file is ~1,500 pixels wide there.
    assert largest <= (2 * side) ** 2, f"a window of {largest:,.0f} pixels was read"


@pytest.mark.parametrize(
    "collection, zoom, options, same_share",
    [
        (ORTHO, 10, {}, 0.999),
        (ORTHO, 10, {"expression": "b4-b1"}, 0.999),
        (ORTHO, 12, {"indexes": (1, 2, 3)}, 0.999),
        (ORTHO, 14, {}, 0.999),  # within twice the coarsest overview: rio-tiler's own read
        (ORTHO, 17, {}, 0.999),
        (GFM, 8, {}, 0.999),
        (GFM, 12, {}, 0.999),
        # Speckle: where the approximate transformer's chunks differ, a neighbour's value shows.
        (S1, 8, {}, 0.5),
        (S1, 12, {}, 0.999),
    ],
)
def test_a_tile_a_file_covers_part_of_is_rio_tilers_own_tile(
    demo_files, collection, zoom, options, same_share
):
    """The pixels of rio-tiler's reader, but where GDAL's approximate transformer (within 1/8
    pixel, interpolated over each chunk it warps; the window is warped in other chunks) takes
    a neighbouring source pixel: the share of equal pixels is at least ``same_share`` and the
    values differ less than neighbouring pixels do. Along a rotated file's edge, where that
    neighbour lies beyond the file, the mask may differ in at most 1% of the pixels."""
    compared = 0
    for path in demo_files_of(demo_files, collection)[:2]:
        name = reading_name(path)
        with warnings.catch_warnings(), AssetReader(name) as ours, Reader(name) as theirs:
            warnings.simplefilter("ignore")  # the demo's alpha band vs nodata notice
            for tile in tiles_over(path, zoom)[:4]:
                args = (tile.x, tile.y, tile.z)
                new = ours.tile(*args, tilesize=256, **options)
                old = theirs.tile(*args, tilesize=256, **options)
                assert new.bounds == old.bounds
                assert new.band_names == old.band_names
                assert new.array.shape == old.array.shape
                both = ~new.array.mask & ~old.array.mask
                new_values = new.array.data[both].astype(float)
                old_values = old.array.data[both].astype(float)
                assert (new_values == old_values).mean() >= same_share
                old_data = old.array.data.astype(float)
                pairs = both[..., 1:] & both[..., :-1]
                neighbours = np.abs(old_data[..., 1:] - old_data[..., :-1])[pairs]
                if neighbours.size:
                    assert np.abs(new_values - old_values).mean() <= neighbours.mean() / 2
                masked_differently = (new.array.mask != old.array.mask).sum()
                assert masked_differently <= math.ceil(0.01 * (~old.array.mask).sum())
                compared += int(both.sum())
    assert compared > 0
