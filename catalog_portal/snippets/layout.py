"""Values and calls written out as formatters lay them out, so generated code needs no
formatter to run over it: Python as ``ruff format``/black does, JavaScript close to prettier.

The rule is theirs: an expression stays on one line when it fits; otherwise it is split at its
outermost brackets. A call's arguments then go on one indented line if they fit there, else
one per line; a list or dict always goes one element per line (with a trailing comma when it
has more than one). tests/test_snippets.py checks every generated file with ruff.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Raw:
    """An expression written as it is, such as a variable's name."""

    code: str


@dataclass(frozen=True)
class Call:
    """A function call with positional and keyword arguments."""

    function: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Strings:
    """Implicitly concatenated string literals, one per line when split (Python only)."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Style:
    """How one language writes values."""

    width: int
    indent: str
    scalar: Callable[[Any], str]
    keyword: str  # between a keyword argument's name and its value
    braces: tuple[str, str] = ("{", "}")  # a dict on one line
    trailing_comma: bool = True  # after the last element of a split list, dict or call
    key: Callable[[str], str] = field(default=lambda name: json.dumps(name, ensure_ascii=False))


def python_scalar(value: Any) -> str:
    """A Python literal, with double quotes unless the text holds some (as ruff writes it)."""
    if isinstance(value, str):
        if '"' in value and "'" not in value:
            return repr(value)
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def javascript_scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


PYTHON = Style(width=88, indent="    ", scalar=python_scalar, keyword="=", key=python_scalar)
JAVASCRIPT = Style(
    width=80, indent="  ", scalar=javascript_scalar, keyword=": ", braces=("{ ", " }")
)
JSON = replace(JAVASCRIPT, trailing_comma=False)


def comment(text: str, *, marker: str, width: int) -> list[str]:
    """``text`` as comment lines of at most ``width`` characters (longer words stay whole)."""
    lines = textwrap.wrap(
        text, width=width - len(marker) - 1, break_long_words=False, break_on_hyphens=False
    )
    return [f"{marker} {line}" for line in lines]


def statement(head: str, value: Any, *, style: Style, tail: str = "", depth: int = 0) -> str:
    """``head`` + ``value`` + ``tail`` (e.g. ``"x = "``, a dict, ``";"``) at ``depth``."""
    return "\n".join(_lines(head, value, tail, depth, style))


def _flat(value: Any, style: Style) -> str:
    if isinstance(value, Raw):
        return value.code
    if isinstance(value, Strings):
        return " ".join(style.scalar(part) for part in value.parts)
    opening, closing, elements = _parts(value, style)
    if elements is None:
        return style.scalar(value)
    inner = ", ".join(prefix + _flat(element, style) for prefix, element in elements)
    if isinstance(value, dict) and inner:
        opening, closing = style.braces
    return f"{opening}{inner}{closing}"


def _parts(value: Any, style: Style) -> tuple[str, str, list[tuple[str, Any]] | None]:
    """Brackets and (prefix, element) pairs of a splittable value; None for scalars."""
    if isinstance(value, Call):
        named = [(f"{name}{style.keyword}", v) for name, v in value.kwargs]
        return f"{value.function}(", ")", [("", v) for v in value.args] + named
    if isinstance(value, dict):
        return "{", "}", [(f"{style.key(k)}: ", v) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return "[", "]", [("", v) for v in value]
    return "", "", None


def _lines(head: str, value: Any, tail: str, depth: int, style: Style) -> list[str]:
    indent = style.indent * depth
    flat = f"{indent}{head}{_flat(value, style)}{tail}"
    if len(flat) <= style.width:
        return [flat]
    if isinstance(value, Strings) and len(value.parts) > 1:
        inner = style.indent * (depth + 1)
        return [
            f"{indent}{head}(",
            *(f"{inner}{style.scalar(part)}" for part in value.parts),
            f"{indent}){tail}",
        ]
    opening, closing, elements = _parts(value, style)
    if not elements:
        return [flat]
    inner = style.indent * (depth + 1)
    first, last = f"{indent}{head}{opening}", f"{indent}{closing}{tail}"
    if isinstance(value, Call) or len(elements) == 1:
        # Black keeps a call's arguments, or a lone element, together on one line if they fit.
        together = ", ".join(prefix + _flat(element, style) for prefix, element in elements)
        if len(inner + together) <= style.width:
            return [first, inner + together, last]
        if len(elements) == 1:
            prefix, element = elements[0]
            return [first, *_lines(prefix, element, "", depth + 1, style), last]
    body = []
    for number, (prefix, element) in enumerate(elements, start=1):
        comma = "," if style.trailing_comma or number < len(elements) else ""
        body.extend(_lines(prefix, element, comma, depth + 1, style))
    return [first, *body, last]
