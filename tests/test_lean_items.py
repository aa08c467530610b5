"""Item rows are lean: the footprint is stored once (PostgreSQL: in ``geom``, SQLite: in the
STAC document) and every index has a use on its database (migrations/0014_lean_items.py,
0016_document_parts_in_columns.py; tests/test_item_documents.py reads the stored rows)."""

import json

import shapely
from django.db import connection

from catalog_portal.catalog.ingest import items_upsert

API = "/api/v1"
FOOTPRINT = shapely.geometry.mapping(shapely.box(14.0, 47.0, 14.5, 47.5))
MOVED = shapely.box(16.0, 48.0, 16.5, 48.5)


def item_columns() -> set[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, "catalog_item")
    return {column.name for column in described}


def item_indexes() -> dict[str, list[str]]:
    """The item table's indexes and unique constraints, with their columns."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "catalog_item")
    return {
        name: info["columns"] for name, info in found.items() if info["index"] or info["unique"]
    }


def searched_ids(client, **body) -> list[str]:
    response = client.post(f"{API}/search", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return [feature["id"] for feature in response.json()["features"]]


def test_an_items_footprint_is_stored_once_and_served_and_searched_from_its_document(
    client, make_collection, make_item
):
    collection = make_collection()
    item = make_item(collection, "scene", geometry=FOOTPRINT)
    assert "geometry" not in item_columns()  # the document holds the one copy

    served = client.get(f"{API}/collections/{collection.stac_id}/items/scene").json()
    assert served["geometry"] == item.stac["geometry"]
    inside = {"type": "Point", "coordinates": [14.2, 47.2]}
    assert searched_ids(client, intersects=inside) == ["scene"]
    assert searched_ids(client, bbox=[14.4, 47.4, 15, 48]) == ["scene"]

    # Re-imported with another footprint: search follows the document.
    make_item(collection, "scene", geometry=shapely.geometry.mapping(MOVED))
    assert searched_ids(client, intersects=inside) == []
    assert searched_ids(client, bbox=[16.2, 48.2, 16.3, 48.3]) == ["scene"]
    served = client.get(f"{API}/collections/{collection.stac_id}/items/scene").json()
    assert shapely.geometry.shape(served["geometry"]).equals(MOVED)


def test_an_item_without_geometry_is_found_by_no_spatial_search(client, make_collection, make_item):
    collection = make_collection()
    stac = {**make_item(collection, "nowhere").stac, "geometry": None}
    del stac["bbox"]
    assert not items_upsert(collection=collection, stacs=[stac]).invalid
    make_item(collection, "somewhere", geometry=FOOTPRINT)
    assert searched_ids(client, bbox=[-180, -90, 180, 90]) == ["somewhere"]
    disjoint = {
        "op": "s_disjoint",
        "args": [{"property": "geometry"}, {"type": "Point", "coordinates": [0, 0]}],
    }
    assert searched_ids(client, filter=disjoint, **{"filter-lang": "cql2-json"}) == ["somewhere"]
    served = client.get(f"{API}/collections/{collection.stac_id}/items/nowhere").json()
    assert served["geometry"] is None


def test_each_database_keeps_only_the_indexes_it_uses(db):
    indexes = item_indexes()
    # Neither needs the foreign key's own index: the unique (collection, stac_id) index leads
    # with the same column.
    assert [name for name, columns in indexes.items() if columns == ["collection_id"]] == []
    if connection.vendor == "postgresql":
        # SQLite's bbox prefilter and the GiST that (geom, datetime) shadows are gone.
        assert "item_bbox" not in indexes
        assert "item_geom_gist" not in indexes
        assert "item_geom_datetime_gist" in indexes
        assert indexes["item_id_per_collection"] == ["collection_id", "stac_id"]
    else:
        assert indexes["item_bbox"] == ["bbox_xmin", "bbox_xmax", "bbox_ymin", "bbox_ymax"]
