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

from collections import defaultdict
from collections.abc import Collection as Sized
from collections.abc import Iterable, Sequence

from catalog_portal.catalog.assets import local_asset_files
from catalog_portal.catalog.models import AssetFile, Collection, Item


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


def readable_asset_keys(
    *, items: Sequence[Item], collection_ids: Sized[int]
) -> dict[int, frozenset[str]]:
    """Per item (by primary key), the keys of its local assets whose file a caller who sees
    ``collection_ids`` may read: the file is catalogued for this very item and asset, and every
    collection naming it is one they see (one query; none for items without local files)."""
    named = {item.pk: list(local_asset_files(item.stac)) for item in items}
    paths = {path for files in named.values() for _, path, _ in files}
    if not paths:
        return {item.pk: frozenset() for item in items}
    rows = AssetFile.objects.filter(path__in=paths).values_list(
        "item_id", "asset_key", "path", "item__collection_id"
    )
    recorded: set[tuple[int, str, str]] = set()
    owners: dict[str, set[int]] = defaultdict(set)
    for item_pk, key, path, collection_pk in rows:
        recorded.add((item_pk, key, path))
        owners[path].add(collection_pk)
    return {
        item_pk: frozenset(
            key
            for key, path, _ in files
            if (item_pk, key, path) in recorded and owners[path] <= set(collection_ids)
        )
        for item_pk, files in named.items()
    }
