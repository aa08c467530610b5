"""The fields extension (v1.0.0): include or exclude parts of each item in search results.

The include/exclude semantics, numbered as in the extension:

1. no include and no exclude: the default fields;
2. include only: those fields only;
3. exclude only (include not given): the whole item less those;
4. exclude, with include given as null or empty: the default fields less those;
5. an excluded key with an included sub-key: the sub-key alone of that key;
6. an included key with an excluded sub-key: the key less the sub-key;
7. a field both included and excluded: included.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

DEFAULT_INCLUDE = frozenset(
    {
        "type",
        "stac_version",
        "id",
        "geometry",
        "bbox",
        "links",
        "assets",
        "properties.datetime",
    }
)
# What a reduced item always keeps: what it is and where it belongs.
IDENTITY = frozenset({"type", "stac_version", "id", "collection"})
# Items without a datetime are valid through their interval, which the default then keeps.
INTERVAL = frozenset({"properties.start_datetime", "properties.end_datetime"})


@dataclass(frozen=True)
class FieldSelection:
    """What a client asked for: ``include`` is None when it was not given at all."""

    include: frozenset[str] | None
    exclude: frozenset[str]


def parse_fields(value: str | dict[str, list[str] | None] | None) -> FieldSelection | None:
    """``id,-properties.eo:cloud_cover`` (GET) or ``{"include": [...], "exclude": [...]}``
    (POST, where an ``include`` key with null or [] differs from no ``include`` key)."""
    if value is None:
        return None
    if isinstance(value, dict):
        include = value.get("include")
        return FieldSelection(
            include=None if "include" not in value else frozenset(include or ()),
            exclude=frozenset(value.get("exclude") or ()),
        )
    include, exclude = set(), set()
    for part in value.split(","):
        part = part.strip()
        if part.startswith("-"):
            exclude.add(part[1:])
        elif part:
            include.add(part.lstrip("+"))
    # `fields=` alone asks for the default fields; `fields=-geometry` for the item less those.
    given = bool(include) or not exclude
    return FieldSelection(include=frozenset(include) if given else None, exclude=frozenset(exclude))


def apply_fields(document: dict[str, Any], fields: FieldSelection | None) -> dict[str, Any]:
    """``document`` reduced as ``fields`` asks (see the module's rules); a reduced item keeps
    what identifies it (``IDENTITY``), as the extension allows."""
    if fields is None:
        return document
    include, exclude = fields.include, fields.exclude
    if include is None and exclude:  # rule 3
        kept = copy.deepcopy(document)
        for path in exclude:
            _drop_path(kept, path.split("."))
        return kept
    asked = include or frozenset()
    wanted = IDENTITY | (asked or _default_fields(document))  # rules 1, 2 and 4
    kept: dict[str, Any] = {}
    for path in wanted:
        _copy_path(document, kept, path.split("."))
    for path in exclude - asked:  # rule 7: what is both asked for and excluded stays
        if any(other.startswith(f"{path}.") for other in asked):
            continue  # rule 5: only the asked-for sub-keys were copied
        _drop_path(kept, path.split("."))  # rules 4 and 6
    return kept


def _default_fields(document: dict[str, Any]) -> frozenset[str]:
    if (document.get("properties") or {}).get("datetime") is None:
        return DEFAULT_INCLUDE | INTERVAL
    return DEFAULT_INCLUDE


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
