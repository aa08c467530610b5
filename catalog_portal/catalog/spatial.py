"""Exact spatial tests on item footprints, on both databases.

An item's footprint is stored once. PostgreSQL keeps it in the PostGIS ``geom`` column
(catalog/item_documents.py) and answers with ``ST_Intersects`` on it, which a GiST index
serves. SQLite has no geometry type, so there the indexed bbox
columns prefilter and a Python function backed by shapely gives the exact answer for the rows
that remain, reading the document's geometry. Both
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

SQLITE_RELATE = "catalog_relate"
# The spatial relations of CQL2 that imply intersection (so a bbox prefilter is exact), with
# their PostGIS functions. "disjoint" is the negation of "intersects".
PREDICATES = {
    "intersects": "ST_Intersects",
    "within": "ST_Within",
    "contains": "ST_Contains",
    "overlaps": "ST_Overlaps",
    "touches": "ST_Touches",
    "crosses": "ST_Crosses",
    "equals": "ST_Equals",
}


class FootprintRelation(Expression):
    """A boolean condition for ``Item`` querysets: ``footprint <predicate> geometry``.

    Use it as ``Item.objects.filter(FootprintRelation("within", shapely_geometry))``;
    ``geometry`` is in WGS84 longitude/latitude.
    """

    output_field = BooleanField()

    def __init__(self, predicate: str, geometry: BaseGeometry) -> None:
        super().__init__()
        if predicate not in PREDICATES:
            raise ValueError(f"Unknown spatial predicate {predicate!r}.")
        if geometry.is_empty:
            raise ValueError("An empty geometry relates to nothing.")
        self.predicate = predicate
        self.geometry = geometry
        self.wkt = shapely.to_wkt(geometry, rounding_precision=-1)
        self.column = F("stac")

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.predicate!r}, {self.wkt!r})"

    @property
    def identity(self):  # noqa: D401 - Django's cache key for the expression
        return (self.__class__, self.predicate, self.wkt)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FootprintRelation) and other.identity == self.identity

    def __hash__(self) -> int:
        return hash(self.identity)

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
            function = PREDICATES[self.predicate]
            return f"{function}({geom}, ST_GeomFromText(%s, 4326))", [self.wkt]
        if connection.vendor == "sqlite":
            xmin, ymin, xmax, ymax = self.geometry.bounds
            q = lambda name: self._qualified(connection, name)  # noqa: E731
            sql = (
                f"({q('bbox_xmin')} <= %s AND {q('bbox_xmax')} >= %s AND "
                f"{q('bbox_ymin')} <= %s AND {q('bbox_ymax')} >= %s AND "
                f"{SQLITE_RELATE}(json_extract({q('stac')}, '$.geometry'), %s, %s))"
            )
            return sql, [xmax, xmin, ymax, ymin, self.wkt, self.predicate]
        raise NotImplementedError(f"No spatial search on {connection.vendor}.")


@lru_cache(maxsize=64)
def _prepared(wkt: str) -> PreparedGeometry:
    return prep(shapely.from_wkt(wkt))


def _sqlite_relate(footprint_geojson: str | None, query_wkt: str, predicate: str) -> bool:
    if footprint_geojson is None:
        return False
    footprint = shapely.from_geojson(footprint_geojson)
    if predicate == "intersects":
        return _prepared(query_wkt).intersects(footprint)
    # "footprint within query" is "query contains footprint", and so on: shapely's predicates
    # take the footprint first, like PostGIS's.
    return bool(getattr(footprint, predicate)(_prepared(query_wkt).context))


def FootprintIntersects(geometry: BaseGeometry) -> FootprintRelation:  # noqa: N802 - reads as a condition
    """The footprint intersects ``geometry`` (the most common spatial condition)."""
    return FootprintRelation("intersects", geometry)


def _on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_RELATE, 3, _sqlite_relate, deterministic=True)


def register_sqlite_functions() -> None:
    """Add the exact spatial tests to every new SQLite connection."""
    connection_created.connect(_on_connection_created, dispatch_uid="catalog-spatial-sqlite")
