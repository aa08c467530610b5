"""CQL2 filters (JSON or text) turned into Django conditions on items.

The cql2 library parses and normalises the filter (``anyinteracts`` becomes ``t_intersects``,
text becomes JSON); this module only translates that JSON tree into ``Q`` objects. What the
database cannot answer exactly is refused with a 400, never answered approximately.

The translator is a whitelist that checks each operator's arguments itself, so cql2's
JSON-schema validation (``Expr.validate``, which compiles the schema on every call: 15-25 ms
of every filtered search) is not needed: what it would refuse, the translator refuses too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import cql2
from django.db.models import F, Q
from django.db.models.fields.json import KT

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.columns import COLUMNS, TEMPORAL, field_path
from catalog_portal.catalog.search.exceptions import InvalidParameter
from catalog_portal.catalog.search.json_types import (
    BOOLEAN,
    INVERSE,
    NUMBER,
    STRING,
    PropertyCompare,
    PropertyIsKind,
    json_kind,
)
from catalog_portal.catalog.search.like import Like
from catalog_portal.catalog.search.params import parse_geometry, parse_timestamp
from catalog_portal.catalog.spatial import PREDICATES, FootprintRelation

COMPARISONS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
# How many arguments each operator takes (and/or: two or more); s_* and t_* take two.
ARITY = {
    "not": 1,
    "isnull": 1,
    "like": 2,
    "in": 2,
    "between": 3,
    "<>": 2,
    **dict.fromkeys(COMPARISONS, 2),
}
FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
P = "filter"


def filter_parse(value: str | dict, lang: str | None) -> dict:
    """Parse a filter given as CQL2 text or JSON (as text or already decoded) into CQL2 JSON."""
    lang = lang or ("cql2-json" if isinstance(value, dict) else "cql2-text")
    if lang not in ("cql2-json", "cql2-text"):
        raise InvalidParameter("filter-lang", f"{lang!r} is not cql2-json or cql2-text")
    if lang == "cql2-text" and not isinstance(value, str):
        raise InvalidParameter(P, "cql2-text must be a string")
    # Bounded before cql2 sees it: its native parser recurses per level and can overflow.
    if lang == "cql2-text":
        limits.filter_text_check(value, parameter=P)
    elif isinstance(value, str):
        limits.text_length_check(value, parameter=P, limit=limits.MAX_FILTER_CHARS)
        value = limits.json_text_parse(value, parameter=P, max_nodes=limits.MAX_FILTER_NODES)
    else:
        limits.json_value_check(value, parameter=P, max_nodes=limits.MAX_FILTER_NODES)
    try:
        if lang == "cql2-text":
            expression = cql2.parse_text(value)
        else:
            expression = cql2.parse_json(json.dumps(_upgrade_draft(value)))
    except Exception as error:  # cql2 raises ParseError/ValidationError with its reasons
        message = str(error).strip().splitlines()[0][:300]
        raise InvalidParameter(P, f"not valid {lang}: {message}") from None
    return expression.to_json()


def _upgrade_draft(node: Any) -> Any:
    """Rewrite the filter extension's draft ``between`` (bounds in one array) as CQL2 1.0."""
    if isinstance(node, list):
        return [_upgrade_draft(child) for child in node]
    if not isinstance(node, dict):
        return node
    node = {key: _upgrade_draft(child) for key, child in node.items()}
    args = node.get("args")
    if node.get("op") == "between" and isinstance(args, list) and len(args) == 2:
        if isinstance(args[1], list) and len(args[1]) == 2:
            node["args"] = [args[0], *args[1]]
    return node


def filter_condition(
    node: Any, *, collections: set[str], types: Mapping[str, str] | None = None
) -> Q:
    """The condition CQL2 JSON ``node`` puts on items; ``collections`` are the ids a
    ``collection`` comparison may name (others are refused, as they do not exist), ``types``
    the JSON type (number, string, boolean) that the searched collections' queryables declare
    for a property: a literal of another type is refused."""
    return _Translator(collections, types or {}).condition(node)


