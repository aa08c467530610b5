"""Keyset paging: a page ends at a row's sort key, and the next page starts after it.

Tokens are opaque to clients (URL-safe base64 of JSON, signed with the secret key so that a
forged one is refused before it reaches a query) and hold the boundary row's sort values and
the direction, so page 10,000 costs what page 1 costs: no OFFSET anywhere.

Numeric properties (NUMBER_SORTS) sort by their number value (json_types.PropertyNumber):
numbers in numeric order, then every item whose value is no number (JSON null, missing, a
string, a boolean) as null, last in both directions. That expression is what the cloud-cover
index holds (migration 0017), one index for both directions: a page reads the numbers and the
nulls in separate stretches (see ``after``), so the numbers can be walked either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.db.models import Expression, F, Field, Q
from django.db.models.expressions import ExpressionWrapper, OrderBy
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.columns import COLUMNS, field_path
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.json_types import PropertyNumber
from catalog_portal.catalog.search.params import SortKey

# Every order ends with these, so that it is total and a boundary row is unambiguous.
TIEBREAKERS = (SortKey("datetime", True), SortKey("id"), SortKey("collection_pk"))
# Renamed when the values a token holds change meaning, so that older tokens are refused (400)
# instead of being read the new way: "2" holds properties as the database returns them,
# "3" numeric properties as numbers (PostgreSQL's numeric as decimal text).
TOKEN_SALT = "catalog_portal.search.token.3"
NOT_NULL = {"datetime", "id", "collection", "start_datetime", "end_datetime", "collection_pk"}
# Properties sorted by their number value. The cloud-cover index serves this order (0017).
NUMBER_SORTS = {"eo:cloud_cover"}


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
    if isinstance(value, Decimal):
        return {"d": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"} and isinstance(value["t"], str):
        try:
            return dt.datetime.fromisoformat(value["t"])
        except ValueError:
            pass
    elif isinstance(value, dict) and set(value) == {"d"} and isinstance(value["d"], str):
        try:
            number = Decimal(value["d"])
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    elif value is None or isinstance(value, str | bool | int | float):
        return value
    raise InvalidParameter("token", "is not a token this server gave out")


def sort_keys(sortby: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    """The requested keys followed by the tiebreakers they do not already name."""
    named = {key.field for key in sortby}
    return sortby + tuple(key for key in TIEBREAKERS if key.field not in named)


def key_path(key: SortKey) -> str:
    return "collection_id" if key.field == "collection_pk" else field_path(key.field, "sortby")


def sorts_as_number(key: SortKey) -> bool:
    return key.field.removeprefix("properties.") in NUMBER_SORTS


def key_expression(key: SortKey) -> Expression:
    """What ORDER BY sorts for ``key``: a column, a numeric property's number value, or
    another property's JSON value."""
    if sorts_as_number(key):
        return PropertyNumber(key.field.removeprefix("properties."))
    return F(key_path(key))


def _nullable(key: SortKey) -> bool:
    return key.field not in NOT_NULL and key.field not in COLUMNS


@dataclass(frozen=True)
class Stretch:
    """Consecutive rows of the search's order: those matching ``condition``. ``leading``
    says what the first sort key is throughout: "values" (never null), "nulls" (always
    null) or "any"."""

    condition: Q
    leading: str = "any"


def ordering(keys: tuple[SortKey, ...], *, forward: bool, leading: str = "any") -> list[OrderBy]:
    """ORDER BY for ``keys``: missing property values sort last, so walking backwards they
    come first, and a backward page is exactly a forward page read in reverse. Columns that
    cannot be null get no NULLS clause, so that their indexes serve the order.

    In a stretch whose first key is null throughout, that key is left out (the order of its
    rows is the other keys'); in one where it is never null, its nulls go where an ascending
    NULLS LAST index has them walking in this direction, so that one index serves both."""
    orders = []
    for position, key in enumerate(keys):
        descending = key.descending if forward else not key.descending
        nulls = {}
        if _nullable(key):
            if position == 0 and leading == "nulls":
                continue
            last = not descending if position == 0 and leading == "values" else forward
            nulls = {"nulls_last": True} if last else {"nulls_first": True}
        expression = key_expression(key)
        orders.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
    return orders


def start(keys: tuple[SortKey, ...]) -> list[Stretch]:
    """The first page's stretches: one, but for a numeric first key sorted downwards its
    numbers, then its nulls (its index, walked backwards, has the nulls first)."""
    if sorts_as_number(keys[0]) and keys[0].descending:
        return [
            Stretch(is_null(keys[0], False), "values"),
            Stretch(is_null(keys[0], True), "nulls"),
        ]
    return [Stretch(Q())]


def is_null(key: SortKey, null: bool) -> Q:
    """Whether the key's sort value is null (``null``) or not."""
    return Q(IsNull(key_expression(key), null))


