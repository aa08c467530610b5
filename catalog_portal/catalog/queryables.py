"""Queryables: what a search may filter on, as JSON Schema.

Each collection keeps its own in ``Collection.queryables``, from one of three places
(``Collection.queryables_source``): derived from its items when they are written (the
default), a source STAC API's own /queryables taken when harvesting it, or set by an
administrator. The explore page builds its filters from them, and the STAC API serves them at
/queryables.

Derived queryables are a handful of filters worth having, most useful first: properties
that many items share and whose values repeat (enums of a few strings, ranges of numbers,
booleans), never per-item ids, timestamps or values unique to each item.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from catalog_portal.catalog.models import Collection, Item

SAMPLE_SIZE = 500  # newest items per collection looked at; enough to see every property
MAX_ENUM = 12  # string properties with at most this many values become enums
MAX_FILTERS = 8  # derived (or harvested) queryables per collection: a handful of filters
# A property on fewer items than this share of the sample (or on one item only) is a typo or
# an oddity of a few items, not something to filter the collection by.
MIN_SHARE = 0.05
SKIPPED = {"datetime", "start_datetime", "end_datetime", "created", "updated"}
# Common extension fields, most useful first: they lead, the rest follow by how many items
# have them.
USEFUL_FIRST = (
    "eo:cloud_cover", "platform", "constellation", "sat:orbit_state", "sar:instrument_mode",
    "sar:product_type", "sar:frequency_band", "sat:relative_orbit", "view:off_nadir",
    "view:sun_elevation", "gsd", "instruments", "processing:level", "product:type",
)  # fmt: skip
# What these common fields are, for harvested queryables that only name their extension's
# schema ("$ref"): the explore page builds a filter from a type.
KNOWN_FIELDS: dict[str, dict[str, Any]] = {
    "eo:cloud_cover": {"type": "number", "minimum": 0, "maximum": 100},
    "sat:orbit_state": {"type": "string", "enum": ["ascending", "descending", "geostationary"]},
    "sat:relative_orbit": {"type": "integer", "minimum": 1},
    "sat:absolute_orbit": {"type": "integer", "minimum": 1},
    "view:off_nadir": {"type": "number", "minimum": 0, "maximum": 90},
    "view:incidence_angle": {"type": "number", "minimum": 0, "maximum": 90},
    "view:sun_elevation": {"type": "number", "minimum": -90, "maximum": 90},
    "view:sun_azimuth": {"type": "number", "minimum": 0, "maximum": 360},
    "gsd": {"type": "number", "minimum": 0},
    "platform": {"type": "string"},
    "constellation": {"type": "string"},
    "sar:instrument_mode": {"type": "string"},
    "sar:frequency_band": {"type": "string", "enum": ["P", "L", "S", "C", "X", "Ku", "K", "Ka"]},
}
# Bounds of a queryables document from elsewhere (a source API, an administrator).
MAX_PROPERTIES = 100
MAX_DOCUMENT_BYTES = 64 * 1024
MAX_NAME = 255

ID_LIKE = re.compile(r"(^|[:_.\-])(id|ID|Id)s?$|[a-z]Ids?$")  # scene_id, s2:tile_id, sceneId
TIMESTAMP_LIKE = re.compile(r"(datetime|timestamp|[:_]date|[:_]time|^date)$", re.IGNORECASE)
DATE_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}|$)")

CORE = {
    "id": {"title": "Item ID", "type": "string"},
    "collection": {"title": "Collection ID", "type": "string"},
    "geometry": {"title": "Footprint", "$ref": "https://geojson.org/schema/Geometry.json"},
    "datetime": {"title": "Acquired", "type": "string", "format": "date-time"},
}


class InvalidQueryables(ValueError):
    """A queryables document the catalogue cannot use; the message says why."""


def queryables_for(*, collections: Iterable[Collection]) -> dict[str, Any]:
    """The merged queryables of ``collections`` (the caller's visible ones, or one of them;
    no query: each collection keeps its own)."""
    properties: dict[str, dict[str, Any]] = {}
    for collection in collections:
        for name, schema in collection.queryables.items():
            properties[name] = _merge(properties[name], schema) if name in properties else schema
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "type": "object",
        "title": "Queryables",
        "properties": {**CORE, **dict(queryables_ranked(properties))},
        "additionalProperties": True,
    }


def queryables_types(*, collections: Iterable[Collection]) -> dict[str, str]:
    """The JSON type of each property whose type ``collections``' queryables declare alike
    (number, string, boolean, array or object; an integer is a number), for the search to
    compare it as (no query). A property the collections declare with different types is left
    out: each filter's literal then decides, as for a property nobody declares."""
    types: dict[str, str] = {}
    disagreeing: set[str] = set()
    for collection in collections:
        for name, schema in collection.queryables.items():
            kind = schema.get("type") if isinstance(schema, dict) else None
            if not isinstance(kind, str):
                continue
            kind = "number" if kind == "integer" else kind
            if types.setdefault(name, kind) != kind:
                disagreeing.add(name)
    return {name: kind for name, kind in types.items() if name not in disagreeing}


