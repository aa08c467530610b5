"""Keyset paging: a page ends at a row's sort key, and the next page starts after it.

Tokens are opaque to clients (URL-safe base64 of JSON) and hold the boundary row's sort
values and the direction, so page 10,000 costs what page 1 costs: no OFFSET anywhere.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.db.models.expressions import OrderBy

from catalog_portal.catalog.search.errors import InvalidParameter
from catalog_portal.catalog.search.fields import COLUMNS, compare, field_path
from catalog_portal.catalog.search.params import SortKey

# Every order ends with these, so that it is total and a boundary row is unambiguous.
TIEBREAKERS = (SortKey("datetime", True), SortKey("id"), SortKey("collection_pk"))
NOT_NULL = {"datetime", "id", "collection", "start_datetime", "end_datetime", "collection_pk"}


@dataclass(frozen=True)
class Token:
    """Where a page starts: after (``forward``) or before the row with these sort values."""

    values: tuple[Any, ...]
    forward: bool = True

    def encode(self, keys: tuple[SortKey, ...]) -> str:
        payload = {
            "k": _order_name(keys),
            "v": [_encode_value(v) for v in self.values],
            "f": self.forward,
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, keys: tuple[SortKey, ...]) -> Token:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            data = json.loads(raw)
            values = tuple(_decode_value(v) for v in data["v"])
            forward, order = bool(data["f"]), data["k"]
        except Exception:
            raise InvalidParameter("token", "is not a token this server gave out") from None
        if order != _order_name(keys) or len(values) != len(keys):
            raise InvalidParameter("token", "belongs to a search with another sort order")
        return cls(values, forward)


def _order_name(keys: tuple[SortKey, ...]) -> str:
    return ",".join(("-" if key.descending else "") + key.field for key in keys)


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        return dt.datetime.fromisoformat(value["t"])
    return value


def sort_keys(sortby: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    """The requested keys followed by the tiebreakers they do not already name."""
    named = {key.field for key in sortby}
    return sortby + tuple(key for key in TIEBREAKERS if key.field not in named)


def key_path(key: SortKey) -> str:
    return "collection_id" if key.field == "collection_pk" else field_path(key.field, "sortby")


def _nullable(key: SortKey) -> bool:
    return key.field not in NOT_NULL and key.field not in COLUMNS


def ordering(keys: tuple[SortKey, ...], *, forward: bool) -> list[OrderBy]:
    """ORDER BY for ``keys``: missing property values sort last, so walking backwards they
    come first, and a backward page is exactly a forward page read in reverse. Columns that
    cannot be null get no NULLS clause, so that their indexes serve the order."""
    orders = []
    for key in keys:
        expression = F(key_path(key))
        descending = key.descending if forward else not key.descending
        nulls = {}
        if _nullable(key):
            nulls = {"nulls_last": True} if forward else {"nulls_first": True}
        orders.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
    return orders


def after(keys: tuple[SortKey, ...], token: Token) -> Q:
    """Rows after the token's row in the search's order (before it, for a backward token)."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, token.values, strict=True):
        path = key_path(key)
        nullable = _nullable(key)
        if value is None:
            # Nulls sort last: after a null come only nulls; before it, every value.
            if not token.forward:
                condition |= equal_so_far & Q(**{f"{path}__isnull": False})
            equal_so_far &= Q(**{f"{path}__isnull": True})
            continue
        later = "lt" if key.descending else "gt"
        earlier = "gt" if key.descending else "lt"
        beyond = compare(path, later if token.forward else earlier, value)
        if nullable and token.forward:
            beyond |= Q(**{f"{path}__isnull": True})
        condition |= equal_so_far & beyond
        equal_so_far &= Q(**{path: value})
    return condition
