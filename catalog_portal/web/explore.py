"""The explore page's state: what a visitor filtered by, read from and written to the URL.

Every filter lives in the query string, so reload, back/forward and a shared link restore the
same search. The state becomes an ItemSearch for the search layer, with the property filters
as a CQL2-JSON filter — the same filter the STAC API and the code snippets take.

Query string: ``collection``, ``start`` and ``end`` (dates, UTC), ``bbox`` (west,south,east,north),
and one parameter per property filter: ``p.<name>`` for a boolean or an enum value,
``p.<name>.min`` / ``p.<name>.max`` for a number's range. ``sort`` orders the results
(``-datetime``, the default, newest first; ``datetime``; or a sortable queryable, ``-`` for
descending) and becomes the search's ``sortby``; ``limit`` is the page size (one of
PAGE_SIZES). ``token`` pages; ``preview=1`` shows the results' images on the map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.queryables import queryables_ranked
from catalog_portal.catalog.search import ItemSearch, limits, search_from_params
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.params import SortKey
from catalog_portal.catalog.search.sorting import sort_is_allowed
from catalog_portal.lib.urls import item_tiles_path_build
from catalog_portal.web.metadata import field_spec, value_html

PAGE_SIZE = 20
PAGE_SIZES = (10, 20, 50, 100)  # the page size choice: few enough that each is a useful step
DEFAULT_SORT = "-datetime"
PREFIX = "p."
KEY_FACTS = 2  # properties shown in each result row: enough to choose, few enough to scan
PREVIEW_SIZE = 96  # pixels of a row's preview image (longest side; shown at 48 CSS px)


@dataclass(frozen=True)
class PropertyFilter:
    """One control of the sidebar, generated from a queryable's JSON Schema."""

    name: str
    label: str
    kind: str  # "boolean", "range" or "choice"
    schema: dict[str, Any]
    value: str = ""  # boolean and choice: the chosen value
    low: str = ""  # range: bounds as typed
    high: str = ""
    unit: str = ""

    @property
    def param(self) -> str:
        return PREFIX + self.name

    @property
    def is_set(self) -> bool:
        return bool(self.value or self.low or self.high)