def queryables_ranked(queryables: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """``queryables`` most useful first: the common extension fields, then by name (the
    database does not keep the order of a JSON object's keys, so it is restored here)."""
    return sorted(queryables.items(), key=lambda entry: (_rank(entry[0]), entry[0].lower()))


def _rank(name: str) -> int:
    return USEFUL_FIRST.index(name) if name in USEFUL_FIRST else len(USEFUL_FIRST)


def is_filter_worthy_name(name: str) -> bool:
    """Whether a property's name may be a filter: not an id or a timestamp of each item."""
    return not (
        name in SKIPPED or name in CORE or ID_LIKE.search(name) or TIMESTAMP_LIKE.search(name)
    )


def collection_queryables(collection: Collection) -> dict[str, dict[str, Any]]:
    """A handful of filters worth having on ``collection``'s items: schemas of the scalar
    properties of a sample of them, with its summaries' ranges (kept in
    ``Collection.queryables`` by ingest when they come from the items)."""
    seen: dict[str, list[Any]] = defaultdict(list)
    sample = list(
        Item.objects.filter(collection=collection)
        .order_by("-datetime")
        .values_list("stac", flat=True)[:SAMPLE_SIZE]
    )
    for stac in sample:
        for name, value in (stac.get("properties") or {}).items():
            if is_filter_worthy_name(name) and isinstance(value, bool | int | float | str):
                seen[name].append(value)
    least = max(2, MIN_SHARE * len(sample))
    schemas = {
        name: schema
        for name, values in seen.items()
        if len(values) >= least and (schema := _schema(values)) is not None
    }
    for name, summary in (collection.stac.get("summaries") or {}).items():
        if name in schemas and isinstance(summary, dict) and "minimum" in summary:
            schemas[name]["minimum"] = min(
                schemas[name].get("minimum", summary["minimum"]), summary["minimum"]
            )
            schemas[name]["maximum"] = max(
                schemas[name].get("maximum", summary["maximum"]), summary["maximum"]
            )
    # The common fields first, then choices (a few values items share) before ranges of
    # measurements, each by how many items have them.
    chosen = sorted(
        schemas,
        key=lambda name: (
            _rank(name), schemas[name].get("type") in ("number", "integer"), -len(seen[name]), name
        ),
    )  # fmt: skip
    return {name: schemas[name] for name in chosen[:MAX_FILTERS]}


def queryables_refreshed(collection: Collection) -> dict[str, dict[str, Any]]:
    """What ``collection``'s queryables are after its items changed: derived again, unless
    they came from its source API or an administrator."""
    if collection.queryables_source == Collection.QueryablesSource.ITEMS:
        return collection_queryables(collection)
    return collection.queryables


def queryables_check(document: Any) -> dict[str, dict[str, Any]]:
    """The queryable properties of a queryables document (a JSON Schema with "properties",
    as a STAC API's /queryables answers, or just its properties object), checked and bounded;
    the core ones (id, collection, geometry, datetime) are left out: every collection has them.
    Raises InvalidQueryables saying what is wrong."""
    if not isinstance(document, dict):
        raise InvalidQueryables("queryables are a JSON object")
    if len(json.dumps(document)) > MAX_DOCUMENT_BYTES:
        raise InvalidQueryables(f"queryables take at most {MAX_DOCUMENT_BYTES} bytes of JSON")
    properties = document.get("properties") if "properties" in document else document
    if "properties" in document and document.get("type", "object") != "object":
        raise InvalidQueryables('a queryables schema has "type": "object"')
    if not isinstance(properties, dict):
        raise InvalidQueryables('"properties" is a JSON object of property schemas')
    if len(properties) > MAX_PROPERTIES:
        raise InvalidQueryables(f"at most {MAX_PROPERTIES} queryable properties")
    checked: dict[str, dict[str, Any]] = {}
    for name, schema in properties.items():
        if not name or len(name) > MAX_NAME:
            raise InvalidQueryables(f"a property name has 1 to {MAX_NAME} characters: {name!r}")
        if not isinstance(schema, dict):
            raise InvalidQueryables(f"the schema of {name!r} is a JSON object, not {schema!r}")
        kind = schema.get("type")
        if kind is not None and kind not in {
            "string",
            "number",
            "integer",
            "boolean",
            "array",
            "object",
        }:
            raise InvalidQueryables(f"the type of {name!r} is not a JSON Schema type: {kind!r}")
        enum = schema.get("enum")
        if enum is not None and not (isinstance(enum, list) and enum):
            raise InvalidQueryables(f"the enum of {name!r} is a non-empty list")
        bounds = [schema[key] for key in ("minimum", "maximum") if key in schema]
        if not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds):
            raise InvalidQueryables(f"the minimum and maximum of {name!r} are numbers")
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            raise InvalidQueryables(f"the minimum of {name!r} is above its maximum")
        if name not in CORE and name not in SKIPPED:
            checked[name] = schema
    return checked


