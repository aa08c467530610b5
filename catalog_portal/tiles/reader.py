"""The reader: rio-tiler's STACReader over a catalogued item, reading only files of the
allow-listed asset sources (catalog/asset_sources.py): below DATA_ROOT, in S3, over HTTP(S)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from cachetools import LRUCache
from morecantile import Tile, TileMatrixSet
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
from rasterio.warp import transform_bounds
from rio_tiler import reader
from rio_tiler.constants import WGS84_CRS
from rio_tiler.errors import InvalidAssetName
from rio_tiler.expression import parse_expression
from rio_tiler.io import Reader, STACReader
from rio_tiler.models import ImageData
from rio_tiler.types import AssetInfo, AssetType, BBox, Indexes
from rio_tiler.utils import get_vrt_transform

from catalog_portal.catalog.asset_redirects import redirects_stay_inside
from catalog_portal.catalog.asset_sources import AssetSource, asset_source
from catalog_portal.tiles.catalog_items import CatalogItem
from catalog_portal.tiles.covered_parts import covered_window, image_paste, vrt_window
from catalog_portal.tiles.datum import reading_name, remote_reading_name
from catalog_portal.tiles.error_responses import (
    AssetFileMissing,
    AssetNotServable,
    AssetUnreachable,
)
from catalog_portal.tiles.reads import feature_check, read_options_check, read_size_check

logger = logging.getLogger(__name__)

# What an asset's options may ask of its read (tiles/renders.py parses them).
ASSET_READ_OPTIONS = ("indexes", "expression")
# Options of a tile that rio-tiler's low-level read takes as they are (the others, such as
# padding, buffer or vrt_options, change the grid read: those tiles are rio-tiler's own).
WINDOWED_READ_OPTIONS = {
    "nodata",
    "out_dtype",
    "resampling_method",
    "reproject_method",
    "unscale",
    "post_process",
}


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

    def tile(
        self,
        tile_x: int,
        tile_y: int,
        tile_z: int,
        tilesize: int | None = None,
        indexes: Indexes | None = None,
        expression: str | None = None,
        buffer: float | None = None,
        **kwargs: Any,
    ) -> ImageData:
        """rio-tiler's tile; of a tile the file covers only part of, only that part of
        rio-tiler's read is made (``covered_parts.py``: why)."""
        options = {**self.options, **kwargs}
        tms_crs = self.tms.rasterio_crs
        file_bounds = grid_bounds(self)
        window = None
        # Only rio-tiler's plain warped read is cut down (no buffer, padding or VRT options),
        # of a tile coarser than twice the file's coarsest overview: finer tiles read an
        # overview at most twice their side, and a file without overviews is warped straight
        # to the tile's pixels.
        overviews = self.dataset.overviews(1)
        if file_bounds is not None and overviews and self.crs != tms_crs and not buffer:
            matrix = self.tms.matrix(tile_z)
            height, width = tilesize or matrix.tileHeight, tilesize or matrix.tileWidth
            tile_bounds = tuple(self.tms.xy_bounds(Tile(tile_x, tile_y, tile_z)))
            file_resolution = (file_bounds[2] - file_bounds[0]) / self.dataset.width
            decimation = (tile_bounds[2] - tile_bounds[0]) / width / file_resolution
            if set(options) <= WINDOWED_READ_OPTIONS and decimation > 2 * max(overviews):
                window = covered_window(
                    tile_bounds=tile_bounds, file_bounds=file_bounds, height=height, width=width
                )
        if window is None or not self.tile_exists(tile_x, tile_y, tile_z):
            return super().tile(
                tile_x, tile_y, tile_z, tilesize, indexes, expression, buffer, **kwargs
            )
        self.options_check({**options, "indexes": indexes, "expression": expression})
        read_size_check(
            area=window.bounds,
            file_bounds=file_bounds,
            file_shape=(self.dataset.height, self.dataset.width),
            overviews=overviews,
            width=window.width,
            height=window.height,
            max_size=None,
        )
        # rio-tiler's own VRT of the whole tile (reader.part), read through the window.
        transform, vrt_width, vrt_height = get_vrt_transform(
            self.dataset, tile_bounds, height, width, dst_crs=tms_crs
        )
        image = reader.read(
            self.dataset,
            indexes=parse_expression(expression) if expression else indexes,
            width=window.width,
            height=window.height,
            window=vrt_window(
                window=window, height=height, width=width, vrt_shape=(vrt_height, vrt_width)
            ),
            vrt_options={
                "crs": tms_crs,
                "transform": transform,
                "width": vrt_width,
                "height": vrt_height,
                "dtype": self.dataset.dtypes[0],
            },
            **options,
        )
        image.assets = [self.input]
        if expression:
            image = image.apply_expression(expression)
        return image_paste(image, window=window, height=height, width=width, bounds=tile_bounds)

    def part(
        self,
        bbox: BBox,
        dst_crs: CRS | None = None,
        bounds_crs: CRS | None = WGS84_CRS,
        max_size: int | None = None,
        height: int | None = None,
        width: int | None = None,
        **kwargs: Any,
    ) -> ImageData:
        """rio-tiler's part (which tiles and features are read through), refused (400) when
        its image or the source pixels it reads exceed the limits of ``reads.py``."""
        self.options_check(kwargs)
        crs = dst_crs or bounds_crs or WGS84_CRS
        area = bbox
        if bounds_crs is not None and bounds_crs != crs:
            area = transform_bounds(bounds_crs, crs, *bbox, densify_pts=21)
        file_bounds = bounds_in(self, crs=crs, crs_key=crs.to_string())
        if file_bounds is not None:
            read_size_check(
                area=area,
                file_bounds=file_bounds,
                file_shape=(self.dataset.height, self.dataset.width),
                overviews=self.dataset.overviews(1),
                width=width,
                height=height,
                max_size=max_size,
            )
        return super().part(
            bbox,
            dst_crs=dst_crs,
            bounds_crs=bounds_crs,
            max_size=max_size,
            height=height,
            width=width,
            **kwargs,
        )

    def read(self, *args: Any, **kwargs: Any) -> ImageData:
        """rio-tiler's read of the whole file (previews, statistics), within the same limits."""
        self.options_check(kwargs)
        read_size_check(
            area=tuple(self.dataset.bounds),
            file_bounds=tuple(self.dataset.bounds),
            file_shape=(self.dataset.height, self.dataset.width),
            overviews=self.dataset.overviews(1),
            width=kwargs.get("width"),
            height=kwargs.get("height"),
            max_size=kwargs.get("max_size"),
        )
        return super().read(*args, **kwargs)

    def options_check(self, options: dict[str, Any]) -> None:
        """Refuse band indexes and nodata values this file cannot have."""
        dataset = self.dataset
        read_options_check(band_count=dataset.count, dtype=dataset.dtypes[0], options=options)


