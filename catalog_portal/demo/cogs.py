"""Writing Cloud-Optimized GeoTIFFs with GDAL's COG driver (through rasterio)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio.shutil
from rasterio.crs import CRS
from rasterio.io import MemoryFile
from rasterio.transform import Affine


def cog_write(
    path: Path,
    data: np.ndarray,
    *,
    crs: CRS,
    transform: Affine,
    nodata: float | None,
    band_descriptions: tuple[str, ...] = (),
    resampling: str = "AVERAGE",
) -> int:
    """Write ``data`` (bands, rows, cols) as a tiled, DEFLATE-compressed COG with overviews.

    Returns the file size in bytes. The file is written next to its final path and moved
    into place, so a reader never sees half a file.
    """
    if data.ndim == 2:
        data = data[None]
    count, height, width = data.shape
    profile = {
        "driver": "GTiff",
        "count": count,
        "height": height,
        "width": width,
        "dtype": data.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(data)
            for index, description in enumerate(band_descriptions, start=1):
                dataset.set_band_description(index, description)
        with memory.open() as source:
            rasterio.shutil.copy(
                source,
                partial,
                driver="COG",
                BLOCKSIZE=256,
                COMPRESS="DEFLATE",
                PREDICTOR="YES" if data.dtype.kind in "fiu" else "NO",
                OVERVIEWS="IGNORE_EXISTING",
                OVERVIEW_RESAMPLING=resampling,
                RESAMPLING=resampling,
                NUM_THREADS="1",  # deterministic output, and the machine has two cores anyway
            )
    partial.replace(path)
    return path.stat().st_size
