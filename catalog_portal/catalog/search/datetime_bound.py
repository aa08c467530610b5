"""A page of a spatial search in date order that reads only about a page of rows.

A search by area in date order has two plans without this module, and both grow with the
catalogue: read every match in the area from the area+date GiST and sort them (at 3 million
synthetic items a 0.3 x 0.2 degree box matches 16,000 items, all read for a page of 30), or
walk the datetime index and test each row's footprint until the page is full (about
limit / selectivity rows, 5,700 here, each a random heap page). PostgreSQL prices the walk
by ``ST_Intersects``'s declared cost (10,000 x cpu_operator_cost per row) and its row
estimate, so it picks whichever looks smaller, and near the crossing it picks wrong.

The GiST holds the datetime as its second key, and btree_gist gives timestamps a distance
operator, so the same index can hand out the area's matches newest first (a KNN scan: it
opens only the index pages whose newest entry can still be on the page). PostgreSQL cannot
use that order for the whole ORDER BY (its tiebreakers are not in the index), so this is one
query that finds the datetime of the page's last row that way, and the page query then
carries it as a redundant bound (``datetime >= edge``), which the same GiST serves as an
index condition. At a million items: 5,400 heap pages and 13 ms before, 136 buffers and
0.7 ms (both queries) after (EXPLAIN (ANALYZE, BUFFERS), bench/search.py's boxes).
"""

from __future__ import annotations

import datetime as dt

from django.db import connections
from django.db.models import Count, DurationField, F, Func, Max, Min, QuerySet, Value

from catalog_portal.catalog.models import Item

# Distances are measured from beyond every datetime STAC can write (four-digit years), so that
# nearest first is newest first (or oldest first). PostgreSQL's infinities would not do:
# btree_gist puts every finite datetime at the same (infinite) distance from them.
AFTER_ALL = dt.datetime(10000 - 1, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
BEFORE_ALL = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


class DatetimeDistance(Func):
    """``datetime <-> moment`` (btree_gist), the order a GiST over datetime can give."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = DurationField()

    def __init__(self, moment: dt.datetime) -> None:
        super().__init__(F("datetime"), Value(moment))


def bounded_page(
    page: QuerySet[Item], matching: QuerySet[Item], *, newest_first: bool, size: int
) -> list[Item]:
    """The first ``size`` rows of ``page``: the rows of ``matching`` (an area search) in an
    order that starts with datetime, newest first or oldest first."""
    if connections[page.db].vendor != "postgresql":
        return list(page[:size])
    edge_of = Min if newest_first else Max
    moment = AFTER_ALL if newest_first else BEFORE_ALL
    nearest = matching.order_by(DatetimeDistance(moment)).values("datetime")[:size]
    found = nearest.aggregate(rows=Count("*"), edge=edge_of("datetime"))
    if not found["rows"]:
        return []
    within = {"datetime__gte" if newest_first else "datetime__lte": found["edge"]}
    rows = list(page.filter(**within)[:size])
    if len(rows) < found["rows"]:
        # Rows deleted between the two queries (each reads its own snapshot) can leave the
        # bound short of a full page: read the page without it, as before.
        rows = list(page[:size])
    return rows
