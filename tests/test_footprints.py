"""Footprints as real catalogues write them: across the antimeridian, with defective rings,
or absent (``"geometry": null``); at ingest, in search, in the API, on pages and tiles."""

from __future__ import annotations

import copy
import json

import pytest
import requests
import shapely
from shapely.geometry import shape

from catalog_portal.catalog.ingest import InvalidStac, item_footprint_repair, items_upsert
from catalog_portal.catalog.models import Item
from tests.conftest import read_json

SENTINEL_3 = "stac-corpus/geometry/sentinel-3-antimeridian.json"
NULL_GEOMETRY = "stac-corpus/geometry/null-geometry.json"


def upsert(collection, *stacs):
    return items_upsert(collection=collection, stacs=[copy.deepcopy(s) for s in stacs])


def search_ids(client, **params) -> list[str]:
    response = client.get("/api/v1/search", params)
    assert response.status_code == 200, response.content
    return [feature["id"] for feature in response.json()["features"]]


# --- across the antimeridian ----------------------------------------------------------------


@pytest.fixture
def sentinel_3() -> dict:
    """A Planetary-Computer-like Sentinel-3 OLCI item whose swath crosses 180° (its polygon,
    read on a plane, intersects itself)."""
    stac = read_json(SENTINEL_3)
    assert not shape(stac["geometry"]).is_valid  # what made the import refuse it
    return stac


def test_a_footprint_across_the_antimeridian_is_split_not_refused(make_collection, sentinel_3):
    collection = make_collection(sentinel_3["collection"])
    report = upsert(collection, sentinel_3)
    assert not report.invalid, report.invalid
    assert report.repaired == [f"{sentinel_3['id']}: footprint split at the antimeridian"]
    item = Item.objects.get(stac_id=sentinel_3["id"])
    footprint = shape(item.geometry)
    assert footprint.geom_type == "MultiPolygon" and footprint.is_valid
    assert item.stac["geometry"] == item.geometry  # the API serves what search uses
    # The STAC bbox of a footprint across 180°: west (168°) greater than east (-170.5°).
    assert item.stac["bbox"] == [168.0, 53.5, -170.5, 70.5]
    # Both halves cover the swath, and nothing of the rest of the world.
    assert footprint.intersects(shapely.Point(179.9, 62)) and footprint.intersects(
        shapely.Point(-179.9, 62)
    )
    assert not footprint.intersects(shapely.Point(0, 62))


def test_a_split_footprint_is_found_on_either_side_of_180_degrees_only(
    client, make_collection, sentinel_3
):
    upsert(make_collection(sentinel_3["collection"]), sentinel_3)
    assert search_ids(client, bbox="179,60,179.9,61") == [sentinel_3["id"]]
    assert search_ids(client, bbox="-179.9,60,-179,61") == [sentinel_3["id"]]
    # A polygon read across the whole world would match here, on the far side of the Earth.
    assert search_ids(client, bbox="0,60,10,61") == []


def test_import_stac_reports_the_split(make_collection, sentinel_3, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    make_collection(sentinel_3["collection"])
    # Without its links to the live API, which reading it offline is another matter.
    path = tmp_path / "item.json"
    path.write_text(json.dumps({**sentinel_3, "links": []}))
    out = StringIO()
    # The collection is the portal's own (not imported), so writing into it takes --update.
    call_command("import_stac", str(path), "--update", stdout=out, stderr=StringIO(), verbosity=0)
    assert (
        f"repaired item {sentinel_3['id']}: footprint split at the antimeridian" in out.getvalue()
    )


def test_importing_a_split_footprint_again_changes_nothing(make_collection, sentinel_3):
    collection = make_collection(sentinel_3["collection"])
    upsert(collection, sentinel_3)
    again = upsert(collection, sentinel_3)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_footprint_written_past_180_degrees_is_split(make_collection):
    """Planetary Computer's Sentinel-1 RTC footprints near Fiji run to -181.36°."""
    stac = read_json("stac/item.json")
    stac["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[-178.9, -17.4], [-178.6, -16.2], [-180.9, -15.8], [-181.4, -17.4], [-178.9, -17.4]]
        ],
    }
    stac.pop("bbox")
    document, repair = item_footprint_repair(stac)
    assert repair == "split at the antimeridian"
    footprint = shape(document["geometry"])
    assert footprint.geom_type == "MultiPolygon"
    assert footprint.bounds[0] == -180 and footprint.bounds[2] == 180