_file_bounds: LRUCache = LRUCache(maxsize=4096)
_file_bounds_lock = threading.Lock()


def grid_bounds(reader: Reader) -> BBox | None:
    """The bounds of ``reader``'s file in its tile matrix set's CRS (None if they cannot be
    transformed), computed once per file, extent and grid."""
    return bounds_in(reader, crs=reader.tms.rasterio_crs, crs_key=reader.tms.id)


def bounds_in(reader: Reader, *, crs: CRS, crs_key: str) -> BBox | None:
    """The bounds of ``reader``'s file in ``crs`` (named ``crs_key``; None if they cannot be
    transformed), computed once per file, extent and CRS."""
    if crs == reader.crs:
        return tuple(reader.bounds)
    key = (str(reader.input), tuple(reader.bounds), crs_key)
    with _file_bounds_lock:
        if key in _file_bounds:
            return _file_bounds[key]
    try:
        bounds = transform_bounds(reader.crs, crs, *reader.bounds, densify_pts=21)
    except Exception as error:  # noqa: BLE001 - PROJ's many errors: rio-tiler's own check decides
        logger.warning(
            "bounds of %s not transformed to %s (%s); rio-tiler checks instead",
            reader.input,
            crs_key,
            error,
        )
        bounds = None
    with _file_bounds_lock:
        _file_bounds[key] = bounds
    return bounds


