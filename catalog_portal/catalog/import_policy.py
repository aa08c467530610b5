"""Whether an import may write a collection: a collection that came from another source (or is
the portal's own) is never replaced silently. ``--update`` merges into it, keeping the portal's
curation; ``--as NEW_ID`` imports under another id. Each import is recorded per source
(``CollectionSource``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from catalog_portal.catalog.import_report import ImportReport
from catalog_portal.catalog.importers import SourceCollection
from catalog_portal.catalog.ingest import InvalidStac, collection_upsert
from catalog_portal.catalog.models import Collection, CollectionSource

# Parts of a collection's STAC document that are the portal's curation, not the source's:
# the renders the tiler draws with (admins tune them), kept over what a source sends.
CURATED_DOCUMENT_KEYS = ("renders",)


@dataclass(frozen=True)
class ImportPolicy:
    """How one import treats collections that exist already."""

    source: str  # importers.source_identity() of the source
    update: bool = False
    new_id: str | None = None


@dataclass
class ImportTarget:
    """Where a source collection's items go, and whether they merge into another's."""

    collection: Collection
    items: Iterator[dict]
    merging: bool


def collection_import(
    *, found: SourceCollection, policy: ImportPolicy, report: ImportReport
) -> ImportTarget | None:
    """The collection that ``found``'s items go into, written as the policy allows; None
    (reported) when the policy refuses it."""
    target_id = policy.new_id or found.collection_id
    existing = Collection.objects.filter(stac_id=target_id).first()
    if existing is None and found.stac is None:
        report.collection_refused(
            f"collection {target_id!r} does not exist; import it first from its own file "
            f"(its items in {policy.source} were not read)"
        )
        return None
    merging = False
    if existing is not None:
        recorded = list(existing.sources.values_list("source", "source_collection_id"))
        if not any(
            _within(policy.source, source) and remote_id == found.collection_id
            for source, remote_id in recorded
        ):
            if not policy.update:
                report.collection_refused(_refusal(target_id, recorded, policy.source))
                return None
            merging = True
    try:
        with transaction.atomic():
            collection = _collection_write(found, existing, target_id, report)
            CollectionSource.objects.update_or_create(
                collection=collection,
                source=policy.source,
                source_collection_id=found.collection_id,
            )
    except InvalidStac as error:
        report.collection_refused(f"invalid collection {error}")
        return None
    if merging:
        report.notice(
            f"merged: collection {target_id} (from {_origins(recorded)}) takes items from "
            f"{policy.source}; its curation is kept"
        )
    items = found.items
    if target_id != found.collection_id:
        items = _renamed(items, found.collection_id, target_id)
    return ImportTarget(collection, items, merging)


def _collection_write(
    found: SourceCollection, existing: Collection | None, target_id: str, report: ImportReport
) -> Collection:
    if found.stac is None:
        report.collections["unchanged"] += 1
        return existing
    stac = {**found.stac, "id": target_id}
    if existing is None:
        collection, _ = collection_upsert(stac=stac)
        report.collections["created"] += 1
        return collection
    for key in CURATED_DOCUMENT_KEYS:
        if key in existing.stac:
            stac[key] = existing.stac[key]
    if "renders" in existing.stac:
        kept = [e for e in existing.stac.get("stac_extensions") or [] if "/render/" in e]
        theirs = [e for e in stac.get("stac_extensions") or [] if "/render/" not in e]
        stac["stac_extensions"] = theirs + kept
    before = (existing.title, existing.description, existing.stac)
    collection, _ = collection_upsert(stac=stac)
    changed = before != (collection.title, collection.description, collection.stac)
    report.collections["updated" if changed else "unchanged"] += 1
    return collection


def _within(source: str, recorded: str) -> bool:
    """Whether ``source`` is the recorded source or inside its folder (a lone item file of a
    catalog imported before belongs to that catalog's source)."""
    return source == recorded or source.startswith(recorded.rstrip("/") + "/")


def _refusal(target_id: str, recorded: list[tuple[str, str]], source: str) -> str:
    return (
        f"collection {target_id!r} exists, from {_origins(recorded)}; this import is from "
        f"{source}. Nothing of it was written: use --update to merge into it (keeping its "
        f"curation) or --as NEW_ID to import it under another id."
    )


def _origins(recorded: list[tuple[str, str]]) -> str:
    if not recorded:
        return "this portal itself (not imported)"
    return ", ".join(f"{source} (as {remote_id!r})" for source, remote_id in recorded)


def _renamed(items: Iterator[dict], old_id: str, new_id: str) -> Iterator[dict]:
    """Items of ``old_id`` as items of ``new_id`` (``--as``)."""
    for item in items:
        if isinstance(item, dict) and item.get("collection") in (old_id, None):
            item = {**item, "collection": new_id}
        yield item