def queryables_from_source(document: Any) -> dict[str, dict[str, Any]]:
    """A source STAC API's /queryables (of one collection) as the catalogue keeps them: checked
    (raises InvalidQueryables), ids and timestamps left out, the common fields that name only
    their extension's schema given their type, most useful first, a handful at most."""
    properties = {
        name: {**KNOWN_FIELDS.get(name, {}), **schema}
        for name, schema in queryables_check(document).items()
        if is_filter_worthy_name(name)
    }
    return dict(queryables_ranked(properties)[:MAX_FILTERS])


def collection_queryables_declare(
    *, collection: Collection, queryables: dict[str, dict[str, Any]], source: str
) -> None:
    """Keep ``queryables`` (checked) as ``collection``'s, from ``source`` (a
    ``Collection.QueryablesSource``): ingest no longer derives them from the items."""
    Collection.objects.filter(pk=collection.pk).update(
        queryables=queryables, queryables_source=source
    )
    collection.queryables, collection.queryables_source = queryables, source


def _schema(values: list[Any]) -> dict[str, Any] | None:
    """The schema of a property with these values across items, or None if it is no filter."""
    if len(set(values)) == 1:
        return None  # the same for every item: filtering by it keeps all or nothing
    if all(isinstance(v, bool) for v in values):
        return {"type": "boolean"}
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        kind = "integer" if all(isinstance(v, int) for v in values) else "number"
        return {"type": kind, "minimum": min(values), "maximum": max(values)}
    if all(isinstance(v, str) for v in values):
        counts = Counter(values)
        if any(DATE_VALUE.match(value) for value in counts):
            return None  # a timestamp, whatever its name
        # An enum of a few values that items share; more, or one per item, filter nothing.
        if len(counts) <= MAX_ENUM and max(counts.values()) > 1:
            return {"type": "string", "enum": sorted(counts)}
        return None
    return None  # mixed types


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One schema that accepts what either accepts."""
    if first.get("type") != second.get("type"):
        both = {"integer", "number"} == {first.get("type"), second.get("type")}
        if not both:
            return {}
        first, second = {**first, "type": "number"}, {**second, "type": "number"}
    merged = dict(first)
    if "minimum" in first and "minimum" in second:
        merged["minimum"] = min(first["minimum"], second["minimum"])
        merged["maximum"] = max(first["maximum"], second["maximum"])
    if "enum" in first or "enum" in second:
        values = sorted(set(first.get("enum", [])) | set(second.get("enum", [])))
        if "enum" in first and "enum" in second and len(values) <= MAX_ENUM:
            merged["enum"] = values
        else:
            merged.pop("enum", None)
    return merged
