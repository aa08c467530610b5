"""Comparisons of a document property by JSON type (CQL2 semantics), on PostgreSQL and SQLite.

A property compared with a number matches only items whose value is a JSON number; with a
string, only strings; with a boolean, only booleans. JSON null, a missing property or a value of
another type never match. The condition is two-valued: the CQL2 translator negates a comparison
by inverting its operator (see cql2_filter), never with SQL's NOT, so that ``NOT x < 5`` does
not start matching what ``x < 5`` could not compare.

PostgreSQL compares a number with the property's number value, ``CASE WHEN
jsonb_typeof(v) = 'number' THEN v::numeric END`` for ``v = stac #> '{properties,<name>}'``
(PropertyNumber): NULL for every other type, so it never matches, and the expression of the
cloud-cover index (migration 0017), so ``eo:cloud_cover < 0.05`` is an index range. The index
keeps statistics of that numeric expression, whose histogram PostgreSQL interpolates within a
bucket: at a million items ``< 0.05`` is estimated at 478 items (465 match) and ``< 2`` at
19,359 (19,802). Strings and booleans compare the jsonb value ``stac #> '{properties,<name>}'``
with a jsonb literal: jsonb equality never holds between types, so ``=`` and ``in`` need no
guard, and an order comparison of strings is guarded with ``jsonb_typeof`` and ordered by code
point (``COLLATE "C"``), as SQLite orders them, whatever the database's collation.

SQLite reads the type with ``json_type`` ('integer', 'real', 'text', 'true', 'false', 'null')
and the value with ``json_extract``, which gives booleans as 1 and 0. Its PropertyNumber is the
same CASE on ``json_type``, so searches sort numbers the same way on both databases.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import BooleanField, Expression, F, Field
from django.db.models.fields.json import compile_json_path

NUMBER, STRING, BOOLEAN = "number", "string", "boolean"
# What json_type (SQLite) says for a value of each kind.
SQLITE_TYPES = {NUMBER: ("integer", "real"), STRING: ("text",), BOOLEAN: ("true", "false")}
ORDERS = ("<", "<=", ">", ">=")
OPERATORS = ("=", "<>", *ORDERS)
# The operator true exactly where the other is false, for values of one type.
INVERSE = {"=": "<>", "<>": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def json_kind(value: Any) -> str | None:
    """The kind of a CQL2 literal: number, string or boolean (None for anything else)."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    return None


def number_sql(document: str) -> str:
    """PostgreSQL: the property at the path given as the next parameter (twice) of
    ``document``, as numeric when it is a JSON number, else NULL: the expression of the
    cloud-cover index (migration 0017), spelt so that the planner matches it."""
    value = f"({document} #> %s)"
    return f"(CASE WHEN jsonb_typeof({value}) = 'number' THEN {value}::numeric END)"


class _PropertyExpression(Expression):
    """An expression of the value of property ``name`` of the item's document."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.document = F("stac")
        self.keys = ["properties", name]

    def get_source_expressions(self) -> list[Expression]:
        return [self.document]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        (self.document,) = exprs

    def as_sql(self, compiler, connection):
        raise NotImplementedError(f"typed JSON values on {connection.vendor}")


class PropertyNumber(_PropertyExpression):
    """The value of property ``name`` when it is a JSON number, else NULL (for a string, a
    boolean, JSON null or a missing property): what searches sort numeric properties by."""

    output_field = Field()

    def as_postgresql(self, compiler, connection):
        document, params = compiler.compile(self.document)
        return number_sql(document), [*params, self.keys, *params, self.keys]

    def as_sqlite(self, compiler, connection):
        document, params = compiler.compile(self.document)
        path = compile_json_path(self.keys)
        types = ", ".join(f"'{name}'" for name in SQLITE_TYPES[NUMBER])
        return (
            f"(CASE WHEN json_type({document}, %s) IN ({types}) "
            f"THEN json_extract({document}, %s) END)",
            [*params, path, *params, path],
        )


class _PropertyCondition(_PropertyExpression):
    """A boolean condition on the value of property ``name`` of the item's document."""

    output_field = BooleanField()


class PropertyCompare(_PropertyCondition):
    """Property ``name`` is a JSON value of ``values``' kind and ``<op> values[0]`` (for the
    operators in OPERATORS), or is one of ``values`` (op ``in``) or none of them (``not in``)."""

    def __init__(self, name: str, op: str, values: list[Any]) -> None:
        super().__init__(name)
        kinds = {json_kind(value) for value in values}
        if not values or len(kinds) != 1 or None in kinds:
            raise ValueError(f"one kind of values to compare with, not {values!r}")
        if op not in OPERATORS and op not in ("in", "not in"):
            raise ValueError(f"not a comparison: {op!r}")
        self.op = op
        self.values = values
        self.kind = kinds.pop()

    def _right(self, placeholder: str) -> str:
        if self.op in ("in", "not in"):
            return f"{self.op.upper()} ({', '.join([placeholder] * len(self.values))})"
        return f"{self.op} {placeholder}"

    def as_postgresql(self, compiler, connection):
        document, params = compiler.compile(self.document)
        key_params = [*params, self.keys]
        if self.kind == NUMBER:
            # Literals as JSON text (0.05, not the float nearest to it) cast to numeric.
            literals = [json.dumps(v) for v in self.values]
            sql = f"({number_sql(document)} {self._right('%s::numeric')})"
            return sql, [*key_params, *key_params, *literals]
        value = f"({document} #> %s)"
        if self.kind == STRING and self.op in ORDERS:
            guard = f"jsonb_typeof({value}) = 'string'"
            text = f'({document} #>> %s) COLLATE "C"'
            sql = f"({guard} AND {text} {self._right('%s')})"
            return sql, [*key_params, *key_params, *self.values]
        literals = [json.dumps(v) for v in self.values]
        comparison = f"{value} {self._right('%s::jsonb')}"
        if self.op in ("=", "in"):
            return f"({comparison})", [*key_params, *literals]
        guard = f"jsonb_typeof({value}) = '{self.kind}'"
        return f"({guard} AND {comparison})", [*key_params, *key_params, *literals]

    def as_sqlite(self, compiler, connection):
        document, params = compiler.compile(self.document)
        path = compile_json_path(self.keys)
        types = ", ".join(f"'{name}'" for name in SQLITE_TYPES[self.kind])
        values = [int(v) if isinstance(v, bool) else v for v in self.values]
        return (
            f"(json_type({document}, %s) IN ({types}) "
            f"AND json_extract({document}, %s) {self._right('%s')})",
            [*params, path, *params, path, *values],
        )


class PropertyIsKind(_PropertyCondition):
    """Property ``name`` is a JSON value of ``kind`` (number, string or boolean)."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(name)
        if kind not in SQLITE_TYPES:
            raise ValueError(f"not a JSON kind: {kind!r}")
        self.kind = kind

    def as_postgresql(self, compiler, connection):
        document, params = compiler.compile(self.document)
        return f"(jsonb_typeof({document} #> %s) = '{self.kind}')", [*params, self.keys]

    def as_sqlite(self, compiler, connection):
        document, params = compiler.compile(self.document)
        types = ", ".join(f"'{name}'" for name in SQLITE_TYPES[self.kind])
        path = compile_json_path(self.keys)
        return f"(json_type({document}, %s) IN ({types}))", [*params, path]
