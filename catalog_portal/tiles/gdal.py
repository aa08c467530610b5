"""GDAL settings for reading Cloud-Optimized GeoTIFFs quickly, set once per process."""

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
}


def gdal_configure() -> dict[str, str]:
    """Put the COG settings into the environment, where GDAL reads them; returns them."""
    for name, value in GDAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    return {name: os.environ[name] for name in GDAL_DEFAULTS}
