"""Writing STAC into the catalogue: the indexed columns, validation and idempotent upserts."""

import copy
import datetime as dt

import pytest

from catalog_portal.catalog.ingest import (
    InvalidStac,
    collection_upsert,
    item_columns,
    items_upsert,
)
from catalog_portal.catalog.models import Collection, Item
from tests.conftest import read_json

UTC = dt.UTC


def item(**properties) -> dict:
    stac = read_json("stac/item.json")
    stac["properties"].update(properties)
    return stac


def test_columns_copy_datetime_and_bbox_from_the_document():
    columns = item_columns(item())
    assert columns["datetime"] == dt.datetime(2021, 9, 14, 10, tzinfo=UTC)
    assert columns["start_datetime"] == columns["end_datetime"] == columns["datetime"]
    bbox = [columns[f"bbox_{name}"] for name in ("xmin", "ymin", "xmax", "ymax")]
    assert bbox == [15.0, 47.0, 15.1, 47.1]


def test_an_interval_item_sorts_by_its_start():
    columns = item_columns(
        item(
            datetime=None,
            start_datetime="2024-09-01T00:00:00Z",
            end_datetime="2024-09-30T23:59:59+02:00",
        )
    )
    assert columns["datetime"] == dt.datetime(2024, 9, 1, tzinfo=UTC)
    assert columns["end_datetime"] == dt.datetime(2024, 9, 30, 21, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s["properties"].update(datetime="2021-09-14T10:00:00"), "no time zone"),
        (lambda s: s["properties"].update(datetime="yesterday"), "not an RFC 3339"),
        (lambda s: s["properties"].update(datetime=None), "needs properties.datetime"),
        (
            lambda s: s["properties"].update(
                datetime=None,
                start_datetime="2024-02-01T00:00:00Z",
                end_datetime="2024-01-01T00:00:00Z",
            ),
            "start_datetime is after end_datetime",
        ),
        (
            lambda s: s.update(
                geometry={
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                }
            ),
            "geometry is invalid",
        ),
        (
            lambda s: s.update(geometry={"type": "Point", "coordinates": [200.0, 10.0]}),
            "outside longitude/latitude",
        ),
        (lambda s: s.update(type="FeatureCollection"), "GeoJSON Feature"),
        (lambda s: s.pop("properties"), "no properties"),
        (lambda s: s.pop("stac_version"), "not a STAC item"),
        (lambda s: s.update(assets={"B04": {"title": "no href"}}), "not a STAC item"),
    ],
)
def test_invalid_items_are_refused_with_a_reason(change, reason):
    stac = item()
    change(stac)
    with pytest.raises(InvalidStac) as error:
        item_columns(stac)
    assert reason in str(error.value)
    assert error.value.stac_id == "S2B_33UWP_20210914_0_L2A"


def test_upsert_creates_then_changes_nothing_on_a_second_run(make_collection):
    collection = make_collection()
    stacs = [dict(item(), id=f"item-{n}") for n in range(5)]
    first = items_upsert(collection=collection, stacs=stacs, batch_size=2)
    stamps = dict(Item.objects.values_list("stac_id", "updated"))
    second = items_upsert(collection=collection, stacs=stacs, batch_size=2)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert dict(Item.objects.values_list("stac_id", "updated")) == stamps


def test_upsert_updates_a_changed_item_and_its_columns(make_collection):
    collection = make_collection()
    items_upsert(collection=collection, stacs=[item()])
    changed = item(datetime="2022-01-01T00:00:00Z")
    report = items_upsert(collection=collection, stacs=[changed])
    assert report.updated == 1
    stored = Item.objects.get()
    assert stored.datetime == dt.datetime(2022, 1, 1, tzinfo=UTC)
    assert stored.stac["properties"]["datetime"] == "2022-01-01T00:00:00Z"


def test_invalid_items_are_reported_by_id_and_the_rest_written(make_collection):
    collection = make_collection()
    bad = item(datetime="not a date")
    bad["id"] = "broken-item"
    other_collection = dict(item(), id="stray", collection="elsewhere")
    report = items_upsert(collection=collection, stacs=[item(), bad, other_collection, "junk"])
    assert report.created == 1
    assert [error.stac_id for error in report.invalid] == ["broken-item", "stray", "<unreadable>"]
    assert Item.objects.count() == 1


