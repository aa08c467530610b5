"""Mosaics of a search: one layer drawn from every visible item that matches a registered search.

Routes (below /tiles):
  POST /searches/register                                   → {"id", "links"}
  GET  /searches/{search_id}/info                           → the search and its links
  GET  /searches/{search_id}/{tms}/tilejson.json
  GET  /searches/{search_id}/tiles/{tms}/{z}/{x}/{y}[.{format}]
  GET  /searches/{search_id}/bbox/{west},{south},{east},{north}/{width}x{height}.{format}

Each image asks the search layer for the items that touch it (newest first) and merges them
with rio-tiler's ``mosaic_reader``: the newest item's pixels lie on top, unless
``pixel_selection`` asks for another of rio-tiler's methods (e.g. ``highest``: a flood's
maximum extent from all its observations).
"""

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import morecantile
from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from rio_tiler.constants import WGS84_CRS
from rio_tiler.models import ImageData
from rio_tiler.mosaic import mosaic_reader
from rio_tiler.mosaic.methods import PixelSelectionMethod
from rio_tiler.mosaic.methods.base import MosaicMethodBase
from starlette.requests import Request
from starlette.responses import Response
from titiler.core.dependencies import TileParams
from titiler.core.errors import TileNotFoundError
from titiler.core.models.mapbox import TileJSON
from titiler.core.resources.enums import ImageType
from titiler.core.utils import render_image

from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.tiles.caching import cache_check
from catalog_portal.tiles.coverage import FirstUntilCovered, footprint_coverage
from catalog_portal.tiles.grids import TILE_MATRIX_SETS as tile_matrix_sets
from catalog_portal.tiles.limits import MAX_STACKED_PIXELS
from catalog_portal.tiles.lookups import (
    CatalogItem,
    SearchContext,
    search_context_find,
    search_items_find,
    search_register_as,
)
from catalog_portal.tiles.reader import CatalogItemReader
from catalog_portal.tiles.renders import render_dependencies
from catalog_portal.tiles.session import request_credentials

# Items are read newest first, this many at a time, and reading stops once the tile is full:
# a larger batch would read older items that end up hidden.
MOSAIC_THREADS = 2
TMS_IDS = Literal[tuple(tile_matrix_sets.list())]  # type: ignore[valid-type]
PIXEL_SELECTIONS = Literal[tuple(method.name for method in PixelSelectionMethod)]  # type: ignore[valid-type]
WEB_MERCATOR_CRS = tile_matrix_sets.get("WebMercatorQuad").rasterio_crs
PIXEL_HELP = "How overlapping items combine: first (newest on top), highest, lowest, mean, …"
STACKING = {method.name for method in PixelSelectionMethod if hasattr(method.value(), "stack")}
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


def search_context(
    request: Request,
    search_id: Annotated[str, Path(description="Id of a registered search")],
) -> SearchContext:
    """The registered search a request addresses, as its user sees it."""
    return search_context_find(
        credentials=request_credentials(request=request), search_id=search_id
    )


renders = render_dependencies(source=search_context)
router = APIRouter(prefix="/searches", tags=["searches"])


def search_links(request: Request, search_id: str) -> list[dict[str, str]]:
    """Links of a registered search: its info and its WebMercatorQuad tilejson."""
    tilejson = request.url_for(
        "search_tilejson", search_id=search_id, tileMatrixSetId="WebMercatorQuad"
    )
    info = request.url_for("search_info", search_id=search_id)
    return [
        {"rel": "self", "href": str(info), "type": "application/json"},
        {"rel": "tilejson", "href": str(tilejson), "type": "application/json"},
    ]


@router.post("/register", name="search_register")
def search_register_route(request: Request, body: Annotated[SearchBody, Body()]) -> dict[str, Any]:
    """Register a search for mosaic tiles (POST /tiles/searches/register)."""
    registered = search_register_as(
        credentials=request_credentials(request=request),
        query=body.model_dump(by_alias=True, exclude_none=True),
    )
    return {"id": registered, "links": search_links(request, registered)}


