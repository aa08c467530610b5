"""Mosaics of a search: one layer drawn from every visible item that matches a registered search.

Routes (below /tiles):
  POST /searches/register                                   → {"id", "links"}
  GET  /searches/{search_id}/info                           → the search and its links
  GET  /searches/{search_id}/{tms}/tilejson.json
  GET  /searches/{search_id}/tiles/{tms}/{z}/{x}/{y}[.{format}]
  GET  /searches/{search_id}/bbox/{minx},{miny},{maxx},{maxy}[/{width}x{height}].{format}
  POST /searches/{search_id}/feature[.{format}], /feature/{width}x{height}.{format}

titiler.mosaic's ``MosaicTilerFactory`` serves the images, over a rio-tiler mosaic backend
whose assets are the search's items (titiler-pgstac's pattern, on the portal's search layer):
each image asks the search layer for the items that touch it (newest first) and merges them
with rio-tiler's ``mosaic_reader``; the newest item's pixels lie on top, unless
``pixel_selection`` asks for another of rio-tiler's methods (e.g. ``highest``: a flood's
maximum extent from all its observations).

A search of one collection draws with that collection's render defaults (tiles/renders.py); a
search across collections draws each item with its own collection's render
(tiles/item_renders.py), unless the request names a layer (assets or expression) for them all.
Either way the request's rescale, colour formula and colormap apply to the merged image: across
collections, to its painted 8-bit colours.
"""

# No `from __future__ import annotations`: FastAPI must see the routes' dependencies.
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import attr
import morecantile
from attrs import define
from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from rasterio.crs import CRS
from rasterio.warp import transform_bounds
from rio_tiler.constants import MAX_THREADS, WGS84_CRS
from rio_tiler.models import ImageData
from rio_tiler.mosaic.backend import BaseBackend
from rio_tiler.mosaic.methods import PixelSelectionMethod
from rio_tiler.mosaic.methods.base import MosaicMethodBase
from rio_tiler.mosaic.methods.defaults import FirstMethod
from rio_tiler.types import BBox
from starlette.requests import Request
from titiler.core.models.mapbox import TileJSON
from titiler.core.resources.enums import ImageType
from titiler.mosaic.factory import MosaicTilerFactory

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.tiles.caching import cache_check
from catalog_portal.tiles.catalog_items import CatalogItem
from catalog_portal.tiles.coverage import FirstUntilCovered, footprint_coverage
from catalog_portal.tiles.grids import TILE_MATRIX_SETS
from catalog_portal.tiles.images import image_render
from catalog_portal.tiles.item_renders import ItemRenderReader, item_render
from catalog_portal.tiles.limits import MAX_SIDE, MAX_STACKED_PIXELS, TILE_SIDE
from catalog_portal.tiles.reader import CatalogItemReader
from catalog_portal.tiles.renders import LAYER_PARAMETERS, render_dependencies
from catalog_portal.tiles.search_items import (
    SearchContext,
    across_collections,
    search_context_find,
    search_extent_find,
    search_items_find,
    search_register_as,
)
from catalog_portal.tiles.session import request_credentials

# Items are read newest first, this many at a time (each in a thread), and reading stops once
# the tile is full: a larger batch would read older items that end up hidden. As many as
# rio-tiler reads a tile's assets with (RIO_TILER_MAX_THREADS, tiles/gdal.py): one by default.
# A pool of two, made anew per tile, cost the explore page's preview tiles 17-19 % more CPU
# (GFM and orthophotos, in-process, same reads) on the 2-core server, where the map's
# concurrent tile requests keep the cores busy; raise it for slow remote storage.
MOSAIC_THREADS = MAX_THREADS
SEARCH_PREFIX = "/searches/{search_id}"
WEB_MERCATOR_CRS = TILE_MATRIX_SETS.get("WebMercatorQuad").rasterio_crs
MAX_MERCATOR_LATITUDE = 85.06
# Query parameters of a tilejson request that its tile URLs do not carry.
TILEJSON_ONLY = {"tilematrixsetid", "tile_format", "minzoom", "maxzoom"}


