"""Tiles that a file covers only part of: rio-tiler's read of the tile, limited to that part.

rio-tiler reads a tile through a WarpedVRT at the file's own resolution over the whole tile,
and GDAL then warps every block of the coarsest of that VRT's overviews still finer than the
tile, empty or not. Zoomed out over a small file that is enormous: a 1 km orthophoto at 1 m
in a zoom-9 tile is a 53,263² pixel VRT, 13,316² at its coarsest overview: 4.5 s of CPU for
the 25 pixels the file has in a 256² tile, 27 s for a tile over six such files.

The same VRT read through a window around the file (in whole tile pixels) warps only that
window's blocks, and gives the same pixels: the window's sample positions are the whole
tile's. Almost: GDAL's approximate transformer (within 1/8 pixel, interpolated over each
chunk it warps, and the window is warped in other chunks) may take a neighbouring source
pixel, or one beyond the file's edge (tests/test_tiles_covered_parts.py: none of the
orthophotos' pixels, about 40% of a Sentinel-1 speckle tile's). The rest of the tile is
masked, as rio-tiler leaves pixels beyond a file.

A file without overviews needs none of this: GDAL then warps the VRT's window straight to the
tile's pixels, in one pass the size of the tile.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import attr
import numpy as np
from rasterio.windows import Window
from rio_tiler.models import ImageData
from rio_tiler.types import BBox


class TileWindow(NamedTuple):
    """The rows and columns of a tile's image that meet a file, and their bounds."""

    row_off: int
    col_off: int
    height: int
    width: int
    bounds: BBox


def covered_window(
    *, tile_bounds: BBox, file_bounds: BBox, height: int, width: int
) -> TileWindow | None:
    """The smallest window of whole pixels of a tile (``height`` × ``width`` pixels over
    ``tile_bounds``) that holds ``file_bounds`` (in the same CRS); None when that is the
    whole tile or none of it."""
    west, south, east, north = tile_bounds
    x_res, y_res = (east - west) / width, (north - south) / height
    col_start = max(0, math.floor((file_bounds[0] - west) / x_res))
    col_stop = min(width, math.ceil((file_bounds[2] - west) / x_res))
    row_start = max(0, math.floor((north - file_bounds[3]) / y_res))
    row_stop = min(height, math.ceil((north - file_bounds[1]) / y_res))
    if col_start >= col_stop or row_start >= row_stop:
        return None
    if (col_stop - col_start, row_stop - row_start) == (width, height):
        return None
    bounds = (
        west + col_start * x_res,
        north - row_stop * y_res,
        west + col_stop * x_res,
        north - row_start * y_res,
    )
    return TileWindow(row_start, col_start, row_stop - row_start, col_stop - col_start, bounds)


def vrt_window(
    *, window: TileWindow, height: int, width: int, vrt_shape: tuple[int, int]
) -> Window:
    """``window`` (pixels of a ``height`` × ``width`` tile) in the pixels of the tile's VRT of
    ``vrt_shape`` (height, width): fractional, as rasterio reads windows."""
    y_scale, x_scale = vrt_shape[0] / height, vrt_shape[1] / width
    return Window(
        window.col_off * x_scale,
        window.row_off * y_scale,
        window.width * x_scale,
        window.height * y_scale,
    )


def image_paste(
    image: ImageData, *, window: TileWindow, height: int, width: int, bounds: BBox
) -> ImageData:
    """``image`` (read over ``window``) as the whole tile of ``height`` × ``width`` pixels over
    ``bounds``, masked outside the window."""
    rows = slice(window.row_off, window.row_off + window.height)
    cols = slice(window.col_off, window.col_off + window.width)
    part = image.array
    fill = image.nodata if image.nodata is not None else 0
    data = np.full((part.shape[0], height, width), fill, dtype=part.dtype)
    mask = np.ones((part.shape[0], height, width), dtype=bool)
    data[:, rows, cols] = part.data
    mask[:, rows, cols] = np.ma.getmaskarray(part)
    alpha = None
    if image.alpha_mask is not None:
        alpha = np.zeros((height, width), dtype=image.alpha_mask.dtype)
        alpha[rows, cols] = image.alpha_mask
    return attr.evolve(
        image, array=np.ma.MaskedArray(data, mask=mask), bounds=bounds, alpha_mask=alpha
    )
