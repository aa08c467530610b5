"""The reader: rio-tiler's STACReader over a catalogued item, reading only files below DATA_ROOT."""

from __future__ import annotations

import threading

from cachetools import LRUCache
from morecantile import Tile, TileMatrixSet
from rasterio.warp import transform_bounds
from rio_tiler.io import Reader, STACReader
from rio_tiler.types import AssetInfo, AssetType, BBox

from catalog_portal.catalog.assets import asset_path
from catalog_portal.tiles.datum import reading_name
from catalog_portal.tiles.errors import AssetNotServable
from catalog_portal.tiles.lookups import CatalogItem


class AssetReader(Reader):
    """rio-tiler's Reader of one asset file, checking tile coverage without PROJ per tile.

    rio-tiler's ``tile_exists`` transforms every tile's bounds into the file's CRS: a PROJ
    transformation set up anew each time, ~10 ms for an Equi7Grid or UTM file and a third
    of a whole tile's time (py-spy, bench/tiles.py). The file's bounds in the tile matrix
    set's CRS are the same for every tile, so they are transformed once per file and grid.
    """

    def tile_exists(self, tile_x: int, tile_y: int, tile_z: int) -> bool:
        west, south, east, north = self.tms.xy_bounds(Tile(tile_x, tile_y, tile_z))
        bounds = grid_bounds(self)
        if bounds is None:
            return super().tile_exists(tile_x, tile_y, tile_z)
        file_west, file_south, file_east, file_north = bounds
        return west < file_east and east > file_west and south < file_north and north > file_south


_grid_bounds: LRUCache = LRUCache(maxsize=4096)
_grid_bounds_lock = threading.Lock()


def grid_bounds(reader: Reader) -> BBox | None:
    """The bounds of ``reader``'s file in its tile matrix set's CRS (None if they cannot be
    transformed), computed once per file, extent and grid."""
    if reader.tms.rasterio_crs == reader.crs:
        return tuple(reader.bounds)
    key = (str(reader.input), tuple(reader.bounds), reader.tms.id)
    with _grid_bounds_lock:
        if key in _grid_bounds:
            return _grid_bounds[key]
    try:
        bounds = transform_bounds(
            reader.crs, reader.tms.rasterio_crs, *reader.bounds, densify_pts=21
        )
    except Exception:  # noqa: BLE001 - PROJ's many errors: rio-tiler's own check decides
        bounds = None
    with _grid_bounds_lock:
        _grid_bounds[key] = bounds
    return bounds


class CatalogItemReader(STACReader):
    """Reads the assets of a :class:`CatalogItem` (its ``input``), never a URL from a request.

    Asset hrefs are ``/data/<path>`` and resolve through ``catalog.assets.asset_path``;
    any other href (a URL, an absolute path) is refused rather than opened.
    """

    input: CatalogItem

    def __attrs_post_init__(self) -> None:
        self.item = self.input.stac
        self.reader = AssetReader
        if self.minzoom is None and self.maxzoom is None:
            self.minzoom, self.maxzoom = zoom_range(self.input, self.tms)
        super().__attrs_post_init__()

    def _get_asset_info(self, asset: AssetType) -> AssetInfo:
        info = super()._get_asset_info(asset)
        href = self.item.assets[info["name"]].href
        path = asset_path(href)
        if path is None:
            raise AssetNotServable(f"asset {info['name']!r} is not a file the portal serves")
        # STACReader may have picked an alternate href; only the catalogue's own file counts.
        info["url"] = reading_name(path)
        return info

    def tile_exists(self, tile_x: int, tile_y: int, tile_z: int) -> bool:
        """Whether the tile meets the item's bbox (WGS 84), before any asset is opened.

        rio-tiler would project the tile into the item's own CRS for this, and for a CRS on an
        older datum (MGI) that costs PROJ a search for the datum shift on every tile (see
        ``datum.py``). Each asset's reader still checks exactly against its file.
        """
        west, south, east, north = self.tms.bounds(Tile(tile_x, tile_y, tile_z))
        item_west, item_south, item_east, item_north = self.item.bbox
        return west < item_east and east > item_west and south < item_north and north > item_south


_zoom_ranges: LRUCache = LRUCache(maxsize=4096)
_zoom_ranges_lock = threading.Lock()


def zoom_range(item: CatalogItem, tms: TileMatrixSet) -> tuple[int, int]:
    """rio-tiler's min and max zoom of ``item`` on ``tms``, computed once per item version.

    rio-tiler derives them on every reader from the item's CRS and resolution; for an item in
    MGI that is a PROJ search for the datum shift (~20 ms, see ``datum.py``) on every tile.
    """
    key = (item, tms.id)
    with _zoom_ranges_lock:
        zooms = _zoom_ranges.get(key)
    if zooms is None:
        with STACReader(item.stac.get_self_href() or "", item=item.stac, tms=tms) as reader:
            zooms = (reader.minzoom, reader.maxzoom)
        with _zoom_ranges_lock:
            _zoom_ranges[key] = zooms
    return zooms
