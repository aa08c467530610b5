"""Reads of the catalogue for pages, each at a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from catalog_portal.catalog.access import User, visible_collections
from catalog_portal.catalog.models import Collection


@dataclass
class CatalogOverview:
    """The visible collections, as the catalogue page groups them."""

    collections: list[Collection]

    @property
    def featured(self) -> list[Collection]:
        return [c for c in self.collections if c.featured]

    @property
    def by_category(self) -> list[tuple[str, list[Collection]]]:
        """(category label, collections) for each category that has any, in the choices' order."""
        groups = []
        for value, label in Collection.Category.choices:
            members = [c for c in self.collections if c.category == value]
            if members:
                groups.append((label, members))
        return groups


def catalog_overview(*, user: User) -> CatalogOverview:
    """Collections ``user`` may see, in one query (item counts are stored with them)."""
    collections = visible_collections(user).order_by(
        "-featured", "featured_order", "title", "stac_id"
    )
    return CatalogOverview(collections=list(collections))
