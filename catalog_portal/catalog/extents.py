"""A collection's extent as the box around its items' bboxes and the span of their times.

The extent a collection's STAC document declares is its source's (a whole remote collection,
or whatever its author wrote); the portal serves the extent of the items it holds, which an
import filtered by ``--bbox``/``--datetime``/``--max-items``, or killed mid-way, makes smaller.
Ingest keeps it in the document as items are committed (``ingest.collection_stats_refresh``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Min

from catalog_portal.catalog.models import Collection, Item


@dataclass(frozen=True)
class ItemsExtent:
    """The box around some items' bboxes (None when none has a footprint) and the first start
    and last end of their times."""

    bbox: tuple[float, float, float, float] | None
    start: dt.datetime
    end: dt.datetime

    def union(self, other: ItemsExtent | None) -> ItemsExtent:
        """The extent of both sets of items."""
        if other is None:
            return self
        boxes = [box for box in (self.bbox, other.bbox) if box is not None]
        return ItemsExtent(
            bbox=_box_around(boxes),
            start=min(self.start, other.start),
            end=max(self.end, other.end),
        )

    def document(self, declared: dict[str, Any] | None) -> dict[str, Any]:
        """A STAC ``extent`` object: the declared one with its overall bbox and interval
        replaced by these items' (the declared bbox stays for items without footprints).
        Finer boxes and intervals the source listed after the overall ones are dropped: they
        described the source's items, not these."""
        declared = declared if isinstance(declared, dict) else {}
        spatial = declared.get("spatial") if isinstance(declared.get("spatial"), dict) else {}
        temporal = declared.get("temporal") if isinstance(declared.get("temporal"), dict) else {}
        bbox = [list(self.bbox)] if self.bbox is not None else spatial.get("bbox")
        return {
            **declared,
            "spatial": {**spatial, "bbox": bbox},
            "temporal": {**temporal, "interval": [[_rfc3339(self.start), _rfc3339(self.end)]]},
        }


def items_extent(items: Iterable[Item]) -> ItemsExtent | None:
    """The extent of ``items`` (unsaved or saved; None when there are none), from their
    columns, without a query."""
    items = list(items)
    if not items:
        return None
    boxes = [
        (item.bbox_xmin, item.bbox_ymin, item.bbox_xmax, item.bbox_ymax)
        for item in items
        if item.bbox_xmin is not None
    ]
    return ItemsExtent(
        bbox=_box_around(boxes),
        start=min(item.start_datetime for item in items),
        end=max(item.end_datetime for item in items),
    )


def collection_items_extent(*, collection: Collection) -> ItemsExtent | None:
    """The extent of every item stored in ``collection`` (one aggregate query; None when it
    has no items)."""
    found = Item.objects.filter(collection=collection).aggregate(
        xmin=Min("bbox_xmin"), ymin=Min("bbox_ymin"), xmax=Max("bbox_xmax"),
        ymax=Max("bbox_ymax"), start=Min("start_datetime"), end=Max("end_datetime"),
    )  # fmt: skip
    if found["start"] is None:
        return None
    box = (found["xmin"], found["ymin"], found["xmax"], found["ymax"])
    return ItemsExtent(
        bbox=box if found["xmin"] is not None else None, start=found["start"], end=found["end"]
    )


def _box_around(
    boxes: list[tuple[float, float, float, float]],
) -> tuple[float, float, float, float] | None:
    if not boxes:
        return None
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _rfc3339(moment: dt.datetime) -> str:
    """``2021-09-03T10:00:00Z``: UTC with a Z, as STAC documents usually write it."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
