"""When a mosaic tile is finished: once every pixel that some item's footprint covers is filled.

rio-tiler's FirstMethod stops only when the whole tile is filled, so a tile at the edge of a
search's items would read every item below the newest. Knowing the footprints, it can stop as
soon as nothing an older item could add remains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from morecantile import Tile, TileMatrixSet
from rasterio.features import rasterize
from rasterio.transform import from_bounds
from rasterio.warp import transform_geom
from rio_tiler.mosaic.methods.defaults import FirstMethod

# Footprint edges and reprojected raster edges can differ by a pixel: leave a margin.
EDGE_PIXELS = 2


def footprint_coverage(
    *, footprints: Iterable[dict], tms: TileMatrixSet, tile: Tile, size: int
) -> np.ndarray:
    """Pixels of ``tile`` (``size``²) inside the union of GeoJSON ``footprints`` (WGS84)."""
    union = shapely.union_all([shapely.geometry.shape(f) for f in footprints if f])
    if union.is_empty:
        return np.zeros((size, size), dtype=bool)
    projected = transform_geom("EPSG:4326", tms.rasterio_crs, union.__geo_interface__)
    bounds = tms.xy_bounds(tile)
    inside = rasterize(
        [projected],
        out_shape=(size, size),
        transform=from_bounds(*bounds, size, size),
        fill=0,
        default_value=1,
        dtype="uint8",
    ).astype(bool)
    for _ in range(EDGE_PIXELS):  # erode by one pixel in each direction
        inside[1:, :] &= inside[:-1, :]
        inside[:-1, :] &= inside[1:, :]
        inside[:, 1:] &= inside[:, :-1]
        inside[:, :-1] &= inside[:, 1:]
    return inside


@dataclass
class FirstUntilCovered(FirstMethod):
    """The first (newest) pixel wins; done once every pixel in ``covered`` has a value."""

    covered: np.ndarray | None = field(default=None)

    @property
    def is_done(self) -> bool:
        if self.mosaic is None or self.covered is None:
            return super().is_done
        missing = np.ma.getmaskarray(self.mosaic)
        if missing.ndim == 3:
            missing = missing.any(axis=0)
        if missing.shape != self.covered.shape:
            return super().is_done
        return not (missing & self.covered).any()
