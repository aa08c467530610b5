"""CQL2 filters (JSON or text) turned into Django conditions on items.

The cql2 library parses and normalises the filter (``anyinteracts`` becomes ``t_intersects``,
text becomes JSON); this module only translates that JSON tree into ``Q`` objects. What the
database cannot answer exactly is refused with a 400, never answered approximately.

The translator is a whitelist that checks each operator's arguments itself, so cql2's
JSON-schema validation (``Expr.validate``, which compiles the schema on every call: 15-25 ms
of every filtered search) is not needed: what it would refuse, the translator refuses too.
"""

from __future__ import annotations

import json
from typing import Any

import cql2
from django.db.models import F, Q
from django.db.models.fields.json import KT

from catalog_portal.catalog.search import limits
from catalog_portal.catalog.search.columns import COLUMNS, TEMPORAL, compare, field_path
from catalog_portal.catalog.search.exceptions import InvalidParameter
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


def filter_condition(node: Any, *, collections: set[str]) -> Q:
    """The condition CQL2 JSON ``node`` puts on items; ``collections`` are the ids a
    ``collection`` comparison may name (others are refused, as they do not exist)."""
    return _Translator(collections).condition(node)


class _Translator:
    def __init__(self, collections: set[str]) -> None:
        self.collections = collections

    def condition(self, node: Any) -> Q:
        if isinstance(node, bool):
            return Q() if node else Q(pk__in=[])
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
            parts = [self.condition(arg) for arg in args]
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if op == "and" else combined | part
            return combined
        if op == "not":
            return ~self.condition(args[0])
        if op in COMPARISONS or op == "<>":
            return self.comparison(op, args)
        if op == "like":
            return self.like(args)
        if op == "between":
            name = self.property(args[0])
            return self.compare(name, ">=", args[1]) & self.compare(name, "<=", args[2])
        if op == "in":
            name = self.property(args[0])
            if not isinstance(args[1], list):
                raise InvalidParameter(P, "in takes a list of values")
            values = [self.literal(name, v) for v in args[1]]
            self.check_collections(name, values)
            return Q(**{f"{field_path(name, P)}__in": values})
        if op == "isnull":
            path = field_path(self.property(args[0]), P)
            return Q(**{f"{path}__isnull": True}) | Q(**{path: None})
        if op.startswith("s_"):
            return self.spatial(op[2:], args)
        if op.startswith("t_"):
            return self.temporal(op[2:], args)
        raise InvalidParameter(P, f"the operator {node['op']!r} is not supported")

    # --- values ---------------------------------------------------------------------------

    def property(self, node: Any) -> str:
        if not isinstance(node, dict) or not isinstance(node.get("property"), str):
            raise InvalidParameter(P, f"expected a property, found {json.dumps(node)[:80]}")
        return node["property"].removeprefix("properties.")

    def literal(self, name: str, node: Any) -> Any:
        if isinstance(node, dict) and "timestamp" in node:
            return parse_timestamp(node["timestamp"], P)
        if isinstance(node, dict) and "date" in node:
            return parse_timestamp(node["date"], P)
        if isinstance(node, dict | list):
            raise InvalidParameter(P, f"expected a value for {name}, found {json.dumps(node)[:80]}")
        if name in TEMPORAL:
            if isinstance(node, str):
                return parse_timestamp(node, P)
            raise InvalidParameter(P, f"{name} compares with a timestamp, not {json.dumps(node)}")
        if isinstance(node, int | float) and not isinstance(node, bool):
            return limits.number_check(node, parameter=P)
        return node

    def check_collections(self, name: str, values: list[Any]) -> None:
        if name == "collection":
            unknown = sorted(str(v) for v in values if v not in self.collections)
            if unknown:
                raise InvalidParameter(P, f"no collection {', '.join(unknown)}")

    # --- operators ------------------------------------------------------------------------

    def comparison(self, op: str, args: list) -> Q:
        left, right = args
        if not (isinstance(left, dict) and "property" in left) and isinstance(right, dict):
            left, right, op = right, left, FLIPPED[op]
        return self.compare(self.property(left), op, right)

    def compare(self, name: str, op: str, value_node: Any) -> Q:
        value = self.literal(name, value_node)
        if op in ("=", "<>"):
            self.check_collections(name, [value])
        path = field_path(name, P)
        if op == "<>":
            return ~Q(**{path: value}) & Q(**{f"{path}__isnull": False})
        if op == "=":
            return Q(**{path: value})
        return compare(path, COMPARISONS[op], value)

    def like(self, args: list) -> Q:
        name = self.property(args[0])
        pattern = args[1]
        if not isinstance(pattern, str):
            raise InvalidParameter(P, "like needs a text pattern")
        path = field_path(name, P)
        # Properties are compared as text (->> on PostgreSQL), as a regex lookup did before.
        text = F(path) if name in COLUMNS else KT(path)
        return Q(Like(text, pattern))

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
