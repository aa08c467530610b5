"""An ItemSearch from raw parameters, as a query string or a JSON body gives them."""

from __future__ import annotations

from typing import Any

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.cql2_filter import filter_parse
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.params import (
    parse_bbox,
    parse_intersects,
    parse_interval,
    parse_limit,
    parse_list,
    parse_sortby,
)
from catalog_portal.catalog.search.query import ItemSearch


def search_from_params(
    *,
    collections: Any = None,
    ids: Any = None,
    bbox: Any = None,
    intersects: Any = None,
    datetime: Any = None,
    filter: Any = None,
    filter_lang: str | None = None,
    sortby: Any = None,
    limit: Any = None,
) -> ItemSearch:
    """Parse every parameter, raising InvalidParameter for the first bad one."""
    if bbox not in (None, "") and intersects not in (None, ""):
        raise InvalidParameter("bbox", "cannot be combined with intersects")
    return ItemSearch(
        collections=parse_list(collections, "collections", limit=limits.MAX_COLLECTIONS),
        ids=parse_list(ids, "ids", limit=limits.MAX_IDS),
        bbox=parse_bbox(bbox),
        intersects=parse_intersects(intersects),
        datetime=parse_interval(datetime),
        filter=None if filter in (None, "") else filter_parse(filter, filter_lang),
        sortby=parse_sortby(sortby),
        limit=parse_limit(limit),
    )
