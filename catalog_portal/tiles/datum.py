"""Pinned datum shifts: read rasters of older datums (MGI, ETRS89 …) without PROJ's search.

A raster whose CRS names only an EPSG code, such as the Carinthian orthophotos in MGI /
Austria GK Central (EPSG:31255), leaves the datum shift to WGS 84 open. Each time rio-tiler
transforms bounds or computes a warp resolution for such a file (three times per tile), GDAL
asks PROJ to search its database for candidate transformations: about 20 ms per call for MGI,
which has a dozen, so most of a tile's time went into a search that always gives the same
answer.

So the tile server asks once per file which transformation PROJ picks for the file's area
(pyproj's ``TransformerGroup``, best first, only those usable on this machine), and when it
is a Helmert transformation, reads the file through a ``vrt://`` connection whose CRS is the
same CRS bound to that transformation (WKT1 ``TOWGS84``). The pixels are the same as GDAL's
own reprojection (tests/test_tiles.py checks the tile grid against it); the search is gone.
Grid-based transformations (NTv2, when a grid is installed) are left to PROJ.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any

import pyproj
import rasterio
from cachetools import LRUCache
from pyproj.crs import BoundCRS
from pyproj.transformer import AreaOfInterest, TransformerGroup
from rasterio.warp import transform_bounds

WGS84 = pyproj.CRS.from_epsg(4326)
# The transformations WKT1's TOWGS84 can express (geocentric translations, 7-parameter Helmert).
HELMERT_METHODS = ("Geocentric translations", "Position Vector", "Coordinate Frame")


def reading_name(path: Path) -> str:
    """The name GDAL should open ``path`` by: ``path`` itself, or a ``vrt://`` of it whose CRS
    carries the datum shift PROJ would choose for the file (see the module docstring)."""
    name = str(path)
    if "?" in name or "&" in name:  # would break the vrt:// connection string; read as is
        return name
    stat = path.stat()
    bound = _bound_crs_of_file(name, stat.st_mtime_ns, stat.st_size)
    return f"vrt://{name}?a_srs={bound}" if bound else name


def remote_reading_name(name: str, *, env: dict[str, Any]) -> str:
    """``reading_name`` of a file GDAL reads over the network (``/vsis3/…``, ``/vsicurl/…``)
    with the options ``env``; its datum shift is looked up once per name."""
    if "?" in name or "&" in name:
        return name
    with _remote_bound_lock:
        found = _remote_bound.get(name, _UNKNOWN)
    if found is _UNKNOWN:
        with rasterio.Env(**env):
            found = _bound_crs_of_dataset(name)
        with _remote_bound_lock:
            _remote_bound[name] = found
    return f"vrt://{name}?a_srs={found}" if found else name


_UNKNOWN = object()
_remote_bound: LRUCache = LRUCache(maxsize=4096)
_remote_bound_lock = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _bound_crs_of_file(name: str, mtime_ns: int, size: int) -> str | None:
    """The file's CRS bound to its datum shift (WKT1), or None; cached per file version."""
    return _bound_crs_of_dataset(name)


def _bound_crs_of_dataset(name: str) -> str | None:
    """The CRS of the file GDAL opens by ``name``, bound to its datum shift (WKT1), or None."""
    with rasterio.open(name) as dataset:
        if dataset.crs is None:
            return None
        crs_wkt = dataset.crs.to_wkt()
        bounds = transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)
    return bound_crs(crs_wkt, area=bounds)


@functools.lru_cache(maxsize=256)
def bound_crs(crs_wkt: str, *, area: tuple[float, float, float, float]) -> str | None:
    """``crs_wkt`` bound to the Helmert transformation to WGS 84 that PROJ picks for ``area``
    (west, south, east, north in degrees), as WKT1; None when no shift is needed or the
    best transformation is not a Helmert."""
    crs = pyproj.CRS.from_wkt(crs_wkt)
    geodetic = crs.geodetic_crs
    if crs.is_bound or geodetic is None or geodetic.datum == WGS84.datum:
        return None
    group = TransformerGroup(geodetic, WGS84, area_of_interest=AreaOfInterest(*area))
    if not group.transformers:
        return None
    operation = json.loads(group.transformers[0].to_json())
    method = operation.get("method", {}).get("name", "")
    if operation.get("type") != "Transformation" or not method.startswith(HELMERT_METHODS):
        return None
    bound = BoundCRS(
        source_crs=_without_ids(crs), target_crs=WGS84, transformation=operation
    ).to_wkt("WKT1_GDAL")
    return bound.replace("\n", "")


def _without_ids(crs: pyproj.CRS) -> pyproj.CRS:
    """``crs`` without its EPSG identifiers: with them, GDAL looks the CRS up again and the
    search (and its cost) comes back; names, parameters and units stay."""
    description = crs.to_json_dict()
    description.pop("id", None)
    description.get("base_crs", {}).pop("id", None)
    return pyproj.CRS.from_json_dict(description)
