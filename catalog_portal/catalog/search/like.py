"""CQL2 ``LIKE`` on both databases, in time linear in the pattern and the text.

PostgreSQL keeps its native LIKE. SQLite's LIKE ignores case (CQL2's does not), and the
regex it was translated to before backtracked: ``'%%%%...!'`` became ``.*.*.*...!``, which
Python's ``re`` explored for minutes while holding the GIL. SQLite's own GLOB is
case-sensitive, written in C (the GIL is released while it runs) and gives up on a ``*``
as soon as the rest of the pattern cannot match, so it takes O(pattern × text).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Expression

# A pattern as tokens: one of these two wildcards, or a one-character literal string.
ANY_TEXT, ANY_CHAR = object(), object()
GLOB_SPECIAL = {"*": "[*]", "?": "[?]", "[": "[[]"}


def like_tokens(pattern: str) -> list[Any]:
    """CQL2 LIKE ``pattern`` (``%``, ``_``, ``\\`` escaping) as tokens; runs of ``%`` are one."""
    tokens: list[Any] = []
    escaped = False
    for char in pattern:
        if escaped:
            tokens.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            if not tokens or tokens[-1] is not ANY_TEXT:
                tokens.append(ANY_TEXT)
        elif char == "_":
            tokens.append(ANY_CHAR)
        else:
            tokens.append(char)
    if escaped:  # a trailing backslash escapes nothing: it stands for itself
        tokens.append("\\")
    return tokens


def like_pattern_postgresql(tokens: list[Any]) -> str:
    return "".join(
        "%" if t is ANY_TEXT else "_" if t is ANY_CHAR else ("\\" + t if t in "%_\\" else t)
        for t in tokens
    )


def glob_pattern_sqlite(tokens: list[Any]) -> str:
    return "".join(
        "*" if t is ANY_TEXT else "?" if t is ANY_CHAR else GLOB_SPECIAL.get(t, t) for t in tokens
    )


class Like(Expression):
    """A boolean condition: ``text`` (an expression) matches the CQL2 LIKE ``pattern``,
    case-sensitively."""

    output_field = BooleanField()

    def __init__(self, text: Expression, pattern: str) -> None:
        super().__init__()
        self.text = text
        self.pattern = pattern

    def get_source_expressions(self) -> list[Expression]:
        return [self.text]

    def set_source_expressions(self, exprs: list[Expression]) -> None:
        (self.text,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.text)
        tokens = like_tokens(self.pattern)
        if connection.vendor == "sqlite":
            return f"({sql} GLOB %s)", [*params, glob_pattern_sqlite(tokens)]
        return f"({sql} LIKE %s)", [*params, like_pattern_postgresql(tokens)]
