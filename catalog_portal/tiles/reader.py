"""The reader: rio-tiler's STACReader over a catalogued item, reading only files below DATA_ROOT."""

from __future__ import annotations

from rio_tiler.io import STACReader
from rio_tiler.types import AssetInfo, AssetType

from catalog_portal.catalog.assets import asset_path
from catalog_portal.tiles.errors import AssetNotServable
from catalog_portal.tiles.lookups import CatalogItem


class CatalogItemReader(STACReader):
    """Reads the assets of a :class:`CatalogItem` (its ``input``), never a URL from a request.

    Asset hrefs are ``/data/<path>`` and resolve through ``catalog.assets.asset_path``;
    any other href (a URL, an absolute path) is refused rather than opened.
    """

    input: CatalogItem

    def __attrs_post_init__(self) -> None:
        self.item = self.input.stac
        super().__attrs_post_init__()

    def _get_asset_info(self, asset: AssetType) -> AssetInfo:
        info = super()._get_asset_info(asset)
        href = self.item.assets[info["name"]].href
        path = asset_path(href)
        if path is None:
            raise AssetNotServable(f"asset {info['name']!r} is not a file the portal serves")
        # STACReader may have picked an alternate href; only the catalogue's own file counts.
        info["url"] = str(path)
        return info
