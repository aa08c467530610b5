"""Catalog Portal: a STAC data-catalogue explorer (pages, STAC API, tiles in one process)."""

from catalog_portal.tiles.gdal import gdal_configure

# Before anything imports rio-tiler or opens a raster: they read these settings once.
gdal_configure()