class SearchBody(BaseModel):
    """A search to register: the search layer's parameters (as the STAC API's POST /search)."""

    model_config = ConfigDict(populate_by_name=True)

    collections: list[str] | None = None
    bbox: list[float] | None = None
    datetime: str | None = None
    filter: dict[str, Any] | str | None = None
    filter_lang: str | None = Field(default=None, alias="filter-lang")


@dataclass(frozen=True)
class SearchMosaic:
    """A registered search as one request's caller sees it, with that request: the backend
    notes the answer's ETag on it once it knows the items (a 304 before anything is read)."""

    context: SearchContext
    request: Request

    @property
    def renders(self) -> dict[str, Any]:
        """The renders of the search's collection: the render defaults' source."""
        return self.context.renders

    @property
    def drawn_per_item(self) -> bool:
        """Whether each item is drawn with its own collection's render: a search across
        collections, whose request names no layer of its own (assets or expression)."""
        named = any(name in self.request.query_params for name in LAYER_PARAMETERS)
        return across_collections(self.context.search) and not named


def search_context(
    request: Request,
    search_id: Annotated[str, Path(description="Id of a registered search")],
) -> SearchContext:
    """The registered search a request addresses, as its user sees it."""
    return search_context_find(
        credentials=request_credentials(request=request), search_id=search_id
    )


def search_mosaic(
    request: Request, context: Annotated[SearchContext, Depends(search_context)]
) -> SearchMosaic:
    """The mosaic a request addresses (the factory's path dependency)."""
    return SearchMosaic(context=context, request=request)


