"""Queryables worth filtering: a handful derived from the items (no ids, timestamps or
per-item values), a source API's own, and an administrator's edits."""

from __future__ import annotations

import copy
import json

import pytest

from catalog_portal.catalog.ingest import items_upsert
from catalog_portal.catalog.models import Collection
from catalog_portal.catalog.queryables import (
    MAX_FILTERS,
    InvalidQueryables,
    collection_queryables_declare,
    queryables_check,
    queryables_from_source,
)
from tests.conftest import admin_change_form, read_json

GA_ITEM = "stac-corpus/queryables/ga-ard-like-item.json"


def ga_items(count: int = 20) -> list[dict]:
    """Items like Geoscience Australia's Landsat ARD (48 properties each): per-item ids,
    titles and timestamps, measurements that differ on every item, a few shared values."""
    template = read_json(GA_ITEM)
    assert len(template["properties"]) == 48
    items = []
    for n in range(count):
        stac = copy.deepcopy(template)
        stac["id"] = f"ga-scene-{n:02d}"
        day = f"2021-03-{1 + n:02d}"
        props = stac["properties"]
        props.update(
            {
                "datetime": f"{day}T00:04:31Z",
                "title": f"ga_ls8c_ard_3-2-0_090084_{day}_final",
                "created": f"{day}T06:39:12Z",
                "odc:processing_datetime": f"{day}T06:39:12Z",
                "landsat:landsat_scene_id": f"LC8090084202107{n:d}LGN00",
                "landsat:landsat_product_id": f"LC08_L1TP_090084_202103{n:02d}_02_T1",
                "platform": ("landsat-8", "landsat-9")[n % 2],
                "landsat:collection_category": ("T1", "T2")[n % 3 == 0],
                "landsat:wrs_path": 90 + n % 2,
                "odc:region_code": ("090084", "091084")[n % 2],
                "eo:cloud_cover": 3.5 * n,
                "eo:sun_elevation": 40 + n / 3,
            }
        )
        for key in [k for k in props if k.startswith(("fmask:", "gqa:"))]:
            props[key] = round(props[key] + n / 7, 3)
        items.append(stac)
    return items


@pytest.fixture
def ga_collection(make_collection) -> Collection:
    collection = make_collection("ga_ls8c_ard_3")
    report = items_upsert(collection=collection, stacs=ga_items())
    assert not report.invalid, report.invalid
    return Collection.objects.get(pk=collection.pk)


def test_items_with_48_properties_yield_a_handful_of_filters_most_useful_first(ga_collection):
    names = list(ga_collection.queryables)
    assert 0 < len(names) <= MAX_FILTERS == 8
    ranked = [name for name, _ in queryables_ranked_of(ga_collection)]
    assert ranked[:2] == ["eo:cloud_cover", "platform"]
    assert ga_collection.queryables["platform"] == {
        "type": "string", "enum": ["landsat-8", "landsat-9"]
    }  # fmt: skip


def queryables_ranked_of(collection: Collection):
    from catalog_portal.catalog.queryables import queryables_ranked

    return queryables_ranked(collection.queryables)


def test_ids_timestamps_and_values_unique_per_item_are_not_filters(ga_collection):
    names = set(ga_collection.queryables)
    for skipped in (
        "landsat:landsat_scene_id",  # id-like name
        "landsat:landsat_product_id",
        "odc:processing_datetime",  # timestamp-like name
        "created",
        "title",  # a string unique per item
        "gsd",  # the same on every item: filters nothing
        "odc:file_format",
    ):
        assert skipped not in names, skipped


def test_a_string_of_dates_is_no_filter_whatever_its_name(make_collection):
    collection = make_collection()
    stacs = []
    for n in range(6):
        stac = read_json("stac/item.json")
        stac["id"] = f"item-{n}"
        stac["properties"]["processed"] = f"2024-01-0{1 + n % 2}T10:00:00Z"
        stac["properties"]["orbit"] = ("ascending", "descending")[n % 2]
        stacs.append(stac)
    items_upsert(collection=collection, stacs=stacs)
    collection.refresh_from_db()
    assert "processed" not in collection.queryables
    assert collection.queryables["orbit"]["enum"] == ["ascending", "descending"]


def test_a_typo_on_one_item_is_not_a_filter(make_collection):
    collection = make_collection()
    stacs = [dict(read_json("stac/item.json"), id=f"item-{n}") for n in range(10)]
    for n, stac in enumerate(stacs):
        stac["properties"] = {**stac["properties"], "eo:cloud_cover": float(n)}
    stacs[3]["properties"]["eo:cloud_covr"] = 30.0
    items_upsert(collection=collection, stacs=stacs)
    collection.refresh_from_db()
    assert "eo:cloud_covr" not in collection.queryables
    assert collection.queryables["eo:cloud_cover"]["maximum"] == 9.0


def test_the_explore_page_offers_the_most_useful_filters_first(client, ga_collection):
    page = client.get("/explore/?collection=ga_ls8c_ard_3").content.decode()
    cloud, platform = page.index('name="p.eo:cloud_cover.min"'), page.index('name="p.platform"')
    assert cloud < platform
    assert "landsat:landsat_scene_id" not in page and "odc:processing_datetime" not in page
    # Choices the scenes share come before ranges of their many quality measurements.
    assert 'name="p.landsat:collection_category"' in page and "p.gqa:" not in page


