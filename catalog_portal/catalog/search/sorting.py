"""Which sorts a search may ask for: the ones an index serves, at any size, and any other one
when the searched items are few enough to sort them all.

A sort no index serves reads and sorts every searched item before the first row comes back:
about 1.1 s at a million items on PostgreSQL, for every page. So such a sort is refused with
400 once the searched collections hold more than SEARCH_SORT_SCAN_MAX_ITEMS items (their
``item_count``, kept at ingest: known without a query), and the message names the sorts that
are always allowed. The STAC API documentation (web/docs/stac-api.md) lists the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.params import SortKey

# First sort keys an index serves in either direction, within collections and across them:
# the catalogue's order (index item_order) and cloud cover as a number (migration 0017). Keys
# after the first only order ties, which PostgreSQL sorts group by group (incremental sort).
INDEXED = ("datetime", "eo:cloud_cover")
# First sort keys an index serves within one collection: (collection, id) is unique.
INDEXED_IN_ONE_COLLECTION = ("id",)


def sort_is_indexed(sortby: Sequence[SortKey], *, one_collection: bool) -> bool:
    """Whether an index gives ``sortby``'s order (no sortby: the catalogue's order)."""
    if not sortby:
        return True
    first = sortby[0].field
    return first in INDEXED or (one_collection and first in INDEXED_IN_ONE_COLLECTION)


def sort_is_allowed(
    sortby: Sequence[SortKey], *, searched_items: int, one_collection: bool
) -> bool:
    """Whether a search may sort by ``sortby``: an index serves it, or the search reads at
    most ``searched_items`` items and they are few enough to sort them all."""
    return (
        sort_is_indexed(sortby, one_collection=one_collection)
        or searched_items <= settings.SEARCH_SORT_SCAN_MAX_ITEMS
    )


def sort_check(sortby: Sequence[SortKey], *, searched_items: int, one_collection: bool) -> None:
    """Raise InvalidParameter (400) for a sort no index serves over too many items."""
    if sort_is_allowed(sortby, searched_items=searched_items, one_collection=one_collection):
        return
    names = ", ".join(f"{name} (either direction)" for name in INDEXED)
    raise InvalidParameter(
        "sortby",
        f"{sortby[0].field!r} can only sort searches of at most "
        f"{settings.SEARCH_SORT_SCAN_MAX_ITEMS:,} items, and this one searches "
        f"{searched_items:,}. Sort by {names}, or by id within one collection; or name "
        "smaller collections with the collections parameter.",
    )
