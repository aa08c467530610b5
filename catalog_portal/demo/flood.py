"""Sentinel-1 backscatter and GFM flood extent over the Oder valley in September 2024, in the
Equi7Grid Europe projection (an azimuthal equidistant grid with no EPSG code).

One landscape with a meandering river spans the 2×2 chips of the area; the water level rises
to a peak in mid-September and falls again, so flood extents grow and recede across dates,
and the radar images show the flooded land dark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pyproj import Transformer
from rasterio.crs import CRS
from rasterio.transform import from_origin

from catalog_portal.demo import imagery
from catalog_portal.demo.common import (
    COG_TYPE,
    EXT,
    DemoCollection,
    Grid,
    cog_asset,
    collection_document,
    item_document,
    write_asset,
)

EQUI7_EU = CRS.from_proj4(
    "+proj=aeqd +lat_0=53 +lon_0=24 +x_0=5837287.81977 +y_0=2121415.69617 "
    "+datum=WGS84 +units=m +no_defs"
)
RESOLUTION = 20.0
CHIP = 512  # pixels per chip side
CHIPS = 2  # chips per side of the area
CENTRE = (17.15, 51.03)  # within the EODC example's area (lon 16.43-17.88, lat 50.75-51.31)
PASSES = [  # (day, hour, minute, platform, relative orbit, direction)
    (9, 16, 31, "sentinel-1a", 124, "ascending"),
    (12, 5, 2, "sentinel-1a", 22, "descending"),
    (15, 16, 31, "sentinel-1a", 124, "ascending"),
    (17, 5, 10, "sentinel-1a", 73, "descending"),
    (21, 16, 23, "sentinel-1a", 175, "ascending"),
    (24, 5, 2, "sentinel-1a", 22, "descending"),
]
S1_ID, GFM_ID = "sentinel-1-sig0", "GFM"
SIG0_NODATA = -9999
FLOOD_NODATA = 255
NORMAL_LEVEL, PEAK_RISE, PEAK_DAY = 0.10, 0.16, 17.5


def flood_steps() -> int:
    """How many times generating the flood maps reports progress: once per chip and pass (a
    Sentinel-1 item and its GFM item)."""
    return len(PASSES) * CHIPS * CHIPS


def flood_collections(data_root: Path, progress: Callable[[str], None]) -> list[DemoCollection]:
    """Generate the Sentinel-1 and GFM files under ``data_root`` and their STAC."""
    x, y = Transformer.from_crs(4326, EQUI7_EU, always_xy=True).transform(*CENTRE)
    size = CHIP * RESOLUTION
    left, top = round(x / size - CHIPS / 2) * size, round(y / size + CHIPS / 2) * size
    land = imagery.landscape_make(
        np.random.default_rng(7),
        (CHIP * CHIPS, CHIP * CHIPS),
        pixel_size=RESOLUTION,
        river_level=NORMAL_LEVEL,
        valley=_valley(CHIP * CHIPS),
    )
    rng = np.random.default_rng(8)
    s1_items, gfm_items = [], []
    for day, hour, minute, platform, orbit, direction in PASSES:
        when = dt.datetime(2024, 9, day, hour, minute, 2, tzinfo=dt.UTC)
        level = NORMAL_LEVEL + PEAK_RISE * np.exp(-(((day - PEAK_DAY) / 3.2) ** 2))
        water = land.elevation < level
        vv = imagery.backscatter_db(rng, land, water=water, cross=False)
        vh = imagery.backscatter_db(rng, land, water=water, cross=True)
        flooded = water & (land.elevation >= NORMAL_LEVEL)
        for row in range(CHIPS):
            for col in range(CHIPS):
                window = np.s_[row * CHIP : (row + 1) * CHIP, col * CHIP : (col + 1) * CHIP]
                grid = Grid(
                    EQUI7_EU,
                    from_origin(left + col * size, top - row * size, RESOLUTION, RESOLUTION),
                    CHIP,
                    CHIP,
                )
                tile = _equi7_tile(left + col * size, top - (row + 1) * size)
                meta = {"when": when, "platform": platform, "orbit": orbit, "direction": direction}
                s1_items.append(_s1_item(data_root, grid, tile, vv[window], vh[window], **meta))
                gfm_items.append(
                    _gfm_item(data_root, grid, tile, flooded[window], land.cover[window], **meta)
                )
                progress(f"{S1_ID}/{GFM_ID} {tile} {when:%Y-%m-%d}")
    return [_s1_collection(s1_items), _gfm_collection(gfm_items)]


def _valley(size: int) -> np.ndarray:
    """0 along a meandering river crossing the area from west to east, rising to 1 away from it."""
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float32)
    centre = size * (
        0.5 + 0.18 * np.sin(cols / size * 2 * np.pi * 1.3) + 0.06 * np.sin(cols / size * 17)
    )
    distance = np.abs(rows - centre) * RESOLUTION
    return np.clip(distance / 4000.0, 0, 1) ** 0.7


def _equi7_tile(x: float, y: float) -> str:
    """An Equi7Grid-style tile name for the chip whose lower-left corner is (x, y)."""
    return f"EU020M_E{int(x // 10_000):04d}N{int(y // 10_000):04d}T1"


def _common_properties(
    grid: Grid, when: dt.datetime, platform: str, orbit: int, direction: str
) -> dict:
    return {
        "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": platform,
        "constellation": "sentinel-1",
        "instruments": ["c-sar"],
        "sat:orbit_state": direction,
        "sat:relative_orbit": orbit,
        "sar:instrument_mode": "IW",
        "sar:frequency_band": "C",
        "sar:polarizations": ["VV", "VH"],
        "sar:product_type": "GRD",
        "gsd": RESOLUTION,
        **grid.proj_fields(epsg=None),
    }


def _s1_item(
    data_root: Path,
    grid: Grid,
    tile: str,
    vv: np.ndarray,
    vh: np.ndarray,
    *,
    when: dt.datetime,
    platform: str,
    orbit: int,
    direction: str,
) -> dict:
    item_id = f"SIG0_{when:%Y%m%dT%H%M%S}_{tile}_{platform[-2:].upper()}IWGRDH"
    assets = {}
    for name, data in (("VV", vv), ("VH", vh)):
        scaled = np.clip(np.round(data * 10), -500, 300).astype(np.int16)
        href, size = write_asset(
            data_root, f"demo/{S1_ID}/{item_id}/{name}.tif", scaled, grid, nodata=SIG0_NODATA
        )
        assets[name] = cog_asset(
            href,
            size,
            title=f"Backscatter {name} (sigma0, dB)",
            roles=["data", "backscatter"],
            **{
                "sar:polarizations": [name],
                "raster:bands": [
                    {
                        "data_type": "int16",
                        "nodata": SIG0_NODATA,
                        "scale": 0.1,
                        "offset": 0,
                        "unit": "dB",
                        "spatial_resolution": RESOLUTION,
                    }
                ],
            },
        )
    properties = _common_properties(grid, when, platform, orbit, direction)
    return item_document(
        stac_id=item_id,
        collection=S1_ID,
        grid=grid,
        properties=properties,
        assets=assets,
        extensions=[EXT["proj"], EXT["raster"], EXT["file"], EXT["sat"], EXT["sar"]],
    )


def _gfm_item(
    data_root: Path,
    grid: Grid,
    tile: str,
    flooded: np.ndarray,
    cover: np.ndarray,
    *,
    when: dt.datetime,
    platform: str,
    orbit: int,
    direction: str,
) -> dict:
    item_id = f"ENSEMBLE_FLOOD_{when:%Y%m%dT%H%M%S}_VV_{tile}"
    extent = flooded.astype(np.uint8)
    # GFM leaves out what radar cannot judge, such as built-up areas: those pixels are nodata.
    extent[cover == imagery.BUILT] = FLOOD_NODATA
    href, size = write_asset(
        data_root,
        f"demo/{GFM_ID}/{item_id}/ensemble_flood_extent.tif",
        extent,
        grid,
        nodata=FLOOD_NODATA,
        resampling="NEAREST",
    )
    asset = cog_asset(
        href,
        size,
        title="Ensemble flood extent",
        roles=["data"],
        **{
            "raster:bands": [
                {"data_type": "uint8", "nodata": FLOOD_NODATA, "spatial_resolution": RESOLUTION}
            ],
            "classification:classes": [
                {"value": 0, "name": "no-flood"},
                {"value": 1, "name": "flood"},
            ],
        },
    )
    properties = _common_properties(grid, when, platform, orbit, direction)
    properties["flooded_area_km2"] = round(float((extent == 1).sum()) * RESOLUTION**2 / 1e6, 3)
    return item_document(
        stac_id=item_id,
        collection=GFM_ID,
        grid=grid,
        properties=properties,
        assets={"ensemble_flood_extent": asset},
        extensions=[EXT["proj"], EXT["raster"], EXT["file"], EXT["sat"], EXT["sar"]],
    )


PROVIDERS = [
    {"name": "Copernicus Emergency Management Service (demo)", "roles": ["licensor"]},
    {"name": "Catalog Portal", "roles": ["host", "processor"]},
]
DEMO_NOTE = "\n\n*Demo data:* generated by Catalog Portal's `load_demo` over a synthetic valley."


def _s1_collection(items: list[dict]) -> DemoCollection:
    stac = collection_document(
        stac_id=S1_ID,
        title="Sentinel-1 Sigma0 backscatter (Equi7Grid, 20 m)",
        description="Radiometrically terrain-corrected Sentinel-1 IW backscatter (sigma nought) "
        "in VV and VH polarisation, resampled to the 20 m Equi7Grid for Europe." + DEMO_NOTE,
        keywords=["Sentinel-1", "SAR", "Backscatter", "Sigma0", "Equi7Grid", "Copernicus"],
        license="proprietary",
        providers=PROVIDERS,
        items=items,
        summaries={
            "platform": ["sentinel-1a"],
            "sar:polarizations": ["VV", "VH"],
            "sar:instrument_mode": ["IW"],
            "gsd": [RESOLUTION],
        },
        item_assets={
            name: {
                "type": COG_TYPE,
                "title": f"Backscatter {name} (sigma0, dB)",
                "roles": ["data", "backscatter"],
            }
            for name in ("VV", "VH")
        },
        renders={
            "default": {
                "title": "VV backscatter (dB)",
                "assets": ["VV"],
                "rescale": [[-250, 0]],
                "nodata": SIG0_NODATA,
            }
        },
        extensions=[EXT["proj"], EXT["raster"], EXT["sat"], EXT["sar"]],
    )
    curation = {
        "category": "sentinel-1",
        "featured": False,
        "featured_order": 4,
        "visibility": "public",
    }
    return DemoCollection(stac=stac, curation=curation, items=items)


def _gfm_collection(items: list[dict]) -> DemoCollection:
    stac = collection_document(
        stac_id=GFM_ID,
        title="Global Flood Monitoring (GFM)",
        description="Observed flood extent from Sentinel-1, as the ensemble of three flood "
        "detection algorithms of the Copernicus Global Flood Monitoring product "
        "(0 = no flood, 1 = flood, 255 = no data), in the 20 m Equi7Grid for Europe." + DEMO_NOTE,
        keywords=["GFM", "Flood", "Sentinel-1", "Copernicus", "Emergency", "Equi7Grid"],
        license="proprietary",
        providers=PROVIDERS,
        items=items,
        summaries={
            "platform": ["sentinel-1a"],
            "gsd": [RESOLUTION],
            "flooded_area_km2": {
                "minimum": min(i["properties"]["flooded_area_km2"] for i in items),
                "maximum": max(i["properties"]["flooded_area_km2"] for i in items),
            },
        },
        item_assets={
            "ensemble_flood_extent": {
                "type": COG_TYPE,
                "title": "Ensemble flood extent",
                "roles": ["data"],
            }
        },
        renders={
            "default": {
                "title": "Flood extent",
                "assets": ["ensemble_flood_extent"],
                "nodata": FLOOD_NODATA,
                "colormap": {"0": [0, 0, 0, 0], "1": [30, 110, 220, 255]},
            }
        },
        extensions=[EXT["proj"], EXT["raster"], EXT["sat"], EXT["sar"]],
    )
    curation = {"category": "other", "featured": True, "featured_order": 3, "visibility": "public"}
    return DemoCollection(stac=stac, curation=curation, items=items)