# --- a source API's queryables ------------------------------------------------------------------

# As Planetary Computer's /collections/landsat-c2-l2/queryables answers (shape; abridged).
SOURCE_QUERYABLES = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "$id": "https://planetarycomputer.example/api/stac/v1/collections/landsat-c2-l2/queryables",
    "type": "object",
    "title": "Landsat Collection 2 Level-2",
    "properties": {
        "id": {"title": "Item ID", "type": "string"},
        "datetime": {"type": "string", "title": "Acquired", "format": "date-time"},
        "geometry": {"$ref": "https://geojson.org/schema/Feature.json"},
        "eo:cloud_cover": {
            "$ref": "https://stac-extensions.github.io/eo/v1.0.0/schema.json"
            "#/definitions/fields/properties/eo:cloud_cover"
        },
        "platform": {
            "type": "string",
            "enum": ["landsat-4", "landsat-5", "landsat-7", "landsat-8", "landsat-9"],
        },  # fmt: skip
        "landsat:scene_id": {"type": "string", "title": "Scene ID"},
        "landsat:wrs_path": {"type": "string", "title": "WRS path"},
        "landsat:collection_category": {"type": "string", "enum": ["T1", "T2", "RT"]},
        "view:off_nadir": {"$ref": "https://stac-extensions.github.io/view/v1.0.0/schema.json"},
    },
    "additionalProperties": True,
}


def test_a_source_apis_queryables_are_kept_typed_without_ids(make_collection, make_item):
    kept = queryables_from_source(SOURCE_QUERYABLES)
    assert list(kept)[:2] == ["eo:cloud_cover", "platform"]
    assert {"id", "datetime", "geometry", "landsat:scene_id"}.isdisjoint(kept)
    # A field named by its extension's schema only gets its type, for the explore page.
    assert kept["eo:cloud_cover"]["type"] == "number"
    assert kept["eo:cloud_cover"]["$ref"].endswith("eo:cloud_cover")
    collection = make_collection("landsat-c2-l2")
    collection_queryables_declare(collection=collection, queryables=kept, source="source")
    make_item(collection, "another-item")  # writing items keeps the source's queryables
    collection.refresh_from_db()
    assert collection.queryables == kept
    assert collection.queryables_source == Collection.QueryablesSource.SOURCE


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "a JSON object"),
        ({"properties": []}, "a JSON object of property schemas"),
        ({"eo:cloud_cover": "number"}, "the schema of 'eo:cloud_cover' is a JSON object"),
        ({"eo:cloud_cover": {"type": "float"}}, "not a JSON Schema type"),
        ({"eo:cloud_cover": {"minimum": 100, "maximum": 0}}, "above its maximum"),
        ({"platform": {"enum": "landsat-8"}}, "a non-empty list"),
        ({f"p{n}": {} for n in range(101)}, "at most 100"),
    ],
)
def test_malformed_queryables_are_refused_with_the_reason(document, message):
    with pytest.raises(InvalidQueryables) as error:
        queryables_check(document)
    assert message in str(error.value)


# --- administrators edit them ---------------------------------------------------------------


def test_an_administrator_edits_a_collections_queryables_and_they_are_kept(
    client, alice, ga_collection
):
    client.force_login(alice)
    url = f"/admin/catalog/collection/{ga_collection.pk}/change/"
    data = admin_change_form(client, url)
    edited = {"eo:cloud_cover": {"type": "number", "minimum": 0, "maximum": 100}}
    data["queryables"] = json.dumps(edited)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    collection = Collection.objects.get(pk=ga_collection.pk)
    assert collection.queryables == edited
    assert collection.queryables_source == Collection.QueryablesSource.ADMIN
    items_upsert(collection=collection, stacs=ga_items(3)[2:])
    assert Collection.objects.get(pk=ga_collection.pk).queryables == edited
    schema = client.get("/api/v1/collections/ga_ls8c_ard_3/queryables").json()
    assert set(schema["properties"]) == {
        "id",
        "collection",
        "geometry",
        "datetime",
        "eo:cloud_cover",
    }


def test_malformed_queryables_are_refused_in_the_admin_with_a_message(client, alice, ga_collection):
    client.force_login(alice)
    url = f"/admin/catalog/collection/{ga_collection.pk}/change/"
    before = Collection.objects.get(pk=ga_collection.pk).queryables
    for text, message in [
        ('{"eo:cloud_cover": "number"}', "Not usable as queryables: the schema of"),
        ('{"eo:cloud_cover": {"type": ', "Enter a valid JSON"),
    ]:
        data = {**admin_change_form(client, url), "queryables": text}
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in str(response.context["adminform"].form.errors["queryables"])
    assert Collection.objects.get(pk=ga_collection.pk).queryables == before


def test_choosing_derived_queryables_again_in_the_admin_derives_them(client, alice, ga_collection):
    derived = ga_collection.queryables
    collection_queryables_declare(
        collection=ga_collection, queryables={"gsd": {"type": "number"}}, source="admin"
    )
    client.force_login(alice)
    url = f"/admin/catalog/collection/{ga_collection.pk}/change/"
    response = client.post(url, {**admin_change_form(client, url), "queryables_source": "items"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    collection = Collection.objects.get(pk=ga_collection.pk)
    assert collection.queryables == derived
    assert collection.queryables_source == Collection.QueryablesSource.ITEMS
