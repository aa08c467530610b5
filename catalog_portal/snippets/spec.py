"""What a snippet is made from: the portal's API address, a search in STAC API form and what
loading its pixels needs (CRS, resolution, bands, nodata), read from STAC metadata.

Nothing here knows a collection by its id: the load parameters come from the collection's
``summaries`` and ``item_assets`` and, where those say nothing, from one of its items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from catalog_portal.catalog.search.params import bbox_geometry

# Every snippet names this variable; the accounts pages say where to get the token.
TOKEN_VARIABLE = "CATALOG_PORTAL_TOKEN"
PAGE_SIZE = 100  # items per page of a snippet's search; clients follow the next links


@dataclass(frozen=True)
class LoadSpec:
    """How to load a collection's pixels as an xarray (odc-stac), and which asset one item's
    snippet opens."""

    crs: str  # "EPSG:32633", or WKT2 for a CRS without a code
    crs_note: str  # what the CRS is and where it came from, for a comment
    resolution: float | None  # in the CRS's units
    bands: tuple[str, ...]
    nodata: int | float | None  # None when the bands disagree (odc-stac reads each band's own)
    asset: str  # the asset a one-item snippet opens


@dataclass(frozen=True)
class SnippetSpec:
    """Everything a snippet says: where the API is, what it searches and how to load it."""

    name: str  # file name stem, e.g. "GFM-search"
    title: str  # what the search finds ("Items of ..."), in the program's first line
    page_url: str  # the portal page showing the same search
    api_url: str
    search: dict[str, Any]  # STAC API form: collections, ids, bbox, datetime, filter, sortby, limit
    restricted: bool  # the code must send an API token
    load: LoadSpec | None  # None: no single collection, or no raster assets to load


def search_aoi(*, search: dict[str, Any]) -> dict[str, Any] | None:
    """The search's bbox as a GeoJSON polygon (two, across the antimeridian)."""
    if not search.get("bbox"):
        return None
    mapping = shapely.geometry.mapping(bbox_geometry(tuple(search["bbox"])))
    return _lists(mapping)


def search_interval(*, search: dict[str, Any]) -> list[str] | None:
    """The search's datetime as a CQL2 interval ``[start, end]`` (``..`` for an open end)."""
    value = search.get("datetime")
    if not value:
        return None
    start, slash, end = value.partition("/")
    return [start or "..", end or ".."] if slash else [value, value]


def search_filter(
    *, search: dict[str, Any], aoi: Any = None, interval: Any = None
) -> dict[str, Any] | None:
    """The search's area, dates and property filter as one CQL2-JSON filter: ``s_intersects``
    of the area, ``anyinteracts`` of the dates, then the property conditions. ``aoi`` and
    ``interval`` stand in for the literal values (a program names them as variables)."""
    conditions = []
    if search.get("bbox"):
        geometry = search_aoi(search=search) if aoi is None else aoi
        conditions.append({"op": "s_intersects", "args": [{"property": "geometry"}, geometry]})
    if search.get("datetime"):
        span = {"interval": search_interval(search=search) if interval is None else interval}
        conditions.append({"op": "anyinteracts", "args": [{"property": "datetime"}, span]})
    extra = search.get("filter")
    if extra:
        conditions.extend(extra["args"] if extra.get("op") == "and" else [extra])
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"op": "and", "args": conditions}


def search_body(*, search: dict[str, Any], aoi: Any = None, interval: Any = None) -> dict[str, Any]:
    """The JSON body of POST /search for ``search``, its area and dates in the CQL2 filter
    (``aoi`` and ``interval`` stand in for them as in search_filter)."""
    body: dict[str, Any] = {}
    for key in ("collections", "ids"):
        if search.get(key):
            body[key] = list(search[key])
    cql2 = search_filter(search=search, aoi=aoi, interval=interval)
    if cql2 is not None:
        body.update({"filter-lang": "cql2-json", "filter": cql2})
    for key in ("sortby", "limit"):
        if search.get(key):
            body[key] = search[key]
    return body


