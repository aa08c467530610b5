"""Exact spatial tests on item footprints, on both databases.

PostgreSQL answers with PostGIS: ``ST_Intersects`` on the generated ``geom`` column, which a
GiST index serves. SQLite has no geometry type, so there the indexed bbox columns prefilter
and a Python function backed by shapely gives the exact answer for the rows that remain. Both
return the same items: a footprint whose bbox touches the query but whose polygon does not
is excluded on either.
"""

from __future__ import annotations

from functools import lru_cache

import shapely
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Expression, F
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

SQLITE_INTERSECTS = "catalog_intersects"


class FootprintIntersects(Expression):
    """A boolean condition for ``Item`` querysets: the footprint intersects ``geometry``.

    Use it as ``Item.objects.filter(FootprintIntersects(shapely_geometry))``; ``geometry`` is
    in WGS84 longitude/latitude.
    """

    output_field = BooleanField()

    def __init__(self, geometry: BaseGeometry) -> None:
        super().__init__()
        if geometry.is_empty:
            raise ValueError("An empty geometry intersects nothing.")
        self.geometry = geometry
        self.wkt = shapely.to_wkt(geometry, rounding_precision=-1)
        self.column = F("geometry")

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.wkt!r})"

    @property
    def identity(self):  # noqa: D401 - Django's cache key for the expression
        return (self.__class__, self.wkt)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FootprintIntersects) and other.wkt == self.wkt

    def __hash__(self) -> int:
        return hash((self.__class__, self.wkt))

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs) -> None:
        (self.column,) = exprs

    def _qualified(self, connection, column_name: str) -> str:
        qn = connection.ops.quote_name
        return f"{qn(self.column.alias)}.{qn(column_name)}"

    def as_sql(self, compiler, connection):
        if connection.vendor == "postgresql":
            geom = self._qualified(connection, "geom")
            return f"ST_Intersects({geom}, ST_GeomFromText(%s, 4326))", [self.wkt]
        if connection.vendor == "sqlite":
            xmin, ymin, xmax, ymax = self.geometry.bounds
            q = lambda name: self._qualified(connection, name)  # noqa: E731
            sql = (
                f"({q('bbox_xmin')} <= %s AND {q('bbox_xmax')} >= %s AND "
                f"{q('bbox_ymin')} <= %s AND {q('bbox_ymax')} >= %s AND "
                f"{SQLITE_INTERSECTS}({q('geometry')}, %s))"
            )
            return sql, [xmax, xmin, ymax, ymin, self.wkt]
        raise NotImplementedError(f"No spatial search on {connection.vendor}.")


@lru_cache(maxsize=64)
def _prepared(wkt: str) -> PreparedGeometry:
    return prep(shapely.from_wkt(wkt))


def _sqlite_intersects(footprint_geojson: str | None, query_wkt: str) -> bool:
    if footprint_geojson is None:
        return False
    return _prepared(query_wkt).intersects(shapely.from_geojson(footprint_geojson))


def _on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_INTERSECTS, 2, _sqlite_intersects, deterministic=True
        )


def register_sqlite_functions() -> None:
    """Add the exact intersects test to every new SQLite connection."""
    connection_created.connect(_on_connection_created, dispatch_uid="catalog-spatial-sqlite")
