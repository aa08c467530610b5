"""Item search: which items match, in which order, one page at a time.

Every front door (STAC API, pages, tiles, snippets) asks this one function, so a search
means the same everywhere and always goes through the access scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Expression, Q, QuerySet
from shapely.geometry.base import BaseGeometry

from catalog_portal.catalog.access import User, Viewer, viewer_read
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.queryables import queryables_types
from catalog_portal.catalog.search import keyset
from catalog_portal.catalog.search.cql2_filter import filter_condition
from catalog_portal.catalog.search.datetime_bound import bounded_page
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.params import DEFAULT_LIMIT, SortKey, bbox_geometry
from catalog_portal.catalog.search.sorting import sort_check
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
    *, viewer: Viewer, search: ItemSearch
) -> tuple[QuerySet[Item], dict[int, Collection]]:
    """The items ``viewer`` may see that match ``search`` (unordered), and the visible
    collections by primary key (no query: the viewer has read the scope)."""
    known = {c.pk: c for c in viewer.collections}
    by_id = {c.stac_id: c for c in known.values()}
    unknown = [c for c in search.collections if c not in by_id]
    if unknown:
        raise InvalidParameter("collections", f"no collection {', '.join(unknown)}")

    items = Item.objects.filter(collection_id__in=viewer.collection_ids)
    condition = Q()
    if search.collections:
        condition &= Q(collection_id__in=[by_id[c].pk for c in search.collections])
    if search.ids:
        condition &= Q(stac_id__in=search.ids)
    if search.bbox is not None:
        condition &= Q(FootprintIntersects(bbox_geometry(search.bbox)))
    if search.intersects is not None:
        condition &= Q(FootprintIntersects(search.intersects))
    searched = [by_id[c] for c in search.collections] if search.collections else known.values()
    if search.datetime is not None:
        intervals = any(c.has_interval_items for c in searched)
        condition &= overlapping(*search.datetime, intervals=intervals)
    if search.filter is not None:
        types = queryables_types(collections=searched)
        condition &= filter_condition(search.filter, collections=set(by_id), types=types)
    return items.filter(condition), known


def search_viewer(*, user: User | None, viewer: Viewer | None) -> Viewer:
    """The caller's scope: ``viewer`` when the request has read it, else read for ``user``
    (one query)."""
    if viewer is not None:
        return viewer
    if user is None:
        raise TypeError("a search needs the caller: a user or their viewer")
    return viewer_read(user=user)


def item_count(
    *, search: ItemSearch, cap: int, user: User | None = None, viewer: Viewer | None = None
) -> tuple[int, bool]:
    """How many items match ``search``, counting no further than ``cap``: (count, exact).

    A capped count reads at most ``cap`` + 1 index entries, so it stays cheap at a million
    items where a full count of a broad search would not.
    """
    viewer = search_viewer(user=user, viewer=viewer)
    items, known = matching_items(viewer=viewer, search=search)
    if search.is_collections_only:
        return whole_collections_count(search, known), True
    counted = items.order_by()[: cap + 1].count()
    return min(counted, cap), counted <= cap


def item_search(
    *,
    search: ItemSearch,
    token: str | None = None,
    user: User | None = None,
    viewer: Viewer | None = None,
    annotations: Mapping[str, Expression] | None = None,
) -> ItemPage:
    """The page of items the caller may see that match ``search``, after/before ``token``.

    The caller is ``viewer`` (their scope, read once per request) or ``user`` (whose scope is
    then read here). Each item carries ``annotations``, computed in the page's own query.
    """
    viewer = search_viewer(user=user, viewer=viewer)
    items, known = matching_items(viewer=viewer, search=search)
    searched = searched_collections(search, known)
    # At most one item per id in each collection: ids bound a search however large its
    # collections are.
    bound = len(search.ids) * len(searched) if search.ids else None
    total = sum(c.item_count for c in searched)
    sort_check(
        search.sortby,
        searched_items=total if bound is None else min(total, bound),
        one_collection=len(searched) == 1,
    )
    keys = keyset.sort_keys(search.sortby)
    boundary = keyset.Token.decode(token, keys) if token else None
    forward = boundary is None or boundary.forward
    # A page's rows come in stretches of the order (see keyset.after), each bounded so that
    # the index starts at the token, and a property's values apart from its nulls; the next
    # stretch is read only while the page is short.
    stretches = keyset.after(keys, boundary) if boundary is not None else keyset.start(keys)
    sort_values = {f"_k{i}": keyset.sort_value(key) for i, key in enumerate(keys)}
    annotated = items.annotate(**sort_values, **(annotations or {}))
    leading = keys[0]
    # An area search in date order finds its page's date range first (search/datetime_bound.py).
    by_area_in_date_order = (
        (search.bbox is not None or search.intersects is not None)
        and not search.ids
        and leading.field == "datetime"
    )
    rows: list[Item] = []
    for stretch in stretches:
        wanted = search.limit + 1 - len(rows)
        order = keyset.ordering(keys, forward=forward, leading=stretch.leading)
        page = annotated.filter(stretch.condition).order_by(*order)
        if by_area_in_date_order:
            newest_first = leading.descending == forward
            rows += bounded_page(
                page, items.filter(stretch.condition), newest_first=newest_first, size=wanted
            )
        else:
            rows += page[:wanted]
        if len(rows) > search.limit:
            break
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


def searched_collections(search: ItemSearch, known: dict[int, Collection]) -> list[Collection]:
    """The collections ``search`` reads: those it names, or else every visible one (no query)."""
    if not search.collections:
        return list(known.values())
    return [c for c in known.values() if c.stac_id in search.collections]


def whole_collections_count(search: ItemSearch, known: dict[int, Collection]) -> int:
    """The items of the collections a collections-only search selects: counted at ingest, so
    their total costs nothing here."""
    return sum(c.item_count for c in searched_collections(search, known))
