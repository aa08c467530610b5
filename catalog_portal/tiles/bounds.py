"""Boxes in degrees (WGS84): where a registered search lies and where it meets a tile."""

from __future__ import annotations

from collections.abc import Iterable

from catalog_portal.catalog.models import Collection

BBox = tuple[float, float, float, float]
WORLD: BBox = (-180.0, -85.0511287798066, 180.0, 85.0511287798066)


def bbox_intersection(a: BBox | None, b: BBox) -> BBox | None:
    """The overlap of two WGS84 boxes (``a`` may be None: no limit), or None if none."""
    if a is None:
        return b
    west, south = max(a[0], b[0]), max(a[1], b[1])
    east, north = min(a[2], b[2]), min(a[3], b[3])
    if west > east or south > north:
        return None
    return west, south, east, north


def collections_extent(collections: Iterable[Collection]) -> BBox:
    """The box around the spatial extents of ``collections`` (the world when none has one)."""
    boxes = [
        c.stac["extent"]["spatial"]["bbox"][0]
        for c in collections
        if c.stac.get("extent", {}).get("spatial", {}).get("bbox")
    ]
    if not boxes:
        return WORLD
    return (
        float(min(b[0] for b in boxes)),
        float(min(b[1] for b in boxes)),
        float(max(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
    )