@router.get("/{search_id}/info", name="search_info")
def search_info(context: Annotated[SearchContext, Depends(search_context)], request: Request):
    """The registered search and its links (GET /tiles/searches/{search_id}/info)."""
    return {
        "id": context.search_id,
        "bounds": context.bounds,
        "renders": context.renders,
        "links": search_links(request, context.search_id),
    }


@router.get("/{search_id}/{tileMatrixSetId}/tilejson.json", name="search_tilejson")
def search_tilejson(
    request: Request,
    tileMatrixSetId: Annotated[TMS_IDS, Path(description="TileMatrixSet id")],
    context: Annotated[SearchContext, Depends(search_context)],
    tile_format: Annotated[ImageType | None, Query(description="Tile format")] = None,
    tilesize: Annotated[int | None, Query(gt=0, description="Tile size in pixels")] = None,
    minzoom: Annotated[int | None, Query(description="Overwrite default minzoom")] = None,
    maxzoom: Annotated[int | None, Query(description="Overwrite default maxzoom")] = None,
) -> TileJSON:
    """TileJSON of a search's mosaic (GET /tiles/searches/{search_id}/{tms}/tilejson.json)."""
    tms = tile_matrix_sets.get(tileMatrixSetId)
    params: dict[str, Any] = {"search_id": context.search_id, "tileMatrixSetId": tileMatrixSetId}
    params.update(z="{z}", x="{x}", y="{y}")
    if tile_format:
        params["format"] = tile_format.value
        name = "search_tile_format"
    else:
        name = "search_tile"
    url = str(request.url_for(name, **params)).replace("%7B", "{").replace("%7D", "}")
    query = [
        (k, v) for k, v in request.query_params.multi_items() if k.lower() not in TILEJSON_ONLY
    ]
    if query:
        url += "?" + urlencode(query)
    return TileJSON(
        tiles=[url],
        bounds=list(context.bounds),
        minzoom=minzoom if minzoom is not None else tms.minzoom,
        maxzoom=maxzoom if maxzoom is not None else tms.maxzoom,
        name=f"search {context.search_id}",
    )


@router.get("/{search_id}/tiles/{tileMatrixSetId}/{z}/{x}/{y}", name="search_tile")
@router.get("/{search_id}/tiles/{tileMatrixSetId}/{z}/{x}/{y}.{format}", name="search_tile_format")
def search_tile(
    request: Request,
    tileMatrixSetId: Annotated[TMS_IDS, Path(description="TileMatrixSet id")],
    z: Annotated[int, Path(description="Zoom level")],
    x: Annotated[int, Path(description="Column")],
    y: Annotated[int, Path(description="Row")],
    context: Annotated[SearchContext, Depends(search_context)],
    layer: Annotated[Any, Depends(renders.layer)],
    dataset: Annotated[Any, Depends(renders.dataset)],
    rendering: Annotated[Any, Depends(renders.rendering)],
    colormap: Annotated[Any, Depends(renders.colormap)],
    tile_params: Annotated[TileParams, Depends()],
    format: ImageType | None = None,
    tilesize: Annotated[int | None, Query(gt=0, description="Tile size in pixels")] = None,
    pixel_selection: Annotated[PIXEL_SELECTIONS, Query(description=PIXEL_HELP)] = "first",
) -> Response:
    """A mosaic tile of a search, newest item on top (GET /tiles/searches/{id}/tiles/...)."""
    tms = tile_matrix_sets.get(tileMatrixSetId)
    west, south, east, north = tms.bounds(x, y, z)
    found = search_items_find(
        context=context,
        bbox=(max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)),
    )
    cache_check(request=request, version=found.version, private=found.restricted, per_user=True)
    if not found.items:
        raise TileNotFoundError(f"no item of search {context.search_id} in tile {z}/{x}/{y}")

    def item_tile(item: CatalogItem, *args: Any, **kwargs: Any) -> ImageData:
        with CatalogItemReader(item, tms=tms) as reader:
            return reader.tile(*args, **kwargs)

    size = tilesize or 256
    stack_size_check(pixel_selection=pixel_selection, pixels=size * size, items=len(found.items))
    covered = None
    if pixel_selection == "first" and not tile_params.as_dict():  # buffer, padding: other grid
        covered = footprint_coverage(
            footprints=[item.stac.geometry for item in found.items],
            tms=tms,
            tile=morecantile.Tile(x, y, z),
            size=size,
        )
    image, _ = mosaic_reader(
        list(found.items),
        item_tile,
        x,
        y,
        z,
        pixel_selection=pixel_method(pixel_selection, covered=covered),
        threads=MOSAIC_THREADS,
        chunk_size=MOSAIC_THREADS,
        tilesize=tilesize,
        **tile_params.as_dict(),
        **layer.as_dict(),
        **dataset.as_dict(),
    )
    content, media_type = render_image(
        image, output_format=format, colormap=colormap, **rendering.as_dict()
    )
    return Response(content, media_type=media_type)


