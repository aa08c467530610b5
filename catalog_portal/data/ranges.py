"""HTTP byte ranges (RFC 9110 §14): which bytes of a representation a ``Range`` header asks for.

The data API answers ranges itself for ZIP members (``zips.py``), whose bytes are no file on
disk that Starlette's FileResponse could send.
"""

from __future__ import annotations

# More parts than this are no reader's need but a way to make the server seek a lot (RFC 9110
# §14.2 lets a server ignore such a header); Starlette's FileResponse draws the line at 100 too.
MAX_RANGES = 100


class RangeNotSatisfiable(ValueError):
    """A Range header whose every part starts past the representation's end (416)."""


def byte_ranges_parse(*, header: str | None, size: int) -> list[tuple[int, int]] | None:
    """The (start, end exclusive) ranges of ``header`` over ``size`` bytes, sorted and merged;
    None when the whole representation is the answer (no header, or one to ignore)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec.strip():
        return None  # other units, or no ranges: RFC 9110 says to ignore the header
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    if len(parts) > MAX_RANGES:
        return None
    ranges = []
    for part in parts:
        parsed = _range_parse(part, size=size)
        if parsed is ...:
            return None  # a malformed part makes the whole header invalid: ignore it
        if parsed is not None:
            ranges.append(parsed)
    if not ranges:
        raise RangeNotSatisfiable(f"no range starts before byte {size}")
    return _ranges_merge(ranges)


def _range_parse(part: str, *, size: int):
    """(start, end) of one ``first-last``, ``first-`` or ``-suffix`` part; None when it is
    unsatisfiable; Ellipsis when it is malformed."""
    first, dash, last = part.partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first or last) or not (first.isdigit() or not first):
        return ...
    if last and not last.isdigit():
        return ...
    if not first:  # the last ``last`` bytes
        suffix = int(last)
        return (max(size - suffix, 0), size) if suffix and size else None
    start = int(first)
    end = min(int(last) + 1, size) if last else size
    if last and int(last) < start:
        return ...
    return (start, end) if start < size else None


def _ranges_merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or adjacent ranges as one (RFC 9110 §14.2 asks a server to coalesce)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