def load_spec_read(*, collection: dict[str, Any], item: dict[str, Any] | None) -> LoadSpec | None:
    """Load parameters from a collection's STAC document and, for what it leaves out, one of
    its items; None when there is no data asset to load."""
    item = item or {}
    properties = item.get("properties") or {}
    summaries = collection.get("summaries") or {}
    item_assets = collection.get("item_assets") or {}
    assets = item_assets or item.get("assets") or {}
    data_assets = [key for key, asset in assets.items() if "data" in (asset.get("roles") or [])]
    if not data_assets:
        return None
    bands, nodata = [], set()
    for key in data_assets:
        described = {**((item.get("assets") or {}).get(key) or {}), **item_assets.get(key, {})}
        raster = described.get("raster:bands") or [{}]
        named = [band.get("name") for band in described.get("eo:bands") or []]
        if len(raster) > 1 or len(named) > 1:
            # odc-stac names the bands of a multi-band asset by their eo:bands names.
            count = max(len(raster), len(named))
            bands.extend(
                named[i] if i < len(named) and named[i] else f"{key}.{i + 1}" for i in range(count)
            )
        else:
            bands.append(key)
        nodata.update(band.get("nodata") for band in raster)
    crs, crs_note = _crs(summaries, properties)
    if crs is None:
        return None
    return LoadSpec(
        crs=crs,
        crs_note=crs_note,
        resolution=_resolution(crs, summaries, properties, item_assets, data_assets),
        bands=tuple(bands),
        nodata=nodata.pop() if len(nodata) == 1 else None,
        asset=data_assets[0],
    )


def _single(value: Any) -> Any:
    """A summary's value when it has exactly one (summaries list the values items take)."""
    if isinstance(value, list):
        return value[0] if len(value) == 1 else None
    return value


def _crs(summaries: dict[str, Any], properties: dict[str, Any]) -> tuple[str | None, str]:
    for source, where in ((summaries, "the collection's summaries"), (properties, "its items")):
        code = _single(source.get("proj:code"))
        epsg = _single(source.get("proj:epsg"))
        wkt2 = _single(source.get("proj:wkt2"))
        if code or epsg:
            text, field = (code, "proj:code") if code else (f"EPSG:{epsg}", "proj:epsg")
            return text, f"{_crs_name(text)} ({field} of {where})"
        if wkt2:
            return wkt2, f"{_crs_name(wkt2)} (proj:wkt2 of {where})"
    return None, ""


@lru_cache(maxsize=64)
def _crs_name(text: str) -> str:
    """A CRS's name, and for one given as WKT the EPSG code it matches, if any."""
    try:
        crs = CRS.from_user_input(text)
    except CRSError:
        return "a CRS that PROJ does not know"
    if text.upper().startswith("EPSG:"):
        return crs.name
    code = crs.to_epsg(min_confidence=90)
    if code is None:
        return f"{crs.name}, without an EPSG code"
    return f"{CRS.from_epsg(code).name}, which EPSG:{code} matches"


def _resolution(
    crs: str,
    summaries: dict[str, Any],
    properties: dict[str, Any],
    item_assets: dict[str, Any],
    data_assets: list[str],
) -> float | None:
    try:
        if not CRS.from_user_input(crs).is_projected:
            return None  # gsd is in metres, a geographic CRS counts degrees
    except CRSError:
        return None
    candidates = [
        _single(summaries.get("gsd")),
        item_assets.get(data_assets[0], {}).get("gsd"),
        properties.get("gsd"),
        (properties.get("proj:transform") or [None])[0],
    ]
    return next((abs(float(c)) for c in candidates if isinstance(c, int | float)), None)


def wkt_parts(*, wkt: str, width: int = 76) -> tuple[str, ...]:
    """A long WKT cut after commas into pieces of at most about ``width`` characters, to be
    written as implicitly concatenated strings."""
    parts, current = [], ""
    for token in re.findall(r"[^,]*,|[^,]+$", wkt):
        if current and len(current) + len(token) > width:
            parts.append(current)
            current = ""
        current += token
    if current:
        parts.append(current)
    return tuple(parts)


def _lists(value: Any) -> Any:
    """GeoJSON with lists instead of shapely's tuples."""
    if isinstance(value, dict):
        return {key: _lists(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value
