"""Parsing search parameters as STAC API clients send them (query strings or JSON bodies)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.exceptions import InvalidParameter

DEFAULT_LIMIT = 10
OPEN = ("", "..")


@dataclass(frozen=True)
class SortKey:
    """One sort criterion: a queryable name (``datetime``, ``id``, a property) and direction."""

    field: str
    descending: bool = False


def parse_list(value: str | Sequence[str] | None, parameter: str, *, limit: int) -> tuple[str, ...]:
    """A list of at most ``limit`` strings, given as a comma-separated string or a JSON array."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not all(isinstance(item, str) for item in items):
        raise InvalidParameter(parameter, "must be a list of strings")
    parsed = tuple(item.strip() for item in items if item.strip())
    limits.count_check(parsed, parameter=parameter, limit=limit)
    return parsed


def parse_bbox(value: str | Sequence[float] | None) -> tuple[float, float, float, float] | None:
    """A bbox of 4 or 6 numbers (the height of a 3D bbox is ignored) as (W, S, E, N)."""
    if value is None or value == "":
        return None
    try:
        numbers = [float(v) for v in (value.split(",") if isinstance(value, str) else value)]
    except (TypeError, ValueError):
        raise InvalidParameter("bbox", "must be 4 or 6 numbers separated by commas") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4:
        raise InvalidParameter("bbox", f"must be 4 or 6 numbers, not {len(numbers)}")
    west, south, east, north = numbers
    if not all(-180 <= x <= 180 for x in (west, east)) or not all(
        -90 <= y <= 90 for y in (south, north)
    ):
        raise InvalidParameter("bbox", "is outside longitude -180..180 and latitude -90..90")
    if south > north:
        raise InvalidParameter("bbox", "has its south edge above its north edge")
    return west, south, east, north


def bbox_geometry(bbox: tuple[float, float, float, float]) -> BaseGeometry:
    """The bbox as a polygon; one that crosses the antimeridian (west > east) as two."""
    west, south, east, north = bbox
    if west <= east:
        return shapely.box(west, south, east, north)
    return shapely.MultiPolygon(
        [shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)]
    )


def parse_intersects(value: str | dict | None) -> BaseGeometry | None:
    """A GeoJSON geometry (object or JSON text)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = limits.json_text_parse(value, parameter="intersects")
    return parse_geometry(value, "intersects")


def parse_geometry(value: Any, parameter: str) -> BaseGeometry:
    """A valid, non-empty GeoJSON geometry of at most MAX_VERTICES coordinates."""
    try:
        geometry = shape(value)
    except Exception as error:  # shapely raises several types for malformed GeoJSON
        message = str(error)[:200]
        raise InvalidParameter(parameter, f"is not a GeoJSON geometry ({message})") from None
    # Counted before the validity check and the database, whose work grows with it.
    if shapely.get_num_coordinates(geometry) > limits.MAX_VERTICES:
        raise InvalidParameter(parameter, f"has more than {limits.MAX_VERTICES} vertices")
    if geometry.is_empty:
        raise InvalidParameter(parameter, "is empty")
    if not geometry.is_valid:
        reason = shapely.validation.explain_validity(geometry)
        raise InvalidParameter(parameter, f"is invalid: {reason}")
    return geometry


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_timestamp(
    value: str, parameter: str, *, end: bool = False, dates: bool = True
) -> dt.datetime:
    """An RFC 3339 timestamp, or (with ``dates``) a date meaning its first or, for an ``end``,
    its last instant. Python alone would accept forms RFC 3339 does not (``+0100``, ``50,5Z``)."""
    if isinstance(value, str) and RFC3339.match(value + "Z"):
        raise InvalidParameter(parameter, f"{value!r} needs a time zone, e.g. {value}Z")
    if not isinstance(value, str) or not (RFC3339.match(value) or (dates and len(value) == 10)):
        raise InvalidParameter(parameter, f"{value!r} is not an RFC 3339 timestamp")
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, dt.UTC)
            return moment
        moment = dt.datetime.fromisoformat(value.replace("z", "Z")).astimezone(dt.UTC)
    except ValueError:
        raise InvalidParameter(parameter, f"{value!r} is not an RFC 3339 timestamp") from None
    except OverflowError:  # 9999-12-31T23:59:59-23:59 is in the year 10000 in UTC
        raise InvalidParameter(parameter, f"{value!r} is outside the years 1 to 9999") from None
    return moment


def parse_interval(
    value: str | None, parameter: str = "datetime"
) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    """An instant or an interval ``start/end`` with ``..`` (or nothing) for an open end."""
    if value is None or value == "":
        return None
    start_text, slash, end_text = value.partition("/")
    if not slash:
        if value in OPEN:
            raise InvalidParameter(
                parameter,
                "an instant cannot be open; use an interval such as ../2024-01-01T00:00:00Z",
            )
        moment = parse_timestamp(value, parameter, dates=False)
        return moment, moment
    start = None if start_text in OPEN else parse_timestamp(start_text, parameter, dates=False)
    end = None if end_text in OPEN else parse_timestamp(end_text, parameter, end=True, dates=False)
    if start is None and end is None:
        raise InvalidParameter(parameter, "an interval needs at least one end")
    if start is not None and end is not None and start > end:
        raise InvalidParameter(parameter, "the interval's start is after its end")
    return start, end


def parse_sortby(value: str | Sequence[Any] | None) -> tuple[SortKey, ...]:
    """``-properties.datetime,+id`` (GET) or ``[{"field": ..., "direction": ...}]`` (POST)."""
    if value is None or value == "" or value == []:
        return ()
    keys = []
    if isinstance(value, str):
        for part in value.split(","):
            part = part.strip()
            descending = part.startswith("-")
            keys.append(SortKey(queryable_name(part.lstrip("+-")), descending))
    else:
        for entry in value:
            if not isinstance(entry, dict) or not isinstance(entry.get("field"), str):
                raise InvalidParameter("sortby", "each entry needs a field and a direction")
            direction = entry.get("direction", "asc")
            if direction not in ("asc", "desc"):
                raise InvalidParameter("sortby", f"direction {direction!r} is not asc or desc")
            keys.append(SortKey(queryable_name(entry["field"]), direction == "desc"))
    if not all(key.field for key in keys):
        raise InvalidParameter("sortby", "names an empty field")
    limits.count_check(tuple(keys), parameter="sortby", limit=limits.MAX_SORT_KEYS)
    return tuple(keys)


def queryable_name(field: str) -> str:
    """``properties.eo:cloud_cover`` and ``eo:cloud_cover`` name the same queryable."""
    return field.removeprefix("properties.")


def parse_limit(value: int | str | None) -> int:
    """The page size, 1 to MAX_LIMIT (default 10); larger values mean MAX_LIMIT."""
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise InvalidParameter("limit", f"{value!r} is not a whole number") from None
    if limit < 1:
        raise InvalidParameter("limit", "must be at least 1")
    # STAC API: a limit above the maximum is served as the maximum, not refused.
    return min(limit, limits.MAX_LIMIT)