@attr.s
class SearchBackend(BaseBackend):
    """rio-tiler's mosaic backend whose assets are the items of a registered search."""

    input: SearchMosaic  # its items are read with the factory's CatalogItemReader
    # Per bbox: the tile's and the image's items are looked up once, then checked and read.
    found: dict[BBox, tuple[CatalogItem, ...]] = attr.ib(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self.bounds = self.input.context.bounds
        self.crs = WGS84_CRS
        self.minzoom, self.maxzoom = self.tms.minzoom, self.tms.maxzoom
        if self.input.drawn_per_item:
            self.reader = ItemRenderReader

    def assets_for_tile(self, x: int, y: int, z: int, **kwargs: Any) -> list[CatalogItem]:
        """The search's items that touch tile x/y/z, newest first."""
        west, south, east, north = self.tms.bounds(x, y, z)
        return self.items_within(
            bbox=(max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))
        )

    def assets_for_point(
        self, lng: float, lat: float, coord_crs: CRS | None = None, **kwargs: Any
    ) -> list[CatalogItem]:
        """The search's items at a point, newest first."""
        return self.assets_for_bbox(lng, lat, lng, lat, coord_crs=coord_crs)

    def assets_for_bbox(
        self,
        xmin: float,
        ymin: float,
        xmax: float,
        ymax: float,
        coord_crs: CRS | None = None,
        **kwargs: Any,
    ) -> list[CatalogItem]:
        """The search's items within a bbox (in ``coord_crs``, WGS84 by default)."""
        bbox = (xmin, ymin, xmax, ymax)
        if coord_crs is not None and coord_crs != WGS84_CRS:
            bbox = transform_bounds(coord_crs, WGS84_CRS, *bbox, densify_pts=21)
        return self.items_within(bbox=tuple(bbox))

    def items_within(self, *, bbox: BBox) -> list[CatalogItem]:
        """The items within ``bbox`` (WGS84); notes the answer's cache headers, raising
        NotModified when the client's copy is current."""
        if bbox not in self.found:
            found = search_items_find(context=self.input.context, bbox=bbox)
            cache_check(
                request=self.input.request,
                version=found.version,
                private=found.restricted,
                per_user=True,
            )
            items = found.items
            if self.input.drawn_per_item:
                # Left out, not failed: an item with nothing to draw hides nothing below it.
                items = tuple(item for item in items if item_render(item) is not None)
            self.found[bbox] = items
        return list(self.found[bbox])

    def tile(self, x: int, y: int, z: int, **kwargs: Any) -> tuple[ImageData, list[str]]:
        """rio-tiler's mosaic tile; "first" stops once the items' footprints are covered."""
        items = self.assets_for_tile(x, y, z)
        size = kwargs.get("tilesize") or TILE_SIDE
        covered = None
        chunk = MOSAIC_THREADS
        # A buffer or padding reads another grid than the tile's: no coverage shortcut then.
        if items and not {"buffer", "padding"} & set(kwargs):
            tile = morecantile.Tile(x, y, z)
            covered = footprint_coverage(
                footprints=[item.stac.geometry for item in items],
                tms=self.tms,
                tile=tile,
                size=size,
            )
            # A time series of one place: the newest item alone fills the tile, and reading
            # the next one beside it (a chunk of two) would be wasted.
            newest = footprint_coverage(
                footprints=[items[0].stac.geometry], tms=self.tms, tile=tile, size=size
            )
            if not (covered & ~newest).any():
                chunk = 1
        kwargs["pixel_selection"] = pixel_method(
            method=kwargs.get("pixel_selection"),
            pixels=size * size,
            items=len(items),
            covered=covered,
        )
        kwargs.update(threads=MOSAIC_THREADS, chunk_size=chunk)
        return super().tile(x, y, z, **kwargs)

    def part(
        self, bbox: BBox, bounds_crs: CRS = WGS84_CRS, **kwargs: Any
    ) -> tuple[ImageData, list[str]]:
        """rio-tiler's mosaic of a bbox, drawn in Web Mercator unless ``dst_crs`` says."""
        if kwargs.get("dst_crs") is None:
            kwargs["dst_crs"] = WEB_MERCATOR_CRS
            if bounds_crs == WGS84_CRS and max(abs(bbox[1]), abs(bbox[3])) > MAX_MERCATOR_LATITUDE:
                raise InvalidParameter(
                    "bbox", f"Web Mercator reaches {MAX_MERCATOR_LATITUDE}° of latitude"
                )
        items = self.assets_for_bbox(*bbox, coord_crs=bounds_crs)
        side = kwargs.get("max_size") or MAX_SIDE
        pixels = (kwargs.get("width") or side) * (kwargs.get("height") or side)
        kwargs["pixel_selection"] = pixel_method(
            method=kwargs.get("pixel_selection"), pixels=pixels, items=len(items)
        )
        kwargs.update(threads=MOSAIC_THREADS, chunk_size=MOSAIC_THREADS)
        return super().part(bbox, bounds_crs=bounds_crs, **kwargs)


def pixel_method(
    *, method: type[MosaicMethodBase] | None, pixels: int, items: int, covered: Any = None
) -> MosaicMethodBase:
    """rio-tiler's pixel selection ``method`` (the factory's choice; "first" stops once the
    footprints are covered); refused (400) when it keeps every item's image (mean, median,
    stdev, count) and those images together exceed MAX_STACKED_PIXELS."""
    method = method or FirstMethod
    chosen = method()
    if hasattr(chosen, "stack") and pixels * items > MAX_STACKED_PIXELS:
        name = PixelSelectionMethod(method).name
        raise InvalidParameter(
            "pixel_selection",
            f"{name} keeps the image of each of the {items} items: at most "
            f"{MAX_STACKED_PIXELS:,} pixels in all; ask for a smaller tilesize or image",
        )
    if method is FirstMethod:
        return FirstUntilCovered(covered=covered)
    return chosen


