"""What every demo collection shares: footprints, asset objects, extents and file layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from rasterio.crs import CRS
from rasterio.transform import Affine, array_bounds
from rasterio.warp import transform_geom

from catalog_portal.catalog.assets import data_href
from catalog_portal.demo.cogs import cog_write

STAC_VERSION = "1.0.0"
# Collections are STAC 1.1, where item_assets is a core field (in 1.0 it needs the item-assets
# extension, whose schema no package ships, so offline validators could not check it).
COLLECTION_STAC_VERSION = "1.1.0"
COG_TYPE = "image/tiff; application=geotiff; profile=cloud-optimized"
EXT = {
    "eo": "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
    "proj": "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
    "raster": "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
    "file": "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    "sat": "https://stac-extensions.github.io/sat/v1.0.0/schema.json",
    "sar": "https://stac-extensions.github.io/sar/v1.0.0/schema.json",
    "mgrs": "https://stac-extensions.github.io/mgrs/v1.0.0/schema.json",
    "render": "https://stac-extensions.github.io/render/v2.0.0/schema.json",
}


@dataclass
class DemoCollection:
    """A generated collection: its STAC document, curation and items."""

    stac: dict[str, Any]
    curation: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    """The pixel grid of one raster: CRS, affine transform and size."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width

    def proj_fields(self, *, epsg: int | None) -> dict[str, Any]:
        """The projection extension's fields for this grid."""
        left, bottom, right, top = array_bounds(self.height, self.width, self.transform)
        fields: dict[str, Any] = {
            "proj:epsg": epsg,
            "proj:shape": [self.height, self.width],
            "proj:transform": [round(v, 6) for v in list(self.transform)[:6]],
            "proj:bbox": [round(v, 3) for v in (left, bottom, right, top)],
        }
        if epsg is None:
            fields["proj:wkt2"] = self.crs.to_wkt(version="WKT2_2019")
        return fields


def footprint(grid: Grid) -> tuple[dict[str, Any], list[float]]:
    """The raster's footprint in WGS84 (GeoJSON, bbox), densified so that its edges follow the
    curves a projected rectangle makes in longitude/latitude."""
    left, bottom, right, top = array_bounds(grid.height, grid.width, grid.transform)
    outline = shapely.segmentize(shapely.box(left, bottom, right, top), (right - left) / 8)
    geometry = transform_geom(grid.crs, "EPSG:4326", shapely.geometry.mapping(outline))
    polygon = shapely.set_precision(shapely.geometry.shape(geometry), 1e-7)
    polygon = shapely.geometry.polygon.orient(polygon)
    return shapely.geometry.mapping(polygon), [round(v, 7) for v in polygon.bounds]


def geojson(geometry: dict[str, Any]) -> dict[str, Any]:
    """Plain lists instead of shapely's tuples, so documents compare equal after a JSON trip."""
    return {
        "type": geometry["type"],
        "coordinates": [[list(point) for point in ring] for ring in geometry["coordinates"]],
    }


def write_asset(
    data_root: Path,
    relative: str,
    data: np.ndarray,
    grid: Grid,
    *,
    nodata: float | None,
    band_descriptions: tuple[str, ...] = (),
    resampling: str = "AVERAGE",
) -> tuple[str, int]:
    """Write one asset's COG below ``data_root``; returns its href and size in bytes."""
    size = cog_write(
        data_root / relative,
        data,
        crs=grid.crs,
        transform=grid.transform,
        nodata=nodata,
        band_descriptions=band_descriptions,
        resampling=resampling,
    )
    return data_href(relative), size


def cog_asset(
    href: str, size: int, *, title: str, roles: list[str], **fields: Any
) -> dict[str, Any]:
    """A STAC asset object for a COG."""
    return {
        "href": href,
        "type": COG_TYPE,
        "title": title,
        "roles": roles,
        "file:size": size,
        **fields,
    }


def temporal_extent(items: list[dict[str, Any]]) -> list[list[str]]:
    """The [[first, last]] datetime of ``items``."""
    times = sorted(
        item["properties"].get("datetime") or item["properties"]["start_datetime"] for item in items
    )
    return [[times[0], times[-1]]]


def spatial_extent(items: list[dict[str, Any]]) -> list[list[float]]:
    """The union of the items' bboxes."""
    boxes = np.array([item["bbox"] for item in items])
    return [
        [
            float(boxes[:, 0].min()),
            float(boxes[:, 1].min()),
            float(boxes[:, 2].max()),
            float(boxes[:, 3].max()),
        ]
    ]


def collection_document(
    *,
    stac_id: str,
    title: str,
    description: str,
    keywords: list[str],
    license: str,
    providers: list[dict[str, Any]],
    items: list[dict[str, Any]],
    summaries: dict[str, Any],
    item_assets: dict[str, Any],
    renders: dict[str, Any],
    extensions: list[str],
) -> dict[str, Any]:
    """A STAC Collection whose extent is computed from its items."""
    return {
        "type": "Collection",
        "stac_version": COLLECTION_STAC_VERSION,
        "stac_extensions": sorted({EXT["render"], *extensions}),
        "id": stac_id,
        "title": title,
        "description": description,
        "keywords": keywords,
        "license": license,
        "providers": providers,
        "extent": {
            "spatial": {"bbox": spatial_extent(items)},
            "temporal": {"interval": temporal_extent(items)},
        },
        "summaries": summaries,
        "item_assets": item_assets,
        "renders": renders,
        "links": [],
    }


def item_document(
    *,
    stac_id: str,
    collection: str,
    grid: Grid,
    properties: dict[str, Any],
    assets: dict[str, Any],
    extensions: list[str],
) -> dict[str, Any]:
    """A STAC Item whose geometry is ``grid``'s real footprint."""
    geometry, bbox = footprint(grid)
    return {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": sorted(set(extensions)),
        "id": stac_id,
        "collection": collection,
        "geometry": geojson(geometry),
        "bbox": bbox,
        "properties": properties,
        "assets": assets,
        "links": [],
    }
