"""Keyset paging: a page ends at a row's sort key, and the next page starts after it.

Tokens are opaque to clients (URL-safe base64 of JSON, signed with the secret key so that a
forged one is refused before it reaches a query) and hold the boundary row's sort values and
the direction, so page 10,000 costs what page 1 costs: no OFFSET anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import F, Q
from django.db.models.expressions import OrderBy

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.columns import COLUMNS, compare, field_path
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.params import SortKey

# Every order ends with these, so that it is total and a boundary row is unambiguous.
TIEBREAKERS = (SortKey("datetime", True), SortKey("id"), SortKey("collection_pk"))
TOKEN_SALT = "catalog_portal.search.token"
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
        return signing.dumps(payload, salt=TOKEN_SALT)

    @classmethod
    def decode(cls, text: str, keys: tuple[SortKey, ...]) -> Token:
        if len(text) > limits.MAX_TOKEN_CHARS:
            raise InvalidParameter("token", f"is longer than {limits.MAX_TOKEN_CHARS} characters")
        try:
            data = signing.loads(text, salt=TOKEN_SALT)
        except signing.BadSignature:
            raise InvalidParameter("token", "is not a token this server gave out") from None
        # Signed by us, but checked all the same: a token from an older release may differ.
        if (
            not isinstance(data, dict)
            or set(data) != {"k", "v", "f"}
            or not isinstance(data["f"], bool)
            or not isinstance(data["v"], list)
        ):
            raise InvalidParameter("token", "is not a token this server gave out")
        if data["k"] != _order_name(keys) or len(data["v"]) != len(keys):
            raise InvalidParameter("token", "belongs to a search with another sort order")
        return cls(tuple(_decode_value(v) for v in data["v"]), data["f"])


def _order_name(keys: tuple[SortKey, ...]) -> str:
    return ",".join(("-" if key.descending else "") + key.field for key in keys)


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"} and isinstance(value["t"], str):
        try:
            return dt.datetime.fromisoformat(value["t"])
        except ValueError:
            pass
    elif value is None or isinstance(value, str | bool | int | float):
        return value
    raise InvalidParameter("token", "is not a token this server gave out")


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
