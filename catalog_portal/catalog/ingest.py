"""Writing STAC documents into the catalogue: validation, field extraction and idempotent upserts.

``load_demo`` and ``import_stac`` both write through these functions, so an item loaded either
way gets the same indexed columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pystac
from django.db import transaction

from catalog_portal.catalog.assets import local_asset_files
from catalog_portal.catalog.extents import ItemsExtent, collection_items_extent, items_extent
from catalog_portal.catalog.file_owners import foreign_assets_drop
from catalog_portal.catalog.footprints import FootprintInvalid, footprint_clean
from catalog_portal.catalog.models import AssetFile, Collection, Item
from catalog_portal.catalog.remote_assets import remote_asset_files

# Curation fields of Collection that a loader may set; importing STAC alone never touches them.
CURATION_FIELDS = {"category", "featured", "featured_order", "visibility", "thumbnail"}
# Item columns derived from the STAC document by item_columns().
ITEM_COLUMNS = (
    "datetime", "start_datetime", "end_datetime", "is_interval",
    "bbox_xmin", "bbox_ymin", "bbox_xmax", "bbox_ymax",
)  # fmt: skip


class InvalidStac(ValueError):
    """A STAC document that cannot enter the catalogue; ``stac_id`` names it in reports."""

    def __init__(self, stac_id: str, reason: str) -> None:
        super().__init__(f"{stac_id}: {reason}")
        self.stac_id = stac_id
        self.reason = reason


@dataclass
class UpsertReport:
    """What an upsert did, item by item."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: list[InvalidStac] = field(default_factory=list)
    # Ids met again in the same upsert: the first document was kept, these skipped.
    duplicates: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    # Items written with a repaired footprint, as "<id>: footprint split at the antimeridian".
    repaired: list[str] = field(default_factory=list)
    # Assets left out of items that were written: their file belongs to another collection.
    refused_assets: list[InvalidStac] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated

    def add(self, other: UpsertReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.invalid.extend(other.invalid)
        self.duplicates.extend(other.duplicates)
        self.updated_ids.extend(other.updated_ids)
        self.repaired.extend(other.repaired)
        self.refused_assets.extend(other.refused_assets)


def parse_stac_datetime(value: Any, *, stac_id: str, name: str) -> dt.datetime:
    """Parse an RFC 3339 timestamp; STAC requires a time zone, so a naive one is invalid."""
    if not isinstance(value, str):
        raise InvalidStac(stac_id, f"properties.{name} must be an RFC 3339 string, not {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidStac(
            stac_id, f"properties.{name}={value!r} is not an RFC 3339 timestamp"
        ) from None
    if parsed.tzinfo is None:
        raise InvalidStac(stac_id, f"properties.{name}={value!r} has no time zone")
    return parsed.astimezone(dt.UTC)


def item_columns(stac: dict) -> dict[str, Any]:
    """The indexed columns of an item, derived from its STAC document (raises InvalidStac)."""
    stac_id = stac.get("id") if isinstance(stac.get("id"), str) else "<no id>"
    if stac.get("type") != "Feature" or not stac.get("id"):
        raise InvalidStac(stac_id, "a STAC item is a GeoJSON Feature with a non-empty id")
    properties = stac.get("properties")
    if not isinstance(properties, dict):
        raise InvalidStac(stac_id, "not a STAC item: it has no properties object")
    start = end = None
    if properties.get("start_datetime") is not None or properties.get("end_datetime") is not None:
        start = parse_stac_datetime(
            properties.get("start_datetime"), stac_id=stac_id, name="start_datetime"
        )
        end = parse_stac_datetime(
            properties.get("end_datetime"), stac_id=stac_id, name="end_datetime"
        )
        if start > end:
            raise InvalidStac(stac_id, "start_datetime is after end_datetime")
    if properties.get("datetime") is not None:
        when = parse_stac_datetime(properties["datetime"], stac_id=stac_id, name="datetime")
    elif start is not None:
        when = start
    else:
        raise InvalidStac(stac_id, "needs properties.datetime, or start_datetime and end_datetime")

    columns: dict[str, Any] = {  # keys: ITEM_COLUMNS
        "datetime": when,
        "start_datetime": start or when,
        "end_datetime": end or when,
        "is_interval": not ((start or when) == (end or when) == when),
        "bbox_xmin": None,
        "bbox_ymin": None,
        "bbox_xmax": None,
        "bbox_ymax": None,
    }
    try:
        footprint = footprint_clean(stac.get("geometry"))
    except FootprintInvalid as error:
        raise InvalidStac(stac_id, str(error)) from None
    if footprint.bounds is not None:
        xmin, ymin, xmax, ymax = footprint.bounds
        columns.update(bbox_xmin=xmin, bbox_ymin=ymin, bbox_xmax=xmax, bbox_ymax=ymax)
    # Our own checks come first for their clearer messages; pystac then checks the rest.
    try:
        pystac.Item.from_dict(stac, preserve_dict=True, migrate=False)
    except Exception as error:  # pystac raises KeyError, TypeError, STACError, ...
        reason = f"not a STAC item ({error.__class__.__name__}: {error})"
        raise InvalidStac(stac_id, reason) from None
    return columns


def item_footprint_repair(stac: dict) -> tuple[dict, str]:
    """``stac`` with its footprint split at the antimeridian or repaired where needed (a new
    document; ``stac`` is left as it was) and what was repaired, "" if nothing. Raises
    InvalidStac for a footprint that cannot be kept."""
    stac_id = stac.get("id") if isinstance(stac.get("id"), str) else "<no id>"
    try:
        footprint = footprint_clean(stac.get("geometry"))
    except FootprintInvalid as error:
        raise InvalidStac(stac_id, str(error)) from None
    if not footprint.repair:
        return stac, ""
    # The document says what the columns say: the API serves the repaired footprint.
    repaired = {**stac, "geometry": footprint.geometry}
    if footprint.stac_bbox is not None:
        repaired["bbox"] = footprint.stac_bbox
    return repaired, footprint.repair


def collection_upsert(
    *, stac: dict, curation: dict[str, Any] | None = None
) -> tuple[Collection, bool]:
    """Create or update a collection from its STAC document; returns (collection, created).

    ``curation`` sets curation fields (category, featured, ...); without it, an existing
    collection keeps the curation its admins gave it. A collection that has items keeps
    their extent over the one ``stac`` declares (see catalog/extents.py).
    """
    stac_id = stac.get("id") if isinstance(stac.get("id"), str) else "<no id>"
    if stac.get("type") != "Collection" or not stac.get("id"):
        raise InvalidStac(stac_id, "a STAC collection has type 'Collection' and a non-empty id")
    try:
        pystac.Collection.from_dict(stac, preserve_dict=True, migrate=False)
    except Exception as error:
        raise InvalidStac(
            stac_id, f"not a STAC collection ({error.__class__.__name__}: {error})"
        ) from None
    unknown = set(curation or {}) - CURATION_FIELDS
    if unknown:
        raise ValueError(f"Not curation fields: {sorted(unknown)}")

    values = {
        "title": stac.get("title") or "",
        "description": stac.get("description") or "",
        "stac": stac,
    }
    values.update(curation or {})
    collection = Collection.objects.filter(stac_id=stac["id"]).first()
    if collection is None:
        return Collection.objects.create(stac_id=stac["id"], **values), True
    extent = collection_items_extent(collection=collection)
    if extent is not None:
        values["stac"] = {**stac, "extent": extent.document(stac.get("extent"))}
    changed = [name for name, value in values.items() if getattr(collection, name) != value]
    if changed:
        for name in changed:
            setattr(collection, name, values[name])
        collection.save(update_fields=[*changed, "updated"])
    return collection, False


def _batches(iterable: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def items_upsert(
    *,
    collection: Collection,
    stacs: Iterable[dict],
    batch_size: int = 500,
    on_batch: Callable[[UpsertReport], None] | None = None,
) -> UpsertReport:
    """Create or update items of ``collection``; each batch is one transaction.

    Invalid documents are reported in ``UpsertReport.invalid`` and skipped, as are ids met a
    second time (``duplicates``: the first document is kept); an item whose document has not
    changed is left untouched, so re-running an import writes nothing. Each batch commits
    with the collection's count, statistics and extent, so an import killed mid-way leaves
    them true to what it wrote (a re-run then finds those items unchanged and writes the
    rest). ``on_batch`` is called with each batch's report (for progress bars).
    """
    total = UpsertReport()
    seen: set[str] = set()
    extent = _RunningExtent()
    for batch in _batches(stacs, batch_size):
        report = _items_upsert_batch(collection, batch, seen, extent)
        total.add(report)
        if on_batch is not None:
            on_batch(report)
    # Always, so that a collection loaded before its stats existed gets them on any re-run.
    collection_stats_refresh(collection=collection)
    return total


def collection_stats_refresh(*, collection: Collection, extent: ItemsExtent | None = None) -> int:
    """Recompute what ingest keeps about ``collection``'s items (their count, queryables and
    the extent in its STAC document), so pages read it instead of scanning items; returns the
    count. ``extent``: the items' extent when the caller knows it, else it is aggregated."""
    from catalog_portal.catalog.queryables import queryables_refreshed

    items = Item.objects.filter(collection=collection)
    stats = {
        "item_count": items.count(),
        "queryables": queryables_refreshed(collection),
        "has_interval_items": items.filter(is_interval=True).exists(),
    }
    extent = extent or collection_items_extent(collection=collection)
    if extent is not None:  # without items, the declared extent is all there is
        stac = {**collection.stac, "extent": extent.document(collection.stac.get("extent"))}
        if stac != collection.stac:
            stats["stac"] = stac
    Collection.objects.filter(pk=collection.pk).update(**stats)
    for name, value in stats.items():
        setattr(collection, name, value)
    return stats["item_count"]


@dataclass
class _RunningExtent:
    """The extent of a collection's items as an upsert goes, so that a batch that only adds
    items widens it by theirs instead of aggregating every item of the collection again."""

    known: ItemsExtent | None = None

    def after(
        self, collection: Collection, created: list[Item], updated: list[Item]
    ) -> ItemsExtent | None:
        """The extent once ``created`` and ``updated`` are written."""
        if self.known is None or updated:  # first write, or items moved: it may shrink
            self.known = collection_items_extent(collection=collection)
        else:
            self.known = self.known.union(items_extent(created))
        return self.known


def _items_upsert_batch(
    collection: Collection, batch: list[dict], seen: set[str], extent: _RunningExtent
) -> UpsertReport:
    report = UpsertReport()
    valid: dict[str, tuple[dict, dict[str, Any]]] = {}
    for stac in batch:
        stac_id = stac.get("id") if isinstance(stac, dict) else None
        if isinstance(stac_id, str) and stac_id in seen:
            report.duplicates.append(stac_id)
            continue
        # An item that names no collection (no key, or null) joins this one.
        if isinstance(stac, dict) and stac.get("collection") not in (None, collection.stac_id):
            report.invalid.append(
                InvalidStac(str(stac.get("id")), f"belongs to collection {stac['collection']!r}")
            )
            continue
        try:
            document, repair = item_footprint_repair({**stac, "collection": collection.stac_id})
            valid[document["id"]] = (document, item_columns(document))
            seen.add(document["id"])
            if repair:
                report.repaired.append(f"{document['id']}: footprint {repair}")
        except InvalidStac as error:
            report.invalid.append(error)
        except (TypeError, KeyError, AttributeError) as error:
            report.invalid.append(InvalidStac("<unreadable>", f"not a JSON object ({error})"))

    with transaction.atomic():
        dropped = foreign_assets_drop(
            collection=collection, documents=(document for document, _ in valid.values())
        )
        report.refused_assets.extend(
            InvalidStac(
                stac_id,
                f"asset {key!r} left out: its file {path} belongs to collection {owner!r}",
            )
            for stac_id, key, path, owner in dropped
        )
        existing = {
            item.stac_id: item
            for item in Item.objects.filter(collection=collection, stac_id__in=list(valid))
        }
        to_create, to_update = [], []
        for stac_id, (document, columns) in valid.items():
            item = existing.get(stac_id)
            if item is None:
                to_create.append(
                    Item(collection=collection, stac_id=stac_id, stac=document, **columns)
                )
            elif item.stac != document:
                item.stac = document
                for name, value in columns.items():
                    setattr(item, name, value)
                to_update.append(item)
            else:
                report.unchanged += 1
        Item.objects.bulk_create(to_create)
        if to_update:
            # bulk_update skips auto_now, so the timestamp is set here.
            now = dt.datetime.now(dt.UTC)
            for item in to_update:
                item.updated = now
            Item.objects.bulk_update(to_update, ["stac", "updated", *ITEM_COLUMNS])
        asset_files_replace(items=[*to_create, *to_update])
        report.created, report.updated = len(to_create), len(to_update)
        report.updated_ids = [item.stac_id for item in to_update]
        if to_create or to_update:
            collection_stats_refresh(
                collection=collection, extent=extent.after(collection, to_create, to_update)
            )
    return report


def asset_files_replace(*, items: list[Item]) -> None:
    """Record which files the assets of ``items`` name (saved items): local ones by their path
    below DATA_ROOT, remote ones by their href; replacing what was recorded for them before.
    The data API serves only files recorded here."""
    AssetFile.objects.filter(item__in=[item.pk for item in items]).delete()
    AssetFile.objects.bulk_create(
        AssetFile(item=item, asset_key=key, path=path, media_type=media_type)
        for item in items
        for files in (local_asset_files(item.stac), remote_asset_files(item.stac))
        for key, path, media_type in files
    )
