"""Where a search's items lie: the box around the footprints of the items that match."""

from __future__ import annotations

from django.db.models import Count, Max, Min

from catalog_portal.catalog.access import Viewer
from catalog_portal.catalog.search.query import ItemSearch, matching_items

BBox = tuple[float, float, float, float]


def item_extent(*, search: ItemSearch, viewer: Viewer, cap: int) -> BBox | None:
    """The [west, south, east, north] box around the bboxes of the items ``viewer`` may see
    that match ``search``, in one query; None when none match or more than ``cap`` do (the
    box of a broad search at a million items would cost a scan of them all)."""
    items, _ = matching_items(viewer=viewer, search=search)
    # Aggregated over the sliced query (Django wraps it in a subquery as a whole), so at most
    # cap + 1 rows are read.
    found = (
        items.order_by()[: cap + 1]
        .values("bbox_xmin", "bbox_ymin", "bbox_xmax", "bbox_ymax")
        .aggregate(
            count=Count("*"),
            west=Min("bbox_xmin"),
            south=Min("bbox_ymin"),
            east=Max("bbox_xmax"),
            north=Max("bbox_ymax"),
        )
    )
    if not found["count"] or found["count"] > cap or found["west"] is None:
        return None
    return (found["west"], found["south"], found["east"], found["north"])
