"""Registering searches for mosaics and reading them back (the tiles app's own table)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from catalog_portal.catalog.access import Viewer
from catalog_portal.catalog.search import ItemSearch, item_search, search_from_params
from catalog_portal.tiles.models import RegisteredSearch

SEARCH_FIELDS = ("collections", "bbox", "datetime", "filter", "filter-lang")


def search_parse(*, query: dict[str, Any]) -> ItemSearch:
    """The ItemSearch of stored or posted search parameters (InvalidParameter if bad)."""
    return search_from_params(
        collections=query.get("collections"),
        bbox=query.get("bbox"),
        datetime=query.get("datetime"),
        filter=query.get("filter"),
        filter_lang=query.get("filter-lang"),
    )


def search_fields(*, query: dict[str, Any]) -> dict[str, Any]:
    """The parameters of ``query`` a registered search keeps (empty ones left out)."""
    return {key: query[key] for key in SEARCH_FIELDS if query.get(key) not in (None, "", [])}


def search_id_of(*, query: dict[str, Any]) -> str:
    """The id ``query`` is registered under: its content's hash, so the same search always
    gets the same id and callers can know it without a query."""
    canonical = json.dumps(search_fields(query=query), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def search_register(*, viewer: Viewer, query: dict[str, Any]) -> RegisteredSearch:
    """Save ``query`` (after checking it as ``viewer`` would run it) under its content hash."""
    query = search_fields(query=query)
    search = search_parse(query=query)
    # Runs the search once: unknown collections and bad filters are refused now, not per tile.
    item_search(viewer=viewer, search=dataclasses.replace(search, limit=1))
    search_id = search_id_of(query=query)
    registered, _ = RegisteredSearch.objects.get_or_create(id=search_id, defaults={"query": query})
    return registered


def registered_ids_filter(*, ids: list[str]) -> set[str]:
    """Those of ``ids`` that are registered (one query)."""
    return set(RegisteredSearch.objects.filter(id__in=ids).values_list("id", flat=True))


def registered_search_get(*, search_id: str) -> RegisteredSearch | None:
    """The registered search ``search_id``, if there is one."""
    return RegisteredSearch.objects.filter(id=search_id).first()
