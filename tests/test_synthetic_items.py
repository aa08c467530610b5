"""`load_demo --synthetic-items N`: metadata-only items in bulk, the same as ingest would make."""

import io

import pytest
import shapely
from django.core.management import CommandError, call_command

from catalog_portal.catalog.ingest import ITEM_COLUMNS, item_columns
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.catalog.spatial import FootprintIntersects
from catalog_portal.demo.synthetic import SYNTHETIC_ID, synthetic_item


def add_synthetic(count: int) -> str:
    out = io.StringIO()
    call_command("load_demo", "--synthetic-items", str(count), stdout=out, verbosity=0)
    return out.getvalue()


def test_synthetic_items_are_added_to_their_own_public_collection(db):
    assert "Added 1,200 items" in add_synthetic(1200)
    collection = Collection.objects.get(stac_id=SYNTHETIC_ID)
    assert collection.visibility == "public" and not collection.featured
    assert collection.items.count() == 1200


def test_a_second_call_continues_the_numbering(db):
    add_synthetic(30)
    add_synthetic(20)
    ids = sorted(Item.objects.values_list("stac_id", flat=True))
    assert ids[0] == "synthetic-0000001"
    assert ids[-1] == "synthetic-0000050"
    assert len(set(ids)) == 50


def test_items_depend_on_their_number_only(db):
    add_synthetic(15)
    add_synthetic(15)
    stored = Item.objects.get(stac_id="synthetic-0000021")
    assert stored.stac == synthetic_item(20)


def test_bulk_rows_have_the_columns_ingest_would_derive(db):
    add_synthetic(300)
    for item in Item.objects.order_by("stac_id")[::37]:
        expected = item_columns(item.stac)
        assert {name: getattr(item, name) for name in ITEM_COLUMNS} == expected
        assert item.created is not None and item.updated is not None


def test_synthetic_footprints_are_found_by_spatial_search(db):
    add_synthetic(500)
    sample = Item.objects.order_by("stac_id")[123]
    point = shapely.geometry.shape(sample.geometry).representative_point()
    found = Item.objects.filter(FootprintIntersects(point)).values_list("stac_id", flat=True)
    assert sample.stac_id in found


def test_a_non_positive_count_is_refused(db):
    with pytest.raises(CommandError, match="positive"):
        add_synthetic(0)