class CatalogItemReader(STACReader):
    """Reads the assets of a :class:`CatalogItem` (its ``input``), never a URL from a request.

    Asset hrefs resolve through the asset sources (``/data/<path>`` below DATA_ROOT,
    ``s3://`` and ``https://`` hrefs of allow-listed buckets and prefixes), each read with its
    source's GDAL options; any other href is refused rather than opened.
    """

    input: CatalogItem

    def __attrs_post_init__(self) -> None:
        self.item = self.input.stac
        self.reader = AssetReader
        if self.minzoom is None and self.maxzoom is None:
            self.minzoom, self.maxzoom = zoom_range(self.input, self.tms)
        super().__attrs_post_init__()

    def _get_asset_info(self, asset: AssetType) -> AssetInfo:
        """Where one asset's file is and how to read it: the method rio-tiler's MultiBaseReader
        asks each subclass to implement (its "custom readers" docs), written here in full.

        Only the catalogue's own href counts (no alternate hrefs, no URLs); band statistics
        are used when every band has them, silently skipped otherwise (normal here).
        """
        options = {"name": asset} if isinstance(asset, str) else dict(asset)
        name = options.get("name")
        if name not in self.assets:
            raise InvalidAssetName(f"{name!r} is not valid, should be one of {self.assets}")
        stac_asset = self.item.assets[name]
        source = asset_source(stac_asset.href)
        if source is None or name not in self.input.readable_assets:
            # Outside every asset source, or a file (local or remote) this item does not own
            # for its caller (catalog/file_owners.py): the same 404 either way.
            raise AssetNotServable(f"asset {name!r} is not a file the portal serves")
        url, env = asset_opening(name=name, href=stac_asset.href, source=source)
        extra = stac_asset.extra_fields
        info = AssetInfo(
            url=url,
            name=name,
            media_type=stac_asset.media_type,
            reader_options={},
            method_options={key: options[key] for key in ASSET_READ_OPTIONS if options.get(key)},
            metadata=extra,
        )
        statistics = band_statistics(extra.get("raster:bands") or extra.get("bands") or [])
        if statistics and "expression" not in info["method_options"]:
            info["dataset_statistics"] = statistics
        if header_size := extra.get("file:header_size"):
            env["GDAL_INGESTED_BYTES_AT_OPEN"] = header_size
        # rio-tiler opens the asset inside rasterio.Env(**env), in whichever thread reads it.
        info["env"] = env
        return info

    # rio-tiler reads all assets when none are named, warning each time; for /info and
    # /statistics of an item that is the intended answer, so they are named here.
    def info(self, assets: Any = None, **kwargs: Any) -> dict:
        """rio-tiler's info, of every asset unless some are named."""
        return super().info(assets=assets or self.assets, **kwargs)

    def statistics(self, assets: Any = None, **kwargs: Any) -> dict:
        """rio-tiler's statistics, of every asset unless some are named."""
        return super().statistics(assets=assets or self.assets, **kwargs)

    def merged_statistics(self, assets: Any = None, **kwargs: Any) -> dict:
        """rio-tiler's merged statistics, of every asset unless some are named."""
        return super().merged_statistics(assets=assets or self.assets, **kwargs)

    def tile_exists(self, tile_x: int, tile_y: int, tile_z: int) -> bool:
        """Whether the tile meets the item's bbox (WGS 84), before any asset is opened.

        rio-tiler would project the tile into the item's own CRS for this, and for a CRS on an
        older datum (MGI) that costs PROJ a search for the datum shift on every tile (see
        ``datum.py``). Each asset's reader still checks exactly against its file.
        """
        west, south, east, north = self.tms.bounds(Tile(tile_x, tile_y, tile_z))
        item_west, item_south, item_east, item_north = self.item.bbox
        return west < item_east and east > item_west and south < item_north and north > item_south

    def feature(self, shape: dict, *args: Any, **kwargs: Any) -> ImageData:
        """rio-tiler's feature, for a valid area only (a degenerate one fails deep in GDAL)."""
        feature_check(feature=shape)
        return super().feature(shape, *args, **kwargs)


def asset_opening(*, name: str, href: str, source: AssetSource) -> tuple[str, dict[str, Any]]:
    """The name GDAL opens asset ``name`` (``href``, of ``source``) by and the options of
    its read (``rasterio.Env`` arguments)."""
    if not source.remote:
        path = source.local_path(href)
        if path is None or not path.is_file():
            logger.warning("catalogued file %s is missing below DATA_ROOT", path)
            raise AssetFileMissing(f"the file of asset {name!r} is missing")
        return reading_name(path), {}
    if source.kind == "http" and not redirects_stay_inside(href=href, source=source):
        raise AssetNotServable(f"asset {name!r} is not a file the portal serves")
    env = source.rasterio_env()
    try:
        return remote_reading_name(source.gdal_path(href), env=env), env
    except RasterioIOError as error:
        # GDAL names the status of the storage's answer in its message.
        if "404" in str(error) or "does not exist" in str(error):
            logger.warning("catalogued file %s is missing in %s", href, source.url)
            raise AssetFileMissing(f"the file of asset {name!r} is missing") from None
        logger.warning("asset %s could not be read from %s: %s", href, source.url, error)
        raise AssetUnreachable(f"the file of asset {name!r} cannot be read now") from None


def band_statistics(bands: list[dict]) -> list[tuple[float, float]] | None:
    """(minimum, maximum) of each band of an asset (raster extension), or None unless every
    band has both."""
    found = [band.get("statistics") or {} for band in bands]
    if not found or not all({"minimum", "maximum"} <= set(stats) for stats in found):
        return None
    try:
        return [(float(stats["minimum"]), float(stats["maximum"])) for stats in found]
    except (TypeError, ValueError):
        return None


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
