"""The gallery: example analyses of the demo data, each a runnable program beside this module
(``examples/<name>.py``) and the search it makes, drawn by the tile server as a preview.

The programs are shown as they are, with the API address of the portal the reader is on in
place of the one written in the file; tests/test_gallery.py runs each against a live portal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import morecantile
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog_portal.catalog.access import Viewer
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.lib.urls import tiles_url_build
from catalog_portal.tiles.registry import registered_ids_filter, search_id_of, search_register

logger = logging.getLogger(__name__)

EXAMPLES_DIR = Path(__file__).parent / "examples"
# The address the example files are written for; replaced by the reader's own.
WRITTEN_FOR = "http://127.0.0.1:8000/api/v1"
PREVIEW_WIDTH = 512
WEB_MERCATOR = morecantile.tms.get("WebMercatorQuad")


@dataclass(frozen=True)
class Example:
    """One card of the gallery."""

    name: str  # examples/<name>.py
    title: Any
    summary: Any
    search: dict[str, Any]  # the program's search, in STAC API terms (registered for the preview)
    render: str = ""  # a render of the collection other than its default
    pixel_selection: str = ""  # how the preview combines items, if not newest on top
    output: str = ""  # the image file the program writes
    explore: dict[str, str] = field(default_factory=dict)  # the same search on the explore page

    @property
    def bbox(self) -> list[float]:
        return self.search["bbox"]

    def code(self, *, api_url: str) -> str:
        """The program, for a reader of the portal whose STAC API is at ``api_url``."""
        text = (EXAMPLES_DIR / f"{self.name}.py").read_text(encoding="utf-8")
        return text.replace(WRITTEN_FOR, api_url)

    def preview_path(self, search_id: str) -> str:
        """The tile server's image of the registered search over the example's area, as wide as
        PREVIEW_WIDTH and as high as the area is in Web Mercator."""
        west, south, east, north = self.bbox
        left, bottom = WEB_MERCATOR.xy(west, south)
        right, top = WEB_MERCATOR.xy(east, north)
        height = max(1, round(PREVIEW_WIDTH * (top - bottom) / (right - left)))
        query = {"pixel_selection": self.pixel_selection} if self.pixel_selection else {}
        if self.render:
            query["render"] = self.render
        path = tiles_url_build(path=f"searches/{search_id}/bbox/{west},{south},{east},{north}")
        return f"{path}/{PREVIEW_WIDTH}x{height}.png" + (f"?{urlencode(query)}" if query else "")


EXAMPLES = [
    Example(
        name="flood_maximum_extent",
        title=_("Maximum flood extent"),
        summary=_(
            "Every pixel the Global Flood Monitoring ensemble saw flooded at least once during "
            "the September 2024 floods, from six days of GFM observations, with odc-stac."
        ),
        search={
            "collections": ["GFM"],
            "bbox": [16.96, 50.93, 17.28, 51.13],
            "datetime": "2024-09-09T00:00:00Z/2024-09-24T23:59:59Z",
        },
        pixel_selection="highest",  # flooded (1) wins over not flooded (0): the maximum
        output="flood-maximum-extent.png",
        explore={"collection": "GFM", "start": "2024-09-09", "end": "2024-09-24"},
    ),
    Example(
        name="sentinel2_ndvi",
        title=_("Sentinel-2 NDVI"),
        summary=_(
            # xgettext:no-python-format ("20 % cloud" is text, not a placeholder)
            "The median summer vegetation index near Klagenfurt from Sentinel-2 L2A red and "
            "near-infrared bands, leaving out scenes with more than 20 % cloud (a CQL2 filter)."
        ),
        search={
            "collections": ["sentinel-2-l2a"],
            "bbox": [14.288, 46.600, 14.321, 46.623],
            "datetime": "2021-06-01T00:00:00Z/2021-08-31T23:59:59Z",
            "filter-lang": "cql2-json",
            "filter": {"op": "<=", "args": [{"property": "eo:cloud_cover"}, 20]},
        },
        render="ndvi",
        output="sentinel-2-ndvi.png",
        explore={
            "collection": "sentinel-2-l2a",
            "start": "2021-06-01",
            "end": "2021-08-31",
            "bbox": "14.288,46.6,14.321,46.623",
            "p.eo:cloud_cover.max": "20",
        },
    ),
    Example(
        name="orthophoto_mosaic",
        title=_("Orthophoto mosaic"),
        summary=_(
            "The Tamsweg orthophotos, 1 m tiles in MGI / Austria GK Central (EPSG:31255), "
            "merged into one image with rasterio over HTTP range requests."
        ),
        search={"collections": ["dop-kaernten-tamsweg"], "bbox": [13.787, 47.118, 13.827, 47.136]},
        output="orthophoto-mosaic.png",
        explore={"collection": "dop-kaernten-tamsweg"},
    ),
]


@dataclass(frozen=True)
class GalleryCard:
    example: Example
    code: str
    preview_url: str
    explore_url: str


def gallery_cards(*, viewer: Viewer, api_url: str) -> list[GalleryCard]:
    """The gallery as ``viewer`` sees it, each example with a preview of its search when the
    viewer sees the example's collections."""
    cards = []
    for example, search_id in zip(EXAMPLES, example_searches_register(viewer=viewer), strict=True):
        preview = example.preview_path(search_id) if search_id else ""
        explore = f"{reverse('explore')}?{urlencode(example.explore)}"
        cards.append(GalleryCard(example, example.code(api_url=api_url), preview, explore))
    return cards


def example_searches_register(*, viewer: Viewer) -> list[str]:
    """Each example's registered search id ("" when ``viewer`` cannot see its collections).

    An id is the search's content hash, so it is known without a query; a search is registered
    (checked and stored) only the first time it is missing, not on every visit to the gallery.
    """
    ids = [search_id_of(query=example.search) for example in EXAMPLES]
    stored = registered_ids_filter(ids=ids)
    answer = []
    for example, search_id in zip(EXAMPLES, ids, strict=True):
        if not all(viewer.collection(name) for name in example.search["collections"]):
            # A catalogue without the demo's collections, or a viewer who may not see them:
            # usual, not worth a log line per visit.
            answer.append("")
        elif search_id in stored:
            answer.append(search_id)
        else:
            answer.append(example_search_register(viewer=viewer, example=example))
    return answer


def example_search_register(*, viewer: Viewer, example: Example) -> str:
    """Register ``example``'s search as ``viewer`` runs it; its id, or "" if it is refused."""
    try:
        return search_register(viewer=viewer, query=example.search).id
    except InvalidParameter as error:
        logger.warning("gallery example %s has no preview: %s", example.name, error)
        return ""
