"""Spatial search gives the exact same items on SQLite and PostgreSQL.

Each run checks the database's answer against shapely's on the same footprints, so a pass on
both databases means both return the same items.
"""

import pytest
import shapely
from shapely.geometry import box, shape

from catalog_portal.catalog.ingest import items_upsert
from catalog_portal.catalog.models import Item
from catalog_portal.catalog.spatial import FootprintIntersects

# An L-shaped footprint: its bbox covers the square (15.6..15.9, 47.6..47.9), its polygon does not.
L_SHAPE = {
    "type": "Polygon",
    "coordinates": [[[15.0, 47.0], [16.0, 47.0], [16.0, 47.5], [15.5, 47.5], [15.5, 48.0],
                     [15.0, 48.0], [15.0, 47.0]]],
}  # fmt: skip
FOOTPRINTS = {
    "l-shape": L_SHAPE,
    "west-square": shapely.geometry.mapping(box(14.0, 47.0, 14.5, 47.5)),
    "east-square": shapely.geometry.mapping(box(16.5, 47.0, 17.0, 47.5)),
    "thin-diagonal": {
        "type": "Polygon",
        "coordinates": [[[14.0, 46.0], [17.0, 49.0], [17.0, 48.99], [14.0, 46.0]]],
    },
    "multipolygon": {
        "type": "MultiPolygon",
        "coordinates": [
            [[[13.0, 46.0], [13.2, 46.0], [13.2, 46.2], [13.0, 46.2], [13.0, 46.0]]],
            [[[15.6, 47.6], [15.7, 47.6], [15.7, 47.7], [15.6, 47.7], [15.6, 47.6]]],
        ],
    },
}
QUERIES = {
    "inside the L's bbox but not its polygon": box(15.6, 47.6, 15.9, 47.9),
    "the L's lower arm": box(15.8, 47.1, 15.9, 47.2),
    "touching the west square's edge": box(14.5, 47.2, 14.6, 47.3),
    "a point inside the east square": shapely.Point(16.7, 47.2),
    "a line across everything": shapely.LineString([(12.0, 47.25), (18.0, 47.25)]),
    "a triangle": shapely.Polygon([(15.55, 47.55), (16.2, 47.55), (15.55, 48.2)]),
    "far away": box(-10.0, 30.0, -9.0, 31.0),
}


@pytest.fixture
def footprints(make_collection, make_item):
    collection = make_collection()
    for stac_id, geometry in FOOTPRINTS.items():
        make_item(collection, stac_id, geometry=geometry)
    # STAC allows an item without geometry (then without bbox).
    stac = {**make_item(collection, "no-footprint").stac, "geometry": None}
    del stac["bbox"]
    assert not items_upsert(collection=collection, stacs=[stac]).invalid
    return collection


@pytest.mark.parametrize("name", QUERIES)
def test_database_returns_the_items_shapely_says_intersect(footprints, name):
    query = QUERIES[name]
    expected = {stac_id for stac_id, g in FOOTPRINTS.items() if shape(g).intersects(query)}
    found = set(Item.objects.filter(FootprintIntersects(query)).values_list("stac_id", flat=True))
    assert found == expected


def test_a_bbox_hit_whose_polygon_misses_is_not_returned(footprints):
    query = QUERIES["inside the L's bbox but not its polygon"]
    assert shape(L_SHAPE).envelope.intersects(query)
    found = Item.objects.filter(FootprintIntersects(query)).values_list("stac_id", flat=True)
    assert "l-shape" not in found
    assert "multipolygon" in found


def test_spatial_condition_combines_with_other_filters(footprints):
    query = box(13.0, 46.0, 17.0, 48.0)
    found = Item.objects.filter(FootprintIntersects(query), stac_id__startswith="west")
    assert list(found.values_list("stac_id", flat=True)) == ["west-square"]


def test_an_empty_query_geometry_is_refused():
    with pytest.raises(ValueError):
        FootprintIntersects(shapely.Polygon())