def after(keys: tuple[SortKey, ...], token: Token) -> list[Stretch]:
    """Rows after the token's row in the search's order (before it, for a backward token), as
    conditions on consecutive stretches of that order: the page is read from the first
    stretch, and from the next only while the page is not full.

    The comparison chain (``k1 > X OR (k1 = X AND k2 > Y) OR ...``) says exactly which rows
    follow, but an OR gives the index no bound: PostgreSQL would read the order's index from
    its start and drop every row before the token. Each stretch therefore also carries the
    redundant bound ``k1 >= X`` (``<=`` when k1 runs downwards), which the index scan starts
    from, so a deep page costs what the first page costs.

    A property's missing values sort last (ORDER BY ... NULLS LAST going forward) and
    ``k1 >= X OR k1 IS NULL`` is no index range either. So the null part is a stretch of its
    own: going forward from a value, the values from X on, then the nulls; going backward
    from a null, the nulls before it, then every value. A page thus costs at most one query
    more per nullable sort key whose null boundary it crosses (two for one property sort).
    Each stretch is read in its own ORDER BY (``ordering``), so that one ascending index
    serves the values in either direction.
    """
    return _stretches(keys, token.values, forward=token.forward)


def _stretches(
    keys: tuple[SortKey, ...], values: tuple[Any, ...], *, forward: bool
) -> list[Stretch]:
    if not keys:
        return []
    key, value = keys[0], values[0]
    nulls = is_null(key, True)
    if value is None:
        # Nulls sort last: after a null come only nulls; before it, every value.
        rest = _stretches(keys[1:], values[1:], forward=forward)
        stretches = [Stretch(nulls & s.condition, "nulls") for s in rest]
        if not forward:
            stretches.append(Stretch(is_null(key, False), "values"))
        return stretches
    toward = ("lt" if key.descending else "gt") if forward else ("gt" if key.descending else "lt")
    rest = _chain(keys[1:], values[1:], forward=forward)
    chain = sort_compare(key, toward, value) | (sort_compare(key, "exact", value) & rest)
    stretches = [Stretch(sort_compare(key, f"{toward}e", value) & chain, "values")]
    if forward and _nullable(key):
        stretches.append(Stretch(nulls, "nulls"))
    return stretches


def _chain(keys: tuple[SortKey, ...], values: tuple[Any, ...], *, forward: bool) -> Q:
    """The rows after (before) the given sort values, as one condition without a bound."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        if value is None:
            if not forward:
                condition |= equal_so_far & is_null(key, False)
            equal_so_far &= is_null(key, True)
            continue
        later = "lt" if key.descending else "gt"
        earlier = "gt" if key.descending else "lt"
        beyond = sort_compare(key, later if forward else earlier, value)
        if forward and _nullable(key):
            beyond |= is_null(key, True)
        condition |= equal_so_far & beyond
        equal_so_far &= sort_compare(key, "exact", value)
    return condition


LOOKUPS = {
    "lt": LessThan,
    "lte": LessThanOrEqual,
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
    "exact": Exact,
}


def sort_value(key: SortKey) -> Expression:
    """The key's value as ORDER BY sorts it, for the token of a page's first and last row.

    A property's value is kept as the database returns it (a numeric property's number:
    PostgreSQL's numeric, or SQLite's integer or real; another property's jsonb text on
    PostgreSQL, and on SQLite a number, or text, which is also what JSON null, true and false
    become there), not decoded into Python, which would make JSON null and a missing value
    both None on PostgreSQL, and the string "10" the number 10 on SQLite.
    """
    if _nullable(key):
        return ExpressionWrapper(key_expression(key), output_field=Field())
    return F(key_path(key))


class StoredSortValue(Expression):
    """A property's sort value from a token, back in the database's own type (``number``:
    numeric, else jsonb on PostgreSQL)."""

    def __init__(self, value: Any, *, number: bool) -> None:
        super().__init__(output_field=Field())
        self.value = value
        self.number = number

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return "%s", [self.value]

    def as_postgresql(self, compiler, connection) -> tuple[str, list]:
        return ("%s::numeric" if self.number else "%s::jsonb"), [self.value]


def sort_compare(key: SortKey, lookup: str, value: Any) -> Q:
    """The key ``<lookup> value`` (lt/lte/gt/gte/exact) in the order ORDER BY sorts by.

    A numeric property compares its number value; another property is compared as the
    database orders its JSON values across types (PostgreSQL's jsonb order: null < strings <
    numbers < booleans; SQLite's order of what it extracts: numbers < text), not with CQL2's
    comparison semantics, so that the rows after a boundary are exactly the rows sorted after
    it.
    """
    if _nullable(key):
        stored = StoredSortValue(value, number=sorts_as_number(key))
        return Q(LOOKUPS[lookup](key_expression(key), stored))
    return Q(**{f"{key_path(key)}__{lookup}": value})