@router.get(
    "/{search_id}/bbox/{west},{south},{east},{north}/{width}x{height}.{format}",
    name="search_bbox",
)
def search_bbox(
    request: Request,
    west: Annotated[float, Path(description="West bound (degrees)")],
    south: Annotated[float, Path(description="South bound (degrees)")],
    east: Annotated[float, Path(description="East bound (degrees)")],
    north: Annotated[float, Path(description="North bound (degrees)")],
    width: Annotated[int, Path(gt=0, description="Image width in pixels")],
    height: Annotated[int, Path(gt=0, description="Image height in pixels")],
    format: ImageType,
    context: Annotated[SearchContext, Depends(search_context)],
    layer: Annotated[Any, Depends(renders.layer)],
    dataset: Annotated[Any, Depends(renders.dataset)],
    rendering: Annotated[Any, Depends(renders.rendering)],
    colormap: Annotated[Any, Depends(renders.colormap)],
    pixel_selection: Annotated[PIXEL_SELECTIONS, Query(description=PIXEL_HELP)] = "first",
) -> Response:
    """An image of a search's mosaic over a bbox in degrees, drawn in Web Mercator
    (GET /tiles/searches/{id}/bbox/{west},{south},{east},{north}/{width}x{height}.{format})."""
    bbox = (west, south, east, north)
    if not (-180 <= west < east <= 180 and -85.06 <= south < north <= 85.06):
        raise InvalidParameter("bbox", "must be west < east and south < north, in degrees")
    found = search_items_find(context=context, bbox=bbox)
    cache_check(request=request, version=found.version, private=found.restricted, per_user=True)
    if not found.items:
        raise TileNotFoundError(f"no item of search {context.search_id} in {bbox}")

    stack_size_check(pixel_selection=pixel_selection, pixels=width * height, items=len(found.items))

    def item_part(item: CatalogItem, *args: Any, **kwargs: Any) -> ImageData:
        with CatalogItemReader(item) as reader:
            return reader.part(*args, **kwargs)

    image, _ = mosaic_reader(
        list(found.items),
        item_part,
        bbox,
        dst_crs=WEB_MERCATOR_CRS,
        bounds_crs=WGS84_CRS,
        width=width,
        height=height,
        pixel_selection=pixel_method(pixel_selection),
        threads=MOSAIC_THREADS,
        chunk_size=MOSAIC_THREADS,
        **layer.as_dict(),
        **dataset.as_dict(),
    )
    content, media_type = render_image(
        image, output_format=format, colormap=colormap, **rendering.as_dict()
    )
    return Response(content, media_type=media_type)


def stack_size_check(*, pixel_selection: str, pixels: int, items: int) -> None:
    """Refuse (400) a mosaic whose pixel selection keeps every item's image (mean, median,
    stdev, count) when those images together exceed MAX_STACKED_PIXELS."""
    if pixel_selection in STACKING and pixels * items > MAX_STACKED_PIXELS:
        raise InvalidParameter(
            "pixel_selection",
            f"{pixel_selection} keeps the image of each of the {items} items: at most "
            f"{MAX_STACKED_PIXELS:,} pixels in all; ask for a smaller tilesize or image",
        )


def pixel_method(name: str, *, covered: Any = None) -> MosaicMethodBase:
    """rio-tiler's pixel selection ``name``; "first" stops once the footprints are covered."""
    if name == "first":
        return FirstUntilCovered(covered=covered)
    return PixelSelectionMethod[name].value()
