"""A search's mosaic as a page's map adds it: what the tilejson would say, known as the page
is rendered.

The explore page's preview used to register its search (POST /tiles/searches/register) and
then fetch the tilejson before its map could ask for a single tile: two round trips that
waited behind the map's first frames on the browser's main thread (in a cold Chromium on the
demo, GFM's first tiles were asked for at 2.27 s; with the layer in the page, at 1.84 s). The
page now carries the layer itself. A search is registered
under its content hash, so its id, and so its tile URLs, are known without a query; it is
registered (checked and stored) only the first time it is missing, as the gallery's are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from catalog_portal.catalog.access import Viewer
from catalog_portal.catalog.search import InvalidParameter
from catalog_portal.tiles.grids import TILE_MATRIX_SETS
from catalog_portal.tiles.registry import (
    registered_ids_filter,
    search_fields,
    search_id_of,
    search_parse,
    search_register,
)
from catalog_portal.tiles.search_items import search_area, search_extent

# The mosaic tile route of tiles/mosaics.py, in Web Mercator (tests/test_tiles.py checks that
# its tilejson names the same URLs).
TILES_PATH = "/tiles/searches/{search_id}/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}"


@dataclass(frozen=True)
class SearchLayer:
    """The raster source of a registered search's mosaic, as its tilejson gives it."""

    id: str  # the registered search
    tiles: list[str]  # URL templates, from the site's root
    bounds: list[float]  # [west, south, east, north]: no tile is asked for beside them
    minzoom: int
    maxzoom: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def search_layer(*, viewer: Viewer, query: dict[str, Any]) -> SearchLayer | None:
    """The mosaic layer of ``query`` (a search in STAC API form) as ``viewer`` sees it,
    registering the search if it is new; None when the tile server would refuse it."""
    query = search_fields(query=query)
    search_id = search_id_of(query=query)
    try:
        if search_id not in registered_ids_filter(ids=[search_id]):
            search_register(viewer=viewer, query=query)
        search = search_parse(query=query)
    except InvalidParameter:
        return None
    grid = TILE_MATRIX_SETS.get("WebMercatorQuad")
    bounds = search_extent(
        viewer=viewer, search=search, area=search_area(viewer=viewer, search=search)
    )
    return SearchLayer(
        id=search_id,
        tiles=[TILES_PATH.format(search_id=search_id)],
        bounds=[float(v) for v in bounds],
        minzoom=grid.minzoom,
        maxzoom=grid.maxzoom,
    )