@define(kw_only=True)
class SearchTilerFactory(MosaicTilerFactory):
    """titiler.mosaic's factory with the portal's routes: tiles, tilejson and images."""

    def register_routes(self) -> None:
        """Tiles, tilejson, bbox and feature images (info and registering: ``router``)."""
        self.tile()
        self.tilejson()
        self.part()

    def tilejson(self) -> None:
        """The tilejson route, whose tile URLs carry the request's parameters only: titiler's
        adds ``tilesize=512``, and the portal's maps draw 256-pixel tiles."""
        tms_ids = Literal[tuple(self.supported_tms.list())]  # type: ignore[valid-type]

        @self.router.get("/{tileMatrixSetId}/tilejson.json", response_model_exclude_none=True)
        def tilejson(
            request: Request,
            tileMatrixSetId: Annotated[tms_ids, Path(description="TileMatrixSet id")],
            mosaic: Annotated[SearchMosaic, Depends(self.path_dependency)],
            tile_format: Annotated[ImageType | None, Query(description="Tile format")] = None,
            tilesize: Annotated[int | None, Query(gt=0, description="Tile size in pixels")] = None,
            minzoom: Annotated[int | None, Query(description="Overwrite default minzoom")] = None,
            maxzoom: Annotated[int | None, Query(description="Overwrite default maxzoom")] = None,
        ) -> TileJSON:
            """TileJSON of a search's mosaic (GET /tiles/searches/{id}/{tms}/tilejson.json)."""
            tms = self.supported_tms.get(tileMatrixSetId)
            route: dict[str, Any] = {"tileMatrixSetId": tileMatrixSetId, "z": "{z}", "x": "{x}"}
            route["y"] = "{y}"
            if tile_format:
                route["format"] = tile_format.value
            url = self.url_for(request, "tile", **route)
            query = [
                (k, v)
                for k, v in request.query_params.multi_items()
                if k.lower() not in TILEJSON_ONLY
            ]
            if query:
                url += "?" + urlencode(query)
            return TileJSON(
                tiles=[url],
                bounds=list(search_extent_find(context=mosaic.context)),
                minzoom=minzoom if minzoom is not None else tms.minzoom,
                maxzoom=maxzoom if maxzoom is not None else tms.maxzoom,
                name=f"search {mosaic.context.search_id}",
            )


renders = render_dependencies(source=search_mosaic)
mosaic_tiler = SearchTilerFactory(
    backend=SearchBackend,
    dataset_reader=CatalogItemReader,
    **renders.factory_options(),
    supported_tms=TILE_MATRIX_SETS,
    # PNG at TILES_PNG_ZLEVEL, as item tiles (tiles/images.py).
    render_func=image_render,
    router_prefix=SEARCH_PREFIX,
    add_viewer=False,
)
router = APIRouter(tags=["searches"])


def search_links(request: Request, search_id: str) -> list[dict[str, str]]:
    """Links of a registered search: its info and its WebMercatorQuad tilejson."""
    # The mosaic factory's routes are named as titiler names them ("tilejson", like the item
    # factory's); the path parameters tell the two apart.
    tilejson = request.url_for("tilejson", search_id=search_id, tileMatrixSetId="WebMercatorQuad")
    info = request.url_for("search_info", search_id=search_id)
    return [
        {"rel": "self", "href": str(info), "type": "application/json"},
        {"rel": "tilejson", "href": str(tilejson), "type": "application/json"},
    ]


@router.post("/searches/register", name="search_register")
def search_register_route(request: Request, body: Annotated[SearchBody, Body()]) -> dict[str, Any]:
    """Register a search for mosaic tiles (POST /tiles/searches/register)."""
    registered = search_register_as(
        credentials=request_credentials(request=request),
        query=body.model_dump(by_alias=True, exclude_none=True),
    )
    return {"id": registered, "links": search_links(request, registered)}


@router.get(f"{SEARCH_PREFIX}/info", name="search_info")
def search_info(context: Annotated[SearchContext, Depends(search_context)], request: Request):
    """The registered search and its links (GET /tiles/searches/{search_id}/info)."""
    return {
        "id": context.search_id,
        "bounds": context.bounds,
        "renders": context.renders,
        "links": search_links(request, context.search_id),
    }


router.include_router(mosaic_tiler.router, prefix=SEARCH_PREFIX)
