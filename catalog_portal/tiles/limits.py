"""Limits checked before any tiler code runs: sizes that would take the server's memory (TiTiler
accepts any tilesize or preview size) and coordinates that GDAL/PROJ would fail on with an
error instead of an answer."""

from __future__ import annotations

from starlette.requests import Request

from catalog_portal.catalog.search import InvalidParameter

MAX_SIDE = 2048  # pixels per side of a tile, preview or part
SIZE_PARAMETERS = ("tilesize", "max_size", "width", "height")
RANGES = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0), "z": (0, 30)}


def number_or_none(value: str | None) -> float | None:
    """``value`` as a number; None when absent or not a number (validation answers that)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def request_limits_check(request: Request) -> None:
    """Refuse (400) oversized images and coordinates outside the world."""
    for name in SIZE_PARAMETERS:
        size = number_or_none(request.query_params.get(name) or request.path_params.get(name))
        if size is not None and size > MAX_SIDE:
            raise InvalidParameter(name, f"must be at most {MAX_SIDE} pixels")
    for name, (low, high) in RANGES.items():
        value = number_or_none(request.path_params.get(name))
        if value is not None and not low <= value <= high:
            raise InvalidParameter(name, f"must be between {low:g} and {high:g}")