def test_items_are_stored_with_their_collection_id(make_collection):
    collection = make_collection()
    stac = item()
    del stac["collection"]
    items_upsert(collection=collection, stacs=[stac])
    assert Item.objects.get().stac["collection"] == "test-collection"


def test_collection_upsert_keeps_admin_curation_when_none_is_given(make_collection):
    collection = make_collection(category="sentinel-2", featured=True)
    stac = copy.deepcopy(collection.stac)
    stac["title"] = "A new title"
    updated, created = collection_upsert(stac=stac)
    assert not created
    assert (updated.title, updated.category, updated.featured) == (
        "A new title",
        "sentinel-2",
        True,
    )


def test_collection_upsert_refuses_what_is_not_a_collection(db):
    with pytest.raises(InvalidStac):
        collection_upsert(stac={"type": "Collection", "id": "x"})
    assert not Collection.objects.exists()


def test_the_database_refuses_duplicate_item_ids_in_a_collection(make_collection, make_item):
    from django.db import IntegrityError, transaction

    collection = make_collection()
    existing = make_item(collection, "same-id")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            collection=collection,
            stac_id="same-id",
            stac=existing.stac,
            datetime=existing.datetime,
            start_datetime=existing.start_datetime,
            end_datetime=existing.end_datetime,
        )


def test_upsert_keeps_the_collections_item_count(make_collection):
    collection = make_collection()
    items_upsert(collection=collection, stacs=[dict(item(), id=f"item-{n}") for n in range(3)])
    items_upsert(collection=collection, stacs=[dict(item(), id=f"item-{n}") for n in range(5)])
    assert Collection.objects.get(pk=collection.pk).item_count == 5


def placed(stac_id: str, west: float, when: str) -> dict:
    """An item whose footprint is a 0.1° square at ``west``, 47°N, acquired ``when``."""
    stac = dict(item(datetime=when), id=stac_id)
    ring = [[west, 47.0], [west + 0.1, 47.0], [west + 0.1, 47.1], [west, 47.1], [west, 47.0]]
    stac["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    stac["bbox"] = [west, 47.0, west + 0.1, 47.1]
    return stac


def stored_extent(collection) -> tuple[list[float], list[str]]:
    extent = Collection.objects.get(pk=collection.pk).stac["extent"]
    return extent["spatial"]["bbox"], extent["temporal"]["interval"]


def test_the_collections_extent_is_its_items_batch_by_batch_and_shrinks_when_items_move(
    make_collection,
):
    collection = make_collection()  # declares 9.5–17.2°E from 2021 on
    items_upsert(
        collection=collection, batch_size=1,
        stacs=[placed("west", 12.0, "2021-09-01T10:00:00Z"),
               placed("east", 13.0, "2021-09-03T10:00:00.5Z")],
    )  # fmt: skip
    assert stored_extent(collection) == (
        [[12.0, 47.0, 13.1, 47.1]],
        [["2021-09-01T10:00:00Z", "2021-09-03T10:00:00.500000Z"]],
    )
    items_upsert(collection=collection, stacs=[placed("east", 12.5, "2021-09-02T10:00:00Z")])
    assert stored_extent(collection) == (
        [[12.0, 47.0, 12.6, 47.1]],
        [["2021-09-01T10:00:00Z", "2021-09-02T10:00:00Z"]],
    )


def test_reimporting_a_collection_keeps_its_items_extent(make_collection):
    collection = make_collection()
    items_upsert(collection=collection, stacs=[placed("only", 12.0, "2021-09-01T10:00:00Z")])
    before = Collection.objects.get(pk=collection.pk).stac
    stac = read_json("stac/collection.json")
    stac["id"] = collection.stac_id
    collection, created = collection_upsert(stac=stac)
    assert not created
    assert collection.stac == before
    assert stored_extent(collection)[0] == [[12.0, 47.0, 12.1, 47.1]]