@dataclass
class ExploreState:
    """A parsed explore URL."""

    collection: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    bbox: tuple[float, float, float, float] | None = None
    filters: list[PropertyFilter] = field(default_factory=list)
    token: str = ""
    preview: bool = False  # the map shows the results' images as a mosaic
    sort: str = DEFAULT_SORT
    limit: int = PAGE_SIZE
    collection_items: int = 0  # the chosen collection's items: which sorts it allows

    @property
    def property_filters_set(self) -> int:
        return sum(control.is_set for control in self.filters)

    @property
    def has_property_filters(self) -> bool:
        return self.property_filters_set > 0

    def query(self, **changes: str) -> str:
        """This state as a query string, with ``changes`` applied (empty values dropped)."""
        params: dict[str, str] = {
            "collection": self.collection,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "bbox": ",".join(f"{v:g}" for v in self.bbox) if self.bbox else "",
            "preview": "1" if self.preview else "",
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
            "limit": "" if self.limit == PAGE_SIZE else str(self.limit),
        }
        for control in self.filters:
            if control.kind == "range":
                params[control.param + ".min"] = control.low
                params[control.param + ".max"] = control.high
            else:
                params[control.param] = control.value
        params.update(changes)
        return urlencode({key: value for key, value in params.items() if value})

    def cql2(self) -> dict[str, Any] | None:
        """The property filters as CQL2-JSON (``and`` of the set ones), or None."""
        conditions = []
        for control in self.filters:
            prop = {"property": control.name}
            if control.kind == "boolean" and control.value:
                conditions.append({"op": "=", "args": [prop, control.value == "true"]})
            elif control.kind == "choice" and control.value:
                value = _typed(control.value, control.schema, control.param)
                conditions.append({"op": "=", "args": [prop, value]})
            elif control.kind == "range":
                if control.low:
                    low = _typed(control.low, control.schema, control.param + ".min")
                    conditions.append({"op": ">=", "args": [prop, low]})
                if control.high:
                    high = _typed(control.high, control.schema, control.param + ".max")
                    conditions.append({"op": "<=", "args": [prop, high]})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"op": "and", "args": conditions}

    def mosaic_search(self) -> dict[str, Any]:
        """This search as the tile server's /searches/register takes it (STAC API form)."""
        search: dict[str, Any] = {}
        if self.collection:
            search["collections"] = [self.collection]
        if self.bbox:
            search["bbox"] = list(self.bbox)
        interval = self._interval()
        if interval:
            search["datetime"] = interval
        if (cql2 := self.cql2()) is not None:
            search.update({"filter": cql2, "filter-lang": "cql2-json"})
        return search

    def _interval(self) -> str | None:
        if not (self.start or self.end):
            return None
        first = f"{self.start.isoformat()}T00:00:00Z" if self.start else ".."
        last = f"{self.end.isoformat()}T23:59:59Z" if self.end else ".."
        return f"{first}/{last}"

    def search(self, *, limit: int | None = None) -> ItemSearch:
        """The search this state asks for (raises InvalidParameter naming a bad value)."""
        if self.start and self.end and self.start > self.end:
            raise InvalidParameter("start", "the start date is after the end date")
        return search_from_params(
            collections=[self.collection] if self.collection else None,
            bbox=list(self.bbox) if self.bbox else None,
            datetime=self._interval(),
            filter=self.cql2(),
            filter_lang="cql2-json",
            # The datetime default is also the search layer's own order: no sortby needed.
            sortby=None if self.sort == DEFAULT_SORT else self.sort,
            limit=limit or self.limit,
        )

    def sort_choices(self) -> list[tuple[str, str]]:
        """The orders the results may take: by date both ways, then each sortable property
        (numbers and enums) both ways that the search layer allows for the chosen collection
        (see search/sorting.py), as (``sort`` value, label)."""
        choices = [("-datetime", _("Newest first")), ("datetime", _("Oldest first"))]
        for control in self.filters:
            key = (SortKey(control.name),)
            if not sort_is_allowed(key, searched_items=self.collection_items, one_collection=True):
                continue
            if control.kind == "range":
                ascending, descending = _("lowest first"), _("highest first")
            elif control.kind == "choice":
                ascending, descending = _("A to Z"), _("Z to A")
            else:
                continue  # a yes/no property orders nothing worth reading
            choices.append((control.name, f"{control.label}: {ascending}"))
            choices.append(("-" + control.name, f"{control.label}: {descending}"))
        return choices


def chosen_collection(query: QueryDict, *, collections: list[Collection]) -> Collection | None:
    """The collection ``collection=`` names among ``collections`` (the visitor's), or None
    (when it names none, or one the visitor may not see)."""
    return next((c for c in collections if c.stac_id == query.get("collection")), None)


def explore_request(
    query: QueryDict, *, collections: list[Collection]
) -> tuple[Collection | None, ExploreState]:
    """The collection chosen among ``collections`` (the visitor's) and the state of an explore
    query string: what the page shows and a download of its results both read. Raises
    InvalidParameter naming the bad parameter (a collection the visitor may not see too)."""
    chosen = chosen_collection(query, collections=collections)
    if query.get("collection") and chosen is None:
        raise InvalidParameter("collection", "no such collection")
    return chosen, explore_state(
        query,
        queryables=chosen.queryables if chosen else {},
        collection_items=chosen.item_count if chosen else 0,
    )


def explore_state(
    query: QueryDict, *, queryables: dict[str, dict[str, Any]], collection_items: int = 0
) -> ExploreState:
    """Read the state from a query string; ``queryables`` (the chosen collection's) decide
    which property filters exist, and its ``collection_items`` which of them may sort.
    Raises InvalidParameter naming the bad parameter."""
    state = ExploreState(
        collection=query.get("collection", "").strip(),
        start=_date(query.get("start", ""), "start"),
        end=_date(query.get("end", ""), "end"),
        bbox=_bbox(query.get("bbox", "")),
        token=query.get("token", ""),
        preview=query.get("preview") == "1",
        limit=_page_size(query.get("limit", "")),
        collection_items=collection_items,
    )
    for name, schema in queryables_ranked(queryables):  # most useful first
        control = _control(name, schema, query)
        if control is not None:
            state.filters.append(control)
    sort = query.get("sort", "") or DEFAULT_SORT
    allowed = [value for value, _text in state.sort_choices()]
    if sort not in allowed:
        raise InvalidParameter("sort", f"{sort[:100]!r} is not one of {', '.join(allowed)}")
    state.sort = sort
    return state


