"""A file belongs to one collection: the one that catalogued it first.

An asset href ``/data/<path>`` is a claim on a file below DATA_ROOT. Ingest records each claim
(``AssetFile``) and refuses an asset whose file another collection has already catalogued
(``foreign_paths``), so a public item cannot name a restricted collection's file.

Serving does not rely on ingest alone: rows written behind its back (an admin, a script, a
database restored from before this rule) could still make two collections name one file. So the
data API and the tiles read a file only for callers who may see *every* collection naming it
(normally just its owner): a second claim can only narrow who reads a file, never widen it.
A database constraint cannot say "one path, one collection" while several items of that
collection may share a file (the constraint would span AssetFile and Item), hence these checks.
"""

from __future__ import annotations

from collections.abc import Collection as Sized
from collections.abc import Iterable
from itertools import chain

from django.db.models import Exists, JSONField, OuterRef, Subquery

from catalog_portal.catalog.assets import local_asset_files
from catalog_portal.catalog.json_objects_agg import JSONObjectsAgg
from catalog_portal.catalog.models import AssetFile, Collection, Item
from catalog_portal.catalog.remote_assets import remote_asset_files

# The name items carry asset_files_recorded under, for readable_asset_keys.
RECORDED_FILES = "recorded_files"


def foreign_paths(*, collection: Collection, paths: Iterable[str]) -> dict[str, str]:
    """Which of ``paths`` (below DATA_ROOT) a collection other than ``collection`` has
    catalogued, each with that collection's id (one query)."""
    wanted = set(paths)
    if not wanted:
        return {}
    claimed = (
        AssetFile.objects.filter(path__in=wanted)
        .exclude(item__collection=collection)
        .values_list("path", "item__collection__stac_id")
    )
    return dict(claimed)


def foreign_assets_drop(
    *, collection: Collection, documents: Iterable[dict]
) -> list[tuple[str, str, str, str]]:
    """Remove from ``documents`` (items of ``collection``, changed in place) each asset whose
    file another collection owns; returns (item id, asset key, path, owner id) of each one
    removed (one query). Kept, such an asset would be published pointing at a file its item's
    readers are refused, so it is not kept at all."""
    documents = list(documents)
    named = {id(stac): list(local_asset_files(stac)) for stac in documents}
    owners = foreign_paths(
        collection=collection,
        paths=(path for files in named.values() for _, path, _ in files),
    )
    dropped = []
    for stac in documents:
        foreign = [(key, path) for key, path, _ in named[id(stac)] if path in owners]
        if foreign:
            stac["assets"] = {
                key: asset
                for key, asset in stac["assets"].items()
                if key not in {key for key, _ in foreign}
            }
        dropped.extend((stac["id"], key, path, owners[path]) for key, path in foreign)
    return dropped


def asset_files_recorded(*, collection_ids: Sized[int]) -> Subquery:
    """An annotation of items (``RECORDED_FILES``) that ``readable_asset_keys`` reads: each
    item's own AssetFile rows as a JSON array of {key, path, foreign}, ``foreign`` true when a
    collection outside ``collection_ids`` names the same path (its item's included).

    Computed in the query that reads the items (a correlated subquery per item, on the
    indexes of ``item`` and ``path``), so that checking their files costs no query of its own.
    """
    foreign = AssetFile.objects.filter(path=OuterRef("path")).exclude(
        item__collection_id__in=sorted(collection_ids)
    )
    own = (
        AssetFile.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(files=JSONObjectsAgg(key="asset_key", path="path", foreign=Exists(foreign)))
        .values("files")
    )
    return Subquery(own, output_field=JSONField())


def readable_asset_keys(*, item: Item) -> frozenset[str]:
    """The keys of ``item``'s assets (local files and remote ones of the asset sources) whose
    file its caller may read: the file is catalogued for this very item and asset, and every
    collection naming it is one they see (no query: ``item`` carries ``asset_files_recorded``
    for that caller as ``RECORDED_FILES``)."""
    recorded = getattr(item, RECORDED_FILES)  # AttributeError: read without the annotation
    # SQLite gives the booleans of the JSON as 0 and 1, PostgreSQL as false and true.
    readable = {(row["key"], row["path"]) for row in recorded or () if not row["foreign"]}
    named = chain(local_asset_files(item.stac), remote_asset_files(item.stac))
    return frozenset(key for key, path, _ in named if (key, path) in readable)