class _Translator:
    """CQL2 JSON to a ``Q``, with CQL2's (SQL's) three-valued logic.

    A comparison of a property with a literal of another type, or with a null or missing
    value, is unknown, and so is its negation: neither matches. ``NOT`` is therefore pushed
    down to the comparisons (De Morgan for and/or), where it inverts the operator of a typed
    comparison (``NOT x < 5`` is ``x >= 5`` on numbers), instead of becoming SQL's NOT around
    a two-valued condition, which would match every value the comparison could not compare.
    Columns (id, collection, datetimes) are never null, so their negation is plain NOT.
    """

    def __init__(self, collections: set[str], types: Mapping[str, str]) -> None:
        self.collections = collections
        self.types = types

    def condition(self, node: Any, negated: bool = False) -> Q:
        """The items where ``node`` is true (where it is false, when ``negated``)."""
        if isinstance(node, bool):
            return Q() if node != negated else Q(pk__in=[])
        if not isinstance(node, dict) or "op" not in node:
            raise InvalidParameter(P, f"expected a condition, found {json.dumps(node)[:80]}")
        op, args = str(node["op"]).lower(), node.get("args", [])
        expected = ARITY.get(op, 2 if op[:2] in ("s_", "t_") else None)
        if not isinstance(args, list) or (expected is not None and len(args) != expected):
            count = f"{expected} arguments" if expected else "a list of arguments"
            raise InvalidParameter(P, f"the operator {node['op']!r} takes {count}")
        if op in ("and", "or") and len(args) < 2:
            raise InvalidParameter(P, f"the operator {node['op']!r} takes two or more arguments")
        if op in ("and", "or"):
            parts = [self.condition(arg, negated) for arg in args]
            conjunction = (op == "and") != negated  # not (a and b) = not a or not b
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if conjunction else combined | part
            return combined
        if op == "not":
            return self.condition(args[0], not negated)
        if op in COMPARISONS or op == "<>":
            return self.comparison(op, args, negated)
        if op == "like":
            return self.like(args, negated)
        if op == "between":
            name = self.property(args[0])
            low, high = self.literals(name, args[1:], op)
            if negated:
                return self.compare(name, "<", low) | self.compare(name, ">", high)
            return self.compare(name, ">=", low) & self.compare(name, "<=", high)
        if op == "in":
            return self.among(args, negated)
        if op == "isnull":
            path = field_path(self.property(args[0]), P)
            missing = Q(**{f"{path}__isnull": True}) | Q(**{path: None})
            return ~missing if negated else missing
        if op.startswith("s_"):
            spatial = self.spatial(op[2:], args)
            return ~spatial if negated else spatial
        if op.startswith("t_"):
            temporal = self.temporal(op[2:], args)
            return ~temporal if negated else temporal
        raise InvalidParameter(P, f"the operator {node['op']!r} is not supported")

    # --- values ---------------------------------------------------------------------------

    def property(self, node: Any) -> str:
        if not isinstance(node, dict) or not isinstance(node.get("property"), str):
            raise InvalidParameter(P, f"expected a property, found {json.dumps(node)[:80]}")
        return node["property"].removeprefix("properties.")

    def literal(self, name: str, node: Any) -> Any:
        """The value of literal ``node`` to compare ``name`` with, checked against the type
        ``name`` has (a column's, or the one its queryables declare)."""
        if isinstance(node, dict) and "timestamp" in node:
            return parse_timestamp(node["timestamp"], P)
        if isinstance(node, dict) and "date" in node:
            return parse_timestamp(node["date"], P)
        if isinstance(node, dict | list):
            raise InvalidParameter(P, f"expected a value for {name}, found {json.dumps(node)[:80]}")
        if node is None:
            raise InvalidParameter(P, f"a comparison with null is never true: use {name} IS NULL")
        if name in TEMPORAL:
            if isinstance(node, str):
                return parse_timestamp(node, P)
            raise InvalidParameter(P, f"{name} compares with a timestamp, not {json.dumps(node)}")
        kind = json_kind(node)
        declared = STRING if name in COLUMNS else self.types.get(name)
        if declared in (NUMBER, STRING, BOOLEAN) and kind != declared:
            raise InvalidParameter(P, f"{name} takes a {declared}, not {json.dumps(node)}")
        if kind == NUMBER:
            return limits.number_check(node, parameter=P)
        return node

    def literals(self, name: str, nodes: list[Any], op: str) -> list[Any]:
        """The values of ``nodes`` for ``op`` (between, in): of one type, as a property
        cannot be two types at once."""
        values = [self.literal(name, node) for node in nodes]
        if name not in COLUMNS and len({json_kind(value) for value in values}) > 1:
            raise InvalidParameter(P, f"the values {op} compares {name} with are of one type")
        return values

    def check_collections(self, name: str, values: list[Any]) -> None:
        if name == "collection":
            unknown = sorted(str(v) for v in values if v not in self.collections)
            if unknown:
                raise InvalidParameter(P, f"no collection {', '.join(unknown)}")

    # --- operators ------------------------------------------------------------------------

    def comparison(self, op: str, args: list, negated: bool) -> Q:
        left, right = args
        if not (isinstance(left, dict) and "property" in left) and isinstance(right, dict):
            left, right, op = right, left, FLIPPED[op]
        name = self.property(left)
        return self.compare(name, INVERSE[op] if negated else op, self.literal(name, right))

    def compare(self, name: str, op: str, value: Any) -> Q:
        """``name <op> value``: on a column, as Django compares; on a property, only with
        values of ``value``'s JSON type."""
        if op in ("=", "<>"):
            self.check_collections(name, [value])
        path = field_path(name, P)
        if name in COLUMNS:
            if op == "<>":
                return ~Q(**{path: value}) & Q(**{f"{path}__isnull": False})
            return Q(**{f"{path}__{COMPARISONS[op]}": value})
        if isinstance(value, dt.datetime):
            raise InvalidParameter(
                P, f"{name} is no timestamp column: compare it with a string, number or boolean"
            )
        return Q(PropertyCompare(name, op, [value]))

    def among(self, args: list, negated: bool) -> Q:
        name = self.property(args[0])
        if not isinstance(args[1], list) or not args[1]:
            raise InvalidParameter(P, "in takes a list of one or more values")
        values = self.literals(name, args[1], "in")
        self.check_collections(name, values)
        path = field_path(name, P)
        if name in COLUMNS:
            among = Q(**{f"{path}__in": values})
            return ~among if negated else among
        if any(isinstance(value, dt.datetime) for value in values):
            raise InvalidParameter(
                P, f"{name} is no timestamp column: compare it with a string, number or boolean"
            )
        return Q(PropertyCompare(name, "not in" if negated else "in", values))

    def like(self, args: list, negated: bool) -> Q:
        name = self.property(args[0])
        pattern = args[1]
        if not isinstance(pattern, str):
            raise InvalidParameter(P, "like needs a text pattern")
        path = field_path(name, P)
        if name in COLUMNS:
            like = Q(Like(F(path), pattern))
            return ~like if negated else like
        declared = self.types.get(name)
        if declared in (NUMBER, BOOLEAN):
            raise InvalidParameter(P, f"like compares strings, and {name} is a {declared}")
        # Strings only (a number's text does not match), read as text (->> on PostgreSQL).
        like = Q(Like(KT(path), pattern))
        return Q(PropertyIsKind(name, STRING)) & (~like if negated else like)

    def spatial(self, predicate: str, args: list) -> Q:
        if self.property(args[0]) != "geometry":
            raise InvalidParameter(P, "spatial operators compare the geometry property")
        geometry = parse_geometry(args[1], P)
        if predicate == "disjoint":
            # Items without footprint relate to nothing; their bbox columns are null.
            return ~Q(FootprintRelation("intersects", geometry)) & Q(bbox_xmin__isnull=False)
        if predicate not in PREDICATES:
            raise InvalidParameter(P, f"the operator s_{predicate} is not supported")
        return Q(FootprintRelation(predicate, geometry))

    def temporal(self, relation: str, args: list) -> Q:
        if self.property(args[0]) != "datetime":
            raise InvalidParameter(P, "temporal operators compare the datetime property")
        start, end = self.interval(args[1])
        low, high = "start_datetime", "end_datetime"
        after_start = Q() if start is None else Q(**{f"{high}__gte": start})
        before_end = Q() if end is None else Q(**{f"{low}__lte": end})
        conditions = {
            "intersects": lambda: after_start & before_end,
            "disjoint": lambda: ~(after_start & before_end),
            "before": lambda: Q(**{f"{high}__lt": start}) if start else Q(pk__in=[]),
            "after": lambda: Q(**{f"{low}__gt": end}) if end else Q(pk__in=[]),
            "during": lambda: (
                (Q(**{f"{low}__gt": start}) if start else Q())
                & (Q(**{f"{high}__lt": end}) if end else Q())
            ),
            "equals": lambda: Q(**{low: start, high: end}),
        }
        if relation not in conditions:
            raise InvalidParameter(P, f"the operator t_{relation} is not supported")
        return conditions[relation]()

    def interval(self, node: Any):
        if isinstance(node, dict) and "interval" in node:
            if not isinstance(node["interval"], list) or len(node["interval"]) != 2:
                raise InvalidParameter(P, "an interval has a start and an end")
            first, last = node["interval"]
            start = None if first in ("..", "") else self.literal("datetime", _moment(first))
            end = None if last in ("..", "") else parse_timestamp(_text(last), P, end=True)
            if start and end and start > end:
                raise InvalidParameter(P, "an interval's start is after its end")
            return start, end
        moment = self.literal("datetime", node)
        return moment, moment


def _text(node: Any) -> str:
    if isinstance(node, dict):
        return node.get("timestamp") or node.get("date") or ""
    return node


def _moment(node: Any) -> Any:
    return node if isinstance(node, dict) else {"timestamp": node}
