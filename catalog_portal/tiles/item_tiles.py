"""Tiles of one catalogued item: titiler's MultiBaseTilerFactory over the catalogue.

Routes (below /tiles): /collections/{collection}/items/{item}/ + info, assets, statistics,
asset_statistics, tiles/{tms}/{z}/{x}/{y}[.{format}], {tms}/tilejson.json, tilesets,
preview[.{format}], preview/{width}x{height}.{format}, point/{lon},{lat}, bbox and feature.
Items are addressed by their catalogue ids; no request parameter names a file or URL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from titiler.core.factory import MultiBaseTilerFactory

from catalog_portal.lib.urls import id_segment
from catalog_portal.tiles.caching import cache_check
from catalog_portal.tiles.catalog_items import CatalogItem, catalog_item_find
from catalog_portal.tiles.error_responses import NoFootprint
from catalog_portal.tiles.grids import TILE_MATRIX_SETS
from catalog_portal.tiles.images import image_render
from catalog_portal.tiles.reader import CatalogItemReader
from catalog_portal.tiles.renders import InfoAssetsParams, render_dependencies
from catalog_portal.tiles.session import request_credentials


class StacIdConvertor(Convertor[str]):
    """A STAC id in a path: any characters, ``/`` included (the server has decoded ``%2F``
    already); percent-encoded as one segment again in URLs built from routes (tilejson)."""

    regex = ".+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return id_segment(value)


register_url_convertor("stac_id", StacIdConvertor())
# Greedy ids: a collection id ends at the last "/items/" that leaves a route's tail after it.
ITEM_PREFIX = "/collections/{collection:stac_id}/items/{item:stac_id}"


def catalog_item(
    request: Request,
    collection: Annotated[str, Path(description="Collection id in the catalogue")],
    item: Annotated[str, Path(description="Item id in the collection")],
) -> CatalogItem:
    """The item a request addresses, if its user may see it (titiler's path dependency)."""
    found = catalog_item_find(
        credentials=request_credentials(request=request), collection_id=collection, item_id=item
    )
    if found.stac.geometry is None:
        # STAC allows items without geometry; the readers place tiles by the item's bbox.
        raise NoFootprint(f"item {item!r} has no footprint: there is nothing to draw on a map")
    cache_check(request=request, version=found.version, private=found.restricted)
    return found


def item_tiler_make() -> MultiBaseTilerFactory:
    """The titiler factory serving catalogued items."""
    renders = render_dependencies(source=catalog_item)
    return MultiBaseTilerFactory(
        reader=CatalogItemReader,
        supported_tms=TILE_MATRIX_SETS,
        **renders.factory_options(),
        assets_dependency=InfoAssetsParams,
        get_renders=lambda reader: reader.input.renders,
        render_func=image_render,
        router_prefix=ITEM_PREFIX,
        add_viewer=False,
    )
