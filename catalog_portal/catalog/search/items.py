"""Item search: which items match, in which order, one page at a time.

Every front door (STAC API, pages, tiles, snippets) asks this one function, so a search
means the same everywhere and always goes through the access scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from shapely.geometry.base import BaseGeometry

from catalog_portal.catalog.access import User, visible_collections, visible_items
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.search import keyset
from catalog_portal.catalog.search.cql2_filter import filter_condition
from catalog_portal.catalog.search.errors import InvalidParameter
from catalog_portal.catalog.search.params import DEFAULT_LIMIT, SortKey, bbox_geometry
from catalog_portal.catalog.spatial import FootprintIntersects


@dataclass(frozen=True)
class ItemSearch:
    """A parsed search, as the STAC API's /search takes it."""

    collections: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    intersects: BaseGeometry | None = None
    datetime: tuple[dt.datetime | None, dt.datetime | None] | None = None
    filter: dict | None = None
    sortby: tuple[SortKey, ...] = ()
    limit: int = DEFAULT_LIMIT

    @property
    def is_collections_only(self) -> bool:
        """True when the search selects whole collections and nothing narrower."""
        return not (self.ids or self.bbox or self.intersects or self.datetime or self.filter)


@dataclass
class ItemPage:
    """One page of results with the tokens of its neighbours."""

    items: list[Item]
    next_token: str | None = None
    prev_token: str | None = None
    # None when counting would cost more than the search itself (see item_search).
    number_matched: int | None = None
    collections: dict[int, Collection] = field(default_factory=dict)


def overlapping(start: dt.datetime | None, end: dt.datetime | None, *, intervals: bool) -> Q:
    """Items whose time overlaps [start, end] (None: open). Instants are matched on the
    datetime column, whose index also gives the search its order; interval items, when the
    collections have any (``intervals``), on their start and end."""
    if not intervals:
        # One range on datetime: the (datetime DESC, id) index serves filter and order at once.
        instants = Q()
        if start is not None:
            instants &= Q(datetime__gte=start)
        if end is not None:
            instants &= Q(datetime__lte=end)
        return instants
    instants, intervals_q = Q(is_interval=False), Q(is_interval=True)
    if start is not None:
        instants &= Q(datetime__gte=start)
        intervals_q &= Q(end_datetime__gte=start)
    if end is not None:
        instants &= Q(datetime__lte=end)
        intervals_q &= Q(start_datetime__lte=end)
    return instants | intervals_q


def matching_items(
    *, user: User, search: ItemSearch, visible: dict[int, Collection] | None = None
) -> tuple[QuerySet[Item], dict[int, Collection]]:
    """The items ``user`` may see that match ``search`` (unordered), and the visible
    collections by primary key (``visible``, when the caller has read them already)."""
    if visible is None:
        # Only what pages need of collections: their documents can be large.
        scope = visible_collections(user).only("pk", "stac_id", "item_count", "has_interval_items")
        visible = {c.pk: c for c in scope}
    known = visible
    by_id = {c.stac_id: c for c in known.values()}
    unknown = [c for c in search.collections if c not in by_id]
    if unknown:
        raise InvalidParameter("collections", f"no collection {', '.join(unknown)}")

    items = visible_items(user).select_related(None)
    condition = Q()
    if search.collections:
        condition &= Q(collection_id__in=[by_id[c].pk for c in search.collections])
    if search.ids:
        condition &= Q(stac_id__in=search.ids)
    if search.bbox is not None:
        condition &= Q(FootprintIntersects(bbox_geometry(search.bbox)))
    if search.intersects is not None:
        condition &= Q(FootprintIntersects(search.intersects))
    if search.datetime is not None:
        searched = [by_id[c] for c in search.collections] if search.collections else known.values()
        intervals = any(c.has_interval_items for c in searched)
        condition &= overlapping(*search.datetime, intervals=intervals)
    if search.filter is not None:
        condition &= filter_condition(search.filter, collections=set(by_id))
    return items.filter(condition), known


def item_count(*, user: User, search: ItemSearch, cap: int) -> tuple[int, bool]:
    """How many items match ``search``, counting no further than ``cap``: (count, exact).

    A capped count reads at most ``cap`` + 1 index entries, so it stays cheap at a million
    items where a full count of a broad search would not.
    """
    items, known = matching_items(user=user, search=search)
    if search.is_collections_only:
        return whole_collections_count(search, known), True
    counted = items.order_by()[: cap + 1].count()
    return min(counted, cap), counted <= cap


def item_search(
    *,
    user: User,
    search: ItemSearch,
    token: str | None = None,
    visible: dict[int, Collection] | None = None,
) -> ItemPage:
    """The page of items ``user`` may see that match ``search``, after/before ``token``.

    ``visible``: the collections ``user`` may see by primary key, when the caller has read
    them already this request (saves a query; the items are still scoped in SQL)."""
    items, known = matching_items(user=user, search=search, visible=visible)
    keys = keyset.sort_keys(search.sortby)
    boundary = keyset.Token.decode(token, keys) if token else None
    page_query = items
    if boundary is not None:
        page_query = page_query.filter(keyset.after(keys, boundary))
    forward = boundary is None or boundary.forward
    annotations = {f"_k{i}": F(keyset.key_path(key)) for i, key in enumerate(keys)}
    rows = list(
        page_query.annotate(**annotations).order_by(*keyset.ordering(keys, forward=forward))[
            : search.limit + 1
        ]
    )
    more = len(rows) > search.limit
    rows = rows[: search.limit]
    if not forward:
        rows.reverse()

    def token_at(item: Item, *, forward: bool) -> str:
        values = tuple(getattr(item, f"_k{i}") for i in range(len(keys)))
        return keyset.Token(values, forward).encode(keys)

    page = ItemPage(items=rows, collections=known)
    if rows:
        # Forward: a next page exists if we saw one more row; a previous one if we came by token.
        has_next = more if forward else True
        has_prev = boundary is not None if forward else more
        page.next_token = token_at(rows[-1], forward=True) if has_next else None
        page.prev_token = token_at(rows[0], forward=False) if has_prev else None
    if search.is_collections_only:
        page.number_matched = whole_collections_count(search, known)
    return page


def whole_collections_count(search: ItemSearch, known: dict[int, Collection]) -> int:
    """The items of the collections a collections-only search selects: counted at ingest, so
    their total costs nothing here."""
    if not search.collections:
        return sum(c.item_count for c in known.values())
    return sum(c.item_count for c in known.values() if c.stac_id in search.collections)
