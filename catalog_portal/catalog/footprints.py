"""Item footprints as the catalogue keeps them: valid WGS84 geometries, or none at all.

Real catalogues bring footprints that a planar geometry library reads wrongly: swaths that
cross the antimeridian (longitudes jump from 179° to -179°, which shapely reads as a polygon
around the world, often self-intersecting) and rings with small defects (a spike, a repeated
vertex). The first are split at 180° with the ``antimeridian`` package, as stactools does;
the second are repaired with shapely's ``make_valid`` when that keeps the footprint (same
area, still polygonal), and refused otherwise. An item without geometry has no footprint.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from typing import Any

import antimeridian
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

# A repair may change the area by at most this fraction; more means make_valid changed the
# footprint's shape (a bow tie becomes two triangles), not just a defect.
AREA_TOLERANCE = 0.005
POLYGONAL = ("Polygon", "MultiPolygon")


class FootprintInvalid(ValueError):
    """A geometry the catalogue cannot keep; the message says why."""


@dataclass(frozen=True)
class Footprint:
    """A footprint ready to store: its GeoJSON (None for an item without geometry), its
    bounds (west, south, east, north) and what was repaired ("" when nothing was)."""

    geometry: dict[str, Any] | None
    bounds: tuple[float, float, float, float] | None = None
    repair: str = ""
    # The STAC bbox of a split footprint: west > east, as the STAC spec writes one across 180°.
    stac_bbox: list[float] | None = None


def footprint_clean(geometry: Any) -> Footprint:
    """The footprint to store for an item's ``geometry`` (GeoJSON or None): split at the
    antimeridian and repaired where needed. Raises FootprintInvalid saying why not."""
    if geometry is None:
        return Footprint(None)
    try:
        footprint = shape(geometry)
    except Exception as error:  # shapely raises ValueError, TypeError, KeyError, ...
        raise FootprintInvalid(f"geometry is not valid GeoJSON ({error})") from None
    if footprint.is_empty:
        raise FootprintInvalid("geometry is empty")
    if not all(math.isfinite(value) for value in footprint.bounds):
        raise FootprintInvalid("geometry has coordinates that are not finite numbers")
    repairs = []
    stac_bbox = None
    if _crosses_antimeridian(footprint):
        footprint = _split(footprint)
        stac_bbox = [float(value) for value in antimeridian.bbox(mapping(footprint))]
        repairs.append("split at the antimeridian")
    if not footprint.is_valid:
        footprint = _repaired(footprint)
        repairs.append("invalid ring repaired")
    xmin, ymin, xmax, ymax = footprint.bounds
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise FootprintInvalid("geometry is outside longitude/latitude bounds")
    if not repairs:
        return Footprint(geometry, (xmin, ymin, xmax, ymax))
    cleaned = _geojson(footprint)
    return Footprint(cleaned, (xmin, ymin, xmax, ymax), " and ".join(repairs), stac_bbox)


def _crosses_antimeridian(footprint: BaseGeometry) -> bool:
    """Whether a polygon's rings jump across 180° (consecutive vertices more than half the
    world apart) or leave [-180, 180] (as swaths written unwrapped do): what the
    ``antimeridian`` package detects and fixes."""
    if footprint.geom_type not in POLYGONAL:
        return False
    xmin, _, xmax, _ = footprint.bounds
    if xmin < -180 or xmax > 180:
        return True
    rings = shapely.get_rings(shapely.get_parts(footprint))
    for ring in rings:
        longitudes = shapely.get_coordinates(ring)[:, 0]
        if len(longitudes) > 1 and float(abs(longitudes[1:] - longitudes[:-1]).max()) > 180:
            return True
    return False


def _split(footprint: BaseGeometry) -> BaseGeometry:
    with warnings.catch_warnings():
        # It warns that it reverses a clockwise ring; GeoJSON asks for counter-clockwise
        # exteriors, and real footprints are often wound the other way: reversing is right.
        warnings.simplefilter("ignore", antimeridian.FixWindingWarning)
        try:
            return shape(antimeridian.fix_shape(footprint))
        except Exception as error:  # the package raises plain ValueErrors and others
            reason = f"geometry crosses the antimeridian and cannot be split ({error})"
            raise FootprintInvalid(reason) from None


def _repaired(footprint: BaseGeometry) -> BaseGeometry:
    """``footprint`` made valid, if that keeps it: polygonal, and the same area."""
    reason = explain_validity(footprint)
    if footprint.geom_type not in POLYGONAL:
        raise FootprintInvalid(f"geometry is invalid: {reason}")
    valid = shapely.make_valid(footprint)
    # make_valid may leave the collapsed part of a ring (a spike) as a line: it has no area,
    # so dropping it keeps the footprint.
    polygons = [part for part in shapely.get_parts(valid) if part.geom_type in POLYGONAL]
    repaired = shapely.union_all(polygons) if polygons else None
    if (
        repaired is None
        or repaired.is_empty
        or repaired.geom_type not in POLYGONAL
        or abs(repaired.area - footprint.area) > AREA_TOLERANCE * max(repaired.area, 1e-12)
    ):
        raise FootprintInvalid(
            f"geometry is invalid ({reason}) and repairing it would change the footprint"
        )
    return repaired


def _geojson(footprint: BaseGeometry) -> dict[str, Any]:
    """Plain GeoJSON (lists, not tuples), as a JSON column gives it back."""
    return json.loads(shapely.to_geojson(footprint))
