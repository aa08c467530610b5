"""The search layer: which items match a search, page by page (see query.item_search)."""

from catalog_portal.catalog.search.build import search_from_params
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.extent import item_extent
from catalog_portal.catalog.search.query import ItemPage, ItemSearch, item_count, item_search

__all__ = [
    "InvalidParameter",
    "ItemPage",
    "ItemSearch",
    "item_count",
    "item_extent",
    "item_search",
    "search_from_params",
]