@dataclass(frozen=True)
class ResultRow:
    """One row of the results: the item, a small preview from the tile server, and the
    collection's key properties as the item has them."""

    index: int
    item: Item
    collection_id: str
    preview_url: str  # "" when the item has no footprint to draw
    facts: list[tuple[str, SafeString]]


def result_rows(
    items: list[Item], *, collection_ids: dict[int, str], chosen: Collection | None
) -> list[ResultRow]:
    """The results as rows; key properties only when one collection is chosen (its
    queryables say which properties matter)."""
    keys = key_properties(chosen.queryables) if chosen else []
    rows = []
    for index, item in enumerate(items):
        collection_id = collection_ids[item.collection_id]
        preview = ""
        if item.geometry:
            path = item_tiles_path_build(
                collection_id=collection_id, item_id=item.stac_id, path="preview.png"
            )
            preview = f"{path}?max_size={PREVIEW_SIZE}"
        facts = [
            (field_spec(name).get("label") or name, value_html(item.properties[name], spec))
            for name, spec in keys
            if item.properties.get(name) not in (None, "")
        ]
        rows.append(ResultRow(index, item, collection_id, preview, facts))
    return rows


def key_properties(queryables: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The few properties a result row shows: numbers first (cloud cover, orbit, a measured
    area: what one compares between items), then enums, each in the queryables' ranking."""
    order = {"number": 0, "integer": 0, "string": 1, "boolean": 2}
    ranked = [
        (name, schema)
        for name, schema in queryables_ranked(queryables)
        if schema.get("type") in order
    ]
    ranked.sort(key=lambda entry: order[entry[1]["type"]])  # stable: keeps the ranking
    return [(name, field_spec(name)) for name, _schema in ranked[:KEY_FACTS]]


def temporal_extent(collection: Collection) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of ``collection``'s items, from its STAC temporal extent
    (None where it is open or unreadable)."""
    extent = (collection.stac.get("extent") or {}).get("temporal") or {}
    interval = (extent.get("interval") or [[None, None]])[0]
    if not isinstance(interval, list) or len(interval) != 2:
        return None, None
    return _day(interval[0]), _day(interval[1])


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _page_size(text: str) -> int:
    if not text:
        return PAGE_SIZE
    if not text.isdigit() or int(text) not in PAGE_SIZES:
        sizes = ", ".join(str(size) for size in PAGE_SIZES)
        raise InvalidParameter("limit", f"{text[:20]!r} is not one of {sizes}")
    return int(text)


def _control(name: str, schema: dict[str, Any], query: QueryDict) -> PropertyFilter | None:
    label, unit = _label(name), field_spec(name).get("unit", "")
    param = PREFIX + name
    kind = schema.get("type")
    if kind == "boolean":
        value = query.get(param, "")
        if value not in ("", "true", "false"):
            raise InvalidParameter(param, "is true or false")
        return PropertyFilter(name, label, "boolean", schema, value=value)
    if kind in ("number", "integer"):
        if schema.get("minimum") == schema.get("maximum") is not None:
            return None  # one value for every item: nothing to filter by
        low, high = query.get(param + ".min", ""), query.get(param + ".max", "")
        return PropertyFilter(name, label, "range", schema, low=low, high=high, unit=unit)
    if kind == "string" and len(schema.get("enum") or []) > 1:
        value = query.get(param, "")
        if value and value not in schema["enum"]:
            raise InvalidParameter(param, f"{value!r} is not one of {schema['enum']}")
        return PropertyFilter(name, label, "choice", schema, value=value)
    return None


def _label(name: str) -> str:
    return field_spec(name).get("label") or name


def _typed(text: str, schema: dict[str, Any], param: str) -> Any:
    """A filter value typed like its queryable (numbers compare as numbers)."""
    if schema.get("type") in ("number", "integer"):
        try:
            number = float(text)
        except ValueError:
            raise InvalidParameter(param, f"{text!r} is not a number") from None
        return limits.number_check(number, parameter=param)
    return text


def _date(text: str, param: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidParameter(param, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidParameter("bbox", "is west,south,east,north in degrees") from None
    return west, south, east, north
