"""Limits of one read, checked by the reader once it knows the file: how many pixels the image
will have and how many source pixels GDAL must read for it.

An area asked for without a size is read at the file's resolution (titiler's bbox and
feature): one square degree of Sentinel-2 is ~11,000² pixels per band, several GB once
masked and rescaled. Such a read is refused unless the caller asks for a size; a size alone is
not enough either, since a file without overviews is read whole at any output size.
"""

from __future__ import annotations

import math
from typing import Any

from rasterio.dtypes import in_dtype_range
from rio_tiler.expression import parse_expression
from rio_tiler.types import BBox
from rio_tiler.utils import output_size

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.catalog.search.params import parse_geometry
from catalog_portal.tiles.limits import MAX_COORDINATE, MAX_SIDE

# 8192² source pixels: GDAL streams them through its block cache, so this bounds time (about a
# second of decoding), not memory.
MAX_SOURCE_PIXELS = 8192 * 8192


def read_size_check(
    *,
    area: BBox,
    file_bounds: BBox,
    file_shape: tuple[int, int],
    overviews: list[int],
    width: int | None,
    height: int | None,
    max_size: int | None,
) -> None:
    """Refuse (400) a read of ``area`` (in the CRS of ``file_bounds``) whose image would be
    larger than MAX_SIDE per side, or that reads more than MAX_SOURCE_PIXELS of the file.

    ``file_shape`` is the file's (height, width) in pixels and ``overviews`` its decimation
    factors, from which GDAL picks the coarsest that is still as fine as the output.
    """
    file_height, file_width = file_shape
    x_resolution = (file_bounds[2] - file_bounds[0]) / file_width
    y_resolution = (file_bounds[3] - file_bounds[1]) / file_height
    native_width = max((area[2] - area[0]) / x_resolution, 1.0)
    native_height = max((area[3] - area[1]) / y_resolution, 1.0)
    out_height, out_width = output_size(
        dataset_height=native_height,
        dataset_width=native_width,
        output_height=height,
        output_width=width,
        max_size=None if width or height else max_size,
    )
    if out_width > MAX_SIDE or out_height > MAX_SIDE:
        raise InvalidParameter(
            "max_size",
            f"this area is {native_width:,.0f}×{native_height:,.0f} pixels at the file's "
            f"resolution and images are at most {MAX_SIDE} pixels per side: ask for "
            f"max_size (or width and height) of at most {MAX_SIDE}",
        )
    decimation = min(native_width / out_width, native_height / out_height)
    factor = max([1, *(level for level in overviews if level <= decimation)])
    overlap_width = max(0.0, min(area[2], file_bounds[2]) - max(area[0], file_bounds[0]))
    overlap_height = max(0.0, min(area[3], file_bounds[3]) - max(area[1], file_bounds[1]))
    source = (overlap_width / x_resolution) * (overlap_height / y_resolution) / factor**2
    if source > MAX_SOURCE_PIXELS:
        raise InvalidParameter(
            "bbox",
            f"this image would read {source:,.0f} source pixels of a file without overviews at "
            f"this scale, at most {MAX_SOURCE_PIXELS:,}: ask for a smaller area",
        )


def feature_check(*, feature: dict) -> None:
    """Refuse (400) a feature that is not a valid area of a bounded number of vertices (the
    search layer's geometry check) within finite coordinates."""
    if not isinstance(feature, dict):
        raise InvalidParameter("feature", "must be a GeoJSON Feature with a geometry")
    geometry = parse_geometry(feature.get("geometry") or feature, "feature")
    if not all(math.isfinite(value) and abs(value) <= MAX_COORDINATE for value in geometry.bounds):
        raise InvalidParameter("feature", f"coordinates must be within ±{MAX_COORDINATE:g}")
    if geometry.area <= 0:
        raise InvalidParameter("feature", "must be an area: its polygon has none")


def read_options_check(*, band_count: int, dtype: str, options: dict[str, Any]) -> None:
    """Refuse (400) band indexes the file does not have and a nodata value its data type
    cannot hold (rasterio and numpy fail on both with IndexError and TypeError)."""
    indexes = options.get("indexes")
    wanted = [indexes] if isinstance(indexes, int) else list(indexes or [])
    if options.get("expression"):
        wanted += parse_expression(options["expression"])
    if any(not isinstance(index, int) or not 1 <= index <= band_count for index in wanted):
        raise InvalidParameter("bidx", f"band indexes of this asset are 1 to {band_count}")
    nodata = options.get("nodata")
    if nodata is not None and not in_dtype_range(nodata, dtype):
        raise InvalidParameter("nodata", f"must be a value of the file's data type, {dtype}")
