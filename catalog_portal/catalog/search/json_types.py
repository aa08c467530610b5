"""Comparisons of a document property by JSON type (CQL2 semantics), on PostgreSQL and SQLite.

A property compared with a number matches only items whose value is a JSON number; with a
string, only strings; with a boolean, only booleans. JSON null, a missing property or a value of
another type never match. The condition is two-valued: the CQL2 translator negates a comparison
by inverting its operator (see cql2_filter), never with SQL's NOT, so that ``NOT x < 5`` does
not start matching what ``x < 5`` could not compare.

PostgreSQL compares the jsonb value ``stac #> '{properties,<name>}'`` (the expression of the
property indexes, migrations 0005) with a jsonb literal, so the comparison stays an index
bound, and guards its type with ``jsonb_typeof``. Strings are ordered by code point there
(``COLLATE "C"``), as SQLite orders them. SQLite reads the type with ``json_type`` and the
value with ``json_extract``, which gives booleans as 1 and 0.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import BooleanField, Expression, F
from django.db.models.fields.json import compile_json_path

NUMBER, STRING, BOOLEAN = "number", "string", "boolean"
# What json_type (SQLite) says for a value of each kind.
SQLITE_TYPES = {NUMBER: ("integer", "real"), STRING: ("text",), BOOLEAN: ("true", "false")}
OPERATORS = {"=": "=", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
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


class PropertyCompare(Expression):
    """A boolean condition: property ``name`` is a JSON value of ``values``' kind and
    ``<op> values[0]`` (for the operators in OPERATORS), or is one of ``values``
    (op ``in``) or none of them (``not in``)."""

    output_field = BooleanField()

    def __init__(self, name: str, op: str, values: list[Any]) -> None:
        super().__init__()
        kinds = {json_kind(value) for value in values}
        if len(kinds) != 1 or None in kinds or not values:
            raise ValueError(f"one kind of values to compare with, not {values!r}")
        if op not in OPERATORS and op not in ("in", "not in"):
            raise ValueError(f"not a comparison: {op!r}")
        self.document = F("stac")
        self.keys = ["properties", name]
        self.op = op
        self.values = values
        self.kind = kinds.pop()

    def get_source_expressions(self) -> list[Expression]:
        return [self.document]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        (self.document,) = exprs

    def _right(self, placeholder: str) -> str:
        if self.op in ("in", "not in"):
            return f"{self.op.upper()} ({', '.join([placeholder] * len(self.values))})"
        return f"{OPERATORS[self.op]} {placeholder}"

    def as_postgresql(self, compiler, connection):
        document, params = compiler.compile(self.document)
        value = f"({document} #> %s)"
        guard = f"jsonb_typeof({value}) = '{self.kind}'"
        ordered = self.op not in ("=", "<>", "in", "not in")
        if self.kind == STRING and ordered:
            # jsonb orders strings by the database's collation; "C" orders them as SQLite does.
            text = f'({document} #>> %s) COLLATE "C"'
            return (
                f"({guard} AND {text} {self._right('%s')})",
                [*params, self.keys, *params, self.keys, *self.values],
            )
        return (
            f"({guard} AND {value} {self._right('%s::jsonb')})",
            [*params, self.keys, *params, self.keys, *(json.dumps(v) for v in self.values)],
        )

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

    def as_sql(self, compiler, connection):
        raise NotImplementedError(f"typed JSON comparisons on {connection.vendor}")


class PropertyIsKind(Expression):
    """A boolean condition: property ``name`` is a JSON value of ``kind`` (number, string or
    boolean)."""

    output_field = BooleanField()

    def __init__(self, name: str, kind: str) -> None:
        super().__init__()
        if kind not in SQLITE_TYPES:
            raise ValueError(f"not a JSON kind: {kind!r}")
        self.document = F("stac")
        self.keys = ["properties", name]
        self.kind = kind

    def get_source_expressions(self) -> list[Expression]:
        return [self.document]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        (self.document,) = exprs

    def as_postgresql(self, compiler, connection):
        document, params = compiler.compile(self.document)
        return f"(jsonb_typeof({document} #> %s) = '{self.kind}')", [*params, self.keys]

    def as_sqlite(self, compiler, connection):
        document, params = compiler.compile(self.document)
        types = ", ".join(f"'{name}'" for name in SQLITE_TYPES[self.kind])
        return f"(json_type({document}, %s) IN ({types}))", [
            *params,
            compile_json_path(self.keys),
        ]

    def as_sql(self, compiler, connection):
        raise NotImplementedError(f"typed JSON conditions on {connection.vendor}")
