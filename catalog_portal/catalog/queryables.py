"""Queryables: what a search may filter on, as JSON Schema, derived from the catalogue itself.

Each collection's schema comes from its summaries and a sample of its items' properties,
computed when items are written (ingest keeps it in ``Collection.queryables``):
types, enums for small sets of strings, minimum/maximum for numbers. The explore page builds
its filters from it, and the STAC API serves it at /queryables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from catalog_portal.catalog.models import Collection, Item

SAMPLE_SIZE = 500  # newest items per collection looked at; enough to see every property
MAX_ENUM = 12  # string properties with at most this many values become enums
SKIPPED = {"datetime", "start_datetime", "end_datetime", "created", "updated"}

CORE = {
    "id": {"title": "Item ID", "type": "string"},
    "collection": {"title": "Collection ID", "type": "string"},
    "geometry": {"title": "Footprint", "$ref": "https://geojson.org/schema/Geometry.json"},
    "datetime": {"title": "Acquired", "type": "string", "format": "date-time"},
}


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
        "properties": {**CORE, **dict(sorted(properties.items()))},
        "additionalProperties": True,
    }


def collection_queryables(collection: Collection) -> dict[str, dict[str, Any]]:
    """Schemas of the scalar properties of ``collection``'s items and summaries (computed at
    ingest and kept in ``Collection.queryables``)."""
    seen: dict[str, list[Any]] = defaultdict(list)
    sample = (
        Item.objects.filter(collection=collection)
        .order_by("-datetime")
        .values_list("stac", flat=True)[:SAMPLE_SIZE]
    )
    for stac in sample:
        for name, value in (stac.get("properties") or {}).items():
            if name not in SKIPPED and isinstance(value, bool | int | float | str):
                seen[name].append(value)
    schemas = {name: _schema(values) for name, values in seen.items()}
    for name, summary in (collection.stac.get("summaries") or {}).items():
        if name in schemas and isinstance(summary, dict) and "minimum" in summary:
            schemas[name]["minimum"] = min(
                schemas[name].get("minimum", summary["minimum"]), summary["minimum"]
            )
            schemas[name]["maximum"] = max(
                schemas[name].get("maximum", summary["maximum"]), summary["maximum"]
            )
    return schemas


def _schema(values: list[Any]) -> dict[str, Any]:
    if all(isinstance(v, bool) for v in values):
        return {"type": "boolean"}
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        kind = "integer" if all(isinstance(v, int) for v in values) else "number"
        return {"type": kind, "minimum": min(values), "maximum": max(values)}
    if all(isinstance(v, str) for v in values):
        distinct = sorted(set(values))
        return (
            {"type": "string", "enum": distinct}
            if len(distinct) <= MAX_ENUM
            else {"type": "string"}
        )
    return {}  # mixed types: any value


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
