"""Process-wide speed settings: GDAL for reading COGs (PNG compression is per image, ``images.py``).

``gdal_configure`` runs when the ``catalog_portal`` package is imported, before rio-tiler is:
rio-tiler reads ``RIO_TILER_MAX_THREADS`` once, into its functions' default arguments.
"""

from __future__ import annotations

import os

# Defaults after TiTiler's performance advice; the environment can override each one.
GDAL_DEFAULTS = {
    # A COG carries its metadata; listing its folder on open costs a request per file.
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_CACHEMAX": "256",  # MB of block cache shared by all reads in the process
    "VSI_CACHE": "TRUE",
    "VSI_CACHE_SIZE": "5000000",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.tiff",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "GDAL_HTTP_MULTIPLEX": "YES",
    "GDAL_HTTP_VERSION": "2",
    "GDAL_BAND_BLOCK_CACHE": "HASHSET",
    # rio-tiler reads the assets of a tile (Sentinel-2's three bands, a mosaic's items) in a
    # thread pool of 5 × cores, made anew per tile. For small COG reads on a 2-core server
    # that doubled a tile's CPU time (three Sentinel-2 bands: 43 ms with one thread, 88 with
    # the pool, measured in-process while the machine was busy); concurrent
    # requests keep the cores busy instead. Raise it for slow remote storage.
    "RIO_TILER_MAX_THREADS": "1",
}


def gdal_configure() -> dict[str, str]:
    """Put the COG settings into the environment, where GDAL reads them; returns them."""
    for name, value in GDAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    return {name: os.environ[name] for name in GDAL_DEFAULTS}
