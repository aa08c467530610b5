"""Items' STAC documents come back exactly as they were written, although PostgreSQL stores
the footprint, an equal bbox and the id in columns only (catalog/item_documents.py)."""

import copy
import json

from django.db import connection

from catalog_portal.catalog.ingest import items_upsert
from catalog_portal.catalog.models import Item

API = "/api/v1"
# Full-precision coordinates: PostGIS's GeoJSON writer would round the first (15 decimals).
RING = [
    [9.583829349583742, 46.12345678901234],
    [9.6, 0.12345678901234567],
    [9.7, 46.3],
    [9.583829349583742, 46.12345678901234],
]


def document(collection, stac_id: str, **changes) -> dict:
    xs, ys = [x for x, _ in RING], [y for _, y in RING]
    stac = {
        "type": "Feature",
        "stac_version": "1.0.0",
        "id": stac_id,
        "collection": collection.stac_id,
        "geometry": {"type": "Polygon", "coordinates": [RING]},
        "bbox": [min(xs), min(ys), max(xs), max(ys)],
        "properties": {"datetime": "2021-09-14T10:00:00Z", "eo:cloud_cover": 12.5},
        "assets": {},
        "links": [],
    }
    stac.update(changes)
    return stac


def stored(stac_id: str) -> tuple[dict, bool]:
    """The document as the database holds it, and whether ``geom`` holds a footprint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stac, geom IS NOT NULL FROM catalog_item WHERE stac_id = %s", [stac_id]
        )
        text, has_geom = cursor.fetchone()
    return (json.loads(text) if isinstance(text, str) else text), has_geom


def test_a_document_comes_back_whole_and_exact(client, make_collection):
    collection = make_collection()
    source = document(collection, "exact")
    assert not items_upsert(collection=collection, stacs=[copy.deepcopy(source)]).invalid

    assert Item.objects.get(stac_id="exact").stac == source
    served = client.get(f"{API}/collections/{collection.stac_id}/items/exact").json()
    assert served["geometry"] == source["geometry"]
    assert served["bbox"] == source["bbox"]
    assert served["id"] == "exact"
    # Unchanged when imported again: what is read equals what was written.
    assert items_upsert(collection=collection, stacs=[copy.deepcopy(source)]).unchanged == 1

    kept, has_geom = stored("exact")
    if connection.vendor == "postgresql":
        assert has_geom
        assert {"geometry", "bbox", "id"}.isdisjoint(kept)
        assert kept["properties"] == source["properties"]
    else:
        assert kept == source and not has_geom


def test_a_bbox_the_columns_do_not_hold_stays_in_the_document(make_collection):
    collection = make_collection()
    wider = document(collection, "wider", bbox=[9.5, 0.1, 9.8, 46.4])
    xmin, ymin, xmax, ymax = document(collection, "flat")["bbox"]
    deep = document(collection, "deep", bbox=[xmin, ymin, 0.0, xmax, ymax, 120.5])
    assert not items_upsert(collection=collection, stacs=[wider, deep]).invalid

    for source in (wider, deep):
        assert Item.objects.get(stac_id=source["id"]).stac["bbox"] == source["bbox"]
        assert stored(source["id"])[0]["bbox"] == source["bbox"]


def test_a_row_written_without_its_footprint_keeps_it(make_collection):
    collection = make_collection()
    source = document(collection, "kept")
    items_upsert(collection=collection, stacs=[copy.deepcopy(source)])
    with connection.cursor() as cursor:
        # What a restore or a hand-written UPDATE of other columns sends: the stored part.
        cursor.execute(
            "UPDATE catalog_item SET stac = stac, stac_id = stac_id WHERE stac_id = 'kept'"
        )
    assert Item.objects.get(stac_id="kept").stac == source


def test_an_item_without_footprint_comes_back_without_one(make_collection):
    collection = make_collection()
    source = document(collection, "nowhere", geometry=None)
    del source["bbox"]
    assert not items_upsert(collection=collection, stacs=[copy.deepcopy(source)]).invalid
    assert Item.objects.get(stac_id="nowhere").stac == source
    assert not stored("nowhere")[1]
