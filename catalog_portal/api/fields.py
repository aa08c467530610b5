"""The fields extension: include or exclude parts of each item in search results."""

from __future__ import annotations

import copy
from typing import Any

# What an item keeps when a client asks for fields but does not name these.
DEFAULT_INCLUDE = (
    "type",
    "stac_version",
    "stac_extensions",
    "id",
    "collection",
    "geometry",
    "bbox",
    "links",
    "assets",
    "properties.datetime",
)


def parse_fields(value: str | dict | None) -> tuple[set[str], set[str]] | None:
    """``id,-properties.eo:cloud_cover`` (GET) or ``{"include": [...], "exclude": [...]}``."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return set(value.get("include") or []), set(value.get("exclude") or [])
    include, exclude = set(), set()
    for part in value.split(","):
        part = part.strip()
        if part.startswith("-"):
            exclude.add(part[1:])
        elif part:
            include.add(part.lstrip("+"))
    return include, exclude


def apply_fields(
    document: dict[str, Any], fields: tuple[set[str], set[str]] | None
) -> dict[str, Any]:
    """``document`` reduced to the default fields plus ``include``, less ``exclude`` (or, with
    only exclusions, the whole document less those)."""
    if fields is None:
        return document
    include, exclude = fields
    if not include:
        # Only exclusions: the whole item less those.
        kept = copy.deepcopy(document)
        for path in exclude:
            _drop_path(kept, path.split("."))
        return kept
    kept: dict[str, Any] = {}
    for path in (set(DEFAULT_INCLUDE) | include) - exclude:
        _copy_path(document, kept, path.split("."))
    for path in exclude & include:
        _drop_path(kept, path.split("."))
    return kept


def _copy_path(source: dict, target: dict, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head not in source:
        return
    if not rest:
        target[head] = copy.deepcopy(source[head])
    elif isinstance(source[head], dict):
        _copy_path(source[head], target.setdefault(head, {}), rest)


def _drop_path(target: dict, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head in target:
        if rest and isinstance(target[head], dict):
            _drop_path(target[head], rest)
        elif not rest:
            del target[head]
