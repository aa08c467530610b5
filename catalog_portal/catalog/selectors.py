"""Reads of the catalogue for pages, each at a constant number of queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Exists, Expression, OuterRef

from catalog_portal.catalog.access import User, Viewer, visible_collections, visible_items
from catalog_portal.catalog.models import AssetFile, Collection, Item


@dataclass
class CatalogOverview:
    """The visible collections, as the catalogue page groups them."""

    collections: list[Collection]

    def matching(self, query: str) -> list[Collection]:
        """Collections whose title, id, description or keywords contain every word of
        ``query`` (case-insensitive)."""
        words = query.casefold().split()

        def text(c: Collection) -> str:
            return " ".join([c.title, c.stac_id, c.description, *c.keywords]).casefold()

        return [c for c in self.collections if all(word in text(c) for word in words)]

    @property
    def featured(self) -> list[Collection]:
        return [c for c in self.collections if c.featured]


def catalog_overview(*, viewer: Viewer) -> CatalogOverview:
    """The collections ``viewer`` may see, as the catalogue lists them (no query: the viewer
    has read them, item counts and ``newest_item_id`` included)."""
    return CatalogOverview(collections=list(viewer.collections))


def visible_collection(*, user: User, stac_id: str) -> Collection | None:
    """The collection ``stac_id`` if ``user`` may see it."""
    return visible_collections(user).filter(stac_id=stac_id).select_related("owner").first()


def visible_item(
    *,
    user: User,
    collection_id: str,
    item_id: str,
    annotations: Mapping[str, Expression] | None = None,
) -> Item | None:
    """The item ``item_id`` of collection ``collection_id`` if ``user`` may see it, with its
    collection and ``annotations`` (one query)."""
    return (
        visible_items(user)
        .filter(collection__stac_id=collection_id, stac_id=item_id)
        .select_related("collection")
        .annotate(**(annotations or {}))
        .first()
    )


def visible_asset_file(*, user: User, paths: Sequence[str]) -> AssetFile | None:
    """The asset file at one of ``paths`` (below DATA_ROOT; the first listed wins) if ``user``
    may read it: they see every collection naming that path, normally its one owner (see
    ``file_owners.py``). With its item's collection's visibility (one query, no STAC
    documents read)."""
    readable = Exists(visible_collections(user).filter(pk=OuterRef("item__collection_id")))
    rows = list(
        AssetFile.objects.filter(path__in=paths)
        .annotate(readable=readable)
        .select_related("item__collection")
        .only("path", "media_type", "item__collection__visibility")
        .order_by("pk")
    )
    for path in paths:
        naming = [row for row in rows if row.path == path]
        if naming and all(row.readable for row in naming):
            return naming[0]
    return None


def restricted_collections_of(*, user: User) -> list[Collection]:
    """The restricted collections ``user`` may see (one query), by title."""
    restricted = visible_collections(user).filter(visibility=Collection.Visibility.RESTRICTED)
    return list(restricted.order_by("title", "stac_id"))
