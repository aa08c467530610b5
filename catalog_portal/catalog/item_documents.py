"""An item's STAC document as PostgreSQL stores it, and whole again when it is read.

On PostgreSQL the parts of a document that the row already holds in columns are kept there
alone (a trigger of migration 0016 takes them out as a row is written, whoever writes it):

- the footprint (``geometry``) in the PostGIS column ``geom``, which spatial search reads;
- ``bbox`` in the bbox columns, when it is the same four numbers (a 3D bbox, or one that
  differs from the footprint's bounds, stays in the document);
- ``id`` in ``stac_id``.

At a million synthetic items that took a row from 974 to about 615 bytes (8 rows to 13 per
page); the footprint alone was 260 of them as jsonb. ``Item.from_db`` puts the parts back
(``document_whole``) before any code sees ``item.stac``, so readers and writers always handle
the whole document. The footprint comes back from the geometry's WKB, exactly: PostGIS's own
GeoJSON writer keeps at most 15 decimals (9.583829349583742 came back as ...741).

SQLite stores documents whole; there ``geom`` stays empty and nothing needs putting back.
What a query reads straight from the column (``values("stac")``) is the stored part only.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from django.db import models


class GeometryColumn(models.Field):
    """A PostGIS geometry in WGS84 on PostgreSQL, read as its hex EWKB (the type's text form);
    a text column that stays empty on SQLite. Written by the database (see the module)."""

    description = "Footprint (PostGIS geometry, WGS84)"

    def db_type(self, connection) -> str:
        if connection.vendor == "postgresql":
            return "geometry(Geometry, 4326)"
        return "text"


def document_whole(
    stored: dict, *, stac_id: str, geom: str | None, bbox: tuple[float | None, ...]
) -> dict:
    """The item's STAC document from its ``stored`` part and the columns that hold the rest."""
    if "id" in stored and "geometry" in stored and ("bbox" in stored or bbox[0] is None):
        return stored  # whole already: SQLite, or an item written without a footprint
    whole = {"id": stac_id, **stored} if "id" not in stored else dict(stored)
    if "geometry" not in whole:
        whole["geometry"] = geometry_from_ewkb(geom) if geom is not None else None
    if "bbox" not in whole and bbox[0] is not None:
        whole["bbox"] = list(bbox)
    return whole


def geometry_from_ewkb(ewkb: str) -> dict[str, Any]:
    """GeoJSON of a geometry given as hex (E)WKB. GEOS writes each coordinate in as many digits
    as it takes to read back the same double; through json.loads that is twice as fast as
    shapely's mapping() with its tuples made lists (30 µs against 53 on a busy machine)."""
    return json.loads(shapely.to_geojson(shapely.from_wkb(ewkb)))
