"""Limits checked before any tiler code runs: sizes, bands and histograms that would take the
server's memory (TiTiler accepts any of them), and numbers that GDAL, PROJ or numpy would fail
on with an error instead of an answer. What depends on the file's resolution (how many pixels
an area without a size has) is checked by the reader (``reads.py``)."""

from __future__ import annotations

import itertools
import math

from rio_tiler.errors import RioTilerError
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from titiler.core.dependencies import ColorMapParams

from catalog_portal.catalog.search import InvalidParameter

MAX_SIDE = 2048  # pixels per side of a tile, preview, part or feature image
# Each band of a 2048² image is 32 MB as float64 (expressions compute in float64), and masks,
# rescaling and encoding take several times that: a 16-band 2048² expression took a process
# past 2 GB. So bands × pixels is bounded too: 4 bands at 2048², 16 at 1024².
MAX_BANDS = 16
MAX_VALUES = 4 * MAX_SIDE * MAX_SIDE
PREVIEW_SIDE = 1024  # titiler's max_size of previews and statistics when none is asked for
TILE_SIDE = 256  # of a tile when no tilesize is asked for
MAX_EXPRESSION = 1000  # characters
MAX_HISTOGRAM_BINS = 1000
MAX_BUFFER = 128  # pixels a tile grows by on each side (buffer) or reads beyond it (padding)
# Coordinates in a projected CRS (coord_crs) stay within ~2e7 metres of the origin; far larger
# ones overflow GDAL's and numpy's integer pixel offsets.
MAX_COORDINATE = 1e8
# Mosaic methods that keep every item's image until the end (mean, median, ...): 50 items of
# 512² pixels. 50 items of 2048² took over 2 GB for one tile.
MAX_STACKED_PIXELS = 50 * 512 * 512
MAX_BODY = 1_000_000  # bytes of a JSON body (a feature, a search to register)
MAX_FEATURES = 100  # of a FeatureCollection, each read as an image of its own
SIZE_PARAMETERS = ("tilesize", "max_size", "width", "height")
BBOX_PARAMETERS = ("minx", "miny", "maxx", "maxy")
ASSET_OPTIONS = ("bidx", "expression")
ASSET_SYNTAX = "options are written name|bidx=1,2 or name|expression=b1*2"
RANGES = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0), "z": (0, 30)}


