"""The limits every search input is held to, checked before a parser or the database sees it.

The checks are linear scans of the raw input, so a hostile input costs its length and no
more: cql2's native parser recurses once per nesting level (2,000 parentheses overflow its
stack and kill the process), and ``json.loads`` recurses per level too (RecursionError).
The README's "Limits" section and the OpenAPI descriptions list these numbers.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from catalog_portal.catalog.search.exceptions import InvalidParameter

MAX_LIMIT = 1_000  # items per page; a larger limit is served as this (STAC API)
MAX_IDS = 1_000  # ids per request
MAX_COLLECTIONS = 100  # collections per request
MAX_SORT_KEYS = 10  # sortby fields (each one more ORDER BY term and token value)
MAX_VERTICES = 10_000  # coordinates of an intersects or s_* geometry
MAX_FILTER_CHARS = 20_000  # a CQL2 filter's text (or JSON text)
MAX_FILTER_DEPTH = 40  # CQL2 text: nested parentheses plus NOTs
MAX_FILTER_NODES = 1_000  # CQL2 terms: words, strings and operators; in JSON, objects
MAX_JSON_DEPTH = 100  # nested objects and arrays in a JSON body or filter (2 per CQL2 level)
MAX_QUERY_STRING = 16 * 1024  # characters of a URL's query string
MAX_TOKEN_CHARS = 4_096  # a page token
# Integers both databases hold exactly (SQLite INTEGER, PostgreSQL bigint).
MAX_INTEGER = 2**63 - 1
# Floats that are whole numbers below this compare as integers (exact in a double).
EXACT_INTEGER = 2**53

_JSON_STRUCTURE = re.compile(r'[\[\]{}"]')
_JSON_STRING_REST = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_CQL2_WORD = re.compile(r"[A-Za-z_][\w:.]*")
_CQL2_OPERATOR = re.compile(r"<>|<=|>=|[=<>+\-*/]")


def filter_text_check(text: str, *, parameter: str) -> None:
    """Refuse CQL2 text longer, deeper or with more terms than the limits allow, or holding
    what no database can compare (NUL, lone surrogates)."""
    text_length_check(text, parameter=parameter, limit=MAX_FILTER_CHARS)
    text_check(text, parameter=parameter)
    depth = nots = nodes = 0
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char in "'\"":
            closing = text.find(char, position + 1)
            position = end if closing == -1 else closing + 1
            nodes += 1
        elif char == "(":
            depth += 1
            position += 1
        elif char == ")":
            depth -= 1
            position += 1
        elif word := _CQL2_WORD.match(text, position):
            # NOT nests without parentheses: "NOT NOT NOT ..." is as deep as it is long.
            nots += word.group().upper() == "NOT"
            nodes += 1
            position = word.end()
        elif operator := _CQL2_OPERATOR.match(text, position):
            nodes += 1
            position = operator.end()
        else:
            position += 1
        if depth + nots > MAX_FILTER_DEPTH:
            raise InvalidParameter(
                parameter,
                f"nests deeper than {MAX_FILTER_DEPTH} levels (parentheses and NOTs)",
            )
        if nodes > MAX_FILTER_NODES:
            raise InvalidParameter(parameter, f"has more than {MAX_FILTER_NODES} nodes")


def json_text_parse(text: str, *, parameter: str, max_nodes: int | None = None) -> Any:
    """Decode JSON text after a linear scan has bounded its nesting, then check its values."""
    depth, position = 0, 0
    while match := _JSON_STRUCTURE.search(text, position):
        char, position = match.group(), match.end()
        if char == '"':
            rest = _JSON_STRING_REST.match(text, position)
            if rest is None:
                break  # an unterminated string: json.loads names the error
            position = rest.end()
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise InvalidParameter(parameter, f"nests deeper than {MAX_JSON_DEPTH} levels")
        else:
            depth -= 1
    try:
        value = json.loads(text)
    except ValueError as error:  # JSONDecodeError, or an integer of over 4,300 digits
        reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)[:100]
        raise InvalidParameter(parameter, f"is not valid JSON ({reason})") from None
    json_value_check(value, parameter=parameter, max_nodes=max_nodes)
    return value


def json_value_check(value: Any, *, parameter: str, max_nodes: int | None = None) -> None:
    """Refuse decoded JSON nested deeper than the limit, with more than ``max_nodes`` objects,
    or holding what the databases cannot store: NUL characters, lone surrogates (both end a
    PostgreSQL query with an error) and numbers that are infinite or not numbers.

    Walks with its own stack, so a deep value (from a parser that allowed it) cannot
    exhaust Python's."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    objects = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise InvalidParameter(parameter, f"nests deeper than {MAX_JSON_DEPTH} levels")
            children = node.values() if isinstance(node, dict) else node
            if isinstance(node, dict):
                objects += 1
                if max_nodes is not None and objects > max_nodes:
                    raise InvalidParameter(parameter, f"has more than {max_nodes} nodes")
                stack.extend((key, depth) for key in node)
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(node, str):
            text_check(node, parameter=parameter)
        elif isinstance(node, float) and not math.isfinite(node):
            raise InvalidParameter(parameter, "holds a number that is not finite")


def text_check(text: str, *, parameter: str) -> None:
    """Refuse text holding a NUL character or a lone surrogate."""
    if "\x00" in text:
        raise InvalidParameter(parameter, "holds a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameter(parameter, "holds a lone surrogate (not Unicode text)") from None


def number_check(value: int | float, *, parameter: str) -> int | float:
    """A finite number both databases hold; whole floats become ints (cql2 reads 15 as 15.0
    and a stored 15 must still equal it)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidParameter(parameter, f"{value} is not a finite number")
        return int(value) if value.is_integer() and abs(value) < EXACT_INTEGER else value
    if abs(value) > MAX_INTEGER:
        raise InvalidParameter(parameter, f"{value} is beyond ±{MAX_INTEGER}")
    return value


def count_check(values: tuple[Any, ...], *, parameter: str, limit: int) -> None:
    """Refuse a list longer than ``limit``."""
    if len(values) > limit:
        raise InvalidParameter(parameter, f"names more than {limit} values")


def text_length_check(text: str, *, parameter: str, limit: int) -> None:
    """Refuse text longer than ``limit`` characters."""
    if len(text) > limit:
        raise InvalidParameter(parameter, f"is longer than {limit} characters")