# --- defective rings --------------------------------------------------------------------------


def polygon_item(coordinates) -> dict:
    stac = read_json("stac/item.json")
    stac["geometry"] = {"type": "Polygon", "coordinates": coordinates}
    return stac


def test_a_ring_with_a_spike_is_repaired_keeping_its_area(make_collection):
    spiked = [[[15.0, 47.0], [15.1, 47.0], [15.1, 47.1], [15.1, 47.15], [15.1, 47.1],
               [15.0, 47.1], [15.0, 47.0]]]  # fmt: skip
    assert not shape({"type": "Polygon", "coordinates": spiked}).is_valid
    report = upsert(make_collection(), polygon_item(spiked))
    assert not report.invalid, report.invalid
    assert report.repaired == ["S2B_33UWP_20210914_0_L2A: footprint invalid ring repaired"]
    footprint = shape(Item.objects.get().geometry)
    assert footprint.is_valid and footprint.geom_type == "Polygon"
    assert footprint.area == pytest.approx(0.01)


def test_a_bow_tie_is_refused_since_repairing_it_would_change_the_footprint():
    with pytest.raises(InvalidStac) as error:
        item_footprint_repair(polygon_item([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]))
    assert "Self-intersection" in error.value.reason
    assert "repairing it would change the footprint" in error.value.reason


def test_a_valid_footprint_is_stored_as_written(make_collection):
    stac = read_json("stac/item.json")
    report = upsert(make_collection(), stac)
    assert report.repaired == []
    assert Item.objects.get().stac["geometry"] == stac["geometry"]


# --- no footprint at all ---------------------------------------------------------------------


@pytest.fixture
def no_footprint(make_collection, make_item):
    """A collection with one item without geometry (stac-spec allows it) and one with."""
    collection = make_collection("mixed")
    make_item(collection, "with-footprint")
    stac = read_json(NULL_GEOMETRY)
    report = upsert(collection, stac)
    assert not report.invalid, report.invalid
    return collection


def test_an_item_without_geometry_is_served_with_geometry_null(client, no_footprint):
    response = client.get("/api/v1/collections/mixed/items/no-footprint-scene")
    assert response.status_code == 200
    assert response.json()["geometry"] is None
    assert "bbox" not in response.json()


def test_spatial_searches_do_not_match_an_item_without_geometry(client, no_footprint):
    assert sorted(search_ids(client, collections="mixed")) == [
        "no-footprint-scene", "with-footprint"
    ]  # fmt: skip
    assert search_ids(client, collections="mixed", bbox="-180,-90,180,90") == ["with-footprint"]
    world = {"type": "Polygon", "coordinates": [[[-180, -90], [180, -90], [180, 90],
                                                  [-180, 90], [-180, -90]]]}  # fmt: skip
    response = client.post(
        "/api/v1/search",
        {"collections": ["mixed"], "intersects": world},
        content_type="application/json",
    )
    assert [f["id"] for f in response.json()["features"]] == ["with-footprint"]


def test_the_page_of_an_item_without_geometry_says_so_instead_of_a_map(client, no_footprint):
    response = client.get("/collections/mixed/items/no-footprint-scene/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This item has no footprint" in page
    assert 'id="map"' not in page and "data-tilejson" not in page
    # An item with a footprint keeps its map.
    assert 'id="map"' in client.get("/collections/mixed/items/with-footprint/").content.decode()


def test_tiles_of_an_item_without_geometry_answer_no_footprint(portal_server, demo):
    """Its asset is a real demo COG, so only the missing footprint stands in the way."""
    sentinel_2 = next(c for c in demo if c.stac["id"] == "sentinel-2-l2a").items[0]
    stac = {**copy.deepcopy(sentinel_2), "id": "no-footprint-scene", "geometry": None}
    stac.pop("bbox")
    from catalog_portal.catalog.models import Collection

    collection = Collection.objects.get(stac_id="sentinel-2-l2a")
    assert not upsert(collection, stac).invalid
    base = f"{portal_server}/tiles/collections/sentinel-2-l2a/items/no-footprint-scene"
    for path in (
        "/preview.png?max_size=64",
        "/WebMercatorQuad/tilejson.json",
        "/tiles/WebMercatorQuad/10/560/360.png",
    ):
        response = requests.get(base + path, timeout=30)
        assert response.status_code == 404, (path, response.status_code, response.text)
        assert "no footprint" in response.json()["detail"], path