def number_or_none(value: str | None) -> float | None:
    """``value`` as a number; None when absent or not a number (validation answers that)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def request_limits_check(request: Request) -> None:
    """Refuse (400) oversized images, too many bands, huge histograms and bad coordinates."""
    query, path = request.query_params, request.path_params
    for name in SIZE_PARAMETERS:
        size = number_or_none(query.get(name) or path.get(name))
        if size is not None and not 1 <= size <= MAX_SIDE:
            raise InvalidParameter(name, f"must be between 1 and {MAX_SIDE} pixels")
    for name in ("buffer", "padding"):
        extra = number_or_none(query.get(name))
        if extra is not None and not 0 <= extra <= MAX_BUFFER:
            raise InvalidParameter(name, f"must be between 0 and {MAX_BUFFER} pixels")
    for name, (low, high) in RANGES.items():
        value = number_or_none(path.get(name))
        if value is not None and not low <= value <= high:
            raise InvalidParameter(name, f"must be between {low:g} and {high:g}")
    bbox_check(path=path, projected=query.get("coord_crs") is not None)
    bands = layers_check(query=query)
    pixels = image_pixels(request=request)
    if bands * pixels > MAX_VALUES:
        raise InvalidParameter(
            "assets",
            f"{bands} bands of {pixels:,} pixels: at most {MAX_VALUES:,} values per image; "
            "ask for fewer bands or a smaller image",
        )
    histogram_check(query=query)
    percentiles_check(query=query)
    colormap_check(query=query)


async def request_body_check(request: Request) -> None:
    """Refuse (400) a body without a length or longer than MAX_BODY, and a FeatureCollection
    of more than MAX_FEATURES features, before FastAPI reads and parses it."""
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    length = number_or_none(request.headers.get("content-length"))
    if length is None:
        raise InvalidParameter("Content-Length", "a request body needs a Content-Length header")
    if length > MAX_BODY:
        raise InvalidParameter("body", f"must be at most {MAX_BODY:,} bytes")
    try:
        body = await request.json()  # kept by the request: FastAPI parses it once
    except ValueError:
        return  # not JSON: FastAPI's validation answers that
    features = body.get("features") if isinstance(body, dict) else None
    if isinstance(features, list) and len(features) > MAX_FEATURES:
        raise InvalidParameter("features", f"at most {MAX_FEATURES} features per request")


def bbox_check(*, path: dict[str, str], projected: bool) -> None:
    """A bbox in the path is four finite numbers, west < east and south < north, in degrees
    unless ``projected`` (a coord_crs is given)."""
    numbers = [number_or_none(path.get(name)) for name in BBOX_PARAMETERS]
    for name, number in zip(BBOX_PARAMETERS, numbers, strict=True):
        if number is None:
            continue
        if not math.isfinite(number):
            raise InvalidParameter(name, "must be a finite number")
        limit = MAX_COORDINATE if projected else RANGES["lon" if name.endswith("x") else "lat"][1]
        if abs(number) > limit:
            raise InvalidParameter(name, f"must be between {-limit:g} and {limit:g}")
    minx, miny, maxx, maxy = numbers
    if None not in numbers and not (minx < maxx and miny < maxy):  # type: ignore[operator]
        raise InvalidParameter("bbox", "must be minx < maxx and miny < maxy")


def image_pixels(*, request: Request) -> int:
    """The most pixels the image a request asks for can have (1 for a point)."""
    query, path = request.query_params, request.path_params
    if "lon" in path:
        return 1
    sizes = {name: number_or_none(query.get(name) or path.get(name)) for name in SIZE_PARAMETERS}
    if "z" in path:
        side = (sizes["tilesize"] or TILE_SIDE) + 2 * (number_or_none(query.get("buffer")) or 0)
        return int(side * side)
    if sizes["width"] or sizes["height"]:
        return int((sizes["width"] or MAX_SIDE) * (sizes["height"] or MAX_SIDE))
    if sizes["max_size"]:
        return int(sizes["max_size"] ** 2)
    # A bbox or feature without a size may be as large as the reader lets it be.
    side = MAX_SIDE if "minx" in path or request.method == "POST" else PREVIEW_SIDE
    return side * side


def layers_check(*, query: QueryParams) -> int:
    """Expressions and band lists are short: each band asked for is an image in memory.
    Returns how many bands the image will have (at least; an asset may have several)."""
    expressions = [query.get("expression") or ""]
    bands = 0
    assets = query.getlist("assets")
    for asset in assets:
        options = dict(option.partition("=")[::2] for option in asset.split("|")[1:])
        if not set(options) <= set(ASSET_OPTIONS):
            raise InvalidParameter("assets", ASSET_SYNTAX)
        expressions.append(options.get("expression", ""))
        bands += len(options["bidx"].split(",")) if "bidx" in options else 1
    bands *= max(1, len(query.get("bidx", "").split(",")))
    if bands > MAX_BANDS:
        raise InvalidParameter("assets", f"at most {MAX_BANDS} bands (assets and bidx values)")
    for expression in expressions:
        if len(expression) > MAX_EXPRESSION:
            raise InvalidParameter("expression", f"must be at most {MAX_EXPRESSION} characters")
        if len(expression.split(";")) > MAX_BANDS:
            raise InvalidParameter("expression", f"at most {MAX_BANDS} bands (;-separated)")
    if expressions[0]:
        return len(expressions[0].split(";"))
    return max(bands, 1)


def histogram_check(*, query: QueryParams) -> None:
    """A bounded number of bins, increasing edges and a finite, ordered range (numpy's rules,
    checked before numpy allocates the bins or raises)."""
    bins = [number_or_none(value) for value in (query.get("histogram_bins") or "").split(",")]
    if len(bins) == 1 and bins[0] is not None and not 1 <= bins[0] <= MAX_HISTOGRAM_BINS:
        raise InvalidParameter("histogram_bins", f"must be between 1 and {MAX_HISTOGRAM_BINS}")
    if len(bins) > 1:
        if len(bins) > MAX_HISTOGRAM_BINS + 1:
            raise InvalidParameter("histogram_bins", f"at most {MAX_HISTOGRAM_BINS} bins")
        if None not in bins and any(b <= a for a, b in itertools.pairwise(bins)):  # type: ignore[operator]
            raise InvalidParameter("histogram_bins", "bin edges must increase")
    given = query.get("histogram_range")
    if given is not None:
        bounds = [number_or_none(value) for value in given.split(",")]
        if len(bounds) != 2 or None in bounds or not all(map(math.isfinite, bounds)):  # type: ignore[arg-type]
            raise InvalidParameter("histogram_range", "must be two finite numbers: min,max")
        if bounds[0] > bounds[1]:  # type: ignore[operator]
            raise InvalidParameter("histogram_range", "min must not be larger than max")


def percentiles_check(*, query: QueryParams) -> None:
    """Percentiles (``p``) are numbers from 0 to 100, as numpy asks."""
    for value in query.getlist("p"):
        number = number_or_none(value)
        if number is not None and not 0 <= number <= 100:
            raise InvalidParameter("p", "percentiles must be between 0 and 100")


def colormap_check(*, query: QueryParams) -> None:
    """A ``colormap`` TiTiler can read: its own parser, whose errors other than bad JSON
    (a key that is no integer, a colour that is no colour) escape as 500s."""
    given = query.get("colormap")
    if given is None:
        return
    try:
        ColorMapParams(colormap_name=None, colormap=given)
    except (HTTPException, RioTilerError, ValueError, TypeError, OverflowError, AssertionError):
        raise InvalidParameter(
            "colormap", 'must be JSON such as {"1": [255, 0, 0, 255]} or [[[0, 1], "#ff0000"]]'
        ) from None
