"""Where each queryable lives in the database: item columns, or the document's properties."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalog_portal.catalog.search.exceptions import InvalidParameter

# Queryables with columns of their own; every other name is a key of the item's properties.
COLUMNS = {
    "id": "stac_id",
    "collection": "collection__stac_id",
    "datetime": "datetime",
    "start_datetime": "start_datetime",
    "end_datetime": "end_datetime",
}
TEMPORAL = {"datetime", "start_datetime", "end_datetime"}


def field_path(name: str, parameter: str) -> str:
    """The ORM path of queryable ``name`` (``properties.`` prefix allowed)."""
    name = name.removeprefix("properties.")
    if name in COLUMNS:
        return COLUMNS[name]
    if not name or "__" in name or name == "geometry":
        raise InvalidParameter(parameter, f"{name!r} is not a queryable here")
    return f"stac__properties__{name}"


def compare(path: str, lookup: str, value: Any) -> Q:
    """``path <lookup> value`` for lt/lte/gt/gte.

    Booleans are spelled out as equalities: Django reads a JSON boolean on SQLite as the text
    'true'/'false', which orders like false < true but cannot be compared with a boolean.
    """
    if isinstance(value, bool):
        outcomes = {
            "lt": [False] if value else [],
            "lte": [False, True] if value else [False],
            "gt": [] if value else [True],
            "gte": [True] if value else [False, True],
        }[lookup]
        return Q(**{f"{path}__in": outcomes}) if outcomes else Q(pk__in=[])
    return Q(**{f"{path}__{lookup}": value})
